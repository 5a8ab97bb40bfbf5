// The grants oidc-provider does not have, added with its registerGrantType: the
// resource owner password grant (RFC 6749 §4.3), jwt-bearer (RFC 7523 §2.1) and token
// exchange (RFC 8693). Each checks its input the way a strict server would, refuses with
// the RFC's error code and a description that says why, notes what it saw on the
// request's record (see testing.js), and issues ordinary access tokens of this server,
// which its introspection endpoint knows.

import { errors } from 'oidc-provider';

import {
  JWT_BEARER, RESOURCE, SCOPES, TEST_PASSWORD, TEST_USER, TOKEN_EXCHANGE,
} from './clients.js';
import { checkTimes, decode, verifyWith } from './jws.js';
import { note } from './testing.js';

const TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:';

// Audiences a token exchange may ask for (RFC 8693 §2.1); anything else is invalid_target.
export const EXCHANGE_AUDIENCES = new Set([RESOURCE, 'https://other-api.example.test', 'tokn-interop']);

function refuse(ErrorClass, description) {
  const err = new ErrorClass(description);
  err.error_description = description;
  err.error_detail = description;
  return err;
}

function list(value) {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function checkScope(scope) {
  if (!scope) return undefined;
  for (const value of scope.split(' ')) {
    if (!SCOPES.includes(value)) throw refuse(errors.InvalidScope, `unknown scope ${value}`);
  }
  return scope;
}

// An access token (and, when asked and the client may refresh, a refresh token) for
// `accountId`, under a grant of its own so that introspection and refresh accept it.
async function issue(ctx, {
  accountId, scope, gty, extra, aud, refresh = false,
}) {
  const { provider, client } = ctx.oidc;
  const grant = new provider.Grant({ accountId, clientId: client.clientId });
  if (scope) grant.addOIDCScope(scope);
  const grantId = await grant.save();
  const at = new provider.AccessToken({
    accountId, client, grantId, gty, scope, extra, aud,
  });
  ctx.oidc.entity('AccessToken', at);
  const body = {
    access_token: await at.save(),
    token_type: 'Bearer',
    expires_in: at.expiration,
    scope,
  };
  if (refresh && client.grantTypeAllowed('refresh_token')) {
    const rt = new provider.RefreshToken({
      accountId, client, grantId, gty, scope, rotations: 0,
    });
    body.refresh_token = await rt.save();
  }
  return body;
}

async function passwordGrant(ctx) {
  const { username, password, scope } = ctx.oidc.params;
  if (!username || !password) {
    throw refuse(errors.InvalidRequest, 'the password grant needs username and password');
  }
  note(ctx, { username });
  if (username !== TEST_USER || password !== TEST_PASSWORD) {
    throw refuse(errors.InvalidGrant, 'wrong username or password');
  }
  ctx.body = await issue(ctx, {
    accountId: username, scope: checkScope(scope), gty: 'password', refresh: true,
  });
}

// Verifies a JWT from one of the trusted issuers: signature (by kid when the header
// has one), exp/nbf/iat, and a sub. Returns the payload or throws `ErrorClass`.
function checkTrustedJwt(token, trusted, what, ErrorClass) {
  let decoded;
  try {
    decoded = decode(token);
  } catch (err) {
    throw refuse(ErrorClass, `${what} is not a JWT (${err.message})`);
  }
  const { payload } = decoded;
  const keys = trusted.get(payload.iss);
  if (!keys) throw refuse(ErrorClass, `${what} issuer ${JSON.stringify(payload.iss)} is not trusted`);
  const verdict = verifyWith(token, keys);
  if (!verdict.ok) throw refuse(ErrorClass, `${what}: ${verdict.reason}`);
  const late = checkTimes(payload);
  if (late) throw refuse(ErrorClass, `${what}: ${late}`);
  if (typeof payload.sub !== 'string' || !payload.sub) throw refuse(ErrorClass, `${what} has no sub`);
  return payload;
}

function jwtBearerGrant(trusted) {
  const seen = new Set();
  return async function jwtBearer(ctx) {
    const { assertion, scope } = ctx.oidc.params;
    if (!assertion) throw refuse(errors.InvalidRequest, "missing required parameter 'assertion'");
    try {
      const { header, payload } = decode(assertion);
      note(ctx, { assertion: { header, payload } });
    } catch { /* refused below */ }
    const payload = checkTrustedJwt(assertion, trusted, 'the assertion', errors.InvalidGrant);
    const accepted = new Set([ctx.oidc.provider.issuer, ctx.oidc.urlFor('token')]);
    if (!list(payload.aud).some((aud) => accepted.has(aud))) {
      throw refuse(errors.InvalidGrant, `the assertion's aud must be the token endpoint or the issuer, not ${JSON.stringify(payload.aud)}`);
    }
    if (payload.jti !== undefined) {
      const key = `${payload.iss} ${payload.jti}`;
      if (seen.has(key)) throw refuse(errors.InvalidGrant, 'the assertion was used before (same jti)');
      seen.add(key);
    }
    const claimScope = typeof payload.scope === 'string' ? payload.scope : undefined;
    ctx.body = await issue(ctx, {
      accountId: payload.sub,
      scope: checkScope(scope ?? claimScope),
      gty: 'jwt-bearer',
      extra: { assertion_iss: payload.iss },
    });
  };
}

// A subject or actor token (RFC 8693 §2.1): an access or refresh token of this server
// (opaque, or a JWT access token it signed), or a JWT (also an ID token) from a trusted
// issuer. Returns { type, iss, sub }.
async function checkExchangeToken(ctx, trusted, token, type, what) {
  const { provider } = ctx.oidc;
  const short = typeof type === 'string' && type.startsWith(TOKEN_TYPE) ? type.slice(TOKEN_TYPE.length) : type;
  if (short === 'access_token' || short === 'refresh_token') {
    const models = short === 'access_token'
      ? [provider.AccessToken, provider.ClientCredentials] : [provider.RefreshToken];
    for (const Model of models) {
      const found = await Model.find(token);
      if (found?.isValid) {
        return { type, iss: provider.issuer, sub: found.accountId ?? found.clientId };
      }
    }
    if (short === 'access_token' && token.split('.').length === 3) {
      // A JWT access token must be this server's own (a resource indicator's).
      const payload = checkTrustedJwt(token, trusted, what, errors.InvalidRequest);
      if (payload.iss === provider.issuer) return { type, iss: payload.iss, sub: payload.sub };
    }
    throw refuse(errors.InvalidRequest, `${what} is not an active ${short} of this server`);
  }
  if (short === 'jwt' || short === 'id_token') {
    const payload = checkTrustedJwt(token, trusted, what, errors.InvalidRequest);
    return { type, iss: payload.iss, sub: payload.sub };
  }
  throw refuse(errors.InvalidRequest, `${what}_type ${JSON.stringify(type)} is not supported here`);
}

function tokenExchangeGrant(trusted) {
  return async function tokenExchange(ctx) {
    const p = ctx.oidc.params;
    for (const name of ['subject_token', 'subject_token_type']) {
      if (!p[name]) throw refuse(errors.InvalidRequest, `missing required parameter '${name}'`);
    }
    if (!!p.actor_token !== !!p.actor_token_type) {
      throw refuse(errors.InvalidRequest, 'actor_token and actor_token_type go together');
    }
    const audience = list(p.audience);
    const resource = list(p.resource);
    note(ctx, {
      subject_token_type: p.subject_token_type,
      actor_token_type: p.actor_token_type,
      requested_token_type: p.requested_token_type,
      audience,
      resource,
    });
    const subject = await checkExchangeToken(ctx, trusted, p.subject_token, p.subject_token_type, 'subject_token');
    note(ctx, { subject });
    let actor;
    if (p.actor_token) {
      actor = await checkExchangeToken(ctx, trusted, p.actor_token, p.actor_token_type, 'actor_token');
      note(ctx, { actor });
    }
    if (p.requested_token_type && p.requested_token_type !== `${TOKEN_TYPE}access_token`) {
      throw refuse(errors.InvalidRequest, `requested_token_type ${p.requested_token_type} is not supported: only ${TOKEN_TYPE}access_token`);
    }
    for (const value of audience) {
      if (!EXCHANGE_AUDIENCES.has(value)) throw refuse(errors.InvalidTarget, `unknown audience ${value}`);
    }
    for (const value of resource) {
      if (value !== RESOURCE) throw refuse(errors.InvalidTarget, `unknown resource ${value}`);
    }
    const aud = [...audience, ...resource];
    ctx.body = await issue(ctx, {
      accountId: subject.sub,
      scope: checkScope(p.scope),
      gty: 'token-exchange',
      extra: actor ? { act: { sub: actor.sub, iss: actor.iss } } : undefined,
      aud: aud.length ? aud : undefined,
    });
    ctx.body.issued_token_type = `${TOKEN_TYPE}access_token`;
  };
}

export function registerGrants(provider, trusted) {
  provider.registerGrantType('password', passwordGrant, ['username', 'password', 'scope']);
  provider.registerGrantType(JWT_BEARER, jwtBearerGrant(trusted), ['assertion', 'scope']);
  provider.registerGrantType(
    TOKEN_EXCHANGE,
    tokenExchangeGrant(trusted),
    ['subject_token', 'subject_token_type', 'actor_token', 'actor_token_type',
      'requested_token_type', 'audience', 'resource', 'scope'],
    ['audience', 'resource'],
  );
}
