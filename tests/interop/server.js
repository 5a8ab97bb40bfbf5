// Interop test server for tokn: oidc-provider (the certified OpenID Connect /
// OAuth 2.0 server) on 127.0.0.1, driven by tests/cli/interop.rs.
//
//   node tests/interop/server.js [--port N] [--material DIR]
//                                [--tls-cert cert.pem --tls-key key.pem] [--ignore-stdin]
//
// It listens on 127.0.0.1 only (port 0, the default, lets the OS choose), and prints
// one line `listening PORT` on stdout once it accepts requests; nothing else goes to
// stdout. Errors and unexpected provider messages go to stderr. The issuer is
// http://127.0.0.1:PORT, or https://… with --tls-cert/--tls-key.
//
// It exits when its standard input closes, so the test binary that spawned it with a
// piped stdin takes it down when it exits, even when a test fails or panics. Pass
// --ignore-stdin to run it by hand in the background (then stop it with kill PID).
//
// --material DIR names the test keys and certificates that tests/cli/interop_material.rs
// makes with openssl (rsa.pem, ec256.pem, ec384.pem, ed25519.pem, ci.pem, client-ca.pem,
// self-signed.crt, self-signed-expired.crt; the tests keep the private keys and every
// other encoding). Without it the clients marked (M) below are not registered and the
// HTTPS server asks for no client certificate. With it and TLS, the server asks every
// client for a certificate (requestCert) but lets the handshake succeed without one or
// with an untrusted one (rejectUnauthorized: false); client-ca.pem is the CA that
// tls_client_auth certificates must chain to.
//
// Clients (secrets are the tests' constants in tests/cli/interop.rs):
//   basic-client        client_secret_basic, secret with : + % / & and a space; client_credentials
//   post-client         client_secret_post, secret with the same characters; a Basic header
//                       from it is refused with 401 invalid_client (strict servers do that)
//   scoped-client       client_secret_basic, allowed scopes "read write admin"; client_credentials
//   grant-client        client_secret_basic; client_credentials, refresh_token, password,
//                       jwt-bearer, token-exchange, device_code
//   jwt-secret-client   client_secret_jwt (HS256/384/512 keyed with its 64-byte secret); the
//                       same grants as grant-client
//   bound-client        client_secret_basic and tls_client_certificate_bound_access_tokens:
//                       needs a client certificate too; its tokens carry cnf.x5t#S256
//   introspector        client_secret_basic; may introspect every token (others only their own)
//   public-app          none (public), native: authorization_code with PKCE (S256),
//                       device_code, refresh_token; redirect URIs http://127.0.0.1/callback and
//                       http://127.0.0.1/oauth/callback on any port (RFC 8252 §7.3)
//   confidential-app    client_secret_basic, otherwise as public-app
//   short-app           as public-app, but its access tokens live 2 seconds
//   jwt-rsa-client      (M) private_key_jwt, rsa.pem's key as kid rsa-1 (RS/PS 256/384/512)
//   jwt-ec-client       (M) private_key_jwt, ec256.pem as kid ec256-1 (ES256)
//   jwt-p384-client     (M) private_key_jwt, ec384.pem as kid ec384-1 (ES384)
//   jwt-ed25519-client  (M) private_key_jwt, ed25519.pem as kid ed25519-1 (EdDSA)
//   tls-client          (M) tls_client_auth: a certificate from client-ca.pem with the subject
//                       DN "CN=tokn-tls-client,O=tokn-interop"
//   self-signed-client  (M) self_signed_tls_client_auth: self-signed.crt (kid self-signed-1) and
//                       self-signed-expired.crt (kid self-signed-expired) in its JWKS (x5c); an
//                       expired certificate is refused with 401 invalid_client
//   assertion-app       (M) none; jwt-bearer only; the four keys above in its JWKS. A jwt-bearer
//                       request that names no client (no client_id, Basic header or client
//                       assertion) is taken as coming from assertion-app
// Every jwt-* client, tls-client and self-signed-client has grant-client's grants. Client
// assertions: every signing algorithm above; aud = the issuer or the URL the request went to
// (the token endpoint or its mTLS alias); a replayed jti is refused (oidc-provider's
// replay detection); a kid that names no registered key is refused.
//
// The test user: tokn-user, password "pa55 w:rd+%&/" (login page and password grant).
//
// Grants added with registerGrantType (grants.js), refusing with the RFCs' error codes:
//   password        username/password of the test user; issues a refresh token
//   jwt-bearer      urn:ietf:params:oauth:grant-type:jwt-bearer, RFC 7523 §2.1: `assertion`
//                   signed by a trusted issuer (below), kid when given naming its key; aud the
//                   issuer or the token endpoint; exp in the future; sub present; a jti used
//                   twice refused; scope from the form or the assertion's `scope` claim
//   token-exchange  urn:ietf:params:oauth:grant-type:token-exchange, RFC 8693: subject_token
//                   (and actor_token) of type access_token or refresh_token of this server, or
//                   jwt/id_token from a trusted issuer; audience one of https://api.example.test,
//                   https://other-api.example.test, tokn-interop; resource https://api.example.test;
//                   requested_token_type access_token only; the token's sub is the subject's
//                   and, with an actor, introspection shows act: {sub, iss}
// Trusted JWT issuers: each client with keys (as itself), https://ci.example.test (ci.pem,
// kid ci-1), tokn-sa@interop.iam.example.test (a service account: rsa.pem, kid sa-key-1),
// and this server (its ID tokens and JWT access tokens).
//
// Refresh tokens: issued to every client allowed refresh_token, rotated on every use;
// using a rotated one again revokes the grant (invalid_grant).
//
// Access tokens live 600 s, unless the token request carries `X-Interop-Token-TTL: N`
// (1 ≤ N ≤ 86400 seconds), or the client is short-app. Resource indicators:
//   https://api.example.test           JWT access token (RS256) with that aud
//   https://api.example.test/alg/ALG   the same signed with ALG: RS256 RS384 RS512 PS256
//                                      PS384 PS512 ES256 ES384 EdDSA
//
// Endpoints (oidc-provider's, on BASE = the issuer):
//   /.well-known/openid-configuration, /.well-known/oauth-authorization-server  metadata:
//     token_endpoint_auth_methods_supported lists client_secret_basic, client_secret_post,
//     client_secret_jwt, private_key_jwt, tls_client_auth, self_signed_tls_client_auth and
//     none; on HTTPS, mtls_endpoint_aliases.token_endpoint is BASE/mtls/token
//   /token (and /mtls/token on HTTPS), /token/introspection, /jwks, /auth (authorization),
//   /device/auth (device authorization; the answer carries interval: 1), /device (where the
//   user enters the code)
// Issuers with a path for discovery tests: BASE/issuers/…, see metadata.js.
// Sign-in pages: /interaction/…, see interaction.js (and tests/cli/interop_flows.rs).
//
// Test-only endpoints (not part of oidc-provider), see testing.js:
//   GET  /test/hits?client_id=X   {"hits":N}: token endpoint requests that named client X
//   GET  /test/hits?path=P        {"hits":N}: requests to path P (any method)
//   GET  /test/hits?case=NAME     {"hits":N,"requests":[…],"all":[…]}: the requests sent with
//                                 `X-Interop-Case: NAME`; `requests` are the token endpoint's,
//                                 `all` every endpoint's. Each record: endpoint, method, path,
//                                 at (ms), status, error, error_description, error_detail (the
//                                 provider's reason, not sent to the client); for form posts
//                                 client_id, auth (basic, post, jwt, none, or a + of them),
//                                 grant_type, fields (names in order), params (name → value or
//                                 values), assertion ({header, payload} of client_assertion),
//                                 cert (the client certificate: subject, issuer, x5t#S256,
//                                 expired, authorized) and grant (what a custom grant saw)
//   POST /test/hits/reset         forgets all counts and records
//   POST /test/verify-jwt         form field token=JWT; answers {"valid":bool,"header":…,"payload":…}
//                                 checking the signature against the provider's keys
//   POST /test/revoke             form client_id=X&kind=RefreshToken (or AccessToken,
//                                 ClientCredentials): forgets every such token of X

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { parseArgs } from 'node:util';

