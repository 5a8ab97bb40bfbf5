//! What every fuzz target checks about what tokn prints, and how the raw fuzzer
//! input is cut into arguments. The same properties run on every CI run, with a
//! bounded number of cases, in `tests/cli/properties.rs`, which includes this file.

use tokn::oauth::response::{Token, interpret};
use tokn::output::Format as FormatArg;
use tokn::output::{HeaderPattern, OutputSpec, render};

pub const FORMATS: [FormatArg; 6] = [
    FormatArg::Raw,
    FormatArg::Json,
    FormatArg::Header,
    FormatArg::Curl,
    FormatArg::Env,
    FormatArg::K8s,
];

/// An input for `interpret`: three ASCII digits for the status (else 200 and the
/// whole input is the body), one byte for the content type (`j` JSON, `f` form,
/// `F` form with a charset, anything else none), then the body. Seed files stay
/// readable: `200j{"access_token":"abc"}`.
pub fn split_response(data: &[u8]) -> (u16, Option<&'static str>, &[u8]) {
    if data.len() < 4 || !data[..3].iter().all(u8::is_ascii_digit) {
        return (200, None, data);
    }
    let status = data[..3]
        .iter()
        .fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
    let content_type = match data[3] {
        b'j' => Some("application/json"),
        b'f' => Some("application/x-www-form-urlencoded"),
        b'F' => Some("application/x-www-form-urlencoded; charset=UTF-8"),
        _ => None,
    };
    (status, content_type, &data[4..])
}

/// A printed output: exactly one newline, at the end, and no other control character
/// (`env` prints one line per variable: newlines between them, none in them).
pub fn assert_clean_output(out: &str, lines: usize) {
    let Some(body) = out.strip_suffix('\n') else {
        panic!("the output does not end with a newline: {out:?}");
    };
    assert_eq!(body.split('\n').count(), lines, "{out:?}");
    assert!(
        !body.chars().any(|c| c.is_control() && c != '\n'),
        "a control character in the output: {out:?}"
    );
}

/// A token `interpret` accepted: printable ASCII only, and the same token again
/// when rebuilt from its fields (as the cache does).
pub fn assert_sound_token(token: &Token) {
    assert!(!token.access_token.is_empty());
    assert!(
        token
            .access_token
            .bytes()
            .all(|b| (0x20..=0x7e).contains(&b)),
        "{token:?}"
    );
    assert!(!token.token_type.is_empty());
    assert!(
        token.token_type.bytes().all(|b| b.is_ascii_graphic()),
        "{token:?}"
    );
    let rebuilt = tokn::oauth::response::token_from_fields(token.fields.clone());
    assert_eq!(rebuilt.as_ref(), Some(token));
}

/// Every format's output for `token`, each checked with [`assert_clean_output`],
/// the JSON one read back, the curl one unquoted back to the header line.
pub fn assert_renders_cleanly(token: &Token, pattern: &HeaderPattern) {
    let spec = |format| OutputSpec {
        format,
        header_name: "Authorization".into(),
        pattern: pattern.clone(),
        k8s_api: tokn::output::k8s::ApiVersion::V1,
    };
    for format in FORMATS {
        let out = render(&spec(format), token, Some(1_000_060), 1_000_000);
        assert_clean_output(&out, if format == FormatArg::Env { 3 } else { 1 });
        match format {
            FormatArg::Raw => assert_eq!(out, format!("{}\n", token.access_token)),
            FormatArg::Json => {
                let back: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(&out).expect("the json output is a JSON object");
                for (key, value) in &token.fields {
                    if key != "expires_in" && key != "expires_at" {
                        let again = back.get(key).expect("every field is printed");
                        assert_eq!(again, value, "{key}");
                    }
                }
                assert_eq!(back["expires_in"], 60);
                assert_eq!(back["expires_at"], 1_000_060);
            }
            FormatArg::Header => {}
            FormatArg::Env => {
                let first = out.lines().next().unwrap_or_default();
                let quoted = first
                    .strip_prefix("export TOKN_ACCESS_TOKEN=")
                    .expect("env output starts with the token");
                assert_eq!(shell_unquote(quoted), token.access_token);
                assert!(
                    out.ends_with("\nexport TOKN_EXPIRES_AT=1000060\n"),
                    "{out:?}"
                );
            }
            FormatArg::K8s => {
                let back: serde_json::Value =
                    serde_json::from_str(&out).expect("the k8s output is JSON");
                assert_eq!(back["status"]["token"], token.access_token.as_str());
                assert_eq!(
                    back["status"]["expirationTimestamp"],
                    "1970-01-12T13:47:40Z"
                );
            }
            FormatArg::Curl => {
                let header = render(&spec(FormatArg::Header), token, None, 0);
                let quoted = out.strip_prefix("-H ").expect("curl output starts with -H");
                assert_eq!(
                    shell_unquote(quoted.trim_end_matches('\n')),
                    header.trim_end_matches('\n')
                );
            }
        }
    }
}

