//! Shared helpers: a hermetic `tokn` command, temporary directories, canaries.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;

/// A secret no real output would contain by chance.
pub const SECRET: &str = "canary-S3CRET-7f3a9d";
/// A token likewise; verbose output may show its first 6 characters only.
pub const TOKEN: &str = "canaryTOKEN-5b8e2c41d0";

/// The real binary with nothing of the developer's environment: no HOME, no XDG
/// dirs, no TOKN_* or proxy variables; a private, empty cache directory.
pub fn tokn(cache: &TempDir) -> Command {
    let mut cmd = Command::cargo_bin("tokn").expect("the tokn binary is built");
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TOKN_CACHE_DIR", cache.path().join("cache"))
        .write_stdin("");
    cmd
}

/// `tokn` with the usual client options against `url`, secret from the env.
pub fn tokn_for(cache: &TempDir, url: &str) -> Command {
    let mut cmd = tokn(cache);
    cmd.args(["-u", url, "-i", "my-client", "--retry", "0"])
        .env("TOKN_CLIENT_SECRET", SECRET);
    cmd
}

/// A temporary directory removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("tokn-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create a temporary directory");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Write a file inside with the given Unix mode.
    pub fn file(&self, name: &str, contents: &[u8], mode: u32) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = self.0.join(name);
        std::fs::write(&path, contents).expect("write a test file");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A port nothing listens on right now: bound to an ephemeral port on
/// 127.0.0.1, then let go.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind an ephemeral port on 127.0.0.1")
        .local_addr()
        .expect("the listener's address")
        .port()
}

/// The token answer most tests serve.
pub fn token_json(expires_in: u64) -> String {
    format!(r#"{{"access_token":"{TOKEN}","token_type":"Bearer","expires_in":{expires_in}}}"#)
}

/// Stdout and stderr of a finished command, as text.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("tokn runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Fail if the secret, its Basic encoding, or the whole token appears in `text`.
pub fn assert_no_leak(text: &str, context: &str) {
    use base64::Engine;
    assert!(
        !text.contains(SECRET),
        "{context}: the secret leaked:\n{text}"
    );
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("my-client:{SECRET}"));
    assert!(
        !text.contains(&basic),
        "{context}: the Basic credentials leaked:\n{text}"
    );
    assert!(
        !text.contains(TOKEN),
        "{context}: the whole token leaked:\n{text}"
    );
}

/// The files directly in the cache directory of [`tokn`] whose names end with
/// `suffix`, sorted; none if there is no cache directory. Nothing is read.
pub fn cache_files(dir: &TempDir, suffix: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir.path().join("cache"))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.to_string_lossy().ends_with(suffix))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// The cache entries (`*.json`) in the cache directory of [`tokn`], sorted.
pub fn cache_entries(dir: &TempDir) -> Vec<PathBuf> {
    cache_files(dir, ".json")
}

/// Every file under `dir`, recursively, with its contents.
pub fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(files_under(&path));
            } else if let Ok(bytes) = std::fs::read(&path) {
                out.push((path, bytes));
            }
        }
    }
    out
}

/// The binary as a plain `std::process::Command`, for tests that manage the
/// child's pipes themselves; same hermetic environment as [`tokn`].
pub fn std_tokn(cache: &TempDir) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("tokn"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TOKN_CACHE_DIR", cache.path().join("cache"));
    cmd
}