// oidc-provider 9 prints a notice at import time on Node < 22, and NOTICE lines through
// console.info (stdout). Keep stdout for the readiness line only: everything the
// provider says goes to stderr, except the two notices we expect.
const toStderr = (...args) => {
  const text = args.map(String).join(' ');
  if (text.includes('Unsupported runtime')) return;
  // The token endpoint's record reads the body first and hands it on as req.body.
  if (text.includes('already parsed request body detected')) return;
  process.stderr.write(`${text}\n`);
};
console.log = toStderr;
console.info = toStderr;
console.warn = toStderr;

const { values: opts } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.TOKN_INTEROP_PORT || '0' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    material: { type: 'string' },
    'ignore-stdin': { type: 'boolean', default: false },
  },
});

if (!!opts['tls-cert'] !== !!opts['tls-key']) {
  console.error('server.js: --tls-cert and --tls-key go together');
  process.exit(2);
}
const tls = !!opts['tls-cert'];

const { default: Provider, errors } = await import('oidc-provider');
const {
  JWT_BEARER, RESOURCE, SCOPES, SHORT_LIVED, buildClients, trustedIssuers,
} = await import('./clients.js');
const { registerGrants } = await import('./grants.js');
const { deviceFlowPages, interactions } = await import('./interaction.js');
const { loadMaterial } = await import('./material.js');
const { metadataRoute, serveMetadata } = await import('./metadata.js');
const testing = await import('./testing.js');

