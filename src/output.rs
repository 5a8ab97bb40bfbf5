//! The four output formats. This is the only code that writes to stdout, so
//! scripts can trust that stdout holds the requested output and nothing else.

use std::io::{self, Write};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Exit, Failure};
use crate::oauth::response::Token;

/// `--format`: what to print on standard output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// The access token and a newline
    Raw,
    /// Every field of the answer as one JSON object, with expires_at
    Json,
    /// 'Authorization: Bearer TOKEN', for curl -H @- or curl -H "$(tokn -f header)"
    Header,
    /// "-H 'Authorization: Bearer TOKEN'", shell-quoted, to paste into a curl command (for $(…), use header)
    Curl,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Raw => "raw",
            Format::Json => "json",
            Format::Header => "header",
            Format::Curl => "curl",
        }
    }
}

/// What to print and how.
#[derive(Debug, Clone)]
pub struct OutputSpec {
    pub format: Format,
    pub header_name: String,
    pub pattern: HeaderPattern,
}

/// `--header-pattern`, checked once: literal text and placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderPattern(Vec<Piece>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    AccessToken,
    TokenType,
}

impl HeaderPattern {
    pub fn parse(pattern: &str) -> Result<HeaderPattern, String> {
        if pattern.chars().any(char::is_control) {
            return Err(
                "--header-pattern holds a control character, which a header cannot carry".into(),
            );
        }
        let mut pieces = Vec::new();
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                pieces.push(Piece::Text(rest[..open].to_string()));
            }
            let Some(close) = rest[open..].find('}') else {
                return Err(format!(
                    "--header-pattern '{pattern}' has a '{{' without a closing '}}'"
                ));
            };
            let name = &rest[open + 1..open + close];
            pieces.push(match name {
                "access_token" => Piece::AccessToken,
                "token_type" => Piece::TokenType,
                _ => {
                    return Err(format!(
                        "--header-pattern has an unknown placeholder '{{{name}}}': \
                         use {{access_token}} or {{token_type}}"
                    ));
                }
            });
            rest = &rest[open + close + 1..];
        }
        if rest.contains('}') {
            return Err(format!(
                "--header-pattern '{pattern}' has a '}}' without an opening '{{'"
            ));
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_string()));
        }
        Ok(HeaderPattern(pieces))
    }

    fn fill(&self, token: &Token) -> String {
        self.0
            .iter()
            .map(|piece| match piece {
                Piece::Text(t) => t.as_str(),
                Piece::AccessToken => token.access_token.as_str(),
                Piece::TokenType => token.token_type.as_str(),
            })
            .collect()
    }
}

/// The output for a token that expires at `expires_at` (Unix seconds), at `now`.
pub fn render(spec: &OutputSpec, token: &Token, expires_at: Option<u64>, now: u64) -> String {
    let mut out = match spec.format {
        Format::Raw => token.access_token.clone(),
        Format::Json => {
            let mut fields = token.fields.clone();
            if let Some(at) = expires_at {
                fields.insert("expires_in".into(), Value::from(at.saturating_sub(now)));
                fields.insert("expires_at".into(), Value::from(at));
            }
            escape_controls(&Value::Object(fields).to_string())
        }
        Format::Header => format!("{}: {}", spec.header_name, spec.pattern.fill(token)),
        Format::Curl => format!(
            "-H {}",
            shell_quote(&format!(
                "{}: {}",
                spec.header_name,
                spec.pattern.fill(token)
            ))
        ),
    };
    out.push('\n');
    out
}

/// serde_json escapes only U+0000–U+001F; DEL and the C1 controls (U+007F–U+009F)
/// from a server's answer would reach the terminal raw. Compact JSON has them only
/// inside strings, where `\uXXXX` means the same character.
fn escape_controls(json: &str) -> String {
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

/// POSIX single quotes: safe to paste into any sh-like shell.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Write to stdout; a reader that went away (`tokn | head -c 5`) is not an error.
/// Any other failed write (`>/dev/full`) is exit 2, whatever the command: the
/// output was pointed where it cannot go.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::new(Exit::Usage, format!("cannot write the output: {e}")).into()),
        Ok(()) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::response::interpret;

    fn token(body: &str) -> Token {
        interpret(200, None, body.as_bytes()).unwrap()
    }

    fn spec(format: Format, pattern: &str) -> OutputSpec {
        OutputSpec {
            format,
            header_name: "Authorization".into(),
            pattern: HeaderPattern::parse(pattern).unwrap(),
        }
    }

    #[test]
    fn every_format_ends_with_one_newline() {
        let t = token(r#"{"access_token":"tok'en","token_type":"bearer","expires_in":"60"}"#);
        let p = "Bearer {access_token}";
        assert_eq!(
            render(&spec(Format::Raw, p), &t, Some(160), 100),
            "tok'en\n"
        );
        assert_eq!(
            render(&spec(Format::Header, p), &t, None, 100),
            "Authorization: Bearer tok'en\n"
        );
        assert_eq!(
            render(&spec(Format::Curl, p), &t, None, 100),
            "-H 'Authorization: Bearer tok'\\''en'\n"
        );
        assert_eq!(
            render(&spec(Format::Json, p), &t, Some(160), 100),
            "{\"access_token\":\"tok'en\",\"expires_at\":160,\"expires_in\":60,\"token_type\":\"bearer\"}\n"
        );
    }

    #[test]
    fn token_type_placeholder_is_normalized() {
        let t = token(r#"{"access_token":"t","token_type":"BEARER"}"#);
        assert_eq!(
            render(
                &spec(Format::Header, "{token_type} {access_token}"),
                &t,
                None,
                0
            ),
            "Authorization: Bearer t\n"
        );
        let t = token(r#"{"access_token":"t","token_type":"DPoP"}"#);
        assert_eq!(
            render(
                &spec(Format::Header, "{token_type} {access_token}"),
                &t,
                None,
                0
            ),
            "Authorization: DPoP t\n"
        );
    }

    #[test]
    fn json_output_escapes_del_and_c1_controls() {
        let t = token(r#"{"access_token":"t","x":"a\u007fb\u009bc\u001bd"}"#);
        assert_eq!(
            render(&spec(Format::Json, "{access_token}"), &t, None, 0),
            "{\"access_token\":\"t\",\"x\":\"a\\u007fb\\u009bc\\u001bd\"}\n"
        );
    }

    #[test]
    fn bad_patterns_are_refused() {
        assert!(HeaderPattern::parse("Bearer {token}").is_err());
        assert!(HeaderPattern::parse("Bearer {access_token").is_err());
        assert!(HeaderPattern::parse("Bearer access_token}").is_err());
        assert!(HeaderPattern::parse("Bearer\n{access_token}").is_err());
        assert!(HeaderPattern::parse("{access_token}").is_ok());
        assert!(HeaderPattern::parse("plain").is_ok());
    }
}
