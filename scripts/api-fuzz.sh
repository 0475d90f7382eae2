#!/usr/bin/env bash
# Schema-based fuzzing of the Los JSON API with schemathesis.
#
#   api-fuzz.sh PATH/TO/los
#
# Starts `los serve --demo` on a fresh SQLite database in a temporary directory on a free loopback port,
# creates API tokens for demo users, and runs schemathesis against /api/v1/openapi.json with the checks
# not_a_server_error, status_code_conformance, content_type_conformance and response_schema_conformance:
# the OpenAPI document must describe every status, content type and body the API really returns.
# Exits non-zero when any check fails (or the server dies), after printing a grouped summary. Full
# schemathesis output, JUnit/NDJSON reports and the server log are kept in $LOS_FUZZ_OUT.
#
# Settings (environment):
#   LOS_FUZZ_VENV          venv for schemathesis, created when missing   [target/schemathesis-venv]
#   LOS_FUZZ_OUT           reports and logs                              [target/api-fuzz]
#   LOS_FUZZ_USERS         demo users, one schemathesis pass each        [barnevern hilde admin]
#   LOS_FUZZ_MAX_EXAMPLES  test cases per operation (coverage, fuzzing)  [50]
#   LOS_FUZZ_STATEFUL_EXAMPLES  stateful scenarios (linked calls)        [20]
#   LOS_FUZZ_SEED          seed, for reproducible runs                   [20261205]
#   LOS_FUZZ_WORKERS       concurrent schemathesis workers               [2]
#   LOS_FUZZ_PASS_TIMEOUT  hard limit in seconds for one pass            [420]
#   LOS_FUZZ_MAX_TIME      if set: a time budget in seconds per pass instead of a fixed amount of work
#                          (schemathesis keeps fuzzing until it is spent; not reproducible)
#   LOS_FUZZ_VERBOSE=1     stream schemathesis's full output instead of only its summary
set -euo pipefail

SCHEMATHESIS_VERSION="4.32.5"