const material = opts.material ? loadMaterial(opts.material) : undefined;
const CLIENTS = buildClients(material);

// A plain in-memory adapter (the provider's own one prints a development warning).
const stores = new Map();
class MemoryAdapter {
  constructor(name) {
    if (!stores.has(name)) stores.set(name, new Map());
    this.store = stores.get(name);
  }

  async upsert(id, payload, expiresIn) {
    const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : undefined;
    this.store.set(id, { payload, expiresAt });
  }

  async find(id) {
    const entry = this.store.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt < Date.now()) {
      this.store.delete(id);
      return undefined;
    }
    return entry.payload;
  }

  async findByUserCode(userCode) {
    for (const [id, { payload }] of this.store) {
      if (payload.userCode === userCode) return this.find(id);
    }
    return undefined;
  }

  async findByUid(uid) {
    for (const [id, { payload }] of this.store) {
      if (payload.uid === uid) return this.find(id);
    }
    return undefined;
  }

  async consume(id) {
    const entry = this.store.get(id);
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) {
    this.store.delete(id);
  }

  async revokeByGrantId(grantId) {
    for (const [id, { payload }] of this.store) {
      if (payload.grantId === grantId) this.store.delete(id);
    }
  }

  // For /test/revoke: forgets every entry whose payload `matches`; returns how many.
  async destroyWhere(matches) {
    let n = 0;
    for (const [id, { payload }] of this.store) {
      if (matches(payload)) {
        this.store.delete(id);
        n += 1;
      }
    }
    return n;
  }
}

// The provider's signing keys: RSA (RS256 by default, every RS/PS algorithm on request),
// EC P-256, EC P-384 and Ed25519, for JWT access tokens in each algorithm.
const signingKeys = [
  ['rsa', { modulusLength: 2048 }, 'interop'],
  ['ec', { namedCurve: 'P-256' }, 'interop-es256'],
  ['ec', { namedCurve: 'P-384' }, 'interop-es384'],
  ['ed25519', {}, 'interop-eddsa'],
].map(([type, options, kid]) => {
  const { privateKey } = crypto.generateKeyPairSync(type, options);
  return { kid, privateKey, publicKey: crypto.createPublicKey(privateKey) };
});
const providerJwks = signingKeys.map(({ kid, privateKey }) => ({ ...privateKey.export({ format: 'jwk' }), kid, use: 'sig' }));
const verifyKeys = signingKeys.map(({ kid, publicKey }) => ({ kid, key: publicKey }));

