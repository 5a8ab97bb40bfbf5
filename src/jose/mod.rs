//! JOSE: JSON Web Signatures and Keys (RFC 7515, 7517, 7519), for reading a
//! token's claims and checking them against the issuer's keys.

pub mod base64url;
pub mod decode;
pub mod verify;
