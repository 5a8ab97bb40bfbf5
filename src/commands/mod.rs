//! One file per command: what it does with the settings and the token.

pub mod cache;
pub mod config;
pub mod exec;
pub mod get;
pub mod inspect;