// Listen first so that the issuer can carry the port the OS chose.
const server = tls
  ? https.createServer({
    cert: fs.readFileSync(opts['tls-cert']),
    key: fs.readFileSync(opts['tls-key']),
    requestCert: !!material,
    rejectUnauthorized: false,
    ca: material ? [material.clientCaPem] : undefined,
  })
  : http.createServer();

await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(Number(opts.port), '127.0.0.1', resolve);
});
const { port } = server.address();
const issuer = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
const MTLS_TOKEN_PATH = '/mtls/token';

const JWT_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'];

function requestedTtl(ctx) {
  const value = ctx?.get?.('x-interop-token-ttl');
  const n = Number(value);
  return value && Number.isInteger(n) && n >= 1 && n <= 86400 ? n : undefined;
}

const accessTokenTtl = (ctx, token, client) => requestedTtl(ctx)
  ?? (SHORT_LIVED.has(client?.clientId) ? 2 : 600);

// The subject DN of a tls_client_auth client, compared as a set of RDNs.
function subjectMatches(ctx, property, expected) {
  if (property !== 'tls_client_auth_subject_dn') return false;
  const cert = ctx.req.socket.getPeerX509Certificate?.();
  if (!cert) return false;
  const norm = (rdns) => rdns.map((s) => s.trim()).filter(Boolean).sort().join(',');
  return norm(cert.subject.split('\n')) === norm(expected.split(','));
}

const provider = new Provider(issuer, {
  adapter: MemoryAdapter,
  clients: [
    ...CLIENTS,
    {
      client_id: 'introspector',
      client_secret: 'introspector-secret-0123456789',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: [],
      response_types: [],
      redirect_uris: [],
    },
  ],
  jwks: { keys: providerJwks },
  cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
  scopes: SCOPES,
  clientAuthMethods: [
    'client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt',
    'tls_client_auth', 'self_signed_tls_client_auth', 'none',
  ],
  enabledJWA: {
    clientAuthSigningAlgValues: ['HS256', 'HS384', 'HS512', ...JWT_ALGS, 'Ed25519'],
  },
  discovery: tls ? { mtls_endpoint_aliases: { token_endpoint: `${issuer}${MTLS_TOKEN_PATH}` } } : {},
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // The custom grants put what introspection should show (act, …) on the token itself.
  extraTokenClaims: async (ctx, token) => token.extra,
  // Tokens outlive the browser session that signed in: a CLI refreshes long after.
  expiresWithSession: async () => false,
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: true,
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    deviceFlow: { enabled: true, ...deviceFlowPages },
    introspection: {
      enabled: true,
      // A client may introspect its own tokens; the introspector every token.
      allowedPolicy: async (ctx, client, token) => client.clientId === 'introspector'
        || token.clientId === client.clientId,
    },
    mTLS: {
      enabled: true,
      certificateBoundAccessTokens: true,
      tlsClientAuth: true,
      selfSignedTlsClientAuth: true,
      getCertificate: (ctx) => ctx.req.socket.getPeerX509Certificate?.(),
      certificateAuthorized: (ctx) => ctx.req.socket.authorized === true,
      certificateSubjectMatches: subjectMatches,
    },
    revocation: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => undefined,
      useGrantedResource: async () => false,
      getResourceServerInfo: async (ctx, indicator) => {
        const alg = indicator === RESOURCE ? 'RS256' : indicator.slice(`${RESOURCE}/alg/`.length);
        if (indicator !== RESOURCE && !(indicator.startsWith(`${RESOURCE}/alg/`) && JWT_ALGS.includes(alg))) {
          throw new errors.InvalidTarget();
        }
        return {
          scope: 'read write admin',
          audience: indicator,
          accessTokenTTL: requestedTtl(ctx) ?? 600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg } },
        };
      },
    },
  },
  ttl: {
    AccessToken: accessTokenTtl,
    AuthorizationCode: 60,
    ClientCredentials: accessTokenTtl,
    DeviceCode: 600,
    Grant: 3600,
    IdToken: 600,
    Interaction: 600,
    RefreshToken: 3600,
    Session: 3600,
  },
  clientBasedCORS: () => false,
  findAccount: async (ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  renderError: async (ctx, out) => {
    ctx.type = 'json';
    ctx.body = out;
  },
});

