// Issuers with a path, for discovery tests: `BASE/issuers/SEGMENT/…` is an issuer whose
// metadata is the provider's own (same endpoints, same keys) changed by the segments
// that name a change; every other segment is a label a test may use to have an issuer,
// and hit counts, of its own. oidc-provider itself serves only BASE's document.
//
//   rfc8414             served only at the RFC 8414 location,
//                       BASE/.well-known/oauth-authorization-server/issuers/…
//                       (the OpenID location, ISSUER/.well-known/openid-configuration, 404s)
//   both                served at both locations (default: the OpenID location only)
//   mismatch            the document's issuer is BASE/issuers/elsewhere
//   slash               the document's issuer ends with one `/` more than the path
//   methods=A,B         token_endpoint_auth_methods_supported is [A, B] (`methods=`: [])
//   no-methods          token_endpoint_auth_methods_supported is left out
//   no-mtls             mtls_endpoint_aliases is left out (HTTPS)
//   no-token-endpoint   token_endpoint is left out
//   not-json            the answer is 200 text/plain that is not JSON
//
// For the path-less issuer BASE, oidc-provider serves its document at both
// BASE/.well-known/openid-configuration and BASE/.well-known/oauth-authorization-server.

const OPENID = '/.well-known/openid-configuration';
const OAUTH = '/.well-known/oauth-authorization-server';

// Which metadata request `path` is, or undefined when it is none of ours.
export function metadataRoute(path) {
  if (path.startsWith(`${OAUTH}/issuers/`)) return { where: 'rfc8414', issuerPath: path.slice(OAUTH.length) };
  if (path.startsWith('/issuers/') && path.endsWith(OPENID)) {
    return { where: 'openid', issuerPath: path.slice(0, -OPENID.length) };
  }
  return undefined;
}

export async function serveMetadata(ctx, next, route, base) {
  const segments = route.issuerPath.split('/').filter(Boolean).slice(1);
  const has = (name) => segments.includes(name);
  let where = ['openid'];
  if (has('rfc8414')) where = ['rfc8414'];
  if (has('both')) where = ['openid', 'rfc8414'];
  if (!where.includes(route.where)) {
    ctx.status = 404;
    ctx.body = { error: 'not_found', error_description: `no metadata at this location for ${base}${route.issuerPath}` };
    return;
  }
  if (has('not-json')) {
    ctx.type = 'text/plain';
    ctx.body = 'this is not a metadata document';
    return;
  }
  ctx.url = OPENID;
  await next();
  if (ctx.status !== 200 || !ctx.body || typeof ctx.body !== 'object') return;
  ctx.body = changed({ ...ctx.body }, segments, `${base}${route.issuerPath}`, base);
}

function changed(doc, segments, issuer, base) {
  doc.issuer = issuer;
  for (const segment of segments) {
    if (segment === 'mismatch') doc.issuer = `${base}/issuers/elsewhere`;
    if (segment === 'slash') doc.issuer = `${issuer}/`;
    if (segment.startsWith('methods=')) {
      doc.token_endpoint_auth_methods_supported = segment.slice('methods='.length).split(',').filter(Boolean);
    }
    if (segment === 'no-methods') delete doc.token_endpoint_auth_methods_supported;
    if (segment === 'no-mtls') delete doc.mtls_endpoint_aliases;
    if (segment === 'no-token-endpoint') delete doc.token_endpoint;
  }
  return doc;
}
