// The sign-in pages: login, consent and the device flow's code pages, as small HTML
// forms that a test completes with plain HTTP requests (tests/cli/interop_flows.rs). Each
// page's form has a fixed id (login, consent, abort, op.deviceInputForm,
// op.deviceConfirmForm) and the device flow's last page says id="device-success".
//
//   GET  /interaction/UID          the login page, or the consent page once logged in
//   POST /interaction/UID/login    login=USER&password=PASSWORD (the test user only)
//   POST /interaction/UID/confirm  grants what the client asked for
//   POST /interaction/UID/abort    denies it: the client gets access_denied

import { errors } from 'oidc-provider';

import { TEST_PASSWORD, TEST_USER } from './clients.js';
import { readForm } from './testing.js';

const escape = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><h1>${escape(title)}</h1>
${body}
</body></html>
`;
}

function loginPage(uid, details, message) {
  return page('Sign in', `<p>${escape(details.params.client_id)} asks to sign you in.</p>
${message ? `<p id="error">${escape(message)}</p>` : ''}
<form id="login" method="post" action="/interaction/${uid}/login">
<input type="text" name="login" value="">
<input type="password" name="password" value="">
<button type="submit">Sign in</button>
</form>
<form id="abort" method="post" action="/interaction/${uid}/abort"><button type="submit">Cancel</button></form>`);
}

function consentPage(uid, details) {
  const scope = details.params.scope || '';
  return page('Allow access', `<p>${escape(details.params.client_id)} asks for: <span id="scope">${escape(scope)}</span></p>
<form id="consent" method="post" action="/interaction/${uid}/confirm"><button type="submit">Allow</button></form>
<form id="abort" method="post" action="/interaction/${uid}/abort"><button type="submit">Deny</button></form>`);
}

async function finish(ctx, provider, result, merge) {
  const to = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge });
  ctx.status = 303;
  ctx.redirect(to);
}

// A grant with everything the consent prompt found missing (as oidc-provider's example does).
async function grantFor(provider, details) {
  const { prompt: { details: missing }, params, session: { accountId } } = details;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: params.client_id });
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes || {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  return grant.save();
}

export async function interactions(ctx, provider) {
  const match = /^\/interaction\/([^/]+)(?:\/(login|confirm|abort))?$/.exec(ctx.path);
  if (!match) throw new errors.InvalidRequest('no such interaction page');
  const [, uid, action] = match;
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.uid !== uid) throw new errors.InvalidRequest('interaction mismatch');
  ctx.type = 'html';
  if (!action && ctx.method === 'GET') {
    ctx.body = details.prompt.name === 'login' ? loginPage(uid, details) : consentPage(uid, details);
  } else if (action === 'login' && ctx.method === 'POST') {
    const form = await readForm(ctx);
    if (form.get('login') !== TEST_USER || form.get('password') !== TEST_PASSWORD) {
      ctx.body = loginPage(uid, details, 'wrong user or password');
      return;
    }
    await finish(ctx, provider, { login: { accountId: TEST_USER } }, false);
  } else if (action === 'confirm' && ctx.method === 'POST') {
    const grantId = await grantFor(provider, details);
    await finish(ctx, provider, { consent: details.grantId ? {} : { grantId } }, true);
  } else if (action === 'abort' && ctx.method === 'POST') {
    await finish(ctx, provider, { error: 'access_denied', error_description: 'the user denied the request' }, false);
  } else {
    ctx.status = 405;
    ctx.body = page('Method not allowed', '');
  }
}

// The device flow's own pages (features.deviceFlow), in the same plain style.
export const deviceFlowPages = {
  async userCodeInputSource(ctx, form, out, err) {
    const message = err ? `<p id="error">${escape(err.error_description || err.message || 'error')}</p>` : '';
    ctx.body = page('Enter the code', `${message}${form}
<button type="submit" form="op.deviceInputForm">Continue</button>`);
  },
  async userCodeConfirmSource(ctx, form, client, deviceInfo, userCode) {
    ctx.body = page('Confirm the code', `<p>${escape(client.clientId)}: <code id="user-code">${escape(userCode)}</code></p>
${form}
<button type="submit" form="op.deviceConfirmForm">Continue</button>`);
  },
  async successSource(ctx) {
    ctx.body = page('Signed in', `<p id="device-success">${escape(ctx.oidc.client.clientId)} is signed in; you may close this page.</p>`);
  },
};