registerGrants(provider, trustedIssuers(CLIENTS, material, issuer, providerJwks));

provider.on('server_error', (ctx, err) => {
  console.error('server.js: oidc-provider server_error:', err);
});
for (const event of ['grant.error', 'device_authorization.error', 'introspection.error']) {
  provider.on(event, testing.recordErrorDetail);
}

const tokenPath = new URL(provider.urlFor('token')).pathname;
const devicePath = new URL(provider.urlFor('device_authorization')).pathname;
const registered = new Map(CLIENTS.map((c) => [c.client_id, c]));

function endpointOf(path) {
  if (path === tokenPath || (tls && path === MTLS_TOKEN_PATH)) return 'token';
  if (path === devicePath) return 'device_authorization';
  if (path.includes('/.well-known/')) return 'metadata';
  return path.split('/')[1] || 'root';
}

// Runs before the provider's routes (provider.use adds to its Koa app in order).
provider.use(async (ctx, next) => {
  if (ctx.path.startsWith('/test/')) {
    await testing.testEndpoints(ctx, { provider, verifyKeys });
    return;
  }
  if (ctx.path.startsWith('/interaction/')) {
    await interactions(ctx, provider);
    return;
  }
  const record = testing.startRecord(ctx, endpointOf(ctx.path));
  try {
    const meta = metadataRoute(ctx.path);
    if (meta) {
      await serveMetadata(ctx, next, meta, issuer);
    } else if (record.endpoint === 'token' && ctx.method === 'POST') {
      await tokenEndpoint(ctx, next, record);
    } else if (record.endpoint === 'device_authorization' && ctx.method === 'POST') {
      testing.describeForm(ctx, record, await testing.readForm(ctx));
      await next();
      // oidc-provider sends no interval (clients then wait 5 s); one second keeps tests short.
      if (ctx.status === 200 && ctx.body && typeof ctx.body === 'object') ctx.body.interval = 1;
    } else {
      await next();
    }
  } catch (err) {
    record.status = err.status || err.statusCode || 500;
    throw err;
  } finally {
    testing.finishRecord(ctx, record);
  }
});

function refuseClient(ctx, description) {
  ctx.status = 401;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { error: 'invalid_client', error_description: description };
}

// The token endpoint, before the provider: records the request, serves the mTLS alias
// (the provider then takes BASE/mtls/token as its token URL, for the assertion's aud),
// and adds what oidc-provider does not do itself:
// - a client registered as client_secret_post that sends HTTP Basic credentials is
//   refused, as strict servers do (oidc-provider accepts either);
// - an expired self-signed certificate is refused (oidc-provider compares only the
//   certificate's thumbprint with the registered one);
// - a jwt-bearer request that names no client is taken as assertion-app's.
async function tokenEndpoint(ctx, next, record) {
  const form = await testing.readForm(ctx);
  testing.describeForm(ctx, record, form);
  if (ctx.path === MTLS_TOKEN_PATH) {
    ctx.req.originalUrl = ctx.req.url;
    ctx.url = `${tokenPath}${ctx.search}`;
  }
  const method = registered.get(record.client_id)?.token_endpoint_auth_method;
  if (ctx.get('authorization') && method === 'client_secret_post') {
    refuseClient(ctx, 'this client must authenticate with client_secret_post, not HTTP Basic');
    return;
  }
  if (method === 'self_signed_tls_client_auth' && record.cert?.expired) {
    refuseClient(ctx, 'the client certificate has expired');
    return;
  }
  if (material && form.get('grant_type') === JWT_BEARER && record.client_id === ''
    && !form.has('client_assertion')) {
    ctx.req.body = Buffer.concat([ctx.req.body, Buffer.from('&client_id=assertion-app')]);
  }
  await next();
}

server.on('request', provider.callback());

if (!opts['ignore-stdin']) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));

process.stdout.write(`listening ${port}\n`);
