#!/usr/bin/env bash
# Re-vendor the front-end assets of Los from the npm registry.
#
# For maintainers only: the build never runs this, and `cargo run` never
# needs npm. It installs pinned package versions into a throw-away temp
# directory, copies the built files into the repo and rewrites them so that
# nothing is loaded from off-site or from data: URLs (the app's CSP is
# `default-src 'self'`). See crates/web/assets/VENDORED.md.
#
# Needs: bash, node + npm, sha256sum. Usage: scripts/vendor-assets.sh
# To upgrade: change a version below, run, review `git diff`, update VENDORED.md.
set -euo pipefail

DS_CSS_VERSION=1.22.0   # @digdir/designsystemet-css (components + default theme)
INTER_VERSION=5.3.0     # @fontsource/inter (Inter woff2 files)
HTMX_VERSION=2.0.11     # htmx.org, stay on 2.0.x
AXE_VERSION=4.14.1      # axe-core, stay on 4.x

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ASSETS="$ROOT/crates/web/assets"
E2E="$ROOT/tests/e2e"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/los-vendor.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

echo ">> npm install into $TMP"
(
  cd "$TMP"
  npm init -y >/dev/null
  npm install --ignore-scripts --no-audit --no-fund --save-exact \
    "@digdir/designsystemet-css@$DS_CSS_VERSION" \
    "@fontsource/inter@$INTER_VERSION" \
    "htmx.org@$HTMX_VERSION" \
    "axe-core@$AXE_VERSION" >/dev/null
)
NM="$TMP/node_modules"

