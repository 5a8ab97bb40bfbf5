//! Finding registered secrets and tokens in a text, in every spelling a server
//! might echo them in, and replacing them there.
//!
//! Each registered value becomes one or more needles: the value as it reads once
//! control characters are removed (a secret file's stray newline, an inner tab),
//! and the encodings tokn itself produces (form-urlencoded, JSON-escaped). Each
//! needle is searched in the text and in its decoded views (`decode`); every hit
//! is mapped back to the span of the original text and replaced whole.

use std::borrow::Cow;

use super::decode::{self, Source, View};

/// Secrets shorter than this (in characters) are matched only as whole words:
/// matching them anywhere would redact pieces of ordinary words.
pub const SHORT: usize = 4;

/// What a found value is replaced by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replacement {
    /// A secret: `[redacted]`.
    Redacted,
    /// A token: its first characters, as `-v` may show them.
    Shortened(String),
}

/// One spelling of a sensitive value to look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needle {
    /// Never empty.
    bytes: Vec<u8>,
    /// For each prefix of `bytes`, the length of its longest proper prefix that
    /// is also its suffix: where a search resumes after a mismatch.
    fallback: Vec<usize>,
    replacement: Replacement,
    /// Matched only where no letter or digit touches it on either side.
    whole_word: bool,
}

impl Needle {
    fn new(bytes: Vec<u8>, replacement: Replacement, whole_word: bool) -> Needle {
        let mut fallback = vec![0; bytes.len()];
        let mut k = 0;
        for i in 1..bytes.len() {
            while k > 0 && bytes[i] != bytes[k] {
                k = fallback[k - 1];
            }
            if bytes[i] == bytes[k] {
                k += 1;
            }
            fallback[i] = k;
        }
        Needle {
            bytes,
            fallback,
            replacement,
            whole_word,
        }
    }

    /// Every place in `hay` where this needle starts, overlapping ones too, in
    /// time linear in `hay` (Knuth–Morris–Pratt): a body of near misses sent
    /// by a hostile server cannot make redaction slow.
    fn each_start(&self, hay: &[u8], mut found: impl FnMut(usize)) {
        let needle = &self.bytes;
        let mut k = 0;
        for (i, &b) in hay.iter().enumerate() {
            while k > 0 && b != needle[k] {
                k = self.fallback[k - 1];
            }
            if b == needle[k] {
                k += 1;
            }
            if k == needle.len() {
                found(i + 1 - k);
                k = self.fallback[k - 1];
            }
        }
    }
}

/// The value as it reads once control characters are removed (or, with
/// `display`, line breaks and tabs shown as spaces), without surrounding spaces.
fn readable(value: &str, display: bool) -> String {
    let kept = value.chars().filter_map(|c| match c {
        '\n' | '\t' if display => Some(' '),
        c if c.is_control() => None,
        c => Some(c),
    });
    kept.collect::<String>().trim().to_string()
}

/// Whether a secret is too short to be redacted wherever it occurs.
pub fn is_short(value: &str) -> bool {
    readable(value, false).chars().count() < SHORT
}

/// The needles for a secret: how it reads, and how tokn encodes it in a form
/// body and how a JSON body would quote it.
pub fn secret_needles(value: &str) -> Vec<Needle> {
    let whole_word = is_short(value);
    let form: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
    let quoted = serde_json::to_string(value).unwrap_or_default();
    let quoted = quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or_default();
    let mut needles: Vec<Needle> = Vec::new();
    for spelling in [
        readable(value, false),
        readable(value, true),
        readable(&form, false),
        readable(quoted, false),
    ] {
        if !spelling.is_empty() && !needles.iter().any(|n| n.bytes == spelling.as_bytes()) {
            needles.push(Needle::new(
                spelling.into_bytes(),
                Replacement::Redacted,
                whole_word,
            ));
        }
    }
    needles
}

/// The needle for a token, replaced by `shown`; none for a token too short to
/// tell apart from ordinary text.
pub fn token_needle(value: &str, shown: String) -> Option<Needle> {
    let bytes = readable(value, false).into_bytes();
    (bytes.len() >= SHORT).then(|| Needle::new(bytes, Replacement::Shortened(shown), false))
}

/// A found needle: the span of the original text, and which needle.
type Hit = (usize, usize, usize);

