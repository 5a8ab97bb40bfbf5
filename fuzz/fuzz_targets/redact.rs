//! `diag::clean` with the needles of a secret: a text with the secret planted in
//! any encoding tokn or a server may give it (as it is, form-urlencoded, in the
//! Basic credentials, JSON-escaped, one inside another, split by control
//! characters) comes out without it. See `Plant` in `src/lib.rs`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(plant) = tokn_fuzz::Plant::from_bytes(data) {
        tokn_fuzz::assert_plant_redacted(&plant);
    }
});
