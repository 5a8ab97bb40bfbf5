//! A scripted person at the interop server's sign-in pages: [`Browser`] opens the device
//! flow's verification URL or an authorization URL, enters the code, logs in as the
//! test user (`tokn-user`, [`TEST_PASSWORD`]) and allows or denies the request, with
//! plain HTTP requests (ureq, no redirects followed for it, cookies kept by hand). The
//! pages are tests/interop/interaction.js's; each form has a fixed id. For the code flow
//! it stops at the redirect that leaves the server and returns its `Location`, which the
//! test hands to tokn's loopback listener with [`deliver_redirect`].
//!
//! A device test starts tokn in the background ([`Tokn::spawn`]), waits for its prompt
//! ([`Running::wait_for_stderr`], [`parse_device_prompt`]), calls
//! [`Browser::device_sign_in`] while tokn polls, and collects the run with
//! [`Running::finish`]; a code-flow test takes the printed authorization URL to
//! [`Browser::authorize`] and the result to [`deliver_redirect`].

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Read as _};
use std::os::unix::process::CommandExt as _;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::interop::{Outcome, Server, TempDir, Tokn};

/// The test user's name and password on the login page (and for the password grant).
pub(crate) const TEST_USER: &str = "tokn-user";
pub(crate) const TEST_PASSWORD: &str = "pa55 w:rd+%&/";

/// What the person does on the consent page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    Allow,
    Deny,
}

/// Where a walk through the pages ended.
enum End {
    /// A redirect away from the server (to the client's redirect URI).
    Left(String),
    /// The device flow's "signed in" page.
    DeviceDone,
    /// The device flow refused (after a denial): the page's text.
    DeviceRefused(String),
}

enum Step {
    Get(String),
    Post(String, Vec<(String, String)>),
}

/// One person's browser: the cookies the server set, and a way to the server.
pub(crate) struct Browser<'a> {
    server: &'a Server,
    agent: ureq::Agent,
    cookies: BTreeMap<String, String>,
    user: String,
    password: String,
}

impl<'a> Browser<'a> {
    /// A browser with no cookies, signing in as the test user.
    pub(crate) fn new(server: &'a Server) -> Browser<'a> {
        Browser {
            server,
            agent: server.agent(),
            cookies: BTreeMap::new(),
            user: TEST_USER.to_owned(),
            password: TEST_PASSWORD.to_owned(),
        }
    }

    /// Signs in with another password (the login page then refuses).
    pub(crate) fn with_password(mut self, password: &str) -> Browser<'a> {
        self.password = password.to_owned();
        self
    }

    /// Completes a device sign-in (RFC 8628 §3.3): opens `verification_uri`, enters
    /// `user_code`, logs in and decides. `Ok(true)` when the server said the device is
    /// signed in, `Ok(false)` when it ended the sign-in after a denial.
    pub(crate) fn device_sign_in(
        &mut self,
        verification_uri: &str,
        user_code: &str,
        decision: Decision,
    ) -> Result<bool, String> {
        match self.walk(Step::Get(verification_uri.to_owned()), user_code, decision)? {
            End::DeviceDone => Ok(true),
            End::DeviceRefused(_) if decision == Decision::Deny => Ok(false),
            End::DeviceRefused(page) => Err(format!("the device sign-in was refused:\n{page}")),
            End::Left(url) => Err(format!("the device sign-in left the server for {url}")),
        }
    }

    /// Follows `authorization_url` through login and consent and returns the `Location`
    /// of the redirect back to the client (its code and state, or its error).
    pub(crate) fn authorize(
        &mut self,
        authorization_url: &str,
        decision: Decision,
    ) -> Result<String, String> {
        match self.walk(Step::Get(authorization_url.to_owned()), "", decision)? {
            End::Left(location) => Ok(location),
            End::DeviceDone => Err("the sign-in ended on the device flow's page".to_owned()),
            End::DeviceRefused(page) => Err(format!("the sign-in ended on a page:\n{page}")),
        }
    }

