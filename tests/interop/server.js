// Interop test server for tokn: oidc-provider (the certified OpenID Connect /
// OAuth 2.0 server) on 127.0.0.1, driven by tests/cli/interop.rs.
//
//   node tests/interop/server.js [--port N] [--tls-cert cert.pem --tls-key key.pem] [--ignore-stdin]
//
// It listens on 127.0.0.1 only (port 0, the default, lets the OS choose), and prints
// one line `listening PORT` on stdout once it accepts requests; nothing else goes to
// stdout. Errors and unexpected provider messages go to stderr.
//
// It exits when its standard input closes, so the test binary that spawned it with a
// piped stdin takes it down when it exits, even when a test fails or panics. Pass
// --ignore-stdin to run it by hand in the background (then stop it with kill PID).
//
// Clients (all client_credentials only):
//   basic-client   client_secret_basic, secret with : + % / & and a space
//   post-client    client_secret_post, secret with the same characters; a Basic
//                  header from it is refused with 401 invalid_client (see strictPostCheck)
//   scoped-client  client_secret_basic, allowed scopes "read write admin"
// Resource indicator https://api.example.test gives a JWT access token with that aud.
//
// Test-only endpoints (not part of oidc-provider):
//   GET  /test/hits?client_id=X   {"hits":N}: token endpoint requests that named client X
//   GET  /test/hits?case=NAME     {"hits":N,"requests":[{"client_id","auth","status"}…]}: token
//                                 endpoint requests sent with the header `X-Interop-Case: NAME`;
//                                 auth is basic, post, basic+post or none
//   POST /test/hits/reset         forgets all counts
//   POST /test/verify-jwt         form field token=JWT; answers {"valid":bool,"header":…,"payload":…}
//                                 checking the RS256 signature against the provider's key

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
  // Our token endpoint check reads the body first and hands it on as req.body.
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
    'ignore-stdin': { type: 'boolean', default: false },
  },
});

if (!!opts['tls-cert'] !== !!opts['tls-key']) {
  console.error('server.js: --tls-cert and --tls-key go together');
  process.exit(2);
}
const tls = !!opts['tls-cert'];

const { default: Provider, errors } = await import('oidc-provider');

export const RESOURCE = 'https://api.example.test';

export const CLIENTS = [
  {
    client_id: 'basic-client',
    client_secret: 's3cr:et+with%/&space here',
    token_endpoint_auth_method: 'client_secret_basic',
  },
  {
    client_id: 'post-client',
    client_secret: 'p0st:secret+with%/&space here',
    token_endpoint_auth_method: 'client_secret_post',
  },
  {
    client_id: 'scoped-client',
    client_secret: 'scoped-secret-0123456789',
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'read write admin',
  },
].map((c) => ({
  ...c,
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
}));

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
}

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: 'interop', alg: 'RS256', use: 'sig' };
const publicKey = crypto.createPublicKey(privateKey);

// Listen first so that the issuer can carry the port the OS chose.
const server = tls
  ? https.createServer({
    cert: fs.readFileSync(opts['tls-cert']),
    key: fs.readFileSync(opts['tls-key']),
  })
  : http.createServer();

await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(Number(opts.port), '127.0.0.1', resolve);
});
const { port } = server.address();
const issuer = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  adapter: MemoryAdapter,
  clients: CLIENTS,
  jwks: { keys: [signingJwk] },
  cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
  scopes: ['openid', 'offline_access', 'read', 'write', 'admin'],
  clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: {
      enabled: true,
      // A client may introspect its own tokens only.
      allowedPolicy: async (ctx, client, token) => token.clientId === client.clientId,
    },
    revocation: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => undefined,
      useGrantedResource: async () => false,
      getResourceServerInfo: async (ctx, resourceIndicator) => {
        if (resourceIndicator === RESOURCE) {
          return {
            scope: 'read write admin',
            audience: RESOURCE,
            accessTokenTTL: 600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        }
        throw new errors.InvalidTarget();
      },
    },
  },
  ttl: {
    AccessToken: 600,
    ClientCredentials: 600,
    Grant: 600,
    IdToken: 600,
    Interaction: 600,
    Session: 600,
  },
  clientBasedCORS: () => false,
  findAccount: async () => undefined,
  renderError: async (ctx, out) => {
    ctx.type = 'json';
    ctx.body = out;
  },
});

