//! The `json` format: the provider's answer, with `expires_in` and `expires_at`
//! worked out from the lifetime tokn knows.

use serde_json::Value;

use crate::oauth::response::Token;

/// Every field of the answer as one JSON object.
pub fn json(token: &Token, expires_at: Option<u64>, now: u64) -> String {
    let mut fields = token.fields.clone();
    if let Some(at) = expires_at {
        fields.insert("expires_in".into(), Value::from(at.saturating_sub(now)));
        fields.insert("expires_at".into(), Value::from(at));
    }
    escape_controls(&Value::Object(fields).to_string())
}

/// serde_json escapes only U+0000–U+001F; DEL and the C1 controls (U+007F–U+009F)
/// from a server's answer would reach the terminal raw. Compact JSON has them only
/// inside strings, where `\uXXXX` means the same character.
pub fn escape_controls(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_control() {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}
