//! `-H 'NAME: VALUE'`: any argument is either a usage error (exit 2) or a header
//! that can go on the wire (no CR, LF or other control character but tab) and
//! parses back to itself.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tokn::endpoint::parse_header;
use tokn::error::{Exit, exit_of};

/// RFC 9110 §5.6.2: the characters of a header name.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fuzz_target!(|data: &[u8]| {
    let Ok(arg) = std::str::from_utf8(data) else {
        return;
    };
    match parse_header(arg) {
        Ok((name, value)) => {
            assert!(!name.is_empty() && name.bytes().all(is_tchar), "{name:?}");
            assert!(
                value
                    .bytes()
                    .all(|b| b == b'\t' || (b >= 0x20 && b != 0x7f)),
                "{value:?}"
            );
            assert_eq!(value.trim(), value);
            let again =
                parse_header(&format!("{name}: {value}")).expect("a parsed header parses again");
            assert_eq!(again, (name, value));
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
