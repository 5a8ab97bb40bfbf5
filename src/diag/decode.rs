//! Decoded views of a text, for finding a secret however a server spelled it.
//!
//! A server that echoes the request may quote the secret form-urlencoded (`%2B`,
//! `+` for a space), JSON-escaped (`\/`, `\u0073`), or split by control
//! characters. Listing every spelling of every secret is hopeless (each
//! character has several `\u` forms), so instead each view decodes the text once
//! and remembers, for every decoded byte, the span of the original text it came
//! from. A secret found in a view is then replaced in the original, over that
//! span, escapes and all.

/// Bytes to search, each standing for a span of the original text.
#[derive(Clone, Copy)]
pub struct Source<'a> {
    pub bytes: &'a [u8],
    /// `None`: each byte stands for itself (the original text).
    spans: Option<&'a [(u32, u32)]>,
}

impl<'a> Source<'a> {
    /// The original text itself.
    pub fn plain(text: &'a str) -> Source<'a> {
        Source {
            bytes: text.as_bytes(),
            spans: None,
        }
    }

    /// The span of the original that `bytes[from..to]` came from (`from < to`).
    pub fn span(&self, from: usize, to: usize) -> (usize, usize) {
        match self.spans {
            None => (from, to),
            Some(spans) => (spans[from].0 as usize, spans[to - 1].1 as usize),
        }
    }

    fn has(&self, byte: u8) -> bool {
        self.bytes.contains(&byte)
    }

    /// Whether decoding percent escapes (and `+`) could change anything.
    pub fn has_percent_or_plus(&self) -> bool {
        self.has(b'%') || self.has(b'+')
    }

    /// Whether both `%` and `+` occur, so that reading `+` as a space or not differs.
    pub fn has_percent_and_plus(&self) -> bool {
        self.has(b'%') && self.has(b'+')
    }

    pub fn has_backslash(&self) -> bool {
        self.has(b'\\')
    }

    /// Whether the text holds a line break or a tab, which show as a space.
    pub fn has_spacing_controls(&self) -> bool {
        self.has(b'\n') || self.has(b'\t')
    }
}

/// A decoded text and, for each byte, the span of the original it came from.
pub struct View {
    bytes: Vec<u8>,
    spans: Vec<(u32, u32)>,
}

impl View {
    fn with_capacity(n: usize) -> View {
        View {
            bytes: Vec::with_capacity(n),
            spans: Vec::with_capacity(n),
        }
    }

    /// Callers keep texts under 4 GiB (see `needle::search`), so spans fit in u32.
    fn push(&mut self, byte: u8, span: (usize, usize)) {
        self.bytes.push(byte);
        self.spans.push((span.0 as u32, span.1 as u32));
    }

    pub fn source(&self) -> Source<'_> {
        Source {
            bytes: &self.bytes,
            spans: Some(&self.spans),
        }
    }
}

fn hex(byte: u8) -> Option<u8> {
    char::from(byte).to_digit(16).map(|d| d as u8)
}

/// Percent escapes decoded, and `+` read as a space when `plus` (form encoding).
/// A `%` not followed by two hex digits stays as it is.
pub fn percent(src: Source, plus: bool) -> View {
    let b = src.bytes;
    let mut view = View::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let escaped = (b[i] == b'%')
            .then(|| Some(hex(*b.get(i + 1)?)? << 4 | hex(*b.get(i + 2)?)?))
            .flatten();
        match (escaped, b[i]) {
            (Some(byte), _) => {
                view.push(byte, src.span(i, i + 3));
                i += 3;
            }
            (None, b'+') if plus => {
                view.push(b' ', src.span(i, i + 1));
                i += 1;
            }
            (None, byte) => {
                view.push(byte, src.span(i, i + 1));
                i += 1;
            }
        }
    }
    view
}

