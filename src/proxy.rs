//! Which proxy, if any, carries the token request, by curl's rules, and what
//! its URL says.
//!
//! ureq reads the proxy variables itself, but without the scheme match, the
//! trimming of `NO_PROXY` entries and the domain-suffix rule that curl users
//! rely on, so tokn decides here and hands ureq the result. The chosen URL is
//! checked here too, before anything is sent: ureq would treat a port over 65535
//! as its default port, and each client has its own idea of a default scheme
//! and port. A proxy URL may carry a password, so nothing here ever quotes the
//! part before `@`, and the password is registered with `diag` for redaction.

use anyhow::Result;
use base64::Engine;

use crate::diag;
use crate::endpoint::{check_port, without_userinfo};
use crate::error::usage;
use crate::secret::Secret;

/// The kinds of proxy curl knows, by URL scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `http://`: plain requests in absolute form, `CONNECT` for `https://`.
    Http,
    /// `https://`: the same, over TLS to the proxy.
    Https,
    /// `socks4://`: the target resolved by tokn.
    Socks4,
    /// `socks4a://`: the target resolved by the proxy.
    Socks4a,
    /// `socks5://`: the target resolved by tokn.
    Socks5,
    /// `socks5h://`: the target resolved by the proxy.
    Socks5h,
}

const KINDS: [(&str, Kind); 6] = [
    ("http", Kind::Http),
    ("https", Kind::Https),
    ("socks4", Kind::Socks4),
    ("socks4a", Kind::Socks4a),
    ("socks5", Kind::Socks5),
    ("socks5h", Kind::Socks5h),
];

impl Kind {
    pub fn scheme(self) -> &'static str {
        KINDS
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("http", |(s, _)| s)
    }

    /// curl's defaults: 443 for an HTTPS proxy, 1080 for every other.
    fn default_port(self) -> u16 {
        if self == Kind::Https { 443 } else { 1080 }
    }

    pub fn is_socks(self) -> bool {
        !matches!(self, Kind::Http | Kind::Https)
    }
}

/// A checked proxy URL. `Debug` shows no password.
#[derive(Debug, Clone)]
pub struct Proxy {
    pub kind: Kind,
    /// As written, with brackets for IPv6.
    pub host: String,
    pub port: u16,
    user: Option<String>,
    password: Option<Secret>,
    /// The variable it came from, for messages (`HTTPS_PROXY`, `all_proxy`, …).
    pub variable: String,
}

impl Proxy {
    /// Check a proxy URL from `variable`, curl's way: no scheme means
    /// `http://`, no port means curl's default, a path is ignored, and the user
    /// and password are percent-decoded.
    pub fn parse(value: &str, variable: &str) -> Result<Proxy> {
        let value = value.trim();
        let invalid = |why: &str| {
            usage(format!(
                "the proxy URL in {variable} ('{}') is not valid: {why}",
                without_userinfo(value)
            ))
        };
        let (scheme, rest) = value.split_once("://").unwrap_or(("http", value));
        let kind = KINDS
            .iter()
            .find(|(s, _)| s.eq_ignore_ascii_case(scheme))
            .map(|(_, k)| *k)
            .ok_or_else(|| {
                invalid(
                    "tokn knows http://, https://, socks4://, socks4a://, socks5:// and socks5h://",
                )
            })?;
        let (userinfo, host_part) = match rest.rfind('@') {
            Some(at) => (Some(&rest[..at]), &rest[at + 1..]),
            None => (None, rest),
        };
        let authority = host_part.split(['/', '?', '#']).next().unwrap_or_default();
        let (host, port) = split_host_port(authority).map_err(|why| invalid(&why))?;
        let (user, password) = match userinfo {
            Some(info) => decode_userinfo(info).map_err(|why| invalid(&why))?,
            None => (None, None),
        };
        let proxy = Proxy {
            kind,
            host: host.to_string(),
            port: port.unwrap_or(kind.default_port()),
            user,
            password: password.map(Secret::new),
            variable: variable.to_string(),
        };
        proxy.protect(userinfo);
        Ok(proxy)
    }

    /// The proxy as messages name it: no user, no password.
    pub fn shown(&self) -> String {
        format!("{}://{}:{}", self.kind.scheme(), self.host, self.port)
    }

    /// "the proxy URL (from VARIABLE)", as errors and `-v` name it.
    pub fn named(&self) -> String {
        format!("the proxy {} (from {})", self.shown(), self.variable)
    }

