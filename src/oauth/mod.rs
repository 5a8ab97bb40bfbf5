//! The OAuth 2.0 parts of tokn: the grants and what each puts into the token
//! request (RFC 6749 §4, RFC 7523, RFC 8693), the sign-ins a person completes
//! elsewhere (RFC 8628 device authorization; the authorization code with PKCE,
//! RFC 7636, and a loopback redirect, RFC 8252), how the client authenticates
//! (§2.3.1, RFC 7523 assertions, RFC 8705 mutual TLS), the issuer's metadata
//! (RFC 8414), the exchange and its fallback, and how the answer is read (§5.1,
//! §5.2) and a refusal explained.

pub mod asker;
pub mod assertion;
pub mod authorization_code;
pub mod client_auth;
pub mod device;
pub mod exchange;
pub mod grant;
pub mod jwt_bearer;
pub mod loopback;
pub mod metadata;
pub mod pkce;
pub mod prepare;
pub mod refusal;
pub mod request;
pub mod response;
pub mod service_account;
