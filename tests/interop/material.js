// The test keys and certificates, read from the directory given with --material. The
// Rust harness (tests/cli/interop_material.rs) makes them with openssl once per test
// run, hands the same files to both servers, and keeps the private keys for the tests;
// the server needs only the public halves (and the client CA to check certificates).

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

// File name → the kid its public key is registered under.
export const KEY_IDS = {
  'rsa.pem': 'rsa-1',
  'ec256.pem': 'ec256-1',
  'ec384.pem': 'ec384-1',
  'ed25519.pem': 'ed25519-1',
  'ci.pem': 'ci-1',
};

export function loadMaterial(dir) {
  const read = (name) => fs.readFileSync(path.join(dir, name), 'utf8');
  const publicKeys = {};
  for (const name of Object.keys(KEY_IDS)) {
    publicKeys[name] = crypto.createPublicKey(read(name));
  }
  const cert = (name) => new crypto.X509Certificate(read(name));
  return {
    publicKeys,
    clientCaPem: read('client-ca.pem'),
    selfSigned: cert('self-signed.crt'),
    selfSignedExpired: cert('self-signed-expired.crt'),
  };
}

// The public JWK of a key file, with its kid (or `kid`) and `use: sig`.
export function publicJwk(material, name, kid = KEY_IDS[name]) {
  return { ...material.publicKeys[name].export({ format: 'jwk' }), kid, use: 'sig' };
}

// The public JWK of a certificate's key with the certificate as x5c, as RFC 8705 §2.2
// registers a self-signed certificate.
export function certificateJwk(cert, kid) {
  return {
    ...cert.publicKey.export({ format: 'jwk' }),
    kid,
    use: 'sig',
    x5c: [cert.raw.toString('base64')],
  };
}