    /// The whole URL, credentials percent-encoded, for the HTTP client only.
    pub fn url_with_credentials(&self) -> String {
        let userinfo = match (&self.user, &self.password) {
            (None, None) => String::new(),
            (user, password) => format!(
                "{}{}@",
                encode(user.as_deref().unwrap_or_default()),
                password
                    .as_ref()
                    .map(|p| format!(":{}", encode(p.expose())))
                    .unwrap_or_default()
            ),
        };
        format!(
            "{}://{userinfo}{}:{}",
            self.kind.scheme(),
            self.host,
            self.port
        )
    }

    /// `Proxy-Authorization` for a request sent to the proxy in absolute form,
    /// the same Basic credentials that `CONNECT` carries.
    pub fn authorization(&self) -> Option<String> {
        if !self.has_credentials() {
            return None;
        }
        let pair = format!(
            "{}:{}",
            self.user.as_deref().unwrap_or_default(),
            self.password.as_ref().map_or("", Secret::expose)
        );
        Some(format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        ))
    }

    pub fn has_credentials(&self) -> bool {
        self.user.is_some() || self.password.is_some()
    }

    /// Every form of the password that could be echoed: as typed, decoded, and
    /// inside the Basic credentials.
    fn protect(&self, userinfo: Option<&str>) {
        let Some(password) = &self.password else {
            return;
        };
        diag::protect_secret(password.expose());
        if let Some((_, typed)) = userinfo.and_then(|u| u.split_once(':')) {
            diag::protect_secret(typed);
        }
        if let Some(basic) = self.authorization() {
            diag::protect_secret(basic.trim_start_matches("Basic "));
        }
    }
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`.
fn split_host_port(authority: &str) -> std::result::Result<(&str, Option<u16>), String> {
    let (host, port) = if authority.starts_with('[') {
        let end = authority.find(']').ok_or("its IPv6 address has no ']'")?;
        let (host, rest) = authority.split_at(end + 1);
        if host[1..end].parse::<std::net::Ipv6Addr>().is_err() {
            return Err("the address in [ ] is not an IPv6 address".into());
        }
        match rest {
            "" => (host, None),
            _ => (
                host,
                Some(rest.strip_prefix(':').ok_or("it has text after ']'")?),
            ),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let name_ok = |h: &str| {
        h.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
    };
    if host.is_empty() || !(host.starts_with('[') || name_ok(host)) {
        return Err("it has no valid host".into());
    }
    let port = match port.filter(|p| !p.is_empty()) {
        Some(p) => Some(check_port(p)?),
        None => None,
    };
    Ok((host, port))
}

/// `user:password`, each percent-decoded once (`+` stays a plus, as in curl).
fn decode_userinfo(info: &str) -> std::result::Result<(Option<String>, Option<String>), String> {
    let (user, password) = match info.split_once(':') {
        Some((u, p)) => (u, Some(p)),
        None => (info, None),
    };
    let user = percent_decode(user)?;
    let password = password.map(percent_decode).transpose()?;
    Ok((Some(user), password))
}

fn percent_decode(text: &str) -> std::result::Result<String, String> {
    let bad =
        || "its user or password has a '%' that is not followed by two hex digits".to_string();
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3).ok_or_else(bad)?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(out)
        .map_err(|_| "its user or password is not UTF-8 once decoded".to_string())?;
    if decoded.chars().any(char::is_control) {
        return Err("its user or password holds a control character".into());
    }
    Ok(decoded)
}

/// Percent-encode all but RFC 3986's unreserved characters.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The proxy for a request to `scheme://host`, given a way to read variables.
///
/// The variable for the URL's scheme comes first (`https_proxy`/`HTTPS_PROXY`,
/// `http_proxy`/`HTTP_PROXY`), then `all_proxy`/`ALL_PROXY`; lowercase wins over
/// uppercase as in curl. Empty values count as unset. A value that is not a
/// usable proxy URL is a usage error.
pub fn proxy_for(
    scheme: &str,
    host: &str,
    var: impl Fn(&str) -> Option<String>,
) -> Result<Option<Proxy>> {
    let read = |name: &str| {
        [name.to_ascii_lowercase(), name.to_ascii_uppercase()]
            .into_iter()
            .find_map(|n| var(&n).filter(|v| !v.trim().is_empty()).map(|v| (n, v)))
    };
    let scheme_var = if scheme.eq_ignore_ascii_case("https") {
        "https_proxy"
    } else {
        "http_proxy"
    };
    let Some((name, value)) = read(scheme_var).or_else(|| read("all_proxy")) else {
        return Ok(None);
    };
    if read("no_proxy").is_some_and(|(_, list)| bypasses(&list, host)) {
        return Ok(None);
    }
    Proxy::parse(&value, &name).map(Some)
}