    fn walk(&mut self, mut step: Step, user_code: &str, decision: Decision) -> Result<End, String> {
        let origin = origin(&self.server.base).to_owned();
        for _ in 0..30 {
            let url = match &step {
                Step::Get(url) | Step::Post(url, _) => absolute(&origin, url),
            };
            if origin_of(&url) != origin {
                return Ok(End::Left(url));
            }
            let (status, location, body) = self.send(&step, &url)?;
            step = match (status, location) {
                (300..=399, Some(location)) => Step::Get(absolute(&origin, &location)),
                // After a denial, the device flow shows its code page with the error.
                (200, _) if decision == Decision::Deny && body.contains("id=\"error\"") => {
                    return Ok(End::DeviceRefused(body));
                }
                (200, _) => match self.next_form(&body, user_code, decision)? {
                    Some(next) => next,
                    None if body.contains("id=\"device-success\"") => return Ok(End::DeviceDone),
                    None => return Ok(End::DeviceRefused(body)),
                },
                (400..=499, _) if body.contains("access_denied") => {
                    return Ok(End::DeviceRefused(body));
                }
                _ => return Err(format!("HTTP {status} from {url}:\n{body}")),
            };
        }
        Err("more than 30 pages: the sign-in loops".to_owned())
    }

    /// The form to send next on a page, filled in; `None` on a page without one.
    fn next_form(
        &self,
        body: &str,
        user_code: &str,
        decision: Decision,
    ) -> Result<Option<Step>, String> {
        let forms = parse_forms(body);
        if body.contains("id=\"error\"") {
            return Err(format!("the page shows an error:\n{body}"));
        }
        let by_id = |id: &str| forms.iter().find(|f| f.id.as_deref() == Some(id));
        let (form, extra): (&Form, Vec<(&str, &str)>) = if let Some(f) = by_id("login") {
            (f, vec![("login", &self.user), ("password", &self.password)])
        } else if let (Some(f), Decision::Allow) = (by_id("consent"), decision) {
            (f, vec![])
        } else if let (Some(f), Decision::Deny) = (by_id("abort"), decision) {
            (f, vec![])
        } else if let Some(f) = by_id("op.deviceInputForm") {
            (f, vec![("user_code", user_code)])
        } else if let Some(f) = by_id("op.deviceConfirmForm") {
            (f, vec![])
        } else if let [f] = forms.as_slice() {
            // oidc-provider's self-submitting pages (a script posts the one form).
            (f, vec![])
        } else {
            return Ok(None);
        };
        let mut fields: Vec<(String, String)> = form
            .fields
            .iter()
            .filter(|(name, _)| !extra.iter().any(|(n, _)| n == name))
            .cloned()
            .collect();
        fields.extend(extra.iter().map(|(n, v)| (n.to_string(), v.to_string())));
        Ok(Some(Step::Post(form.action.clone(), fields)))
    }

    /// Sends one request with the cookies; keeps the ones it sets. Returns the status,
    /// the Location header and the body.
    fn send(&mut self, step: &Step, url: &str) -> Result<(u16, Option<String>, String), String> {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let resp = match step {
            Step::Get(_) => self
                .agent
                .get(url)
                .header("Cookie", &cookie)
                .header("Accept", "text/html")
                .call(),
            Step::Post(_, fields) => self
                .agent
                .post(url)
                .header("Cookie", &cookie)
                .header("Accept", "text/html")
                .send_form(fields.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        };
        let mut resp = resp.map_err(|e| format!("{url}: {e}"))?;
        for value in resp.headers().get_all("set-cookie") {
            let value = value.to_str().unwrap_or("");
            let pair = value.split(';').next().unwrap_or("");
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() {
                    self.cookies.remove(name.trim());
                } else {
                    self.cookies
                        .insert(name.trim().to_owned(), value.to_owned());
                }
            }
        }
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = resp.body_mut().read_to_string().unwrap_or_default();
        Ok((status, location, body))
    }
}