if [ $# -lt 1 ]; then
  echo "usage: $0 PATH/TO/los" >&2
  exit 2
fi
LOS_BIN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
if [ ! -x "$LOS_BIN" ]; then
  echo "api-fuzz: $1 is not an executable los binary" >&2
  exit 2
fi

VENV="${LOS_FUZZ_VENV:-target/schemathesis-venv}"
OUT="${LOS_FUZZ_OUT:-target/api-fuzz}"
USERS="${LOS_FUZZ_USERS:-barnevern hilde admin}"
MAX_EXAMPLES="${LOS_FUZZ_MAX_EXAMPLES:-50}"
SEED="${LOS_FUZZ_SEED:-20261205}"
WORKERS="${LOS_FUZZ_WORKERS:-2}"
STATEFUL_EXAMPLES="${LOS_FUZZ_STATEFUL_EXAMPLES:-20}"
# The work of a pass is fixed (examples per operation); the limit only stops a hung pass. 111 operations
# (issue 13 added 19) took 175 s as barnevern on a 2-core machine (11,121 requests), so the limit leaves room.
PASS_TIMEOUT="${LOS_FUZZ_PASS_TIMEOUT:-420}"
MAX_TIME="${LOS_FUZZ_MAX_TIME:-}"
CHECKS="not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"

started=$(date +%s)

# --- schemathesis, pinned, in its own venv (created only when missing or another version) ------------
if [ "$("$VENV/bin/schemathesis" --version 2>/dev/null || true)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]; then
  echo "== installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    echo "api-fuzz: python3 cannot create a venv; install python3-venv (Debian/Ubuntu)" >&2
    exit 2
  fi
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
VENV="$(cd "$VENV" && pwd)"
"$VENV/bin/schemathesis" --version

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
for user in $USERS; do rm -rf "${OUT:?}/$user"; done
# An explicit configuration file, so that no schemathesis.toml lying around is picked up. The stateful
# phase's length depends on the IDs the server hands out; it gets fewer scenarios to keep the run short.
printf '[phases.stateful.generation]\nmax-examples = %s\n' "$STATEFUL_EXAMPLES" >"$OUT/schemathesis.toml"

# --- a demo server on a fresh database, one per pass -------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/los-api-fuzz.XXXXXX")"
SERVER_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "$SERVER_PID" ]; then wait "$SERVER_PID" 2>/dev/null || true; fi
  SERVER_PID=""
}
cleanup() {
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Flags win over the environment, and no configuration file is read: the CI's own settings stay out.
# `exec`, so that the PID of `los serve ... &` is the server's own and stopping it really stops it.
los() { exec env -u LOS_CONFIG -u LOS_LISTEN -u LOS_DEMO "$LOS_BIN" --database "sqlite://$DB_DIR/los.sqlite" --log-format json "$@"; }

# start_server NAME: `los serve --demo` on a new database in $WORK/NAME and a free port; sets BASE.
start_server() {
  DB_DIR="$WORK/$1"
  SERVER_LOG="$OUT/$1/server.log"
  mkdir -p "$DB_DIR" "$OUT/$1"
  (los serve --demo --listen 127.0.0.1:0) >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  BASE=""
  for _ in $(seq 1 600); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "api-fuzz: the server exited during start-up; its log:" >&2
      cat "$SERVER_LOG" >&2
      exit 1
    fi
    addr=$(grep -o 'serving on http://127\.0\.0\.1:[0-9]*' "$SERVER_LOG" | head -n1 | sed 's#.*http://##' || true)
    if [ -n "$addr" ]; then BASE="http://$addr"; break; fi
    sleep 0.1
  done
  if [ -z "$BASE" ]; then
    echo "api-fuzz: the server did not start within 60 s; its log:" >&2
    cat "$SERVER_LOG" >&2
    exit 1
  fi
  python3 - "$BASE/health" <<'EOF'
import json, sys, time, urllib.request
deadline = time.monotonic() + 30
while True:
    try:
        with urllib.request.urlopen(sys.argv[1], timeout=5) as r:
            if json.load(r).get("status") == "ok":
                break
    except Exception as e:  # noqa: BLE001
        if time.monotonic() > deadline:
            sys.exit(f"api-fuzz: {sys.argv[1]} did not answer ok: {e}")
    time.sleep(0.2)
EOF
}

# --- one schemathesis pass per user, each on its own fresh server ----------------------------------
status=0
passes=""
for user in $USERS; do
  dir="$OUT/$user"
  start_server "$user"
  if ! token=$( (los token create --user "$user" --label api-fuzz --days 1) 2>>"$dir/token.log"); then
    echo "api-fuzz: cannot create a token for $user:" >&2
    cat "$dir/token.log" >&2
    exit 1
  fi
  args=(--config-file "$OUT/schemathesis.toml" run "$BASE/api/v1/openapi.json"
    --header "Authorization: Bearer $token"
    --checks "$CHECKS"
    --max-examples "$MAX_EXAMPLES"
    --seed "$SEED"
    --workers "$WORKERS"
    --request-timeout 20
    --generation-database none
    --suppress-health-check all
    --continue-on-failure
    --no-color
    --report junit,ndjson --report-dir "$dir"
    --report-junit-path "$dir/junit.xml" --report-ndjson-path "$dir/events.ndjson")
  if [ -n "$MAX_TIME" ]; then args+=(--max-time "$MAX_TIME"); fi
  # Run in the pass's own directory: schemathesis and hypothesis keep caches (.schemathesis, .hypothesis) in
  # the working directory, and stored crashes must not leak into the next run.
  echo
  echo "== schemathesis as $user on $BASE (seed $SEED, $MAX_EXAMPLES examples per operation, $STATEFUL_EXAMPLES stateful, limit ${PASS_TIMEOUT}s)"
  pass_start=$(date +%s)
  rc=0
  if [ "${LOS_FUZZ_VERBOSE:-}" = "1" ]; then
    (cd "$dir" && exec timeout --kill-after=10 "$PASS_TIMEOUT" "$VENV/bin/schemathesis" "${args[@]}") </dev/null 2>&1 | tee "$dir/schemathesis.log" || rc=${PIPESTATUS[0]}
  else
    (cd "$dir" && exec timeout --kill-after=10 "$PASS_TIMEOUT" "$VENV/bin/schemathesis" "${args[@]}") </dev/null >"$dir/schemathesis.log" 2>&1 || rc=$?
    # schemathesis's own summary: the last section of its output (or the end of it, if it stopped early).
    if grep -q '=* SUMMARY =*' "$dir/schemathesis.log"; then
      sed -n '/=* SUMMARY =*/,$p' "$dir/schemathesis.log" | sed '/^Reports:/,/^$/d'
    else
      tail -n 30 "$dir/schemathesis.log"
    fi
  fi
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    echo "api-fuzz: the pass as $user did not finish within ${PASS_TIMEOUT}s (LOS_FUZZ_PASS_TIMEOUT)" >&2
  fi
  echo "-- pass as $user: exit $rc in $(( $(date +%s) - pass_start ))s; full output in $dir/schemathesis.log"
  "$VENV/bin/python" - "$dir/events.ndjson" "$dir/failures.txt" <<'EOF' || echo "api-fuzz: could not summarise $dir/events.ndjson" >&2
# Groups the failures of one pass by check, response status, content type and (for schema violations)
# the place in the schema, naming the operations and one reproducing curl command per group. Every
# operation's own failures go to failures.txt.
import base64, collections, json, shlex, sys

path, details = sys.argv[1], sys.argv[2]
per_op = collections.OrderedDict()  # (check, code, status, ctype, where, operation) -> info
errors = []
requests = 0
try:
    lines = open(path, encoding="utf-8").read().splitlines()
except OSError:
    lines = []
for line in lines:
    try:
        event = json.loads(line)
    except ValueError:
        continue  # a pass cut short may leave a partial last line
    if "NonFatalError" in event:
        info = event["NonFatalError"].get("info", {})
        errors.append(f'{event["NonFatalError"].get("label", "?")}: {info.get("title", "")} {info.get("message", "")}')
        continue
    finished = event.get("ScenarioFinished")
    if not finished:
        continue
    rec = finished.get("recorder", {})
    interactions = rec.get("interactions", {})
    requests += len(interactions)
    for case_id, checks in rec.get("checks", {}).items():
        for check in checks:
            if check.get("status") != "failure":
                continue
            failure = check.get("failure_info", {}).get("failure", {})
            inter = interactions.get(case_id) or {}
            response = inter.get("response") or {}
            case = rec.get("cases", {}).get(case_id, {}).get("value", {})
            op = f'{case["method"]} {case["path"]}' if "method" in case else rec.get("label", "?")
            ctype = response.get("headers", {}).get("content-type", ["-"])[0].split(";")[0]
            where = ""
            if failure.get("type") == "JsonSchemaError":
                where = "/".join(str(p) for p in failure.get("schema_path", []))
            key = (check["name"], failure.get("code", ""), response.get("status_code"), ctype, where, op)
            g = per_op.setdefault(key, {"cases": set(), "message": failure.get("message", ""), "request": inter.get("request")})
            g["cases"].add(case_id)


def curl(req):
    if not req:
        return "(no request recorded)"
    parts = ["curl", "-i", "-X", req["method"]]
    for name, values in req.get("headers", {}).items():
        for v in values:
            parts += ["-H", "Authorization: Bearer $TOKEN" if name.lower() == "authorization" else f"{name}: {v}"]
    body = req.get("body")
    if body:
        raw = base64.b64decode(body["$base64"]) if isinstance(body, dict) and "$base64" in body else str(body).encode()
        try:
            parts += ["--data-binary", raw.decode("utf-8")]
        except UnicodeDecodeError:
            parts += ["--data-binary", "(binary, base64: " + base64.b64encode(raw).decode() + ")"]
    parts.append(req["uri"])
    cmd = " ".join(shlex.quote(p) for p in parts)
    return cmd.replace("'Authorization: Bearer $TOKEN'", '"Authorization: Bearer $TOKEN"')


def one_line(text, n):
    text = " ".join(str(text).split())
    text = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)
    return text if len(text) <= n else text[: n - 1] + "…"


