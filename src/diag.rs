//! Everything tokn writes to stderr: errors, warnings and verbose lines.
//!
//! All of it passes through one filter, [`clean`], that replaces every value
//! registered as sensitive (the secret, the Basic credentials, tokens) and then
//! removes control characters (server text is untrusted and must not drive the
//! terminal). Redaction comes first and looks through the encodings a server
//! may echo a value in (`needle`, `decode`), so that neither an escape nor a
//! control character can hide a secret from it. The filter is global so that no
//! path — an error built deep in the code, a server echoing the request back —
//! can skip it.

pub mod decode;
pub mod needle;

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use needle::Needle;

static VERBOSE: AtomicBool = AtomicBool::new(false);
static QUIET: AtomicBool = AtomicBool::new(false);
static SENSITIVE: Mutex<Registry> = Mutex::new(Registry {
    values: Vec::new(),
    needles: Vec::new(),
    built: 0,
});

/// The registered values, and their needles, built the first time something is
/// printed: a run that prints nothing pays only for the registration.
struct Registry {
    /// Each value, and whether it is a secret (else a token).
    values: Vec<(String, bool)>,
    needles: Vec<Needle>,
    /// How many of `values` have their needles in `needles`.
    built: usize,
}

impl Registry {
    fn knows(&self, value: &str) -> bool {
        self.values.iter().any(|(v, _)| v == value)
    }

    fn add(&mut self, value: &str, secret: bool) {
        match self.values.iter_mut().find(|(v, _)| v == value) {
            // A token that turns out to be a secret too is never shown in part.
            Some((_, was_secret)) if secret && !*was_secret => {
                *was_secret = true;
                self.needles.clear();
                self.built = 0;
            }
            Some(_) => {}
            None => self.values.push((value.to_string(), secret)),
        }
    }

    fn needles(&mut self) -> &[Needle] {
        for (value, secret) in &self.values[self.built..] {
            if *secret {
                self.needles.extend(needle::secret_needles(value));
            } else {
                self.needles
                    .extend(needle::token_needle(value, shorten(value)));
            }
        }
        self.built = self.values.len();
        &self.needles
    }
}

/// The registry, even after a panic elsewhere poisoned its lock: redaction must
/// go on for whatever is printed next.
fn registry() -> MutexGuard<'static, Registry> {
    SENSITIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

pub fn configure(verbose: bool, quiet: bool) {
    VERBOSE.store(verbose, Ordering::Relaxed);
    QUIET.store(quiet, Ordering::Relaxed);
}

pub fn is_verbose() -> bool {
    VERBOSE.load(Ordering::Relaxed)
}

/// Never print `value` again, in any spelling; print `[redacted]` in its place.
///
/// A secret under 4 characters is replaced only where it stands alone (not
/// inside a longer word), and a warning says so, once, before it is registered
/// (so that the warning itself is not redacted).
pub fn protect_secret(value: &str) {
    if value.is_empty() {
        return;
    }
    if needle::is_short(value) && !registry().knows(value) {
        warn(&format!(
            "the secret is shorter than {} characters: it is redacted only where it \
             stands alone, and a secret this short is easy to guess",
            needle::SHORT
        ));
    }
    registry().add(value, true);
}

/// Never print the whole token; print its first 6 characters and an ellipsis.
pub fn protect_token(value: &str) {
    registry().add(value, false);
}

/// Every value registered with [`protect_secret`]: what must never be written
/// anywhere (the cache checks its entries against them).
pub fn secrets() -> Vec<String> {
    registry()
        .values
        .iter()
        .filter(|(_, secret)| *secret)
        .map(|(value, _)| value.clone())
        .collect()
}

/// The first 6 characters of a token and an ellipsis, as verbose output shows it.
pub fn shorten(token: &str) -> String {
    let head: String = token.chars().take(6).collect();
    format!("{head}…")
}

/// Server or user text made safe to print: registered values replaced, then
/// control characters removed (line breaks and tabs shown as spaces).
pub fn clean(text: &str) -> String {
    clean_with(text, registry().needles())
}

/// [`clean`] with these needles instead of the registered ones.
pub fn clean_with(text: &str, needles: &[Needle]) -> String {
    needle::replace(text, needles)
        .chars()
        .filter_map(|c| match c {
            '\n' | '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
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

/// A line a person must read to go on (where to sign in), whatever `-q` says.
pub fn notice(line: &str) {
    emit(&[clean(line)]);
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
    fn registered_values_are_replaced_in_any_spelling() {
        protect_secret("diag-test-s/cret");
        assert_eq!(
            clean(r#"{"e":"diag-test-s\/cret"} diag-test-s%2Fcret diag-\u001btest-s/cret"#),
            r#"{"e":"[redacted]"} [redacted] [redacted]"#
        );
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
