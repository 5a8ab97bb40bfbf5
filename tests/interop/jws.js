// Compact JWS decoding and verification with node:crypto alone, for the grants and
// test endpoints that check a JWT themselves (jwt-bearer assertions, token-exchange
// subject tokens, /test/verify-jwt). oidc-provider verifies client assertions with its
// own code; this is kept apart so that the custom grants do not depend on its internals.

import * as crypto from 'node:crypto';

const HASH = { 256: 'sha256', 384: 'sha384', 512: 'sha512' };

// Decodes a compact JWS without checking it; throws on anything that is not one.
export function decode(token) {
  if (typeof token !== 'string') throw new Error('not a string');
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('not a JWS compact serialization');
  const json = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  const header = json(parts[0]);
  const payload = json(parts[1]);
  if (!header || typeof header !== 'object' || typeof header.alg !== 'string') {
    throw new Error('the header has no alg');
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new Error('the payload is not a JSON object');
  }
  return {
    header,
    payload,
    signingInput: Buffer.from(`${parts[0]}.${parts[1]}`),
    signature: Buffer.from(parts[2], 'base64url'),
  };
}

// Whether `alg` fits `key` (a KeyObject, public or secret).
export function algFits(alg, key) {
  if (key.type === 'secret') return /^HS(256|384|512)$/.test(alg);
  const type = key.asymmetricKeyType;
  if (type === 'rsa') return /^(RS|PS)(256|384|512)$/.test(alg);
  if (type === 'ed25519') return alg === 'EdDSA' || alg === 'Ed25519';
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return (alg === 'ES256' && curve === 'prime256v1') || (alg === 'ES384' && curve === 'secp384r1');
  }
  return false;
}

// Checks the signature of a decoded JWS with `key`; false on any mismatch.
export function verifySignature(decoded, key) {
  const { header: { alg }, signingInput, signature } = decoded;
  if (!algFits(alg, key)) return false;
  const hash = HASH[alg.slice(-3)];
  try {
    if (key.type === 'secret') {
      const mac = crypto.createHmac(hash, key).update(signingInput).digest();
      return mac.length === signature.length && crypto.timingSafeEqual(mac, signature);
    }
    if (alg === 'EdDSA' || alg === 'Ed25519') {
      return crypto.verify(null, signingInput, key, signature);
    }
    if (alg.startsWith('ES')) {
      return crypto.verify(hash, signingInput, { key, dsaEncoding: 'ieee-p1363' }, signature);
    }
    if (alg.startsWith('PS')) {
      return crypto.verify(hash, signingInput, {
        key,
        padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
        saltLength: crypto.constants.RSA_PSS_SALTLEN_DIGEST,
      }, signature);
    }
    return crypto.verify(hash, signingInput, key, signature);
  } catch {
    return false;
  }
}

// Verifies `token` against a list of { kid, key } candidates: a `kid` in the header
// must name one of them; without one, every key the alg fits is tried. Returns
// { ok: true, decoded, kid } or { ok: false, reason, decoded? }.
export function verifyWith(token, candidates) {
  let decoded;
  try {
    decoded = decode(token);
  } catch (err) {
    return { ok: false, reason: `not a JWT: ${err.message}` };
  }
  const { kid } = decoded.header;
  const keys = kid === undefined ? candidates : candidates.filter((c) => c.kid === kid);
  if (keys.length === 0) return { ok: false, reason: `no key with kid ${JSON.stringify(kid)}`, decoded };
  const fitting = keys.filter((c) => algFits(decoded.header.alg, c.key));
  if (fitting.length === 0) return { ok: false, reason: `alg ${decoded.header.alg} does not fit the key`, decoded };
  const match = fitting.find((c) => verifySignature(decoded, c.key));
  if (!match) return { ok: false, reason: 'the signature does not verify', decoded };
  return { ok: true, decoded, kid: match.kid };
}

// Checks exp, nbf and iat of a verified payload, `leeway` seconds either way.
export function checkTimes(payload, leeway = 30) {
  const now = Math.floor(Date.now() / 1000);
  if (typeof payload.exp !== 'number') return 'exp is missing';
  if (payload.exp + leeway < now) return 'exp is in the past';
  if (typeof payload.nbf === 'number' && payload.nbf - leeway > now) return 'nbf is in the future';
  if (typeof payload.iat === 'number' && payload.iat - leeway > now) return 'iat is in the future';
  return undefined;
}
