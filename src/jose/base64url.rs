//! base64url without padding (RFC 7515 §2), the only base64 that JOSE uses.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The bytes of `text`, or `None` when it is not strict unpadded base64url.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpadded_url_alphabet_only() {
        assert_eq!(encode(b"\xfb\xff"), "-_8");
        assert_eq!(decode("-_8"), Some(b"\xfb\xff".to_vec()));
        assert_eq!(decode("+/8"), None);
        assert_eq!(decode("-_8="), None);
        assert_eq!(decode("a"), None);
    }
}
