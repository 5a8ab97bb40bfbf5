// The registered clients, the test user and the trusted JWT issuers: the fixed facts
// the Rust tests rely on. server.js's header lists them for a reader; this is the code.

import * as crypto from 'node:crypto';

import { certificateJwk, publicJwk } from './material.js';

export const RESOURCE = 'https://api.example.test';
export const SCOPES = ['openid', 'offline_access', 'read', 'write', 'admin'];

export const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

// The one account: the login page and the password grant accept these.
export const TEST_USER = 'tokn-user';
export const TEST_PASSWORD = 'pa55 w:rd+%&/';

// A CI system's OIDC issuer (as GitHub Actions' is): its tokens are signed with ci.pem.
export const CI_ISSUER = 'https://ci.example.test';
// A Google-style service account: assertions with this iss are signed with rsa.pem.
export const SERVICE_ACCOUNT = 'tokn-sa@interop.iam.example.test';
export const SERVICE_ACCOUNT_KID = 'sa-key-1';

// Clients whose access tokens live 2 seconds.
export const SHORT_LIVED = new Set(['short-app']);

const LOOPBACK_REDIRECTS = ['http://127.0.0.1/callback', 'http://127.0.0.1/oauth/callback'];

const KEY_CLIENT_GRANTS = [
  'client_credentials', 'refresh_token', 'password', DEVICE_CODE, JWT_BEARER, TOKEN_EXCHANGE,
];

const SECRET_CLIENTS = [
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
].map((c) => ({ ...c, grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }));

const GRANT_CLIENTS = [
  {
    // Confidential, for password, jwt-bearer (assertion from elsewhere), token exchange
    // and the refresh tokens of the password grant.
    client_id: 'grant-client',
    client_secret: 'grant-secret-0123456789',
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: KEY_CLIENT_GRANTS,
    response_types: [],
    redirect_uris: [],
  },
  {
    // An HS256/384/512 client assertion keyed with this secret (64 bytes, enough for HS512).
    client_id: 'jwt-secret-client',
    client_secret: 'jwt-secret-0123456789-0123456789-0123456789-0123456789-012345678',
    token_endpoint_auth_method: 'client_secret_jwt',
    grant_types: KEY_CLIENT_GRANTS,
    response_types: [],
    redirect_uris: [],
  },
  {
    // Needs a client certificate with its secret: its tokens are bound to it (RFC 8705 §3).
    client_id: 'bound-client',
    client_secret: 'bound-secret-0123456789',
    token_endpoint_auth_method: 'client_secret_basic',
    tls_client_certificate_bound_access_tokens: true,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
  },
];

// Device and browser sign-in (RFC 8628, RFC 6749 §4.1 with PKCE); native, so that a
// loopback redirect URI matches on any port (RFC 8252 §7.3).
const APP_CLIENTS = [
  { client_id: 'public-app', token_endpoint_auth_method: 'none' },
  {
    client_id: 'confidential-app',
    client_secret: 'app-secret-0123456789',
    token_endpoint_auth_method: 'client_secret_basic',
  },
  { client_id: 'short-app', token_endpoint_auth_method: 'none' },
].map((c) => ({
  ...c,
  application_type: 'native',
  grant_types: ['authorization_code', 'refresh_token', DEVICE_CODE],
  response_types: ['code'],
  redirect_uris: LOOPBACK_REDIRECTS,
}));

// The clients that need the test keys and certificates.
function materialClients(material) {
  const jwk = (name) => publicJwk(material, name);
  const keyClient = (client_id, keys) => ({
    client_id,
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: { keys },
    grant_types: KEY_CLIENT_GRANTS,
    response_types: [],
    redirect_uris: [],
  });
  return [
    keyClient('jwt-rsa-client', [jwk('rsa.pem')]),
    keyClient('jwt-ec-client', [jwk('ec256.pem')]),
    keyClient('jwt-p384-client', [jwk('ec384.pem')]),
    keyClient('jwt-ed25519-client', [jwk('ed25519.pem')]),
    {
      client_id: 'tls-client',
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: 'CN=tokn-tls-client,O=tokn-interop',
      grant_types: KEY_CLIENT_GRANTS,
      response_types: [],
      redirect_uris: [],
    },
    {
      // Both certificates are registered, so that only the expiry refuses the old one.
      client_id: 'self-signed-client',
      token_endpoint_auth_method: 'self_signed_tls_client_auth',
      jwks: {
        keys: [
          certificateJwk(material.selfSigned, 'self-signed-1'),
          certificateJwk(material.selfSignedExpired, 'self-signed-expired'),
        ],
      },
      grant_types: KEY_CLIENT_GRANTS,
      response_types: [],
      redirect_uris: [],
    },
    {
      // A public client for jwt-bearer assertions signed with any of the four test keys;
      // a jwt-bearer request that names no client at all is taken as coming from it.
      client_id: 'assertion-app',
      token_endpoint_auth_method: 'none',
      jwks: { keys: ['rsa.pem', 'ec256.pem', 'ec384.pem', 'ed25519.pem'].map(jwk) },
      grant_types: [JWT_BEARER],
      response_types: [],
      redirect_uris: [],
    },
  ];
}

export function buildClients(material) {
  return [
    ...SECRET_CLIENTS,
    ...GRANT_CLIENTS,
    ...APP_CLIENTS,
    ...(material ? materialClients(material) : []),
  ];
}

// iss → [{ kid, key }]: whose signed JWTs the jwt-bearer and token-exchange grants
// accept. Every client with registered keys signs as itself; the CI issuer, the
// service account and this server (its ID tokens and JWT access tokens) too.
export function trustedIssuers(clients, material, issuer, providerKeys) {
  const table = new Map();
  const keyOf = (jwk) => ({ kid: jwk.kid, key: crypto.createPublicKey({ key: jwk, format: 'jwk' }) });
  for (const client of clients) {
    if (client.jwks && client.token_endpoint_auth_method !== 'self_signed_tls_client_auth') {
      table.set(client.client_id, client.jwks.keys.map(keyOf));
    }
  }
  if (material) {
    table.set(CI_ISSUER, [keyOf(publicJwk(material, 'ci.pem'))]);
    table.set(SERVICE_ACCOUNT, [keyOf(publicJwk(material, 'rsa.pem', SERVICE_ACCOUNT_KID))]);
  }
  table.set(issuer, providerKeys.map(keyOf));
  return table;
}
