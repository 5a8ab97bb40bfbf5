//! Where the request goes and what it carries besides the form: the token URL
//! (scheme, host, the plain-http rule) and the `-H` headers, checked before
//! anything is sent.

use std::net::{IpAddr, Ipv6Addr};

use anyhow::Result;
use ureq::http::Uri;
use ureq::http::header::{HeaderName, HeaderValue};

use crate::error::{usage, usage_with};

/// Check the token URL; return its scheme and host (without brackets for IPv6).
///
/// Every message quotes the URL without its userinfo: the part before `@` may
/// be a password, even in a URL that is otherwise wrong.
pub fn check_url(url: &str, allow_http: bool) -> Result<(&'static str, String)> {
    check_url_of(url, "token URL", allow_http)
}

/// Check a URL tokn sends to (`what` names it in messages: `token URL`,
/// `issuer URL`) by the token URL's rules.
pub fn check_url_of(url: &str, what: &str, allow_http: bool) -> Result<(&'static str, String)> {
    let shown = without_userinfo(url);
    let invalid = |why: &str| usage(format!("the {what} '{shown}' is not valid: {why}"));
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
        return Err(usage(format!(
            "the {what} '{shown}' holds credentials (user:password@): pass the client ID \
             with -i and the secret by env, file or prompt"
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
    if let Some(port) = port_text(authority.as_str()).filter(|p| !p.is_empty()) {
        check_port(port).map_err(|why| invalid(&why))?;
    }
    if scheme == "http" && !allow_http && !is_loopback(&host) {
        return Err(usage_with(
            format!("refusing to send the client secret over plain http to '{host}'"),
            [
                "use an https:// URL",
                "or pass --allow-http if the network path is trusted",
            ],
        ));
    }
    Ok((scheme, host))
}

/// A port as written in a URL: 1 to 65535. The URL parser accepts any digits
/// and ureq then quietly uses the scheme's default port, which would send the
/// secret somewhere the user did not say. The message does not quote the port:
/// in a mistyped URL, what looks like a port may be part of a password.
pub fn check_port(port: &str) -> std::result::Result<u16, String> {
    match port.parse::<u16>() {
        Ok(0) | Err(_) => Err("its port is not a number from 1 to 65535".to_string()),
        Ok(n) => Ok(n),
    }
}

/// The port of `host:port` or `[v6]:port` as written, however large; empty
/// after a bare `:`, which means the default port (as in curl).
pub fn port_text(authority: &str) -> Option<&str> {
    let after_host = authority
        .rfind(']')
        .map_or(authority, |i| &authority[i + 1..]);
    after_host.rfind(':').map(|i| &after_host[i + 1..])
}

/// A URL as it may be printed: anything between `://` (or the start) and the
/// last `@` replaced by `[redacted]`. The last `@` and not the first, and no
/// attempt to find where the authority ends, because a password typed without
/// percent-encoding may hold `@`, `/` or spaces; hiding too much is the safe way.
pub fn without_userinfo(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    match url[start..].rfind('@') {
        Some(at) => format!("{}[redacted]{}", &url[..start], &url[start + at..]),
        None => url.to_string(),
    }
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

/// Headers that frame the request rather than add to it. tokn writes them from
/// the URL and the body; a second or a wrong value would make the request
/// ambiguous to the server (RFC 9112 §6.3) or send it to another host.
const FRAMING_HEADERS: [(&str, &str); 3] = [
    ("content-length", "tokn sets it from the form body"),
    (
        "transfer-encoding",
        "tokn sends the form with a Content-Length",
    ),
    ("host", "tokn sets it from the token URL (-u)"),
];

/// One `-H 'NAME: VALUE'`, split at the first `:`.
pub fn parse_header(arg: &str) -> Result<(String, String)> {
    let Some((name, value)) = arg.split_once(':') else {
        return Err(usage(format!(
            "-H '{arg}' has no ':': write it as 'NAME: VALUE'"
        )));
    };
    let name = check_header_name(name.trim(), "-H")?;
    if let Some((_, why)) = FRAMING_HEADERS
        .iter()
        .find(|(framing, _)| name.eq_ignore_ascii_case(framing))
    {
        return Err(usage(format!("-H '{name}: …' cannot be set: {why}")));
    }
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

    #[test]
    fn ports_out_of_range_and_missing_hosts_are_refused() {
        for url in [
            "http://127.0.0.1:99999/t",
            "https://idp.example.com:70000/",
            "http://127.0.0.1:0/t",
            "http://[::1]:65536/t",
            "http:///t",
            "https://:443/t",
        ] {
            assert!(check_url(url, true).is_err(), "{url}");
        }
        assert!(check_url("http://127.0.0.1:65535/t", false).is_ok());
        assert!(check_url("http://[::1]:1/t", false).is_ok());
        assert!(check_url("http://127.0.0.1:/t", false).is_ok());
        assert_eq!(port_text("[::1]:8080"), Some("8080"));
        assert_eq!(port_text("[::1]"), None);
        assert_eq!(port_text("h:"), Some(""));
    }

    #[test]
    fn userinfo_is_never_quoted() {
        for url in [
            "https://id:PASS@/t",
            "ftp://id:PASS@host/t",
            "https://id:PA SS@host/t",
            "https://id:PA/SS@host/t",
            "id:PASS@host/t",
            "https://id:PASS@host:99999/t",
        ] {
            let err = check_url(url, true).unwrap_err().to_string();
            assert!(!err.contains("PA"), "{url}: {err}");
        }
        assert_eq!(
            without_userinfo("https://u:p@s@h/t"),
            "https://[redacted]@h/t"
        );
        assert_eq!(without_userinfo("https://h/t"), "https://h/t");
    }

    #[test]
    fn framing_headers_cannot_be_set() {
        for arg in [
            "Content-Length: abc",
            "host: x",
            "TRANSFER-ENCODING: chunked",
        ] {
            let err = parse_header(arg).unwrap_err().to_string();
            assert!(err.contains("cannot be set"), "{err}");
        }
        assert!(parse_header("Content-Type: text/plain").is_ok());
    }
}