provider.on('server_error', (ctx, err) => {
  console.error('server.js: oidc-provider server_error:', err);
});

const tokenPath = new URL(provider.urlFor('token')).pathname;
const registered = new Map(CLIENTS.map((c) => [c.client_id, c]));
const hits = new Map();
const cases = new Map();

function basicClientId(header) {
  const [scheme, value] = (header || '').split(' ');
  if (!scheme || scheme.toLowerCase() !== 'basic' || !value) return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i === -1) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, i).replace(/\+/g, '%20'));
  } catch {
    return undefined;
  }
}

async function readForm(ctx) {
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  const raw = Buffer.concat(chunks);
  // Hand the raw body on to the provider, which parses it itself (duplicates and all).
  ctx.req.body = raw;
  return { form: new URLSearchParams(raw.toString('utf8')) };
}

// Runs before the provider's routes (provider.use adds to its Koa app in order).
provider.use(async (ctx, next) => {
  if (ctx.path.startsWith('/test/')) {
    await testEndpoints(ctx);
    return;
  }
  if (ctx.path === tokenPath && ctx.method === 'POST') {
    await strictPostCheck(ctx, next);
    return;
  }
  await next();
});

// A client registered as client_secret_post that sends HTTP Basic credentials is
// refused, as strict servers do (oidc-provider itself accepts either). Every token
// request is counted under the client it names (in the header or in the body) and,
// when it carries an `X-Interop-Case: NAME` header, recorded under NAME with the way
// the client authenticated and the status it got, so that parallel tests can each
// check their own requests.
async function strictPostCheck(ctx, next) {
  const { form } = await readForm(ctx);
  const fromHeader = basicClientId(ctx.get('authorization'));
  const clientId = fromHeader ?? form.get('client_id') ?? '';
  hits.set(clientId, (hits.get(clientId) || 0) + 1);

  const auth = [
    fromHeader !== undefined ? 'basic' : undefined,
    form.has('client_secret') ? 'post' : undefined,
  ].filter(Boolean).join('+') || 'none';
  const record = { client_id: clientId, auth, status: undefined };
  const testCase = ctx.get('x-interop-case');
  if (testCase) {
    if (!cases.has(testCase)) cases.set(testCase, []);
    cases.get(testCase).push(record);
  }

  try {
    const client = registered.get(clientId);
    if (fromHeader !== undefined && client?.token_endpoint_auth_method === 'client_secret_post') {
      ctx.status = 401;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = {
        error: 'invalid_client',
        error_description: 'this client must authenticate with client_secret_post, not HTTP Basic',
      };
      return;
    }
    await next();
  } catch (err) {
    record.status = err.status || err.statusCode || 500;
    throw err;
  } finally {
    record.status ??= ctx.status;
  }
}

async function testEndpoints(ctx) {
  if (ctx.path === '/test/hits' && ctx.method === 'GET') {
    if (ctx.query.case !== undefined) {
      const requests = cases.get(ctx.query.case) || [];
      ctx.body = { case: ctx.query.case, hits: requests.length, requests };
    } else {
      ctx.body = { client_id: ctx.query.client_id, hits: hits.get(ctx.query.client_id) || 0 };
    }
  } else if (ctx.path === '/test/hits/reset' && ctx.method === 'POST') {
    hits.clear();
    cases.clear();
    ctx.body = { ok: true };
  } else if (ctx.path === '/test/verify-jwt' && ctx.method === 'POST') {
    const { form } = await readForm(ctx);
    ctx.body = verifyJwt(form.get('token') || '');
  } else {
    ctx.status = 404;
    ctx.body = { error: 'not_found' };
  }
}

function verifyJwt(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return { valid: false, reason: 'not a JWS compact serialization' };
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (header.alg !== 'RS256') return { valid: false, reason: `alg ${header.alg}`, header, payload };
    const valid = crypto.verify(
      'sha256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      publicKey,
      Buffer.from(parts[2], 'base64url'),
    );
    return { valid, header, payload };
  } catch (err) {
    return { valid: false, reason: String(err) };
  }
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