groups = collections.OrderedDict()
for (name, code, status, ctype, where, op), g in per_op.items():
    groups.setdefault((name, code, status, ctype, where), []).append((op, g))
total = sum(len(g["cases"]) for g in per_op.values())
print(f"   {requests} requests; {total} failing checks: {len(per_op)} distinct (check, operation, status, content type) in {len(groups)} groups")
for (name, code, status, ctype, where), ops in sorted(groups.items(), key=lambda kv: (kv[0][1], str(kv[0][2]), kv[0][3], kv[0][4])):
    n = sum(len(g["cases"]) for _, g in ops)
    op, g = min(ops, key=lambda o: len(curl(o[1]["request"])))
    msg = one_line(g["message"], 160)
    if where:
        msg = f"at {where}: {msg}"
    print(f"   {code} {name}: {status} {ctype}, {len(ops)} operation(s), {n} case(s): {msg}")
    print(f"       {one_line(', '.join(sorted(o for o, _ in ops)), 400)}")
    print(f"       e.g. {one_line(curl(g['request']), 400)}")
for e in dict.fromkeys(errors):
    print(f"   error: {one_line(e, 300)}")
with open(details, "w", encoding="utf-8") as f:
    for (name, code, status, ctype, where, op), g in sorted(per_op.items(), key=lambda kv: (kv[0][5], kv[0][1], str(kv[0][2]))):
        f.write(f"{op} | {code} {name} | {status} {ctype} | {len(g['cases'])} case(s)\n")
        f.write("    " + g["message"].replace("\n", "\n    ").rstrip() + "\n")
        f.write(f"    {curl(g['request'])}\n\n")
if per_op:
    print(f"   every failure, by operation: {details}")
EOF
  # The server must have survived the pass; errors it logged (5xx causes) are worth a look.
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "api-fuzz: the server died during the pass as $user; the end of its log:" >&2
    tail -n 40 "$SERVER_LOG" >&2
    if [ "$rc" = 0 ]; then rc=1; fi
  fi
  stop_server
  logged=$(grep -c '"level":"ERROR"' "$SERVER_LOG" || true)
  if [ "$logged" != 0 ]; then
    echo "   server log: $logged ERROR lines ($SERVER_LOG), e.g.:"
    grep '"level":"ERROR"' "$SERVER_LOG" | sed -e 's/.*"fields":{//' -e 's/},"target".*//' | sort | uniq -c | sort -rn | head -n 5 | cut -c1-300 | sed 's/^/     /'
  fi
  if [ "$rc" != 0 ] && [ "$status" = 0 ]; then status=$rc; fi
  passes="$passes $user=$rc"
done

echo
echo "== api-fuzz:${passes} (schemathesis exit status per user); $(( $(date +%s) - started ))s in total; reports in $OUT"
if [ "$status" != 0 ]; then
  echo "== api-fuzz FAILED: the API answered with a 5xx, or with a status, content type or body its OpenAPI document does not describe"
fi
exit "$status"