/// `tokn ARGS` on a pseudo-terminal made by util-linux `script` (ARGS is shell
/// text), with the environment of [`tokn`] but `TOKN_CACHE_DIR` set to `cache`
/// itself, plus `env`. With `typed`, that line is typed once tokn has had half a
/// second to turn echo off, as a person would; without, stdin is /dev/null.
/// Everything the terminal showed is in the output's stdout.
pub fn on_a_terminal(
    cache: &TempDir,
    args: &str,
    env: &[(&str, &str)],
    typed: Option<&str>,
) -> std::process::Output {
    use std::process::Stdio;
    let command = format!("{} {args}", assert_cmd::cargo::cargo_bin!("tokn").display());
    let mut script = std::process::Command::new("script");
    script
        .args(["-qec", &command, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TOKN_CACHE_DIR", cache.path())
        .envs(env.iter().copied())
        .stdout(Stdio::piped());
    let needs_script = |e: std::io::Error| -> ! {
        panic!(
            "this test needs util-linux `script` to make a pseudo-terminal (apt-get install bsdutils): {e}"
        )
    };
    let Some(typed) = typed else {
        return script
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| needs_script(e));
    };
    let mut child = script
        .stdin(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| needs_script(e));
    std::thread::sleep(std::time::Duration::from_millis(500));
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        writeln!(stdin, "{typed}").expect("type the line");
    }
    child.wait_with_output().expect("script runs")
}

/// A server that refuses HTTP Basic (401 invalid_client) and accepts the secret
/// in the form body: the case `--auth auto` falls back for. Returns the two mocks
/// (refused, accepted) to count their calls.
pub fn basic_refused_post_accepted(
    server: &httpmock::MockServer,
    expires_in: u64,
) -> (httpmock::Mock<'_>, httpmock::Mock<'_>) {
    let refused = server.mock(|when, then| {
        when.method(httpmock::Method::POST)
            .header_exists("authorization");
        then.status(401)
            .header("content-type", "application/json")
            .body(r#"{"error":"invalid_client"}"#);
    });
    let accepted = server.mock(|when, then| {
        when.method(httpmock::Method::POST)
            .header_missing("authorization")
            .form_urlencoded_tuple("client_secret", SECRET);
        then.status(200)
            .header("content-type", "application/json")
            .body(token_json(expires_in));
    });
    (refused, accepted)
}

/// The test key or certificate `tests/keys/NAME` in the repository.
pub fn key_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/keys")
        .join(name)
}

/// A copy of the test key or certificate `tests/keys/NAME` in `dir`, mode 0600
/// (the copies in the repository are readable by all, which tokn warns about).
pub fn test_key(dir: &TempDir, name: &str) -> PathBuf {
    let bytes = std::fs::read(key_path(name)).expect("a test key under tests/keys");
    dir.file(name, &bytes, 0o600)
}

/// Panic unless the signature of the decoded JWT verifies with `alg` and the
/// public key `tests/keys/PUBLIC_PEM`.
pub fn verify_signature(
    decoded: &tokn::jose::Decoded,
    public_pem: &str,
    alg: &'static dyn ring::signature::VerificationAlgorithm,
) {
    use rustls_pki_types::SubjectPublicKeyInfoDer;
    use rustls_pki_types::pem::PemObject;
    let spki = SubjectPublicKeyInfoDer::from_pem_file(key_path(public_pem)).expect("a public key");
    let key = tokn::keys::spki_key(spki.as_ref()).expect("SPKI");
    ring::signature::UnparsedPublicKey::new(alg, key)
        .verify(decoded.signing_input.as_bytes(), &decoded.signature)
        .unwrap_or_else(|_| panic!("the signature does not verify with {public_pem}"));
}

/// The form fields of a urlencoded body, in order.
pub fn form_fields(body: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The first value of the query parameter `name` in `url` (after its first `?`).
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Every request body a mock sees, in the order they arrive.
pub type Bodies = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

/// A mock that answers every POST to /token with a token and records the bodies.
pub fn recording_token_mock(server: &httpmock::MockServer) -> (httpmock::Mock<'_>, Bodies) {
    let bodies: Bodies = Default::default();
    let seen = bodies.clone();
    let mock = server.mock(|when, then| {
        when.method(httpmock::Method::POST)
            .path("/token")
            .is_true(move |req| {
                seen.lock().unwrap().push(req.body_string());
                true
            });
        then.status(200)
            .header("content-type", "application/json")
            .body(token_json(3600));
    });
    (mock, bodies)
}