/// JSON string escapes decoded: `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`,
/// `\uXXXX` and surrogate pairs. A backslash that starts no valid escape stays.
pub fn json(src: Source) -> View {
    let b = src.bytes;
    let mut view = View::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let escape = (b[i] == b'\\').then(|| json_escape(b, i)).flatten();
        match escape {
            Some((c, len)) => {
                let span = src.span(i, i + len);
                let mut buf = [0u8; 4];
                for byte in c.encode_utf8(&mut buf).bytes() {
                    view.push(byte, span);
                }
                i += len;
            }
            None => {
                view.push(b[i], src.span(i, i + 1));
                i += 1;
            }
        }
    }
    view
}

/// The character of the escape that starts with the backslash at `i`, and its length.
fn json_escape(b: &[u8], i: usize) -> Option<(char, usize)> {
    let c = match *b.get(i + 1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => return json_unicode(b, i),
        _ => return None,
    };
    Some((c, 2))
}

fn hex4(b: &[u8], at: usize) -> Option<u32> {
    let digits = b.get(at..at + 4)?;
    digits
        .iter()
        .try_fold(0u32, |n, d| Some(n << 4 | u32::from(hex(*d)?)))
}

/// `\uXXXX`, or a pair of them for a character outside the BMP (RFC 8259 §7).
fn json_unicode(b: &[u8], i: usize) -> Option<(char, usize)> {
    let high = hex4(b, i + 2)?;
    if let Some(c) = char::from_u32(high) {
        return Some((c, 6));
    }
    if !(0xD800..0xDC00).contains(&high) || b.get(i + 6..i + 8) != Some(b"\\u") {
        return None;
    }
    let low = hex4(b, i + 8)?;
    if !(0xDC00..0xE000).contains(&low) {
        return None;
    }
    char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)).map(|c| (c, 12))
}

/// The length of the control character at `i` (C0, DEL, or C1 in UTF-8), or 0.
fn control_at(b: &[u8], i: usize) -> usize {
    match b[i] {
        0x00..=0x1f | 0x7f => 1,
        0xc2 if b.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)) => 2,
        _ => 0,
    }
}

/// The text as it reads without control characters; with `display`, line breaks
/// and tabs become spaces, as `diag::clean` shows them. `None` when the text
/// has no control character, so the caller searches it as it is.
pub fn controls(src: Source, display: bool) -> Option<View> {
    let b = src.bytes;
    if !(0..b.len()).any(|i| control_at(b, i) > 0) {
        return None;
    }
    let mut view = View::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match control_at(b, i) {
            0 => {
                view.push(b[i], src.span(i, i + 1));
                i += 1;
            }
            len => {
                if display && (b[i] == b'\n' || b[i] == b'\t') {
                    view.push(b' ', src.span(i, i + 1));
                }
                i += len;
            }
        }
    }
    Some(view)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(view: &View) -> String {
        String::from_utf8_lossy(&view.bytes).into_owned()
    }

    #[test]
    fn percent_escapes_and_plus_decode_and_map_back() {
        let view = percent(Source::plain("a%2Bb+c%zz%4"), true);
        assert_eq!(text(&view), "a+b c%zz%4");
        assert_eq!(view.source().span(1, 2), (1, 4));
        assert_eq!(text(&percent(Source::plain("a+b%2f"), false)), "a+b/");
    }

    #[test]
    fn json_escapes_decode_and_map_back() {
        let view = json(Source::plain(r#"\u0073\/x\\\"\ud83d\ude00\q\u12"#));
        assert_eq!(text(&view), "s/x\\\"😀\\q\\u12");
        assert_eq!(view.source().span(0, 1), (0, 6));
        // The four bytes of the emoji all come from the twelve of its escape.
        assert_eq!(view.source().span(5, 9), (13, 25));
        assert_eq!(text(&json(Source::plain(r"\ud83d x"))), r"\ud83d x");
    }

    #[test]
    fn control_characters_are_dropped_or_shown_as_spaces() {
        let src = Source::plain("a\tb\u{85}c\x1b\n");
        assert_eq!(text(&controls(src, false).unwrap()), "abc");
        assert_eq!(text(&controls(src, true).unwrap()), "a bc ");
        assert!(controls(Source::plain("plain é"), false).is_none());
    }
}