/// `scheme://host:port` of a URL.
fn origin_of(url: &str) -> &str {
    let rest = url.find("://").map_or(0, |i| i + 3);
    url[rest..].find('/').map_or(url, |i| &url[..rest + i])
}

fn origin(base: &str) -> &str {
    origin_of(base)
}

fn absolute(origin: &str, url: &str) -> String {
    if url.starts_with('/') {
        format!("{origin}{url}")
    } else {
        url.to_owned()
    }
}

struct Form {
    id: Option<String>,
    action: String,
    fields: Vec<(String, String)>,
}

/// The forms of a page: id, action and the inputs that have a name.
fn parse_forms(html: &str) -> Vec<Form> {
    let mut forms = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<form") {
        let tail = &rest[start..];
        let tag_end = tail.find('>').unwrap_or(tail.len());
        let tag = &tail[..tag_end];
        let body_end = tail.find("</form>").unwrap_or(tail.len());
        let body = &tail[tag_end..body_end];
        let mut fields = Vec::new();
        let mut inputs = body;
        while let Some(i) = inputs.find("<input") {
            let input = &inputs[i..];
            let end = input.find('>').unwrap_or(input.len());
            if let Some(name) = attribute(&input[..end], "name") {
                fields.push((name, attribute(&input[..end], "value").unwrap_or_default()));
            }
            inputs = &input[end..];
        }
        forms.push(Form {
            id: attribute(tag, "id"),
            action: attribute(tag, "action").unwrap_or_default(),
            fields,
        });
        rest = &tail[body_end.min(tail.len())..];
        if body_end == tail.len() {
            break;
        }
    }
    forms
}

/// The value of `name="…"` in a tag, unescaped.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!("{name}=\"");
    let mut from = 0;
    while let Some(i) = tag[from..].find(&needle) {
        let at = from + i;
        let before = tag[..at].chars().last();
        if before.is_some_and(char::is_whitespace) {
            let value_start = at + needle.len();
            let len = tag[value_start..].find('"')?;
            return Some(unescape(&tag[value_start..value_start + len]));
        }
        from = at + needle.len();
    }
    None
}

fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let entity_end = rest[i..].find(';').map(|j| i + j);
        let decoded = entity_end.and_then(|end| match &rest[i + 1..end] {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            e => e
                .strip_prefix('#')
                .and_then(|n| n.parse::<u32>().ok())
                .and_then(char::from_u32),
        });
        match (decoded, entity_end) {
            (Some(c), Some(end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The URL and user code of the SPEC's device prompt,
/// `To sign in, open URL and enter the code CODE`, found in `stderr`.
pub(crate) fn parse_device_prompt(stderr: &str) -> Option<(String, String)> {
    let line = stderr
        .lines()
        .find(|line| line.contains("To sign in, open "))?;
    let rest = &line[line.find("To sign in, open ")? + "To sign in, open ".len()..];
    let (url, code) = rest.split_once(" and enter the code ")?;
    let code = code.split_whitespace().next()?;
    Some((url.trim().to_owned(), code.to_owned()))
}

/// Delivers a redirect `location` (`http://127.0.0.1:PORT/…?code=…&state=…`) to the
/// client's loopback listener, as the browser would; returns its status and page.
pub(crate) fn deliver_redirect(location: &str) -> Result<(u16, String), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let mut resp = agent
        .get(location)
        .call()
        .map_err(|e| format!("{location}: {e}"))?;
    let status = resp.status().as_u16();
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    Ok((status, body))
}

/// A tokn run in the background, for the flows that need a person while it waits:
/// its stderr is read line by line as it comes.
pub(crate) struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    stderr: String,
    stdout: JoinHandle<Vec<u8>>,
    case: String,
    home: TempDir,
}

impl Tokn {
    /// Starts tokn with stdin closed; see [`Running`].
    pub(crate) fn spawn(self) -> Running {
        let (mut cmd, case, home) = self.into_parts();
        // A shell without job control starts background jobs with SIGINT ignored, and
        // the child would inherit that: give tokn the default action, as in a terminal.
        // SAFETY: signal(2) is async-signal-safe, so it may run between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                libc::signal(libc::SIGINT, libc::SIG_DFL);
                Ok(())
            });
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tokn");
        let mut out = child.stdout.take().expect("piped stdout");
        let stdout = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = out.read_to_end(&mut bytes);
            bytes
        });
        let mut err = BufReader::new(child.stderr.take().expect("piped stderr"));
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = Vec::new();
            while matches!(err.read_until(b'\n', &mut line), Ok(n) if n > 0) {
                if tx
                    .send(String::from_utf8_lossy(&line).into_owned())
                    .is_err()
                {
                    break;
                }
                line.clear();
            }
        });
        Running {
            child,
            lines,
            stderr: String::new(),
            stdout,
            case,
            home,
        }
    }
}

