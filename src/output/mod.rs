//! The output formats, one file each. This is the only code that writes to
//! stdout, so scripts can trust that stdout holds the requested output and
//! nothing else.

mod env;
mod header;
pub mod json;
pub mod k8s;

pub use header::HeaderPattern;

use std::io::{self, Write};

use serde::{Deserialize, Serialize};

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
    /// export lines (TOKN_ACCESS_TOKEN, TOKN_TOKEN_TYPE, TOKN_EXPIRES_AT), for eval
    Env,
    /// A kubectl ExecCredential, for the exec section of a kubeconfig
    K8s,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Raw => "raw",
            Format::Json => "json",
            Format::Header => "header",
            Format::Curl => "curl",
            Format::Env => "env",
            Format::K8s => "k8s",
        }
    }
}

/// What to print and how.
#[derive(Debug, Clone)]
pub struct OutputSpec {
    pub format: Format,
    pub header_name: String,
    pub pattern: HeaderPattern,
    /// The ExecCredential version of the k8s format.
    pub k8s_api: k8s::ApiVersion,
}

/// The output for a token that expires at `expires_at` (Unix seconds), at `now`.
pub fn render(spec: &OutputSpec, token: &Token, expires_at: Option<u64>, now: u64) -> String {
    let mut out = match spec.format {
        Format::Raw => token.access_token.clone(),
        Format::Json => json::json(token, expires_at, now),
        Format::Header => header::header(spec, token),
        Format::Curl => header::curl(spec, token),
        Format::Env => env::env(token, expires_at),
        Format::K8s => k8s::k8s(spec.k8s_api, token, expires_at),
    };
    out.push('\n');
    out
}

/// POSIX single quotes: safe to paste into any sh-like shell.
pub fn shell_quote(text: &str) -> String {
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
            k8s_api: k8s::ApiVersion::V1,
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
        assert_eq!(
            render(&spec(Format::Env, p), &t, Some(160), 100),
            "export TOKN_ACCESS_TOKEN='tok'\\''en'\nexport TOKN_TOKEN_TYPE='Bearer'\n\
             export TOKN_EXPIRES_AT=160\n"
        );
        assert_eq!(
            render(&spec(Format::K8s, p), &t, Some(1_700_000_000), 100),
            "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\
             \"status\":{\"token\":\"tok'en\",\"expirationTimestamp\":\"2023-11-14T22:13:20Z\"}}\n"
        );
    }

    #[test]
    fn env_and_k8s_leave_out_an_unknown_lifetime() {
        let t = token(r#"{"access_token":"a\"b"}"#);
        assert_eq!(
            render(&spec(Format::Env, ""), &t, None, 0),
            "export TOKN_ACCESS_TOKEN='a\"b'\nexport TOKN_TOKEN_TYPE='Bearer'\n"
        );
        let mut k8s = spec(Format::K8s, "");
        k8s.k8s_api = k8s::ApiVersion::V1Beta1;
        assert_eq!(
            render(&k8s, &t, None, 0),
            "{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\",\
             \"status\":{\"token\":\"a\\\"b\"}}\n"
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
}
