// What the tests can ask the server about the requests tokn made: every request that
// carries `X-Interop-Case: NAME` is recorded under NAME (with what it sent, how the client
// authenticated, the certificate it presented, what a custom grant saw, and the answer),
// and /test/… endpoints hand the records out. Parallel tests each use a name of their own.

import * as crypto from 'node:crypto';

import { decode, verifyWith } from './jws.js';

const cases = new Map();
const hitsByClient = new Map();
const hitsByPath = new Map();

// Reads an urlencoded body once and hands the raw bytes on to the provider, which
// parses them itself (duplicates and all).
export async function readForm(ctx) {
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  const raw = Buffer.concat(chunks);
  ctx.req.body = raw;
  return new URLSearchParams(raw.toString('utf8'));
}

export function basicClientId(header) {
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

// The client certificate of a TLS request, as the record shows it; null without one.
export function peerCertificate(ctx) {
  const { socket } = ctx.req;
  if (typeof socket.getPeerX509Certificate !== 'function') return null;
  const cert = socket.getPeerX509Certificate();
  if (!cert) return null;
  return {
    subject: cert.subject.split('\n').reverse().join(','),
    issuer: cert.issuer.split('\n').reverse().join(','),
    'x5t#S256': crypto.hash('sha256', cert.raw, 'base64url'),
    expired: Date.parse(cert.validTo) < Date.now(),
    authorized: socket.authorized,
    authorization_error: socket.authorizationError ?? null,
  };
}

// Counts the request under its path and, with a case header, starts its record; the
// record lives on ctx.state.interop until the answer is known.
export function startRecord(ctx, endpoint) {
  hitsByPath.set(ctx.path, (hitsByPath.get(ctx.path) || 0) + 1);
  const record = {
    endpoint, method: ctx.method, path: ctx.path, at: Date.now(), status: undefined,
  };
  ctx.state.interop = record;
  const name = ctx.get('x-interop-case');
  if (name) {
    if (!cases.has(name)) cases.set(name, []);
    cases.get(name).push(record);
  }
  return record;
}

// Fills in what a form-bodied request (token, device authorization) sent.
export function describeForm(ctx, record, form) {
  const fromHeader = basicClientId(ctx.get('authorization'));
  const clientId = fromHeader ?? form.get('client_id') ?? '';
  if (record.endpoint === 'token') hitsByClient.set(clientId, (hitsByClient.get(clientId) || 0) + 1);
  record.client_id = clientId;
  record.auth = [
    fromHeader !== undefined ? 'basic' : undefined,
    form.has('client_secret') ? 'post' : undefined,
    form.has('client_assertion') ? 'jwt' : undefined,
  ].filter(Boolean).join('+') || 'none';
  record.grant_type = form.get('grant_type') ?? undefined;
  record.fields = [...form.keys()];
  record.params = {};
  for (const [key, value] of form) {
    const prev = record.params[key];
    if (prev === undefined) record.params[key] = value;
    else record.params[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  if (form.has('client_assertion')) {
    try {
      const { header, payload } = decode(form.get('client_assertion'));
      record.assertion = { header, payload };
    } catch (err) {
      record.assertion = { error: err.message };
    }
  }
  record.cert = peerCertificate(ctx);
}

// What a custom grant saw (subject token, assertion claims, …), under `grant`.
export function note(ctx, data) {
  const record = ctx.state.interop;
  if (record) record.grant = { ...record.grant, ...data };
}

// The answer: status, and for an error its code and description.
export function finishRecord(ctx, record) {
  record.status ??= ctx.status;
  const body = ctx.body;
  if (record.status >= 400 && body && typeof body === 'object' && !Buffer.isBuffer(body)) {
    record.error = body.error;
    record.error_description = body.error_description;
  }
}

// oidc-provider keeps why it refused (error_detail) out of the answer; the record has it.
export function recordErrorDetail(ctx, err) {
  const record = ctx.state?.interop;
  if (record && err?.error_detail) record.error_detail = err.error_detail;
}

// GET /test/hits, POST /test/hits/reset, POST /test/verify-jwt, POST /test/revoke.
export async function testEndpoints(ctx, { provider, verifyKeys }) {
  if (ctx.path === '/test/hits' && ctx.method === 'GET') {
    ctx.body = hits(ctx.query);
  } else if (ctx.path === '/test/hits/reset' && ctx.method === 'POST') {
    hitsByClient.clear();
    hitsByPath.clear();
    cases.clear();
    ctx.body = { ok: true };
  } else if (ctx.path === '/test/verify-jwt' && ctx.method === 'POST') {
    const form = await readForm(ctx);
    ctx.body = verifyJwt(form.get('token') || '', verifyKeys);
  } else if (ctx.path === '/test/revoke' && ctx.method === 'POST') {
    const form = await readForm(ctx);
    ctx.body = await revoke(provider, form.get('client_id') || '', form.get('kind') || 'RefreshToken');
  } else {
    ctx.status = 404;
    ctx.body = { error: 'not_found' };
  }
}

function hits(query) {
  if (query.case !== undefined) {
    const all = cases.get(query.case) || [];
    const requests = all.filter((r) => r.endpoint === 'token');
    return {
      case: query.case, hits: requests.length, requests, all,
    };
  }
  if (query.path !== undefined) {
    return { path: query.path, hits: hitsByPath.get(query.path) || 0 };
  }
  return { client_id: query.client_id, hits: hitsByClient.get(query.client_id) || 0 };
}

// Checks a JWT's signature against the provider's own keys (any of its algorithms).
function verifyJwt(token, verifyKeys) {
  const verdict = verifyWith(token, verifyKeys);
  if (!verdict.decoded) return { valid: false, reason: verdict.reason };
  const { header, payload } = verdict.decoded;
  return verdict.ok
    ? { valid: true, header, payload }
    : {
      valid: false, reason: verdict.reason, header, payload,
    };
}

// Makes every stored token of one kind (RefreshToken, AccessToken, ClientCredentials)
// of a client unusable, as an administrator revoking a session would.
async function revoke(provider, clientId, kind) {
  const Model = { RefreshToken: provider.RefreshToken, AccessToken: provider.AccessToken, ClientCredentials: provider.ClientCredentials }[kind];
  if (!Model || !clientId) return { error: 'invalid_request', error_description: 'client_id and kind (RefreshToken, AccessToken or ClientCredentials) are needed' };
  const revoked = await Model.adapter.destroyWhere((payload) => payload.clientId === clientId);
  return { revoked };
}