mkdir -p "$ASSETS/fonts" "$ASSETS/icons" "$ASSETS/licenses" "$E2E"
rm -f "$ASSETS"/icons/*.svg "$ASSETS"/fonts/inter-*.woff2

echo ">> designsystemet.css, theme.css, icons/, fonts/, fonts.css"
ASSETS="$ASSETS" NM="$NM" DS_CSS_VERSION="$DS_CSS_VERSION" INTER_VERSION="$INTER_VERSION" node - <<'NODE'
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { ASSETS, NM, DS_CSS_VERSION, INTER_VERSION } = process.env;
const ds = path.join(NM, '@digdir/designsystemet-css');

// Component CSS: the package's "." export (dist/src/index.css).
// Its icons are inline data:image/svg+xml URLs, which `default-src 'self'`
// blocks (img-src falls back to 'self'); write each one to icons/*.svg.
let css = fs.readFileSync(path.join(ds, 'dist/src/index.css'), 'utf8');
const used = new Map();
// Both forms occur: url("data:...,%3Csvg...") and url('data:...,<svg ...>').
css = css.replace(/url\((["'])data:image\/svg\+xml(?:;charset=utf-8)?,(.*?)\1\)/g, (m, q, data, offset) => {
  const svg = /%[0-9A-Fa-f]{2}/.test(data) ? decodeURIComponent(data) : data;
  const hash = crypto.createHash('sha256').update(svg).digest('hex').slice(0, 8);
  const before = css.slice(Math.max(0, offset - 80), offset);
  const prop = /--dsc?-([a-z0-9-]+?)(?:-url)?:\s*$/.exec(before);
  const name = `${prop ? prop[1] : 'icon'}-${hash}.svg`;
  if (!used.has(name)) {
    fs.writeFileSync(path.join(ASSETS, 'icons', name), svg + '\n');
    used.set(name, true);
  }
  return `url("/assets/icons/${name}")`;
});
const leftover = css.match(/url\((?!"\/assets\/)[^)]*\)/g);
if (leftover) { console.error('unexpected url() left:', leftover); process.exit(1); }
fs.writeFileSync(path.join(ASSETS, 'designsystemet.css'),
  `/*! @digdir/designsystemet-css ${DS_CSS_VERSION} dist/src/index.css, MIT, (c) Digitaliseringsdirektoratet (Digdir).\n` +
  ` * Vendored for Los: data: icon URLs moved to /assets/icons/. See VENDORED.md. */\n` + css + '\n');

// Theme tokens: the package's "./theme" export (default Designsystemet theme).
const theme = fs.readFileSync(path.join(ds, 'dist/theme/designsystemet.css'), 'utf8');
if (/url\(/.test(theme)) { console.error('theme.css has url(): review it'); process.exit(1); }
fs.writeFileSync(path.join(ASSETS, 'theme.css'),
  `/*! @digdir/designsystemet-css ${DS_CSS_VERSION} dist/theme/designsystemet.css (default theme), MIT, (c) Digdir. See VENDORED.md. */\n` +
  theme + '\n');

// Inter: the theme says --ds-font-family: Inter but ships no @font-face.
// Take fontsource's own @font-face rules (latin + latin-ext, 400/500/600,
// normal), keep the woff2 source only and point it at /assets/fonts/.
const inter = path.join(NM, '@fontsource/inter');
let faces = '';
for (const subset of ['latin', 'latin-ext']) {
  for (const weight of [400, 500, 600]) {
    // ${weight}.css has one block per subset, each with its unicode-range.
    const all = fs.readFileSync(path.join(inter, `${weight}.css`), 'utf8');
    const head = `/* inter-${subset}-${weight}-normal */`;
    const start = all.indexOf(head);
    if (start < 0) { console.error('no ' + head); process.exit(1); }
    let f = all.slice(start, all.indexOf('}', start) + 1);
    if (!/unicode-range/.test(f)) { console.error('no unicode-range in ' + head); process.exit(1); }
    f = f.replace(/src:[^;]*;/, (src) => {
      const file = /\.\/files\/([^)]*\.woff2)/.exec(src)[1];
      fs.copyFileSync(path.join(inter, 'files', file), path.join(ASSETS, 'fonts', file));
      return `src: url(/assets/fonts/${file}) format('woff2');`;
    });
    faces += f.trim() + '\n\n';
  }
}
fs.writeFileSync(path.join(ASSETS, 'fonts.css'),
  `/*! Inter from @fontsource/inter ${INTER_VERSION}, SIL Open Font License 1.1 (see /assets/licenses/inter-OFL-1.1.txt).\n` +
  ` * Generated by scripts/vendor-assets.sh; see VENDORED.md. */\n\n` + faces +
  `/* Designsystemet sets --ds-font-family but never applies it; do it here. */\n` +
  `@layer ds.base {\n  body {\n    font-family: var(--ds-font-family), system-ui, sans-serif;\n  }\n}\n`);
console.log(`   icons: ${used.size} files`);
NODE

echo ">> htmx.min.js, axe.min.js, licences"
cp "$NM/htmx.org/dist/htmx.min.js" "$ASSETS/htmx.min.js"
cp "$NM/axe-core/axe.min.js" "$E2E/axe.min.js"
cp "$NM/@digdir/designsystemet-css/LICENSE" "$ASSETS/licenses/designsystemet-css-MIT.txt"
cp "$NM/@fontsource/inter/LICENSE" "$ASSETS/licenses/inter-OFL-1.1.txt"
cp "$NM/htmx.org/LICENSE" "$ASSETS/licenses/htmx-0BSD.txt"

echo ">> check: no off-site url() in vendored CSS"
if grep -Eno 'url\(["'"'"']?(https?:)?//' "$ASSETS"/*.css; then
  echo "ERROR: off-site url() found" >&2
  exit 1
fi
if grep -no 'url(["'"'"']\?data:' "$ASSETS"/*.css; then
  echo "ERROR: data: url() found" >&2
  exit 1
fi

echo ">> installed versions"
for p in @digdir/designsystemet-css @fontsource/inter htmx.org axe-core; do
  printf '   %s %s\n' "$p" "$(node -p "require('$NM/$p/package.json').version")"
done
echo ">> sizes (bytes) and sha256"
cd "$ROOT"
for f in crates/web/assets/designsystemet.css crates/web/assets/theme.css \
         crates/web/assets/fonts.css crates/web/assets/htmx.min.js \
         crates/web/assets/fonts/*.woff2 tests/e2e/axe.min.js; do
  printf '   %8d  %s  %s\n' "$(wc -c <"$f")" "$(sha256sum "$f" | cut -c1-16)" "$f"
done
printf '   %8d  icons/ total (%d files)\n' \
  "$(cat crates/web/assets/icons/*.svg | wc -c)" "$(ls crates/web/assets/icons/*.svg | wc -l)"
