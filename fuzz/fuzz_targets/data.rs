//! `-d KEY=VALUE`: any argument is either a usage error (exit 2) or a field that
//! splits at the first `=` and comes back whole from the encoded request body.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tokn::error::{Exit, exit_of};
use tokn::oauth::request::{Field, TokenRequest};

fuzz_target!(|data: &[u8]| {
    // clap hands tokn only UTF-8 arguments.
    let Ok(arg) = std::str::from_utf8(data) else {
        return;
    };
    match Field::parse(arg) {
        Ok(field) => {
            assert!(!field.key.is_empty() && !field.key.contains('='));
            assert_eq!(format!("{}={}", field.key, field.value), arg);
            let request = TokenRequest::new(
                "client_credentials".into(),
                &[],
                vec![field.clone(), field.clone()],
            );
            let body = request.encode(&[]);
            assert!(
                body.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"%+=&*-._".contains(&b)),
                "{body}"
            );
            let pairs: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
                .into_owned()
                .collect();
            let expected = (field.key, field.value);
            assert_eq!(pairs[1..], [expected.clone(), expected]);
        }
        Err(e) => {
            assert_eq!(exit_of(&e), Exit::Usage);
            assert!(
                !tokn::diag::clean(&e.to_string())
                    .chars()
                    .any(char::is_control)
            );
        }
    }
});