/// Whether `NO_PROXY` (a comma-separated list) exempts `host`: `*`, an exact
/// name or address, or a domain suffix (`example.com` and `.example.com` both
/// match `api.example.com`).
pub fn bypasses(no_proxy: &str, host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    no_proxy.split(',').map(str::trim).any(|entry| {
        if entry == "*" {
            return true;
        }
        let entry = entry
            .trim_start_matches("*.")
            .trim_start_matches('.')
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        !entry.is_empty()
            && (host == entry
                || host
                    .strip_suffix(entry.as_str())
                    .is_some_and(|rest| rest.ends_with('.')))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    fn shown(scheme: &str, vars: &[(&str, &str)]) -> Option<String> {
        proxy_for(scheme, "idp", env(vars))
            .unwrap()
            .map(|p| format!("{} {}", p.variable, p.shown()))
    }

    #[test]
    fn the_scheme_variable_comes_before_all_proxy() {
        let vars = [
            ("HTTPS_PROXY", "http://s:1"),
            ("ALL_PROXY", "http://a:1"),
            ("http_proxy", "http://h:1"),
        ];
        assert_eq!(
            shown("https", &vars).as_deref(),
            Some("HTTPS_PROXY http://s:1")
        );
        assert_eq!(
            shown("http", &vars).as_deref(),
            Some("http_proxy http://h:1")
        );
        let vars = [("all_proxy", "http://a:1")];
        assert_eq!(
            shown("https", &vars).as_deref(),
            Some("all_proxy http://a:1")
        );
        assert_eq!(shown("https", &[]), None);
        assert_eq!(shown("https", &[("HTTPS_PROXY", " ")]), None);
    }

    #[test]
    fn no_proxy_entries_are_trimmed_and_match_suffixes() {
        assert!(bypasses("foo.test, example.com ,x", "api.example.com"));
        assert!(bypasses(" .example.com", "example.com"));
        assert!(bypasses("*", "anything"));
        assert!(bypasses("127.0.0.1", "127.0.0.1"));
        assert!(bypasses("::1", "[::1]"));
        assert!(!bypasses("example.com", "badexample.com"));
        assert!(!bypasses("api.example.com", "example.com"));
        assert!(!bypasses("", "example.com"));
        let vars = [("HTTPS_PROXY", "http://p:1"), ("no_proxy", "idp.test")];
        assert!(
            proxy_for("https", "login.idp.test", env(&vars))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn urls_get_curls_default_scheme_and_ports() {
        let parse = |v: &str| Proxy::parse(v, "ALL_PROXY").unwrap().shown();
        assert_eq!(parse("proxy.corp"), "http://proxy.corp:1080");
        assert_eq!(parse("proxy.corp:3128/"), "http://proxy.corp:3128");
        assert_eq!(parse("HTTPS://proxy.corp"), "https://proxy.corp:443");
        assert_eq!(parse("socks5h://[::1]"), "socks5h://[::1]:1080");
        assert_eq!(parse("socks4a://p:9?x#y"), "socks4a://p:9");
        assert_eq!(parse("http://p:"), "http://p:1080");
    }

    #[test]
    fn bad_urls_are_usage_errors_that_hide_the_password() {
        for value in [
            "ftp://u:PASSWD@p:1",
            "socks://u:PASSWD@p:1",
            "http://u:PASSWD@p:99999",
            "http://u:PASSWD@p:0",
            "http://u:PASSWD@:3128",
            "http://u:PASSWD@",
            "http://u:PASSWD%zz@p:1",
            "http://u:PASSWD%00@p:1",
            "http://u:PASS/WD@[::1",
            "http://u:PASSWD@p q:1",
        ] {
            let err = Proxy::parse(value, "HTTPS_PROXY").unwrap_err().to_string();
            assert!(err.contains("HTTPS_PROXY"), "{value}: {err}");
            assert!(!err.contains("PASS"), "{value}: {err}");
        }
    }

    #[test]
    fn credentials_are_decoded_once_and_reencoded_for_the_client() {
        let p = Proxy::parse("http://us%40er:p%2540ss+w:rd@h:1", "HTTP_PROXY").unwrap();
        assert_eq!(p.shown(), "http://h:1");
        assert!(!format!("{p:?}").contains("ss+w"));
        assert_eq!(
            p.url_with_credentials(),
            "http://us%40er:p%2540ss%2Bw%3Ard@h:1"
        );
        let basic = base64::engine::general_purpose::STANDARD.encode("us@er:p%40ss+w:rd");
        assert_eq!(p.authorization(), Some(format!("Basic {basic}")));
        let p = Proxy::parse("http://h:1", "HTTP_PROXY").unwrap();
        assert_eq!(p.authorization(), None);
        assert_eq!(p.url_with_credentials(), "http://h:1");
    }
}