/// A token answer with this access token and token type, for rendering.
pub fn token(access_token: &str, token_type: &str) -> Option<Token> {
    let body = serde_json::json!({ "access_token": access_token, "token_type": token_type });
    interpret(200, None, body.to_string().as_bytes()).ok()
}

/// Undo POSIX shell quoting made of '…' runs and \' escapes, as sh would.
pub fn shell_unquote(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    out.push(q);
                }
            }
            '\\' => out.extend(chars.next()),
            other => panic!("unquoted {other:?} in shell-quoted text {text:?}"),
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Redaction: a secret planted in a text, in any encoding, never comes out
// ---------------------------------------------------------------------------

/// A secret planted in a text: `before`, a delimiter, the secret in an encoding
/// chosen by `how`, a delimiter, `after`.
#[derive(Debug, Clone)]
pub struct Plant {
    pub secret: String,
    pub client_id: String,
    /// `how[0]`: the inner encoding (`f` form, `b` Basic, `j` JSON, else raw);
    /// `how[1]`: the outer one (`j` JSON, `f` form, else none); `how[2..4]`: the
    /// delimiters; the rest: choices per character (which escape, and whether a
    /// control character follows).
    pub how: Vec<u8>,
    pub before: String,
    pub after: String,
}

/// What may stand between the plant and the text around it: characters that
/// end a value in the bodies that echo requests (JSON, forms, HTML, prose), so
/// that a backslash or a `%` just before it cannot change how it decodes.
const DELIMITERS: [&str; 12] = [
    " ", "=", "\"", "&", ":", ",", "\n", "'", "<", ">", "(", "; ",
];

/// Control characters that may split an encoded secret between two characters.
const SPLITTERS: [&str; 6] = ["\u{1}", "\n", "\t", "\u{1b}", "\u{85}", "\r\n"];

/// The fuzzer's choices, read in turn, 0 when there are none left.
struct Choices<'a>(&'a [u8], usize);

impl Choices<'_> {
    fn next(&mut self) -> u8 {
        let c = self.0.get(self.1).copied().unwrap_or(0);
        self.1 += 1;
        c
    }
}

impl Plant {
    /// `secret NUL client_id NUL how NUL before NUL after`; `None` when a text
    /// part is not UTF-8. Seeds stay readable: `s3cr/t+x`, `my-client`, `jn""`,
    /// `{"e":`, `}` joined by NUL.
    pub fn from_bytes(data: &[u8]) -> Option<Plant> {
        let parts: Vec<&[u8]> = data.splitn(5, |b| *b == 0).collect();
        let part = |i: usize| parts.get(i).copied().unwrap_or_default();
        let text = |i: usize| std::str::from_utf8(part(i)).ok().map(str::to_string);
        Some(Plant {
            secret: text(0)?,
            client_id: text(1)?,
            how: part(2).to_vec(),
            before: text(3)?,
            after: text(4)?,
        })
    }

    /// The secret as planted (control characters included) and the whole text.
    pub fn texts(&self) -> (String, String) {
        let mut choices = Choices(self.how.get(4..).unwrap_or_default(), 0);
        let pick = |i: usize| self.how.get(i).copied().unwrap_or(0);
        let inner: Vec<String> = match pick(0) {
            b'f' => vec![form_urlencoded::byte_serialize(self.secret.as_bytes()).collect()],
            b'b' => vec![tokn::secret::sent_forms(&self.client_id, &self.secret)[1].clone()],
            b'j' => json_units(&self.secret, &mut choices),
            _ => self.secret.chars().map(String::from).collect(),
        };
        // An outer encoding over a JSON-escaped secret would need the inner
        // escapes to be serde_json's own, the only ones registered; servers
        // do not escape twice anyway.
        let inner_text = inner.concat();
        let units = match (pick(1), pick(0)) {
            (_, b'j') => inner,
            (b'j', _) => json_units(&inner_text, &mut choices),
            (b'f', _) => form_units(&inner_text, &mut choices),
            _ => inner,
        };
        let mut planted = String::new();
        for unit in units {
            planted.push_str(&unit);
            let c = choices.next();
            if c & 0x80 != 0 {
                planted.push_str(SPLITTERS[usize::from(c) % SPLITTERS.len()]);
            }
        }
        // A delimiter byte stands for itself, any other picks one.
        let delimiter = |i: usize| {
            let b = pick(i);
            let named = DELIMITERS.iter().find(|d| d.as_bytes()[0] == b);
            named
                .copied()
                .unwrap_or(DELIMITERS[usize::from(b) % DELIMITERS.len()])
        };
        let text = format!(
            "{}{}{planted}{}{}",
            self.before,
            delimiter(2),
            delimiter(3),
            self.after
        );
        (planted, text)
    }
}

