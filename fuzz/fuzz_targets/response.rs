//! `interpret(status, content_type, body)`: the token endpoint's answer, whatever
//! a hostile or broken server sends. It never panics, it sorts every status into
//! the SPEC's exit codes, a token it accepts prints cleanly in every format, and
//! the body it quotes holds no run of 32 token characters.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tokn::oauth::response::{Rejection, interpret};
use tokn::output::HeaderPattern;

fuzz_target!(|data: &[u8]| {
    let (status, content_type, body) = tokn_fuzz::split_response(data);
    match interpret(status, content_type, body) {
        Ok(token) => {
            assert!((200..=299).contains(&status), "a token on HTTP {status}");
            tokn_fuzz::assert_sound_token(&token);
            let pattern = HeaderPattern::parse("{token_type} {access_token}").unwrap();
            tokn_fuzz::assert_renders_cleanly(&token, &pattern);
        }
        Err(Rejection::Refused {
            status: s,
            ref excerpt,
            ..
        }) => {
            assert_eq!(s, status);
            tokn_fuzz::assert_no_long_runs(excerpt.as_deref().unwrap_or_default());
            assert!(
                (200..=299).contains(&s) || (400..=499).contains(&s),
                "refused on HTTP {s}"
            );
        }
        Err(Rejection::Unusable {
            status: s,
            ref reason,
            ..
        }) => {
            assert_eq!(s, status);
            tokn_fuzz::assert_no_long_runs(reason);
            assert!(
                !(400..=499).contains(&s),
                "a 4xx is a refusal, not unusable"
            );
        }
    }
});
