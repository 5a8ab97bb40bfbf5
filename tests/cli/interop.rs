//! tokn against oidc-provider, the certified OpenID Connect / OAuth 2.0 server from npm
//! (issue 4), and the harness that the other `interop_*` modules share.
//! `tests/interop/server.js` runs it on 127.0.0.1; its header documents every client,
//! grant and endpoint. The clients, by what a test needs:
//!
//! | client | authentication | for |
//! |---|---|---|
//! | `basic-client` | `client_secret_basic`, secret [`BASIC_SECRET`] (`: + % / &` and a space) | client credentials |
//! | `post-client` | `client_secret_post` only (Basic refused with 401), [`POST_SECRET`] | `auto`'s fallback |
//! | `scoped-client` | `client_secret_basic`, [`SCOPED_SECRET`], scopes `read write admin` | scopes, resources |
//! | `grant-client` | `client_secret_basic`, `grant-secret-0123456789` | password, jwt-bearer, token exchange, refresh, device |
//! | `jwt-secret-client` | `client_secret_jwt` (HS256/384/512), a 64-byte secret | JWT client auth with a secret |
//! | `jwt-rsa-client`, `jwt-ec-client`, `jwt-p384-client`, `jwt-ed25519-client` | `private_key_jwt` with `rsa.pem`, `ec256.pem`, `ec384.pem`, `ed25519.pem` | JWT client auth with a key |
//! | `tls-client` | `tls_client_auth`: `tls-client.crt` + `tls-client.key` | mutual TLS (HTTPS) |
//! | `self-signed-client` | `self_signed_tls_client_auth`: `self-signed.crt` + `self-signed.key` | mutual TLS (HTTPS) |
//! | `bound-client` | `client_secret_basic` + a certificate: bound tokens | RFC 8705 §3 |
//! | `public-app`, `confidential-app`, `short-app` | none / Basic `app-secret-0123456789` / none, 2-second tokens | device and browser sign-in, refresh |
//! | `assertion-app` | none; also whoever sends a jwt-bearer request naming no client | jwt-bearer without client auth |
//! | `introspector` | Basic, [`INTROSPECTOR_SECRET`]; introspects every client's tokens | [`Server::introspect_any`] |
//!
//! Each client is registered for exactly one authentication method, so any of them is
//! the "one method only" client of an `auto` test. The resource indicator
//! `https://api.example.test` yields a JWT access token whose `aud` is that resource
//! (`…/alg/ES256` and the like: signed with that algorithm). Every token tokn prints is
//! checked with the server: opaque tokens through its RFC 7662 introspection endpoint
//! (active, client, scope), JWTs by their signature and claims.
//!
//! The harness, for tests in this module and in new `interop_*` ones:
//! - [`http_server`], [`https_server`]: the shared servers; `None` when skipped.
//! - [`Server`]: `base` (the issuer), `material` (the test keys and certificates, see
//!   interop_material.rs; `server.material.write(&dir, "rsa.pem")` gives a key file),
//!   `ca_pem` (the HTTPS server's CA, for `--cacert`), [`Server::agent_with_cert`],
//!   [`Server::introspect_any`], [`Server::records`] (what the server saw of a case).
//! - [`Tokn`]: one tokn run with a clean environment, its own HOME (`home.path`) and case
//!   name; [`Tokn::run`] to the end, or `spawn` (interop_flows.rs) in the background
//!   while a [`crate::interop_flows::Browser`] signs in on the server's pages.
//! - interop_jws.rs signs assertions and subject tokens the way a third party would.
//! - interop_selftest.rs proves each of the server's flows works without tokn.
//!
//! Setup: `npm ci --prefix tests/interop` (Node.js 20 or newer, and `openssl` for the
//! keys and certificates). Without them these tests fail and say so;
//! `TOKN_SKIP_INTEROP=1` skips them.
//!
//! One plain-HTTP server and one HTTPS server are started per test binary run, lazily,
//! and shared by all cases; the keys and certificates are made once for both. Each server
//! exits when its standard input closes: the pipe's write end lives in a static here, so
//! the OS closes it when the test process ends, however it ends. Every tokn run sends
//! `-H 'X-Interop-Case: NAME'` with a name of its own, under which the server records
//! each request (how the client authenticated, what it sent, the certificate it showed,
//! the status it got), so the parallel cases can check their own requests.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command as StdCommand, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, mpsc};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use assert_cmd::Command;
use base64::Engine as _;
use serde_json::Value;

use crate::interop_material::{Material, material, openssl};

pub(crate) const BASIC_ID: &str = "basic-client";
pub(crate) const BASIC_SECRET: &str = "s3cr:et+with%/&space here";
pub(crate) const POST_ID: &str = "post-client";
pub(crate) const POST_SECRET: &str = "p0st:secret+with%/&space here";
pub(crate) const SCOPED_ID: &str = "scoped-client";
pub(crate) const SCOPED_SECRET: &str = "scoped-secret-0123456789";
pub(crate) const RESOURCE: &str = "https://api.example.test";
pub(crate) const INTROSPECTOR_ID: &str = "introspector";
pub(crate) const INTROSPECTOR_SECRET: &str = "introspector-secret-0123456789";

const SETUP_HINT: &str = "install the interop test server with `npm ci --prefix tests/interop` \
     (needs Node.js 20 or newer with npm), or set TOKN_SKIP_INTEROP=1 to skip these tests";

// ---------------------------------------------------------------------------------------
// The servers
// ---------------------------------------------------------------------------------------

