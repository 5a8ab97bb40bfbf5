//! The integration tests: each runs the real `tokn` binary, with a cleared
//! environment, against an in-process server, and checks exit code, stdout and
//! stderr.

mod util;

mod cache;
mod canary;
mod canary_grants;
mod canary_keys;
mod code;
mod device;
mod discovery;
mod errors;
mod fetch;
mod files;
mod generated;
mod grants;
mod hostile;
mod inspect;
mod inspect_verify;
mod integrations;
mod interop;
mod interop_flows;
mod interop_grants;
mod interop_inspect;
mod interop_jws;
mod interop_keys;
mod interop_material;
mod interop_profiles;
mod interop_selftest;
mod jwt;
mod jwt_bearer;
mod keys;
mod kubectl;
mod leaks;
mod mtls;
mod network;
mod output;
mod profiles;
mod prompt;
mod properties;
mod proxy;
mod readme;
mod refresh;
mod retry;
mod scripted;