/// `text` JSON-escaped one character at a time, each escape as chosen: as it
/// is where JSON allows, a short escape where one exists, `\u` in either case
/// (a surrogate pair outside the BMP).
fn json_units(text: &str, choices: &mut Choices) -> Vec<String> {
    text.chars()
        .map(|c| {
            let short = match c {
                '"' => Some("\\\""),
                '\\' => Some("\\\\"),
                '/' => Some("\\/"),
                '\u{8}' => Some("\\b"),
                '\u{c}' => Some("\\f"),
                '\n' => Some("\\n"),
                '\r' => Some("\\r"),
                '\t' => Some("\\t"),
                _ => None,
            };
            let must_escape = c == '"' || c == '\\' || c.is_control();
            match (choices.next() % 4, short) {
                (0, _) if !must_escape => c.to_string(),
                (1, Some(s)) => s.to_string(),
                (2, _) => unicode_escape(c, false),
                _ => unicode_escape(c, true),
            }
        })
        .collect()
}

fn unicode_escape(c: char, upper: bool) -> String {
    let mut buf = [0u16; 2];
    c.encode_utf16(&mut buf)
        .iter()
        .map(|u| {
            if upper {
                format!("\\u{u:04X}")
            } else {
                format!("\\u{u:04x}")
            }
        })
        .collect()
}

/// `text` form-urlencoded one byte at a time, each as chosen among the valid
/// spellings: as it is where that is allowed, `+` or `%20` for a space, `%XX`
/// in either case.
fn form_units(text: &str, choices: &mut Choices) -> Vec<String> {
    text.bytes()
        .map(|b| {
            let plain = b.is_ascii_alphanumeric() || b"*-._".contains(&b);
            match (choices.next() % 3, b) {
                (0, b' ') => "+".to_string(),
                (0, _) if plain => char::from(b).to_string(),
                (1, _) => format!("%{b:02X}"),
                _ => format!("%{b:02x}"),
            }
        })
        .collect()
}

/// `text` as it reads once control characters are removed (with `shown`, line
/// breaks and tabs as spaces), without surrounding spaces.
fn readable(text: &str, shown: bool) -> String {
    let kept: String = text
        .chars()
        .filter_map(|c| match c {
            '\n' | '\t' if shown => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    kept.trim().to_string()
}

/// The planted secret never comes out of `diag::clean`: no piece of the output
/// between two `[redacted]` holds the plant as it would show, or the secret as
/// it reads or in any form tokn sends it in (form-urlencoded, Basic,
/// JSON-escaped), and cleaning the output again changes nothing (so nothing
/// left decodes to the secret in any view).
/// Secrets under 4 characters are redacted only where they stand alone, and are
/// left out.
pub fn assert_plant_redacted(plant: &Plant) {
    if readable(&plant.secret, false).chars().count() < 4 {
        return;
    }
    let (planted, text) = plant.texts();
    let needles = tokn::redact::sent_secret_needles(&plant.client_id, &plant.secret);
    let out = tokn::diag::clean_with(&text, &needles);
    let [secret, basic] = tokn::secret::sent_forms(&plant.client_id, &plant.secret);
    let form: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let quoted = serde_json::to_string(&secret).unwrap_or_default();
    let forms = [
        readable(&secret, false),
        readable(&secret, true),
        form,
        basic,
        readable(&quoted[1..quoted.len() - 1], false),
    ];
    // The plant itself, as it would show, unless the text around it happens to
    // show the same characters too.
    let shown = |t: &str| tokn::diag::clean_with(t, &[]);
    let plant_shown = shown(&planted);
    let plant_once = shown(&text).matches(plant_shown.as_str()).count() == 1;
    for piece in out.split("[redacted]") {
        for form in forms.iter().filter(|f| !f.is_empty()) {
            assert!(
                !piece.contains(form.as_str()),
                "{form:?} in {out:?}, planted as {planted:?} in {text:?}"
            );
        }
        assert!(
            !(plant_once && piece.contains(plant_shown.as_str())),
            "the plant {planted:?} is in {out:?}, from {text:?}"
        );
    }
    assert_eq!(
        tokn::diag::clean_with(&out, &needles),
        out,
        "cleaning again finds more; planted as {planted:?} in {text:?}"
    );
}

/// Server text as tokn shows it: no run of 32 or more token characters.
pub fn assert_no_long_runs(text: &str) {
    let mut run = 0;
    for b in text.bytes() {
        run = if b.is_ascii_alphanumeric() || b"-_+=".contains(&b) {
            run + 1
        } else {
            0
        };
        assert!(run < 32, "a run of 32 token characters in {text:?}");
    }
}