/// Every place in `text` where a needle occurs, in any view: the text as it
/// reads (control characters removed) and as it is shown (line breaks and tabs
/// as spaces), each as it is and decoded; and, when it holds control
/// characters, the text decoded first (so that a line break between a stray
/// backslash and an escape cannot join them).
fn search(text: &str, needles: &[Needle]) -> Vec<Hit> {
    let mut hits = Vec::new();
    let plain = Source::plain(text);
    if needles.is_empty() {
        return hits;
    }
    if u32::try_from(text.len()).is_err() {
        // Beyond what a view can map; tokn never prints a text this long.
        find(plain, needles, &mut hits);
        return hits;
    }
    let read = decode::controls(plain, false);
    let base = read.as_ref().map_or(plain, View::source);
    find(base, needles, &mut hits);
    decodings(base, needles, &mut hits);
    if plain.has_spacing_controls()
        && let Some(shown) = decode::controls(plain, true)
    {
        find(shown.source(), needles, &mut hits);
        decodings(shown.source(), needles, &mut hits);
    }
    if read.is_some() {
        decodings(plain, needles, &mut hits);
    }
    hits
}

/// The decoded views of `base`, each searched without the control characters
/// it decodes to (`%0A`, `\n`). Control characters already in `base` go
/// first, when the caller removed them, so that one inside an escape
/// (`%2\x01B`) cannot hide it.
fn decodings(base: Source, needles: &[Needle], hits: &mut Vec<Hit>) {
    let decoded = |view: View, hits: &mut Vec<Hit>| match decode::controls(view.source(), false) {
        Some(read) => find(read.source(), needles, hits),
        None => find(view.source(), needles, hits),
    };
    if base.has_percent_or_plus() {
        decoded(decode::percent(base, true), hits);
        if base.has_percent_and_plus() {
            decoded(decode::percent(base, false), hits);
        }
    }
    if base.has_backslash() {
        let json = decode::json(base);
        // A JSON body quoting a form body.
        if json.source().has_percent_or_plus() {
            decoded(decode::percent(json.source(), true), hits);
        }
        decoded(json, hits);
    }
}

fn find(src: Source, needles: &[Needle], hits: &mut Vec<Hit>) {
    let hay = src.bytes;
    for (n, needle) in needles.iter().enumerate() {
        let len = needle.bytes.len();
        needle.each_start(hay, |i| {
            if !needle.whole_word || stands_alone(hay, i, i + len) {
                let (start, end) = src.span(i, i + len);
                hits.push((start, end, n));
            }
        });
    }
}

/// No letter or digit right before `start` or right at `end`.
fn stands_alone(hay: &[u8], start: usize, end: usize) -> bool {
    let word = |i: usize| hay.get(i).is_some_and(u8::is_ascii_alphanumeric);
    (start == 0 || !word(start - 1)) && !word(end)
}

/// Whether any needle occurs in `text`, in any spelling.
pub fn contains(text: &str, needles: &[Needle]) -> bool {
    !search(text, needles).is_empty()
}

/// How many times [`replace`] looks again at its own result.
const ROUNDS: usize = 4;

/// `text` with every occurrence of a needle replaced, spans that overlap merged.
/// A merged span that holds a secret is `[redacted]`.
///
/// A replacement can change how its neighbours decode (a secret that ends in a
/// backslash, followed by `\u0073…`), so the result is searched again until
/// nothing is found; a text that still yields more after [`ROUNDS`] rounds is
/// built to defeat redaction and is replaced whole.
pub fn replace<'a>(text: &'a str, needles: &[Needle]) -> Cow<'a, str> {
    let mut current = Cow::Borrowed(text);
    for _ in 0..ROUNDS {
        let hits = search(&current, needles);
        if hits.is_empty() {
            return current;
        }
        current = Cow::Owned(apply(&current, hits, needles));
    }
    if search(&current, needles).is_empty() {
        current
    } else {
        Cow::Borrowed("[redacted]")
    }
}

