//! `--header-pattern`: any pattern is either refused with a message or renders,
//! in every format and with any token tokn would accept, an output with no
//! control character but the final newline.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tokn::output::HeaderPattern;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // After a NUL: the access token the pattern is filled with.
    let (pattern, access_token) = text
        .split_once('\0')
        .unwrap_or((text, "tok'en-\"x\" {access_token}"));
    match HeaderPattern::parse(pattern) {
        Ok(parsed) => {
            assert!(!pattern.chars().any(char::is_control));
            for token_type in ["bearer", "DPoP", "N_A"] {
                if let Some(token) = tokn_fuzz::token(access_token, token_type) {
                    tokn_fuzz::assert_renders_cleanly(&token, &parsed);
                }
            }
        }
        Err(message) => {
            assert!(!message.is_empty());
            assert!(!tokn::diag::clean(&message).chars().any(char::is_control));
        }
    }
});