impl Running {
    /// Waits (at most `timeout`) for a stderr line that contains `needle`; returns it.
    #[track_caller]
    pub(crate) fn wait_for_stderr(&mut self, needle: &str, timeout: Duration) -> String {
        let give_up = Instant::now() + timeout;
        loop {
            let left = give_up.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.stderr.push_str(&line);
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "tokn printed no line with {needle:?} within {timeout:?}; stderr so far:\n{}",
                    self.stderr
                ),
            }
        }
    }

    /// Sends SIGINT, as Ctrl-C in a terminal would.
    pub(crate) fn interrupt(&self) {
        let pid = libc::pid_t::try_from(self.child.id()).expect("a pid");
        // SAFETY: kill(2) with a pid this test started and has not waited for yet.
        unsafe { libc::kill(pid, libc::SIGINT) };
    }

    /// Waits (at most `timeout`, then kills it) for tokn to end; its whole output.
    #[track_caller]
    pub(crate) fn finish(mut self, timeout: Duration) -> Outcome {
        let give_up = Instant::now() + timeout;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for tokn") {
                break status;
            }
            if Instant::now() >= give_up {
                let _ = self.child.kill();
                let _ = self.child.wait();
                // The lines nobody waited for yet say where tokn was.
                while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(1)) {
                    self.stderr.push_str(&line);
                }
                panic!(
                    "tokn did not end within {timeout:?}; stderr so far:\n{}",
                    self.stderr
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.stderr.push_str(&line);
        }
        let stdout = self.stdout.join().expect("stdout reader");
        Outcome {
            code: status.code(),
            stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
            stderr: self.stderr,
            case: self.case,
            _home: self.home,
        }
    }
}

#[test]
fn parses_forms_and_prompts() {
    let html = r#"<form id="op.deviceInputForm" novalidate method="post" action="http://h/device">
  <input type="hidden" name="xsrf" value="a&amp;b"/>
  <input
    type="text" name="user_code" placeholder="Enter code"></input>
  </form><form id="x" action="/y"><input data-name="no" name="z" value="&#34;"></form>"#;
    let forms = parse_forms(html);
    assert_eq!(forms.len(), 2);
    assert_eq!(forms[0].id.as_deref(), Some("op.deviceInputForm"));
    assert_eq!(forms[0].action, "http://h/device");
    assert_eq!(
        forms[0].fields,
        vec![
            ("xsrf".to_owned(), "a&b".to_owned()),
            ("user_code".to_owned(), String::new())
        ]
    );
    assert_eq!(forms[1].fields, vec![("z".to_owned(), "\"".to_owned())]);
    assert_eq!(origin_of("http://127.0.0.1:9/a/b?c"), "http://127.0.0.1:9");
    assert_eq!(origin_of("http://127.0.0.1:9"), "http://127.0.0.1:9");

    let stderr = "note\nTo sign in, open http://127.0.0.1:5/device and enter the code ABCD-EFGH\n";
    assert_eq!(
        parse_device_prompt(stderr),
        Some((
            "http://127.0.0.1:5/device".to_owned(),
            "ABCD-EFGH".to_owned()
        ))
    );
    assert_eq!(parse_device_prompt("nothing here"), None);
}