/// `text` with the spans of `hits` replaced.
fn apply(text: &str, mut hits: Vec<Hit>, needles: &[Needle]) -> String {
    hits.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut i = 0;
    while i < hits.len() {
        let (start, mut end, first) = hits[i];
        let mut replacement = &needles[first].replacement;
        i += 1;
        while i < hits.len() && hits[i].0 < end {
            end = end.max(hits[i].1);
            if needles[hits[i].2].replacement == Replacement::Redacted {
                replacement = &Replacement::Redacted;
            }
            i += 1;
        }
        let start = floor_boundary(text, start).max(at);
        out.push_str(&text[at..start]);
        out.push_str(match replacement {
            Replacement::Redacted => "[redacted]",
            Replacement::Shortened(shown) => shown,
        });
        at = ceil_boundary(text, end).max(start);
    }
    out.push_str(&text[at..]);
    out
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redact(text: &str, secret: &str) -> String {
        replace(text, &secret_needles(secret)).into_owned()
    }

    #[test]
    fn every_spelling_of_the_secret_is_replaced_whole() {
        let secret = "Zm9v+YmFy/YmF6==";
        for echo in [
            "Zm9v+YmFy/YmF6==",
            "Zm9v%2BYmFy%2FYmF6%3D%3D",
            "Zm9v%2bYmFy%2fYmF6%3d%3d",
            r"Zm9v+YmFy\/YmF6==",
            r"\u005am9v\u002BYmFy\/YmF6\u003d=",
            "Zm9v\x1b+YmFy/\nYmF6==",
        ] {
            assert_eq!(
                redact(&format!("<{echo}>"), secret),
                "<[redacted]>",
                "{echo}"
            );
        }
        assert_eq!(
            redact("a+b+c and a%20b%20c", "a b c"),
            "[redacted] and [redacted]"
        );
    }

    #[test]
    fn control_characters_in_the_secret_do_not_hide_it() {
        assert_eq!(
            redact("x s3cr3t-value\n y", "s3cr3t-value\n"),
            "x [redacted]\n y"
        );
        assert_eq!(redact(r#""in\tner""#, "in\tner"), r#""[redacted]""#);
        assert_eq!(redact("in ner", "in\tner"), "[redacted]");
    }

    #[test]
    fn short_secrets_are_replaced_only_where_they_stand_alone() {
        assert_eq!(
            redact("secret=ab&b=abc cab ab", "ab"),
            "secret=[redacted]&b=abc cab [redacted]"
        );
        assert!(is_short("ab\n\n") && !is_short("abcd"));
    }

    #[test]
    fn overlapping_hits_merge_and_a_secret_wins_over_a_token() {
        let mut needles = secret_needles("cdef");
        needles.push(token_needle("abcdefgh", "abcdef…".into()).unwrap());
        assert_eq!(replace("xabcdefghx", &needles), "x[redacted]x");
        assert_eq!(replace("aaaaa", &secret_needles("aaaa")), "[redacted]");
        assert!(token_needle("abc", "abc…".into()).is_none());
    }

    #[test]
    fn a_replacement_that_makes_a_new_occurrence_is_looked_at_again() {
        let mut needles = secret_needles("secret-1");
        needles.extend(secret_needles("ted]tail"));
        assert_eq!(replace("Xsecret-1tail", &needles), "X[redac[redacted]");
        // A text that keeps yielding more is replaced whole.
        let needles = secret_needles("redacted");
        assert_eq!(replace("a redacted b", &needles), "[redacted]");
    }

    #[test]
    fn a_control_character_inside_or_before_an_escape_does_not_hide_the_secret() {
        assert_eq!(redact("<%2\x01B%2\x7fB%2B%2\tb>", "++++"), "<[redacted]>");
        assert_eq!(redact("\\\n\\u0061bcd.", "abcd"), "\\\n[redacted].");
    }

    #[test]
    fn near_misses_take_linear_time_and_overlaps_are_found() {
        let needles = secret_needles(&format!("{}b", "a".repeat(999)));
        let hay = "a".repeat(1 << 20);
        let started = std::time::Instant::now();
        assert!(!contains(&hay, &needles));
        // Quadratic search would take minutes; allow a slow debug build.
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
        let mut starts = Vec::new();
        secret_needles("abab")[0].each_start(b"xababab", |i| starts.push(i));
        assert_eq!(starts, [1, 3]);
    }

    #[test]
    fn spans_stay_on_character_boundaries() {
        assert_eq!(redact("é\\u00e9tés!", "étés"), "é[redacted]!");
        assert!(contains("%C3%A9t%C3%A9s", &secret_needles("étés")));
        assert!(!contains("nothing here", &secret_needles("étés")));
    }
}
