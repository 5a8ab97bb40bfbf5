//! Which proxy, if any, carries the token request, by curl's rules.
//!
//! ureq reads the proxy variables itself, but without the scheme match, the
//! trimming of `NO_PROXY` entries and the domain-suffix rule that curl users
//! rely on, so tokn decides here and hands ureq the result.

/// The proxy URL for a request to `scheme://host`, given a way to read variables.
///
/// The variable for the URL's scheme comes first (`https_proxy`/`HTTPS_PROXY`,
/// `http_proxy`/`HTTP_PROXY`), then `all_proxy`/`ALL_PROXY`; lowercase wins over
/// uppercase as in curl. Empty values count as unset.
pub fn proxy_for(scheme: &str, host: &str, var: impl Fn(&str) -> Option<String>) -> Option<String> {
    let read = |name: &str| {
        var(&name.to_ascii_lowercase())
            .or_else(|| var(&name.to_ascii_uppercase()))
            .filter(|v| !v.trim().is_empty())
    };
    let scheme_var = if scheme.eq_ignore_ascii_case("https") {
        "https_proxy"
    } else {
        "http_proxy"
    };
    let proxy = read(scheme_var).or_else(|| read("all_proxy"))?;
    if read("no_proxy").is_some_and(|list| bypasses(&list, host)) {
        return None;
    }
    Some(proxy.trim().to_string())
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

    #[test]
    fn the_scheme_variable_comes_before_all_proxy() {
        let vars = [
            ("HTTPS_PROXY", "http://s:1"),
            ("ALL_PROXY", "http://a:1"),
            ("http_proxy", "http://h:1"),
        ];
        assert_eq!(
            proxy_for("https", "idp", env(&vars)).as_deref(),
            Some("http://s:1")
        );
        assert_eq!(
            proxy_for("http", "idp", env(&vars)).as_deref(),
            Some("http://h:1")
        );
        let vars = [("all_proxy", "http://a:1")];
        assert_eq!(
            proxy_for("https", "idp", env(&vars)).as_deref(),
            Some("http://a:1")
        );
        assert_eq!(proxy_for("https", "idp", env(&[])), None);
        assert_eq!(
            proxy_for("https", "idp", env(&[("HTTPS_PROXY", " ")])),
            None
        );
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
        assert_eq!(proxy_for("https", "login.idp.test", env(&vars)), None);
    }
}
