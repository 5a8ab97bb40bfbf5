//! Everything tokn writes to stderr: errors, warnings and verbose lines.
//!
//! All of it passes through one filter that removes control characters (server
//! text is untrusted and must not drive the terminal) and replaces every string
//! registered as sensitive (the secret, the Basic credentials, tokens) before it
//! is written. The filter is global so that no path — an error built deep in the
//! code, a server echoing the request back — can skip it.

use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

static VERBOSE: AtomicBool = AtomicBool::new(false);
static QUIET: AtomicBool = AtomicBool::new(false);
static SENSITIVE: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// Shortest string worth registering: shorter ones would redact ordinary words.
const MIN_SENSITIVE_LEN: usize = 4;

pub fn configure(verbose: bool, quiet: bool) {
    VERBOSE.store(verbose, Ordering::Relaxed);
    QUIET.store(quiet, Ordering::Relaxed);
}

pub fn is_verbose() -> bool {
    VERBOSE.load(Ordering::Relaxed)
}

/// Never print `value` again; print `[redacted]` in its place.
pub fn protect_secret(value: &str) {
    protect(value, "[redacted]".to_string());
}

/// Never print the whole token; print its first 6 characters and an ellipsis.
pub fn protect_token(value: &str) {
    protect(value, shorten(value));
}

fn protect(value: &str, replacement: String) {
    if value.len() < MIN_SENSITIVE_LEN {
        return;
    }
    if let Ok(mut list) = SENSITIVE.lock()
        && !list.iter().any(|(v, _)| v == value)
    {
        list.push((value.to_string(), replacement));
        // Longest first, so a token that contains another is replaced whole.
        list.sort_by_key(|(v, _)| std::cmp::Reverse(v.len()));
    }
}

/// The first 6 characters of a token and an ellipsis, as verbose output shows it.
pub fn shorten(token: &str) -> String {
    let head: String = token.chars().take(6).collect();
    format!("{head}…")
}

/// Server or user text made safe to print: control characters removed, sensitive
/// strings replaced.
pub fn clean(text: &str) -> String {
    let mut text: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .filter(|c| !c.is_control())
        .collect();
    if let Ok(list) = SENSITIVE.lock() {
        for (value, replacement) in list.iter() {
            if text.contains(value.as_str()) {
                text = text.replace(value.as_str(), replacement);
            }
        }
    }
    text
}

fn emit(lines: &[String]) {
    let mut out = String::new();
    for line in lines {
        out.push_str(line);
        out.push('\n');
    }
    // A failed write to stderr has nowhere to be reported.
    let _ = std::io::stderr().lock().write_all(out.as_bytes());
}

/// `tokn: error: MESSAGE` and the detail lines indented under it.
pub fn error(message: &str, details: &[String]) {
    let mut lines = vec![format!("tokn: error: {}", clean(message))];
    lines.extend(details.iter().map(|d| format!("  {}", clean(d))));
    emit(&lines);
}

/// `tokn: warning: …`, unless `-q` was given.
pub fn warn(message: &str) {
    if !QUIET.load(Ordering::Relaxed) {
        emit(&[format!("tokn: warning: {}", clean(message))]);
    }
}

/// `tokn: …`, a note about the output (`tokn inspect`'s expiry), unless `-q`.
pub fn note(message: &str) {
    if !QUIET.load(Ordering::Relaxed) {
        emit(&[format!("tokn: {}", clean(message))]);
    }
}

/// A `-v` line, already prefixed by the caller with `>`, `<` or `*`.
pub fn verbose(line: &str) {
    if is_verbose() {
        emit(&[clean(line)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_escapes_are_removed() {
        assert_eq!(clean("a\x1b[31mred\x07\r\nnext\u{9b}"), "a[31mred next");
    }

    #[test]
    fn registered_values_are_replaced() {
        protect_secret("diag-test-secret");
        protect_token("diag-test-token-abcdef");
        assert_eq!(
            clean("s=diag-test-secret t=diag-test-token-abcdef"),
            "s=[redacted] t=diag-t…"
        );
    }
}
