// A real OpenID provider (oidc-provider) on loopback for Los's log-in tests (tests/http/oidc.rs).
//
// Configured by environment variables the test sets:
//   LOS_OIDC_PORT            port to listen on (127.0.0.1)
//   LOS_OIDC_CLIENT_ID, LOS_OIDC_CLIENT_SECRET
//   LOS_OIDC_REDIRECT_URIS   comma-separated redirect URIs of Los's callback
//   LOS_OIDC_POST_LOGOUT     post-logout redirect URI (optional)
//   LOS_OIDC_ACCOUNTS        JSON: { "<login_hint>": { "acr": "...", "claims": { "pid": "...", ... } } }
//   LOS_OIDC_CLOCK_SKEW      seconds this provider's clock runs behind (tokens it issues are then already
//                            expired when Los checks them: a real expired token, not a mock)
//
// The interaction logs in the account named by the authorization request's `login_hint` (the HTTP tests
// add it to the URL Los redirects to) with that account's `acr`, and grants the requested scopes. Without a
// hint it shows a log-in form asking for the account's name (the browser tests fill it in, as a person
// would at ID-porten or Entra ID). PKCE (S256) is required. Prints "ready <port>" once listening.
import http from 'node:http';
import Provider from 'oidc-provider';

const skew = Number(process.env.LOS_OIDC_CLOCK_SKEW || 0) * 1000;
if (skew) {
  const realNow = Date.now;
  Date.now = () => realNow() - skew;
}

const port = Number(process.env.LOS_OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.LOS_OIDC_ACCOUNTS || '{}');
const redirectUris = (process.env.LOS_OIDC_REDIRECT_URIS || '').split(',').filter(Boolean);
const postLogout = process.env.LOS_OIDC_POST_LOGOUT;

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.LOS_OIDC_CLIENT_ID,
    client_secret: process.env.LOS_OIDC_CLIENT_SECRET,
    redirect_uris: redirectUris,
    post_logout_redirect_uris: postLogout ? [postLogout] : [],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
    // Makes the provider put `sid` in the ID token (as ID-porten does).
    backchannel_logout_uri: `${redirectUris[0] || issuer}`.replace(/\/callback$/, '/backchannel'),
    backchannel_logout_session_required: true,
  }],
  pkce: { required: () => true },
  acrValues: ['idporten-loa-substantial', 'idporten-loa-high'],
  claims: { openid: ['sub', 'pid', 'employee_id', 'hpr_number', 'email'] },
  // Claims in the ID token itself, as ID-porten and Entra ID send them.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true },
    backchannelLogout: { enabled: true },
  },
  cookies: { keys: ['los-test-cookie-key'] },
  // Interaction, session and grant outlive LOS_OIDC_CLOCK_SKEW by far (their cookies expire by the real clock).
  ttl: { IdToken: 60, AccessToken: 60, AuthorizationCode: 60, Interaction: 3600, Session: 86400, Grant: 86400 },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = accounts[sub];
    if (!account) return undefined;
    return { accountId: sub, async claims() { return { sub, ...(account.claims || {}) }; } };
  },
});
provider.proxy = false;

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session, grantId } = details;
  let result;
  if (prompt.name === 'login') {
    let hint = params.login_hint;
    if (!hint) {
      if (req.method !== 'POST') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><html lang="en"><head><title>Test provider: log in</title></head><body><main>
<h1>Log in</h1><form method="post" action="/interaction/${details.uid}">
<label for="account">Account</label> <input id="account" name="account" autocomplete="off">
<button id="provider-login" type="submit">Log in</button></form></main></body></html>`);
        return;
      }
      hint = new URLSearchParams(await body(req)).get('account') || '';
    }
    if (!accounts[hint]) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`unknown login_hint ${hint}`);
      return;
    }
    result = { login: { accountId: hint, acr: accounts[hint].acr || 'idporten-loa-high', amr: ['pwd'] } };
  } else {
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    result = { consent: { grantId: await grant.save() } };
  }
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
}

function body(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk) => { data += chunk; if (data.length > 10000) req.destroy(); });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

const callback = provider.callback();
const server = http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((e) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e));
    });
  } else {
    callback(req, res);
  }
});
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
