// A real OpenID Connect provider for heard's single sign-on test (tests/oidc.rs):
// oidc-provider from npm on 127.0.0.1, one confidential client, PKCE required, and a few
// test accounts with `email`, `name` and a `groups` claim (in the ID token, as Entra ID
// puts them). Its only interaction signs in the account named by the authorisation
// request's `login_hint` (the test adds it) — no form, no dev interactions — and grants
// the scopes asked for.
//
//   node provider.mjs --client-id ID --client-secret SECRET --redirect-uri URL [--port N] [--alg RS256|ES256]
//
// Prints `listening <issuer>` once it serves; stops on SIGTERM or when stdin closes.

import http from 'node:http';
import { parseArgs } from 'node:util';
import { generateKeyPair, exportJWK } from 'jose';
import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string' },
    alg: { type: 'string', default: 'RS256' },
  },
});
for (const required of ['client-id', 'client-secret', 'redirect-uri']) {
  if (!args[required]) {
    console.error(`--${required} is required`);
    process.exit(2);
  }
}

// The test accounts: who they are and the groups their council directory puts them in.
const ACCOUNTS = {
  alice: { email: 'alice@council.example', name: 'Alice Agent', groups: ['all-staff', 'heard-agents'] },
  lena: { email: 'lena@council.example', name: 'Lena Lights', groups: ['all-staff', 'street-lighting-officers'] },
  bob: { email: 'bob@council.example', name: 'Bob Nobody', groups: ['all-staff', 'finance'] },
  // Has a heard account with a password already (the test makes it): single sign-on
  // must find that account and leave its password alone.
  pat: { email: 'Pat.Local@Council.Example', name: 'Pat Both', groups: ['heard-managers'] },
};

const server = http.createServer();
await new Promise((resolve) => server.listen(Number(args.port), '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

async function signingKey(alg, kid) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
}

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: args['client-id'],
      client_secret: args['client-secret'],
      redirect_uris: [args['redirect-uri']],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: args.alg,
    },
  ],
  jwks: { keys: [await signingKey('RS256', 'rs-1'), await signingKey('ES256', 'es-1')] },
  cookies: { keys: ['heard-oidc-test-cookie-key'] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  // Claims go in the ID token, as Entra ID sends them (heard reads no userinfo).
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub', 'groups'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  async findAccount(ctx, sub) {
    const account = ACCOUNTS[sub];
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, email: account.email, email_verified: true, name: account.name, groups: account.groups };
      },
    };
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { AuthorizationCode: 120, Interaction: 300, Session: 600, Grant: 600, AccessToken: 300, IdToken: 300 },
});
provider.on('server_error', (ctx, err) => console.error('provider error:', err));

// The only interaction: sign in the account named by `login_hint`, grant what was asked.
async function interaction(req, res) {
  try {
    const details = await provider.interactionDetails(req, res);
    const accountId = details.params.login_hint || process.env.OIDC_TEST_ACCOUNT;
    if (!ACCOUNTS[accountId]) {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'no such test account' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  } catch (err) {
    console.error('interaction failed:', err);
    res.statusCode = 400;
    res.end(String(err));
  }
}

const callback = provider.callback();
server.on('request', (req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res);
  } else {
    callback(req, res);
  }
});

console.log(`listening ${issuer}`);

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