/// A running `tests/interop/server.js`.
pub(crate) struct Server {
    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`, the provider's issuer.
    pub(crate) base: String,
    /// The PEM of the CA that signed the HTTPS server's certificate.
    pub(crate) ca_pem: Option<String>,
    /// The test keys and certificates the server registered (see interop_material.rs).
    pub(crate) material: &'static Material,
    /// Kept for the life of the test process: when it ends, the OS closes this pipe and
    /// the server exits. The child is never waited for; it is reparented on exit.
    _stdin: Mutex<ChildStdin>,
    _stdout: Mutex<BufReader<ChildStdout>>,
    _child: Mutex<Child>,
}

static HTTP_SERVER: OnceLock<Result<Server, String>> = OnceLock::new();
static HTTPS_SERVER: OnceLock<Result<Server, String>> = OnceLock::new();

fn skip() -> bool {
    if std::env::var_os("TOKN_SKIP_INTEROP").is_some_and(|v| v == "1") {
        eprintln!("note: TOKN_SKIP_INTEROP=1: skipping this oidc-provider interop test");
        true
    } else {
        false
    }
}

/// The shared plain-HTTP server, or `None` when the interop tests are skipped.
pub(crate) fn http_server() -> Option<&'static Server> {
    if skip() {
        return None;
    }
    match HTTP_SERVER.get_or_init(|| start_server(false)) {
        Ok(server) => Some(server),
        Err(msg) => panic!("oidc-provider interop server: {msg}"),
    }
}

/// The shared HTTPS server, or `None` when the interop tests are skipped.
pub(crate) fn https_server() -> Option<&'static Server> {
    if skip() {
        return None;
    }
    match HTTPS_SERVER.get_or_init(|| start_server(true)) {
        Ok(server) => Some(server),
        Err(msg) => panic!("oidc-provider interop server (HTTPS): {msg}"),
    }
}

fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("interop")
}

fn runs(program: &str, arg: &str) -> bool {
    StdCommand::new(program)
        .arg(arg)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Checks that node and the pinned oidc-provider are installed, installing the
/// pinned version with `npm ci` once when it is missing, so that `cargo test` works
/// on a fresh clone; the error says how to fix what cannot be fixed here.
fn check_prerequisites(dir: &Path) -> Result<(), String> {
    if !runs("node", "--version") {
        return Err(format!("`node` was not found on PATH: {SETUP_HINT}"));
    }
    if installed_version(dir)? == pinned_version(dir)? {
        return Ok(());
    }
    static INSTALL: OnceLock<Result<(), String>> = OnceLock::new();
    INSTALL.get_or_init(|| npm_ci(dir)).clone()?;
    let (installed, wanted) = (installed_version(dir)?, pinned_version(dir)?);
    if installed != wanted {
        return Err(format!(
            "oidc-provider {installed} is installed but tests/interop/package.json pins {wanted}: {SETUP_HINT}"
        ));
    }
    Ok(())
}

fn pinned_version(dir: &Path) -> Result<String, String> {
    let wanted: Value = read_json(&dir.join("package.json"))?;
    Ok(wanted["dependencies"]["oidc-provider"]
        .as_str()
        .unwrap_or("?")
        .to_owned())
}

/// The installed oidc-provider's version, or "none".
fn installed_version(dir: &Path) -> Result<String, String> {
    let installed = dir
        .join("node_modules")
        .join("oidc-provider")
        .join("package.json");
    if !installed.exists() {
        return Ok("none".to_owned());
    }
    let installed: Value = read_json(&installed)?;
    Ok(installed["version"].as_str().unwrap_or("?").to_owned())
}

fn npm_ci(dir: &Path) -> Result<(), String> {
    if !runs("npm", "--version") {
        return Err(format!(
            "oidc-provider is not installed and `npm` was not found on PATH: {SETUP_HINT}"
        ));
    }
    eprintln!("note: installing the interop test server with `npm ci --prefix tests/interop`");
    let out = StdCommand::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--prefix"])
        .arg(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run npm: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`npm ci --prefix tests/interop` failed: {}\n{SETUP_HINT}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("cannot parse {}: {e}", path.display()))
}

/// Starts `server.js` with the test material and, for `tls`, a server certificate; waits
/// until it answers.
fn start_server(tls: bool) -> Result<Server, String> {
    let dir = interop_dir();
    check_prerequisites(&dir)?;
    let material = material()?;

    let mut cmd = StdCommand::new("node");
    cmd.arg(dir.join("server.js"))
        .arg("--port")
        .arg("0")
        .current_dir(&dir);
    // The server reads its files at start, so they can go once it listens.
    let files = TempDir::new("server-files");
    material.write_all(&files.path);
    cmd.arg("--material").arg(&files.path);
    let ca_pem = if tls {
        let certs = make_certificates(&files.path)?;
        cmd.arg("--tls-cert")
            .arg(&certs.cert)
            .arg("--tls-key")
            .arg(&certs.key);
        Some(certs.ca_pem)
    } else {
        None
    };
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start node: {e}: {SETUP_HINT}"))?;
    let stdin = child.stdin.take().expect("piped stdin");
    let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    let (port, stdout) = wait_listening(&mut child, stdout)?;
    drop(files);

    let server = Server {
        base: format!("{}://127.0.0.1:{port}", if tls { "https" } else { "http" }),
        ca_pem,
        material,
        _stdin: Mutex::new(stdin),
        _stdout: Mutex::new(stdout),
        _child: Mutex::new(child),
    };
    wait_answering(&server)?;
    Ok(server)
}

/// Waits for `listening PORT`, at most 90 s (node imports oidc-provider and makes its
/// keys, which takes long on a loaded machine); kills the server on failure.
fn wait_listening(
    child: &mut Child,
    mut stdout: BufReader<ChildStdout>,
) -> Result<(u16, BufReader<ChildStdout>), String> {
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut line = String::new();
        let got = stdout.read_line(&mut line);
        let _ = tx.send((got.map(|_| line), ()));
        stdout
    });
    let line = match rx.recv_timeout(Duration::from_secs(90)) {
        Ok((Ok(line), ())) => line,
        Ok((Err(e), ())) => {
            let _ = child.kill();
            return Err(format!("cannot read the server's stdout: {e}"));
        }
        Err(_) => {
            let _ = child.kill();
            return Err("the server did not print `listening PORT` within 90 s".to_owned());
        }
    };
    let stdout = reader.join().expect("reader thread");
    match line.trim().strip_prefix("listening ").map(str::parse) {
        Some(Ok(port)) => Ok((port, stdout)),
        _ => {
            let _ = child.kill();
            let status = child.wait().map(|s| s.to_string()).unwrap_or_default();
            Err(format!(
                "the server printed {line:?} instead of `listening PORT` ({status}); \
                 its stderr is above. {SETUP_HINT}"
            ))
        }
    }
}

/// It is up; makes sure it answers, giving a loaded machine 30 s.
fn wait_answering(server: &Server) -> Result<(), String> {
    let give_up = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        match server.get(&format!("/test/hits?case=ping-{}", std::process::id())) {
            Ok((200, _)) => return Ok(()),
            other if std::time::Instant::now() >= give_up => {
                return Err(format!(
                    "the server does not answer on {}: {other:?}",
                    server.base
                ));
            }
            _ => std::thread::sleep(Duration::from_millis(200)),
        }
    }
}

pub(crate) struct Certificates {
    pub(crate) ca_pem: String,
    pub(crate) cert: PathBuf,
    pub(crate) key: PathBuf,
}

/// A throwaway CA and a server certificate for 127.0.0.1 and localhost, made with `openssl`.
pub(crate) fn make_certificates(dir: &Path) -> Result<Certificates, String> {
    let new_key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    openssl(
        dir,
        &format!(
            "req -x509 {new_key} -keyout ca.key -out ca.pem -days 2 -subj /CN=tokn-interop-test-CA \
             -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
             -addext subjectKeyIdentifier=hash"
        ),
    )?;
    openssl(
        dir,
        &format!("req {new_key} -keyout server.key -out server.csr -subj /CN=localhost"),
    )?;
    std::fs::write(
        dir.join("leaf.ext"),
        "basicConstraints=critical,CA:FALSE\n\
         keyUsage=critical,digitalSignature\n\
         extendedKeyUsage=serverAuth\n\
         subjectKeyIdentifier=hash\n\
         authorityKeyIdentifier=keyid\n\
         subjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )
    .map_err(|e| e.to_string())?;
    openssl(
        dir,
        "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem \
         -days 2 -extfile leaf.ext",
    )?;
    let ca_pem = std::fs::read_to_string(dir.join("ca.pem")).map_err(|e| e.to_string())?;
    Ok(Certificates {
        ca_pem,
        cert: dir.join("server.pem"),
        key: dir.join("server.key"),
    })
}

impl Server {
    /// An agent that trusts the HTTPS server's CA, follows no redirect and keeps every
    /// status as an answer.
    pub(crate) fn agent(&self) -> ureq::Agent {
        self.agent_with_cert(None)
    }

    /// The same, presenting the client certificate `cert` with `key`, both names of
    /// [`crate::interop_material::FILES`].
    pub(crate) fn agent_with_cert(&self, cert: Option<(&str, &str)>) -> ureq::Agent {
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(pem) = &self.ca_pem {
            let ca = ureq::tls::Certificate::from_pem(pem.as_bytes())
                .expect("CA PEM")
                .to_owned();
            tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&[ca]));
        }
        if let Some((cert, key)) = cert {
            let cert = ureq::tls::Certificate::from_pem(self.material.pem(cert).as_bytes())
                .expect("certificate PEM");
            let key = ureq::tls::PrivateKey::from_pem(self.material.pem(key).as_bytes())
                .expect("key PEM");
            tls = tls.client_cert(Some(ureq::tls::ClientCert::new_with_certs(&[cert], key)));
        }
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(10)))
            .tls_config(tls.build())
            .build()
            .new_agent()
    }

    /// `BASE` + `path`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The introspection answer for any token, asked as the `introspector` client, which
    /// may introspect every client's tokens.
    pub(crate) fn introspect_any(&self, token: &str) -> Value {
        self.introspect(token, INTROSPECTOR_ID, INTROSPECTOR_SECRET)
    }

    /// Every request recorded under `case` (any endpoint), as the server describes them
    /// (tests/interop/server.js, `GET /test/hits?case=NAME`).
    pub(crate) fn records(&self, case: &str) -> Vec<Value> {
        let query: String = form_urlencoded::byte_serialize(case.as_bytes()).collect();
        let (status, body) = self
            .get(&format!("/test/hits?case={query}"))
            .expect("GET /test/hits");
        assert_eq!(status, 200, "GET /test/hits: {body}");
        body["all"].as_array().cloned().unwrap_or_default()
    }

    pub(crate) fn get(&self, path: &str) -> Result<(u16, Value), String> {
        let resp = self.agent().get(format!("{}{path}", self.base)).call();
        json_response(resp)
    }

    pub(crate) fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<(u16, Value), String> {
        let resp = self
            .agent()
            .post(format!("{}{path}", self.base))
            .send_form(form.iter().copied());
        json_response(resp)
    }

    /// The server's RFC 7662 introspection answer for `token`, asked as `client_id`.
    pub(crate) fn introspect(&self, token: &str, client_id: &str, secret: &str) -> Value {
        let form = [
            ("token", token),
            ("client_id", client_id),
            ("client_secret", secret),
        ];
        match self.post_form("/token/introspection", &form) {
            Ok((200, body)) => body,
            other => panic!("introspection failed: {other:?}"),
        }
    }

    /// Asserts that `token` is an active opaque access token of `client_id` with `scope`
    /// (`None`: no scope), according to the provider's introspection endpoint.
    pub(crate) fn assert_active(
        &self,
        token: &str,
        client_id: &str,
        secret: &str,
        scope: Option<&str>,
    ) {
        let info = self.introspect(token, client_id, secret);
        assert_eq!(
            info["active"], true,
            "token not active per introspection: {info}"
        );
        assert_eq!(info["client_id"], client_id, "introspection: {info}");
        assert_eq!(info["scope"].as_str(), scope, "introspection: {info}");
        assert_eq!(info["token_type"], "Bearer", "introspection: {info}");
        assert_eq!(info["iss"], self.base.as_str(), "introspection: {info}");
        let exp = info["exp"].as_u64().unwrap_or(0);
        assert!(exp > now(), "expired token per introspection: {info}");
    }

    /// The token requests that tokn made under `case`: (client_id, auth, status) each.
    pub(crate) fn requests(&self, case: &str) -> Vec<(String, String, u16)> {
        let (status, body) = self
            .get(&format!("/test/hits?case={case}"))
            .expect("GET /test/hits");
        assert_eq!(status, 200, "GET /test/hits: {body}");
        body["requests"]
            .as_array()
            .expect("requests array")
            .iter()
            .map(|r| {
                (
                    r["client_id"].as_str().unwrap_or("").to_owned(),
                    r["auth"].as_str().unwrap_or("").to_owned(),
                    r["status"].as_u64().unwrap_or(0) as u16,
                )
            })
            .collect()
    }

    /// Checks `jwt`'s RS256 signature with the provider's key and returns its claims.
    pub(crate) fn verified_jwt_claims(&self, jwt: &str) -> Value {
        let (status, body) = self
            .post_form("/test/verify-jwt", &[("token", jwt)])
            .expect("verify");
        assert_eq!(status, 200, "/test/verify-jwt: {body}");
        assert_eq!(body["valid"], true, "JWT signature does not verify: {body}");
        assert_eq!(body["header"]["typ"], "at+jwt", "JWT header: {body}");
        body["payload"].clone()
    }
}

pub(crate) fn json_response(
    resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<(u16, Value), String> {
    let mut resp = resp.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let text = resp
        .body_mut()
        .read_to_string()
        .map_err(|e| e.to_string())?;
    let body = serde_json::from_str(&text).map_err(|e| format!("{e}: {text:?}"))?;
    Ok((status, body))
}

pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

// ---------------------------------------------------------------------------------------
// Running tokn
// ---------------------------------------------------------------------------------------

/// A directory under the target dir that is removed when dropped, also when a test fails.
pub(crate) struct TempDir {
    pub(crate) path: PathBuf,
}

impl TempDir {
    pub(crate) fn new(what: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("interop-{}-{n}-{what}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir { path }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// One tokn run against a server, with a clean environment and a case name of its own.
pub(crate) struct Tokn {
    pub(crate) cmd: StdCommand,
    pub(crate) case: String,
    /// The run's HOME (and working directory): a place for its key and config files.
    pub(crate) home: TempDir,
    /// Passed as `--token-url` after every other argument, when set.
    token_url: Option<String>,
}

impl Tokn {
    /// `tokn --token-url URL/token -H 'X-Interop-Case: NAME'`, with an empty environment
    /// but PATH, a fresh HOME and cache directory, and no cache.
    pub(crate) fn new(server: &Server, case: &str) -> Tokn {
        static RUN: AtomicUsize = AtomicUsize::new(0);
        Tokn::with_case(
            server,
            &format!("{case}-{}", RUN.fetch_add(1, Ordering::Relaxed)),
        )
    }

    /// As [`Tokn::new`], with `case` as given: runs that share a cache (whose key holds
    /// the `-H` headers) must send the same case name, and their records accumulate.
    pub(crate) fn with_case(server: &Server, case: &str) -> Tokn {
        let case = case.to_owned();
        let home = TempDir::new(&case);
        let mut cmd = StdCommand::new(assert_cmd::cargo::cargo_bin("tokn"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home.path)
            .env("XDG_CONFIG_HOME", home.path.join("config"))
            .env("XDG_CACHE_HOME", home.path.join("cache"))
            .env("TOKN_CACHE_DIR", home.path.join("tokn-cache"))
            .env("TOKN_NO_CACHE", "1")
            .current_dir(&home.path)
            .arg("-H")
            .arg(format!("X-Interop-Case: {case}"));
        Tokn {
            cmd,
            case,
            home,
            token_url: Some(format!("{}/token", server.base)),
        }
    }

    /// Another `--token-url`, or none (for `--issuer`, which then finds it).
    pub(crate) fn token_url(mut self, url: Option<&str>) -> Tokn {
        self.token_url = url.map(str::to_owned);
        self
    }

    /// The command to run, its case name and its HOME.
    pub(crate) fn into_parts(self) -> (StdCommand, String, TempDir) {
        let Tokn {
            mut cmd,
            case,
            home,
            token_url,
        } = self;
        if let Some(url) = token_url {
            cmd.arg("--token-url").arg(url);
        }
        (cmd, case, home)
    }

    /// Client ID as a flag and the secret through TOKN_CLIENT_SECRET, the way the help
    /// recommends (a flag would show in the process list).
    pub(crate) fn client(mut self, id: &str, secret: &str) -> Tokn {
        self.cmd
            .arg("--client-id")
            .arg(id)
            .env("TOKN_CLIENT_SECRET", secret);
        self
    }

    pub(crate) fn args<I: IntoIterator<Item = S>, S: AsRef<std::ffi::OsStr>>(
        mut self,
        args: I,
    ) -> Tokn {
        self.cmd.args(args);
        self
    }

    pub(crate) fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Tokn {
        self.cmd.env(key, value);
        self
    }

    /// Runs tokn to its end (at most 20 s). [`Tokn::spawn`] runs it in the background,
    /// for the sign-in flows.
    pub(crate) fn run(self) -> Outcome {
        let (cmd, case, home) = self.into_parts();
        let out = Command::from_std(cmd)
            .timeout(Duration::from_secs(20))
            .output()
            .expect("run tokn");
        Outcome {
            code: out.status.code(),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            case,
            _home: home,
        }
    }
}

pub(crate) struct Outcome {
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) case: String,
    pub(crate) _home: TempDir,
}

impl Outcome {
    #[track_caller]
    pub(crate) fn assert_code(&self, code: i32) -> &Outcome {
        assert_eq!(
            self.code,
            Some(code),
            "tokn exit code\n--- stdout:\n{}\n--- stderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Asserts exit 0 and the `raw` shape (the token and one newline); returns the token.
    #[track_caller]
    pub(crate) fn raw_token(&self) -> &str {
        self.assert_code(0);
        let token = self
            .stdout
            .strip_suffix('\n')
            .unwrap_or_else(|| panic!("raw output must end with one newline: {:?}", self.stdout));
        assert!(
            !token.is_empty() && !token.contains(char::is_whitespace),
            "raw output: {:?}",
            self.stdout
        );
        token
    }

    /// Asserts exit 0 and one JSON object on stdout ending with one newline.
    #[track_caller]
    pub(crate) fn json(&self) -> Value {
        self.assert_code(0);
        assert!(
            self.stdout.ends_with('\n') && !self.stdout.ends_with("\n\n"),
            "json output must end with exactly one newline: {:?}",
            self.stdout
        );
        let value: Value = serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("json output does not parse ({e}): {:?}", self.stdout));
        assert!(value.is_object(), "json output is not an object: {value}");
        value
    }

    /// Asserts that neither stdout nor stderr shows `secret`, raw or form-urlencoded.
    #[track_caller]
    pub(crate) fn assert_no_secret(&self, secret: &str) {
        let encoded: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        for (name, text) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            for s in [secret, encoded.as_str()] {
                assert!(
                    !text.contains(s),
                    "{name} shows the client secret {s:?}:\n{text}"
                );
            }
        }
    }
}

/// The auth methods (`basic`, `post`, …) and statuses of the token requests of a run.
pub(crate) fn auth_trace(server: &Server, out: &Outcome, client_id: &str) -> Vec<(String, u16)> {
    server
        .requests(&out.case)
        .into_iter()
        .map(|(id, auth, status)| {
            assert_eq!(id, client_id, "token request for the wrong client");
            (auth, status)
        })
        .collect()
}

pub(crate) fn trace(items: &[(&str, u16)]) -> Vec<(String, u16)> {
    items.iter().map(|(a, s)| (a.to_string(), *s)).collect()
}

// ---------------------------------------------------------------------------------------
// Client authentication
// ---------------------------------------------------------------------------------------

#[test]
fn auth_basic() {
    let Some(server) = http_server() else { return };
    let out = Tokn::new(server, "auth-basic")
        .client(BASIC_ID, BASIC_SECRET)
        .args(["--auth", "basic"])
        .run();
    let token = out.raw_token();
    assert_eq!(out.stderr, "", "no warning expected on loopback http");
    server.assert_active(token, BASIC_ID, BASIC_SECRET, None);
    assert_eq!(auth_trace(server, &out, BASIC_ID), trace(&[("basic", 200)]));
}

#[test]
fn auth_post() {
    let Some(server) = http_server() else { return };
    let out = Tokn::new(server, "auth-post")
        .client(POST_ID, POST_SECRET)
        .args(["--auth", "post"])
        .run();
    let token = out.raw_token();
    assert_eq!(out.stderr, "");
    server.assert_active(token, POST_ID, POST_SECRET, None);
    assert_eq!(auth_trace(server, &out, POST_ID), trace(&[("post", 200)]));
}

/// The RFC names of the methods, as flag and as TOKN_AUTH.
#[test]
fn auth_rfc_names() {
    let Some(server) = http_server() else { return };
    let out = Tokn::new(server, "auth-rfc-basic")
        .client(BASIC_ID, BASIC_SECRET)
        .args(["--auth", "client_secret_basic"])
        .run();
    server.assert_active(out.raw_token(), BASIC_ID, BASIC_SECRET, None);
    assert_eq!(auth_trace(server, &out, BASIC_ID), trace(&[("basic", 200)]));

    let out = Tokn::new(server, "auth-rfc-post")
        .client(POST_ID, POST_SECRET)
        .env("TOKN_AUTH", "client_secret_post")
        .run();
    server.assert_active(out.raw_token(), POST_ID, POST_SECRET, None);
    assert_eq!(auth_trace(server, &out, POST_ID), trace(&[("post", 200)]));
}

/// `auto` (the default) sends Basic first, which oidc-provider accepts from a basic client.
#[test]
fn auth_auto_basic_client_first_try() {
    let Some(server) = http_server() else { return };
    let out = Tokn::new(server, "auto-basic")
        .client(BASIC_ID, BASIC_SECRET)
        .run();
    let token = out.raw_token();
    assert_eq!(out.stderr, "");
    server.assert_active(token, BASIC_ID, BASIC_SECRET, None);
    assert_eq!(auth_trace(server, &out, BASIC_ID), trace(&[("basic", 200)]));

    let out = Tokn::new(server, "auto-basic-explicit")
        .client(BASIC_ID, BASIC_SECRET)
        .args(["--auth", "auto"])
        .run();
    server.assert_active(out.raw_token(), BASIC_ID, BASIC_SECRET, None);
    assert_eq!(auth_trace(server, &out, BASIC_ID), trace(&[("basic", 200)]));
}

/// A post client behind a server that refuses its Basic credentials with 401: `auto`
/// retries once with the credentials in the body, and succeeds in exactly two requests.
#[test]
fn auth_auto_post_client_falls_back_once() {
    let Some(server) = http_server() else { return };
    let out = Tokn::new(server, "auto-post")
        .client(POST_ID, POST_SECRET)
        .run();
    let token = out.raw_token();
    server.assert_active(token, POST_ID, POST_SECRET, None);
    assert_eq!(
        auth_trace(server, &out, POST_ID),
        trace(&[("basic", 401), ("post", 200)]),
        "auto must send Basic, then once the body credentials"
    );
    assert!(!out.stderr.contains("error"), "stderr: {}", out.stderr);
}

/// The secret with `:` `+` `%` `/` `&` and a space, through HTTP Basic (where it must be
/// form-urlencoded before base64) from each source: flag, file, environment.
#[test]
fn special_character_secret_basic() {
    let Some(server) = http_server() else { return };

    let out = Tokn::new(server, "special-flag")
        .args([
            "--client-id",
            BASIC_ID,
            "--client-secret",
            BASIC_SECRET,
            "--auth",
            "basic",
        ])
        .run();
    server.assert_active(out.raw_token(), BASIC_ID, BASIC_SECRET, None);
    assert_eq!(auth_trace(server, &out, BASIC_ID), trace(&[("basic", 200)]));

    let secret_dir = TempDir::new("secret");
    let secret_file = secret_dir.path.join("secret");
    std::fs::write(&secret_file, format!("{BASIC_SECRET}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let out = Tokn::new(server, "special-file")
        .args([
            "--client-id",
            BASIC_ID,
            "--auth",
            "basic",
            "--client-secret-file",
        ])
        .args([&secret_file])
        .run();
    server.assert_active(out.raw_token(), BASIC_ID, BASIC_SECRET, None);
    assert_eq!(out.stderr, "", "no warning for a 0600 secret file");

    let out = Tokn::new(server, "special-env")
        .env("TOKN_CLIENT_ID", BASIC_ID)
        .env("TOKN_CLIENT_SECRET", BASIC_SECRET)
        .env("TOKN_AUTH", "basic")
        .run();
    server.assert_active(out.raw_token(), BASIC_ID, BASIC_SECRET, None);
    assert_eq!(auth_trace(server, &out, BASIC_ID), trace(&[("basic", 200)]));
}

/// The same kind of secret in the form body.
#[test]
fn special_character_secret_post() {
    let Some(server) = http_server() else { return };
    let out = Tokn::new(server, "special-post")
        .args([
            "--client-id",
            POST_ID,
            "--client-secret",
            POST_SECRET,
            "--auth",
            "post",
        ])
        .run();
    server.assert_active(out.raw_token(), POST_ID, POST_SECRET, None);
    assert_eq!(auth_trace(server, &out, POST_ID), trace(&[("post", 200)]));
}

/// `-v` through the whole `auto` fallback: it says why it retries, and shows neither the
/// secret (raw, form-encoded or in the Basic header) nor the whole token.
#[test]
fn verbose_redacts_secrets() {
    let Some(server) = http_server() else { return };
    let out = Tokn::new(server, "verbose")
        .client(POST_ID, POST_SECRET)
        .args(["-v"])
        .run();
    let token = out.raw_token().to_owned();
    assert_eq!(
        auth_trace(server, &out, POST_ID),
        trace(&[("basic", 401), ("post", 200)])
    );
    out.assert_no_secret(POST_SECRET);
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        enc(POST_ID),
        enc(POST_SECRET)
    ));
    assert!(
        !out.stderr.contains(&basic),
        "-v shows the Basic credentials:\n{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains(&token),
        "-v shows the whole token:\n{}",
        out.stderr
    );
    let lower = out.stderr.to_lowercase();
    assert!(
        lower.contains("retry"),
        "-v says it retries:\n{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!("{}/token", server.base)),
        "-v names the URL:\n{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("401"),
        "-v shows the status:\n{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("client_secret"),
        "-v names the form fields:\n{}",
        out.stderr
    );
    server.assert_active(&token, POST_ID, POST_SECRET, None);
}

// ---------------------------------------------------------------------------------------
// Refusals
// ---------------------------------------------------------------------------------------

/// A wrong secret: exit 4, invalid_client on stderr, the secret nowhere; `auto` tries
/// both ways and reports both answers.
#[test]
fn wrong_secret() {
    let Some(server) = http_server() else { return };
    const WRONG: &str = "wr0ng:Secret+4711 &/%";

    for (method, expected) in [
        ("basic", trace(&[("basic", 401)])),
        ("post", trace(&[("post", 401)])),
        ("auto", trace(&[("basic", 401), ("post", 401)])),
    ] {
        let out = Tokn::new(server, &format!("wrong-secret-{method}"))
            .client(BASIC_ID, WRONG)
            .args(["--auth", method])
            .run();
        out.assert_code(4);
        assert_eq!(out.stdout, "", "--auth {method}: nothing on stdout");
        assert!(
            out.stderr.starts_with("tokn: error: "),
            "--auth {method}: stderr:\n{}",
            out.stderr
        );
        assert!(
            out.stderr.contains("invalid_client"),
            "--auth {method}: stderr:\n{}",
            out.stderr
        );
        assert!(
            out.stderr.contains("401"),
            "--auth {method}: the HTTP status:\n{}",
            out.stderr
        );
        out.assert_no_secret(WRONG);
        out.assert_no_secret(BASIC_SECRET);
        assert_eq!(
            auth_trace(server, &out, BASIC_ID),
            expected,
            "--auth {method}"
        );
        if method == "auto" {
            assert!(
                out.stderr.matches("invalid_client").count() >= 2,
                "auto reports both answers:\n{}",
                out.stderr
            );
        }
    }
}

#[test]
fn unknown_client() {
    let Some(server) = http_server() else { return };
    for method in ["basic", "post", "auto"] {
        let out = Tokn::new(server, &format!("unknown-{method}"))
            .client("no-such-client", "whatever-secret-123")
            .args(["--auth", method])
            .run();
        out.assert_code(4);
        assert_eq!(out.stdout, "");
        assert!(
            out.stderr.contains("invalid_client"),
            "--auth {method}: stderr:\n{}",
            out.stderr
        );
        out.assert_no_secret("whatever-secret-123");
    }
}

/// A scope the client may not have: the server's invalid_scope, exit 4.
#[test]
fn scope_not_allowed() {
    let Some(server) = http_server() else { return };
    let out = Tokn::new(server, "scope-denied")
        .client(SCOPED_ID, SCOPED_SECRET)
        .args(["-s", "read", "-s", "openid"])
        .run();
    out.assert_code(4);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains("invalid_scope"),
        "stderr:\n{}",
        out.stderr
    );
    out.assert_no_secret(SCOPED_SECRET);
}

// ---------------------------------------------------------------------------------------
// Scopes, resources, formats
// ---------------------------------------------------------------------------------------

#[test]
fn scopes_granted() {
    let Some(server) = http_server() else { return };
    let out = Tokn::new(server, "scopes")
        .client(SCOPED_ID, SCOPED_SECRET)
        .args(["-s", "read", "-s", "write", "-f", "json"])
        .run();
    let json = out.json();
    assert_eq!(json["scope"], "read write", "json: {json}");
    let token = json["access_token"].as_str().expect("access_token");
    server.assert_active(token, SCOPED_ID, SCOPED_SECRET, Some("read write"));

    // Several scopes in one value, a duplicate dropped, the order kept.
    let out = Tokn::new(server, "scopes-joined")
        .client(SCOPED_ID, SCOPED_SECRET)
        .args(["-s", "admin read", "-s", "read", "-f", "json"])
        .run();
    let json = out.json();
    assert_eq!(json["scope"], "admin read", "json: {json}");
    server.assert_active(
        json["access_token"].as_str().unwrap(),
        SCOPED_ID,
        SCOPED_SECRET,
        Some("admin read"),
    );

    // From the environment.
    let out = Tokn::new(server, "scopes-env")
        .client(SCOPED_ID, SCOPED_SECRET)
        .env("TOKN_SCOPE", "write")
        .run();
    server.assert_active(out.raw_token(), SCOPED_ID, SCOPED_SECRET, Some("write"));
}

/// `-d resource=…` (RFC 8707): a JWT access token for that audience.
#[test]
fn resource_indicator_jwt() {
    let Some(server) = http_server() else { return };
    let out = Tokn::new(server, "resource")
        .client(SCOPED_ID, SCOPED_SECRET)
        .args([
            "-s",
            "read",
            "-d",
            &format!("resource={RESOURCE}"),
            "-f",
            "json",
        ])
        .run();
    let json = out.json();
    let jwt = json["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned();
    assert_eq!(json["scope"], "read", "json: {json}");

    // Decoded by hand, as a user would.
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWS: {jwt}");
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(parts[1])
        .expect("base64url payload");
    let claims: Value = serde_json::from_slice(&payload).expect("JSON payload");
    assert_eq!(claims["aud"], RESOURCE, "claims: {claims}");
    assert_eq!(claims["client_id"], SCOPED_ID, "claims: {claims}");
    assert_eq!(claims["scope"], "read", "claims: {claims}");
    assert_eq!(claims["iss"], server.base.as_str(), "claims: {claims}");

    // oidc-provider does not introspect structured tokens; the signature is checked instead.
    let verified = server.verified_jwt_claims(&jwt);
    assert_eq!(verified, claims);
    assert!(
        verified["exp"].as_u64().unwrap_or(0) > now(),
        "claims: {verified}"
    );

    // The JSON output's expires_at agrees with the token.
    let expires_at = json["expires_at"].as_u64().expect("expires_at");
    let exp = claims["exp"].as_u64().unwrap();
    assert!(
        expires_at.abs_diff(exp) <= 5,
        "expires_at {expires_at} vs exp {exp}"
    );

    // And raw output is the same kind of token.
    let out = Tokn::new(server, "resource-raw")
        .client(SCOPED_ID, SCOPED_SECRET)
        .args(["-d", &format!("resource={RESOURCE}"), "-s", "write"])
        .run();
    let claims = server.verified_jwt_claims(out.raw_token());
    assert_eq!(claims["aud"], RESOURCE);
    assert_eq!(claims["scope"], "write");
}

/// An unknown resource: oidc-provider's invalid_target, exit 4.
#[test]
fn resource_unknown() {
    let Some(server) = http_server() else { return };
    let out = Tokn::new(server, "resource-unknown")
        .client(SCOPED_ID, SCOPED_SECRET)
        .args(["-d", "resource=https://other.example.test"])
        .run();
    out.assert_code(4);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains("invalid_target"),
        "stderr:\n{}",
        out.stderr
    );
}

#[test]
fn format_raw() {
    let Some(server) = http_server() else { return };
    let out = Tokn::new(server, "format-raw")
        .client(SCOPED_ID, SCOPED_SECRET)
        .args(["-s", "read", "-f", "raw"])
        .run();
    server.assert_active(out.raw_token(), SCOPED_ID, SCOPED_SECRET, Some("read"));
}

#[test]
fn format_json() {
    let Some(server) = http_server() else { return };
    let before = now();
    let out = Tokn::new(server, "format-json")
        .client(SCOPED_ID, SCOPED_SECRET)
        .args(["-s", "read", "-f", "json"])
        .run();
    let after = now();
    let json = out.json();
    assert_eq!(json["token_type"], "Bearer", "json: {json}");
    assert_eq!(json["scope"], "read", "json: {json}");
    assert_eq!(json["expires_in"], 600, "expires_in as a number: {json}");
    let expires_at = json["expires_at"]
        .as_u64()
        .expect("expires_at, Unix seconds");
    assert!(
        (before + 600..=after + 601).contains(&expires_at),
        "expires_at {expires_at} not in [{before}+600, {after}+601]"
    );
    server.assert_active(
        json["access_token"].as_str().unwrap(),
        SCOPED_ID,
        SCOPED_SECRET,
        Some("read"),
    );
}

#[test]
fn format_header() {
    let Some(server) = http_server() else { return };
    let out = Tokn::new(server, "format-header")
        .client(SCOPED_ID, SCOPED_SECRET)
        .args(["-s", "write", "-f", "header"])
        .run();
    out.assert_code(0);
    let token = out
        .stdout
        .strip_prefix("Authorization: Bearer ")
        .and_then(|s| s.strip_suffix('\n'))
        .unwrap_or_else(|| panic!("header output: {:?}", out.stdout));
    server.assert_active(token, SCOPED_ID, SCOPED_SECRET, Some("write"));

    // --header-name and --header-pattern.
    let out = Tokn::new(server, "format-header-custom")
        .client(SCOPED_ID, SCOPED_SECRET)
        .args([
            "-f",
            "header",
            "--header-name",
            "X-Api-Token",
            "--header-pattern",
            "{token_type} {access_token}",
        ])
        .run();
    out.assert_code(0);
    let token = out
        .stdout
        .strip_prefix("X-Api-Token: Bearer ")
        .and_then(|s| s.strip_suffix('\n'))
        .unwrap_or_else(|| panic!("header output: {:?}", out.stdout));
    server.assert_active(token, SCOPED_ID, SCOPED_SECRET, None);
}

#[test]
fn format_curl() {
    let Some(server) = http_server() else { return };
    let out = Tokn::new(server, "format-curl")
        .client(SCOPED_ID, SCOPED_SECRET)
        .args(["-s", "admin", "-f", "curl"])
        .run();
    out.assert_code(0);
    // oidc-provider's tokens are base64url, so the shell quoting is plain single quotes.
    let token = out
        .stdout
        .strip_prefix("-H 'Authorization: Bearer ")
        .and_then(|s| s.strip_suffix("'\n"))
        .unwrap_or_else(|| panic!("curl output: {:?}", out.stdout));
    server.assert_active(token, SCOPED_ID, SCOPED_SECRET, Some("admin"));
}

// ---------------------------------------------------------------------------------------
// HTTPS
// ---------------------------------------------------------------------------------------

/// A certificate from a CA tokn does not trust: a network error about the certificate.
#[test]
fn https_untrusted_certificate() {
    let Some(server) = https_server() else { return };
    let out = Tokn::new(server, "https-untrusted")
        .client(BASIC_ID, BASIC_SECRET)
        .run();
    out.assert_code(3);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.starts_with("tokn: error: "),
        "stderr:\n{}",
        out.stderr
    );
    assert!(
        out.stderr.to_lowercase().contains("certificate"),
        "stderr should talk about the certificate:\n{}",
        out.stderr
    );
    out.assert_no_secret(BASIC_SECRET);
    assert_eq!(
        server.requests(&out.case),
        vec![],
        "nothing may reach the server"
    );
}

#[test]
fn https_cacert() {
    let Some(server) = https_server() else { return };
    let dir = TempDir::new("cacert");
    let ca = dir.path.join("ca.pem");
    std::fs::write(&ca, server.ca_pem.as_deref().unwrap()).unwrap();

    let out = Tokn::new(server, "https-cacert")
        .client(BASIC_ID, BASIC_SECRET)
        .args(["--cacert"])
        .args([&ca])
        .run();
    let token = out.raw_token();
    assert_eq!(out.stderr, "");
    server.assert_active(token, BASIC_ID, BASIC_SECRET, None);
    assert_eq!(auth_trace(server, &out, BASIC_ID), trace(&[("basic", 200)]));

    // TOKN_CACERT, and auto against the post client over TLS.
    let out = Tokn::new(server, "https-cacert-env")
        .client(POST_ID, POST_SECRET)
        .env("TOKN_CACERT", &ca)
        .run();
    server.assert_active(out.raw_token(), POST_ID, POST_SECRET, None);
    assert_eq!(
        auth_trace(server, &out, POST_ID),
        trace(&[("basic", 401), ("post", 200)])
    );
}

#[test]
fn https_insecure_warns() {
    let Some(server) = https_server() else { return };
    let out = Tokn::new(server, "https-insecure")
        .client(BASIC_ID, BASIC_SECRET)
        .args(["-k"])
        .run();
    let token = out.raw_token();
    assert!(
        out.stderr.contains("tokn: warning:"),
        "-k must warn on stderr:\n{}",
        out.stderr
    );
    out.assert_no_secret(BASIC_SECRET);
    server.assert_active(token, BASIC_ID, BASIC_SECRET, None);
}

#[test]
fn https_insecure_quiet() {
    let Some(server) = https_server() else { return };
    let out = Tokn::new(server, "https-insecure-quiet")
        .client(BASIC_ID, BASIC_SECRET)
        .args(["-k", "-q"])
        .run();
    let token = out.raw_token();
    assert_eq!(out.stderr, "", "-q silences the -k warning");
    server.assert_active(token, BASIC_ID, BASIC_SECRET, None);
}
