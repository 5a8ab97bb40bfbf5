//! The `header` and `curl` formats, and the `--header-pattern` they fill.

use crate::oauth::response::Token;

use super::{OutputSpec, shell_quote};

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

/// `Authorization: Bearer TOKEN`, for `curl -H @-`.
pub fn header(spec: &OutputSpec, token: &Token) -> String {
    format!("{}: {}", spec.header_name, spec.pattern.fill(token))
}

/// `-H 'Authorization: Bearer TOKEN'`, to paste into a curl command line.
pub fn curl(spec: &OutputSpec, token: &Token) -> String {
    format!("-H {}", shell_quote(&header(spec, token)))
}

#[cfg(test)]
mod tests {
    use super::*;

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
