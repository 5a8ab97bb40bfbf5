//! Where the request goes and what it carries besides the form: the token URL
//! (scheme, host, the plain-http rule) and the `-H` headers, checked before
//! anything is sent.

use std::net::{IpAddr, Ipv6Addr};

use anyhow::Result;
use ureq::http::Uri;
use ureq::http::header::{HeaderName, HeaderValue};

use crate::error::{ContextLines, usage};

/// Check the token URL; return its scheme and host (without brackets for IPv6).
pub fn check_url(url: &str, allow_http: bool) -> Result<(&'static str, String)> {
    check_url_of(url, "token URL", allow_http)
}

/// Check a URL tokn sends to (`what` names it in messages: `token URL`,
/// `issuer URL`) by the token URL's rules.
pub fn check_url_of(url: &str, what: &str, allow_http: bool) -> Result<(&'static str, String)> {
    let invalid = |why: &str| usage(format!("the {what} '{url}' is not valid: {why}"));
    let uri: Uri = url.parse().map_err(|e| invalid(&format!("{e}")))?;
    let scheme = match uri.scheme_str().map(str::to_ascii_lowercase).as_deref() {
        Some("https") => "https",
        Some("http") => "http",
        _ => {
            return Err(invalid(
                "it must start with https:// (or http:// for a local server)",
            ));
        }
    };
    let Some(authority) = uri.authority() else {
        return Err(invalid("it has no host"));
    };
    if authority.as_str().contains('@') {
        // Not echoed: the part before '@' is a password.
        return Err(usage(format!(
            "the {what} holds credentials (user:password@): pass the client ID with -i \
             and the secret by env, file or prompt"
        )));
    }
    let host = authority
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    if host.is_empty() {
        return Err(invalid("it has no host"));
    }
    if scheme == "http" && !allow_http && !is_loopback(&host) {
        return Err(usage(format!(
            "refusing to send the client secret over plain http to '{host}'"
        ))
        .context_lines(&[
            "use an https:// URL",
            "or pass --allow-http if the network path is trusted",
        ]));
    }
    Ok((scheme, host))
}

/// `localhost`, 127.0.0.0/8 or ::1: plain http there never leaves the machine.
pub fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(IpAddr::V6(ip)) => ip == Ipv6Addr::LOCALHOST,
        Err(_) => false,
    }
}

/// One `-H 'NAME: VALUE'`, split at the first `:`.
pub fn parse_header(arg: &str) -> Result<(String, String)> {
    let Some((name, value)) = arg.split_once(':') else {
        return Err(usage(format!(
            "-H '{arg}' has no ':': write it as 'NAME: VALUE'"
        )));
    };
    let name = check_header_name(name.trim(), "-H")?;
    let value = value.trim();
    if HeaderValue::from_str(value).is_err() {
        return Err(usage(format!(
            "-H '{name}: …' has a value that cannot be sent in a header (control characters?)"
        )));
    }
    Ok((name, value.to_string()))
}

pub fn check_header_name(name: &str, option: &str) -> Result<String> {
    if HeaderName::from_bytes(name.as_bytes()).is_err() {
        return Err(usage(format!(
            "{option} '{name}' is not a valid header name"
        )));
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for host in ["localhost", "LOCALHOST", "127.0.0.1", "127.9.8.7", "::1"] {
            assert!(is_loopback(host), "{host}");
        }
        for host in [
            "example.com",
            "10.0.0.1",
            "localhost.example.com",
            "::2",
            "0.0.0.0",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        assert!(check_url("http://127.0.0.1:8080/token", false).is_ok());
        assert!(check_url("http://[::1]:8080/token", false).is_ok());
        assert!(check_url("http://idp.example.com/token", false).is_err());
        assert!(check_url("http://idp.example.com/token", true).is_ok());
        assert!(check_url("ftp://idp.example.com/token", true).is_err());
        assert!(check_url("https://user:pw@idp.example.com/token", true).is_err());
        assert!(check_url("not a url", true).is_err());
    }

    #[test]
    fn headers_split_at_the_first_colon() {
        assert_eq!(
            parse_header("X-Trace:  a:b ").unwrap(),
            ("X-Trace".to_string(), "a:b".to_string())
        );
        assert!(parse_header("no colon").is_err());
        assert!(parse_header("bad name: v").is_err());
        assert!(parse_header(": v").is_err());
    }
}
