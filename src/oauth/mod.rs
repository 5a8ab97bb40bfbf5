//! The OAuth 2.0 parts of tokn: what goes into the token request (RFC 6749 §4.4),
//! how the client authenticates (§2.3.1, RFC 7523 assertions, RFC 8705 mutual
//! TLS), the issuer's metadata (RFC 8414), the exchange and its fallback, and how
//! the answer is read (§5.1, §5.2) and a refusal explained.

pub mod assertion;
pub mod client_auth;
pub mod exchange;
pub mod metadata;
pub mod prepare;
pub mod refusal;
pub mod request;
pub mod response;
