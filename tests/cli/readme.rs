//! The README's examples, run as a reader would run them, so none can rot.
//!
//! Every ```sh block in README.md runs with `sh -e` (```bash with bash) in a
//! sandbox: a fresh HOME, TMPDIR and working directory (holding links to the
//! shipped `completions/` and `man/`), the real tokn first on PATH, and nothing
//! else of the developer's environment. Before it runs, the README's example URLs
//! are pointed at the demo identity provider (`src/bin/tokn-demo/idp.rs`, started
//! here on a free port), whose API answers 200 only to a token it issued. A block
//! fails when it exits non-zero, when tokn prints an error or a warning, when the
//! demo refuses a request (a token request with wrong credentials, or a curl that
//! sent no valid token), when it reaches for any other host (the sandbox's proxy
//! variables point at a listener that records the attempt), or when the client
//! secret shows in its output.
//!
//! An HTML comment right before a block, which whoever edits the example sees,
//! says how to treat it:
//!
//! - `<!-- readme-test skip: WHY -->`: not run, for a reason (it installs tokn,
//!   runs until stopped, needs a pager…).
//! - `<!-- readme-test setup: NAME -->`: run after the setup NAME from [`SETUPS`]:
//!   variables, files, or a terminal to type a secret into.
//! - `<!-- readme-test file: PATH -->`: not run; its text is written to PATH
//!   (`~/` is the sandbox HOME) before every later block, for a file the README
//!   shows, such as a config file.
//!
//! Blocks in the languages of [`TEXT`] are left alone. A block in any other
//! language, or with none, fails the test until it is given one or marked, so
//! every example that does not run is skipped on purpose.

#[path = "../../src/bin/tokn-demo/idp.rs"]
mod idp;
#[path = "../../src/bin/tokn-demo/walkthrough.rs"]
mod walkthrough;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use idp::{CLIENT_ID, CLIENT_SECRET, Counts, Idp};

use crate::util::{SECRET, TempDir};

/// What a block needs besides its own text, named by `<!-- readme-test setup: NAME -->`.
struct Setup {
    name: &'static str,
    /// Variables for the block. README URLs in a value are substituted like the
    /// block's, and a leading `~/` is the sandbox HOME.
    env: &'static [(&'static str, &'static str)],
    /// Files written first, mode 0600: `~/…` in the sandbox HOME, a relative path
    /// in the working directory.
    files: &'static [(&'static str, &'static str)],
    /// Run on a terminal (util-linux `script`) and, when the first text appears,
    /// type the second and Enter, as a person answering a prompt.
    typed: Option<(&'static str, &'static str)>,
}

/// The README's example client: the ID it uses, and the secret the demo knows it by.
const EXAMPLE_CLIENT: (&str, &str) = ("my-client", SECRET);

/// The file the README's script example reads the secret from.
const SECRET_FILE: &str = "~/.config/tokn/my-client.secret";

const SETUPS: &[Setup] = &[
    Setup {
        name: "typed-demo-secret",
        env: &[],
        files: &[],
        typed: Some(("Client secret: ", CLIENT_SECRET)),
    },
    Setup {
        name: "typed-secret",
        env: &[],
        files: &[],
        typed: Some(("Client secret: ", SECRET)),
    },
    Setup {
        name: "secret-file",
        env: &[],
        files: &[(SECRET_FILE, SECRET)],
        typed: None,
    },
    // What the script example exports, for the examples that follow it.
    Setup {
        name: "exported",
        env: &[
            ("TOKN_TOKEN_URL", "https://idp.example.com/oauth/token"),
            ("TOKN_CLIENT_ID", "my-client"),
            ("TOKN_CLIENT_SECRET_FILE", SECRET_FILE),
        ],
        files: &[(SECRET_FILE, SECRET)],
        typed: None,
    },
];

/// Languages of blocks that are shown, never run.
const TEXT: [&str; 4] = ["text", "toml", "json", "yaml"];

/// How long one block may take before it counts as hung.
const BLOCK_TIMEOUT: Duration = Duration::from_secs(60);

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).expect("README.md is readable")
}

// ---------------------------------------------------------------------------
// Reading the README

#[derive(Debug)]
struct Block {
    /// The line of the opening fence.
    line: usize,
    lang: String,
    text: String,
    marks: Vec<Mark>,
}

#[derive(Debug, Clone, PartialEq)]
enum Mark {
    Skip(String),
    Setup(String),
    File(String),
}

/// Every fenced code block of `markdown`, with the markers right before it.
fn blocks(markdown: &str) -> Result<Vec<Block>, String> {
    let mut blocks = Vec::new();
    let mut marks: Vec<(usize, Mark)> = Vec::new();
    let mut lines = markdown.lines().zip(1..);
    while let Some((line, n)) = lines.next() {
        let line = line.trim_start();
        if let Some(lang) = line.strip_prefix("```") {
            let mut text = String::new();
            loop {
                match lines.next() {
                    Some((l, _)) if l.trim_start().starts_with("```") => break,
                    Some((l, _)) => {
                        text.push_str(l);
                        text.push('\n');
                    }
                    None => return Err(format!("README.md:{n}: this code block is never closed")),
                }
            }
            let marks = marks.drain(..).map(|(_, m)| m).collect();
            blocks.push(Block {
                line: n,
                lang: lang.trim().to_string(),
                text,
                marks,
            });
        } else if line.starts_with("<!-- readme-test") {
            marks.push((n, mark(line).map_err(|e| format!("README.md:{n}: {e}"))?));
        } else if let Some((at, _)) = marks.first().filter(|_| !line.trim().is_empty()) {
            return Err(format!(
                "README.md:{at}: a readme-test marker must come right before a code block"
            ));
        }
    }
    match marks.first() {
        Some((at, _)) => Err(format!(
            "README.md:{at}: a readme-test marker with no code block after it"
        )),
        None => Ok(blocks),
    }
}

/// One `<!-- readme-test KIND: VALUE -->` line.
fn mark(line: &str) -> Result<Mark, String> {
    let form = "write it on one line as <!-- readme-test skip|setup|file: VALUE -->";
    let inner = line
        .trim_end()
        .strip_prefix("<!-- readme-test")
        .and_then(|rest| rest.strip_suffix("-->"))
        .ok_or_else(|| format!("unfinished readme-test marker: {form}"))?;
    let (kind, value) = inner
        .split_once(':')
        .ok_or_else(|| format!("a readme-test marker needs a colon: {form}"))?;
    let (kind, value) = (kind.trim(), value.trim().to_string());
    if value.is_empty() {
        return Err(format!(
            "the readme-test {kind} marker needs a value: {form}"
        ));
    }
    match kind {
        "skip" => Ok(Mark::Skip(value)),
        "setup" => Ok(Mark::Setup(value)),
        "file" => Ok(Mark::File(value)),
        _ => Err(format!("unknown readme-test marker '{kind}': {form}")),
    }
}

/// What to do with a block.
enum Plan<'a> {
    Run {
        shell: &'static str,
        setup: Option<&'static Setup>,
    },
    File(&'a str),
    Skip,
    Show,
}

/// The plan for `block`, or why it has none.
fn plan(block: &Block) -> Result<Plan<'_>, String> {
    let shell = match block.lang.as_str() {
        "sh" => Some("sh"),
        "bash" => Some("bash"),
        _ => None,
    };
    let at = format!("README.md:{} (```{})", block.line, block.lang);
    match (block.marks.as_slice(), shell) {
        ([], Some(shell)) => Ok(Plan::Run { shell, setup: None }),
        ([], None) if TEXT.contains(&block.lang.as_str()) => Ok(Plan::Show),
        ([], None) => Err(format!(
            "{at}: a block tests/cli/readme.rs cannot place: give it a language (sh and bash run; {} are shown) or mark it <!-- readme-test skip: WHY -->",
            TEXT.join(", ")
        )),
        ([Mark::Skip(_)], _) => Ok(Plan::Skip),
        ([Mark::File(path)], _) => Ok(Plan::File(path)),
        ([Mark::Setup(name)], Some(shell)) => match SETUPS.iter().find(|s| s.name == name) {
            Some(setup) => Ok(Plan::Run {
                shell,
                setup: Some(setup),
            }),
            None => Err(format!(
                "{at}: no setup named '{name}'; the setups are in SETUPS in tests/cli/readme.rs"
            )),
        },
        ([Mark::Setup(_)], None) => Err(format!("{at}: a setup is for sh and bash blocks")),
        _ => Err(format!("{at}: one readme-test marker per block")),
    }
}

// ---------------------------------------------------------------------------
// Where the blocks run

/// The demo, the proxy sentinel, and a directory whose only program is tokn.
struct World {
    idp: Idp,
    sentinel: Sentinel,
    bin: TempDir,
}

impl World {
    fn new() -> World {
        let idp = Idp::start("127.0.0.1:0", &[(CLIENT_ID, CLIENT_SECRET), EXAMPLE_CLIENT])
            .expect("the demo identity provider starts");
        let bin = TempDir::new();
        std::os::unix::fs::symlink(
            assert_cmd::cargo::cargo_bin!("tokn"),
            bin.path().join("tokn"),
        )
        .expect("link tokn into the sandbox's PATH");
        World {
            idp,
            sentinel: Sentinel::start(),
            bin,
        }
    }

    /// `text` with the README's example URLs pointed at the demo.
    fn substitute(&self, text: &str) -> String {
        let token_url = self.idp.token_url();
        let base = token_url.trim_end_matches("/token");
        text.replace("https://idp.example.com/oauth/token", &token_url)
            .replace("https://api.example.com", &self.idp.api_url())
            .replace("http://127.0.0.1:8080", base)
    }

    /// The environment of every block: nothing of the developer's but PATH.
    fn environment(&self, sandbox: &Sandbox) -> Vec<(String, String)> {
        let path = format!(
            "{}:{}",
            self.bin.path().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let proxy = self.sentinel.url();
        let mut env = vec![
            ("PATH".to_string(), path),
            ("HOME".into(), sandbox.home().display().to_string()),
            ("TMPDIR".into(), sandbox.tmp().display().to_string()),
        ];
        for name in [
            "http_proxy",
            "https_proxy",
            "all_proxy",
            "HTTPS_PROXY",
            "ALL_PROXY",
        ] {
            env.push((name.into(), proxy.clone()));
        }
        for name in ["no_proxy", "NO_PROXY"] {
            env.push((name.into(), "127.0.0.1,localhost,::1".into()));
        }
        env
    }
}

/// A fresh HOME, TMPDIR and working directory for one block.
struct Sandbox(TempDir);

impl Sandbox {
    fn new() -> Sandbox {
        let sandbox = Sandbox(TempDir::new());
        for dir in [sandbox.home(), sandbox.tmp(), sandbox.work()] {
            std::fs::create_dir_all(dir).expect("create a sandbox directory");
        }
        for shipped in ["completions", "man"] {
            std::os::unix::fs::symlink(root().join(shipped), sandbox.work().join(shipped))
                .expect("link a shipped directory into the sandbox");
        }
        sandbox
    }

    fn home(&self) -> PathBuf {
        self.0.path().join("home")
    }

    fn tmp(&self) -> PathBuf {
        self.0.path().join("tmp")
    }

    fn work(&self) -> PathBuf {
        self.0.path().join("work")
    }

    /// Where a path written in the README or a setup is: `~/` is HOME, the rest
    /// is relative to the working directory.
    fn resolve(&self, path: &str) -> Result<PathBuf, String> {
        if let Some(rest) = path.strip_prefix("~/") {
            Ok(self.home().join(rest))
        } else if Path::new(path).is_absolute() {
            Err(format!(
                "'{path}' is outside the sandbox: use a path under ~/ or a relative one"
            ))
        } else {
            Ok(self.work().join(path))
        }
    }

    fn write(&self, path: &str, contents: &str) -> Result<(), String> {
        use std::os::unix::fs::PermissionsExt;
        let path = self.resolve(path)?;
        let parent = path.parent().unwrap_or(&path);
        std::fs::create_dir_all(parent)
            .and_then(|()| std::fs::write(&path, contents))
            .and_then(|()| std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)))
            .map_err(|e| format!("cannot write '{}': {e}", path.display()))
    }
}

/// A loopback listener the sandbox's proxy variables point at: whatever a block
/// sends to a host other than the demo arrives here, and its first line is kept.
struct Sentinel {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Sentinel {
    fn start() -> Sentinel {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy sentinel");
        let url = format!("http://{}", listener.local_addr().expect("its address"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let mut first = String::new();
                let _ = BufReader::new(&stream).read_line(&mut first);
                record
                    .lock()
                    .expect("sentinel lock")
                    .push(first.trim().to_string());
            }
        });
        Sentinel { url, seen }
    }

    fn url(&self) -> String {
        self.url.clone()
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().expect("sentinel lock").clone()
    }
}

// ---------------------------------------------------------------------------
// Running a block

/// How a run ended: its status (none if it was killed for taking too long) and output.
struct Outcome {
    status: Option<ExitStatus>,
    stdout: String,
    stderr: String,
}

/// Run `block` in a fresh sandbox holding `files` (from file blocks before it);
/// what went wrong, if anything.
fn run_block(
    world: &World,
    block: &Block,
    shell: &str,
    setup: Option<&Setup>,
    files: &[(String, String)],
) -> Result<(), String> {
    let sandbox = Sandbox::new();
    let script = sandbox.0.path().join("block.sh");
    let text = world.substitute(&block.text);
    let setup_files = setup.map_or(&[][..], |s| s.files);
    let given = files
        .iter()
        .map(|(p, c)| (p.as_str(), world.substitute(c)))
        .chain(setup_files.iter().map(|(p, c)| (*p, world.substitute(c))));
    for (path, contents) in given {
        sandbox.write(path, &contents)?;
    }
    std::fs::write(&script, &text).map_err(|e| format!("cannot write the script: {e}"))?;
    let typed = setup.and_then(|s| s.typed);
    let mut command = match typed {
        None => Command::new(shell),
        Some(_) => {
            let mut on_a_terminal = Command::new("script");
            on_a_terminal.args([
                "-qec",
                &format!("{shell} -e '{}'", script.display()),
                "/dev/null",
            ]);
            on_a_terminal
        }
    };
    if typed.is_none() {
        command.arg("-e").arg(&script);
    }
    command
        .current_dir(sandbox.work())
        .env_clear()
        .envs(world.environment(&sandbox));
    for (name, value) in setup.map_or(&[][..], |s| s.env) {
        let value = match value.strip_prefix("~/") {
            Some(rest) => sandbox.home().join(rest).display().to_string(),
            None => world.substitute(value),
        };
        command.env(name, value);
    }
    let counts = world.idp.counts();
    let reached = world.sentinel.seen().len();
    let outcome = execute(command, typed);
    match verdict(world, counts, reached, &outcome, typed.is_none()) {
        None => Ok(()),
        Some(why) => Err(report(block, setup, &text, &why, &outcome)),
    }
}

/// What is wrong with a finished block: nothing, or every problem seen. The
/// secret is looked for only off a terminal: there a secret typed before tokn
/// turns echo off shows, which tests/cli/prompt.rs checks closely.
fn verdict(
    world: &World,
    before: Counts,
    reached_before: usize,
    outcome: &Outcome,
    look_for_the_secret: bool,
) -> Option<String> {
    let output = format!("{}{}", outcome.stdout, outcome.stderr);
    let refused = world.idp.counts().refused - before.refused;
    let reached = world.sentinel.seen().split_off(reached_before);
    let problems = [
        match outcome.status {
            None => Some(format!("it did not finish in {} s", BLOCK_TIMEOUT.as_secs())),
            Some(status) if !status.success() => Some(format!("it failed ({status})")),
            Some(_) => None,
        },
        output
            .contains("tokn: error")
            .then(|| "tokn printed an error".into()),
        output
            .contains("tokn: warning")
            .then(|| "tokn printed a warning".into()),
        (refused > 0).then(|| format!(
            "the demo refused {refused} request(s): wrong client credentials, or an API call without a valid Bearer token"
        )),
        (!reached.is_empty()).then(|| format!(
            "it reached for a host other than the demo (an example URL the test does not substitute?): {}",
            reached.join("; ")
        )),
        (look_for_the_secret && output.contains(SECRET))
            .then(|| "the client secret appears in its output".into()),
    ];
    let problems: Vec<String> = problems.into_iter().flatten().collect();
    (!problems.is_empty()).then(|| problems.join("; "))
}

fn report(
    block: &Block,
    setup: Option<&Setup>,
    text: &str,
    why: &str,
    outcome: &Outcome,
) -> String {
    let indent = |s: &str| s.lines().map(|l| format!("    {l}\n")).collect::<String>();
    let setup = setup.map_or(String::new(), |s| format!(", setup '{}'", s.name));
    format!(
        "README.md:{} (```{}{setup}): {why}\n  ran:\n{}  stdout:\n{}  stderr:\n{}",
        block.line,
        block.lang,
        indent(text),
        indent(&outcome.stdout),
        indent(&outcome.stderr)
    )
}

/// Run `command` with piped output, typing into it if asked, for at most
/// [`BLOCK_TIMEOUT`]; a hung run's process group is killed.
fn execute(mut command: Command, typed: Option<(&str, &str)>) -> Outcome {
    use std::os::unix::process::CommandExt;
    let stdin = if typed.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    };
    command
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let (stdout, stdout_done) = collect(child.stdout.take());
    let (stderr, stderr_done) = collect(child.stderr.take());
    let deadline = Instant::now() + BLOCK_TIMEOUT;
    if let (Some((prompt, answer)), Some(mut stdin)) = (typed, child.stdin.take()) {
        while !text_of(&stdout).contains(prompt) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        // tokn turns echo off just after it prints the prompt.
        std::thread::sleep(Duration::from_millis(200));
        let _ = writeln!(stdin, "{answer}");
    }
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .status();
                let _ = child.wait();
                break None;
            }
        }
    };
    for done in [stdout_done, stderr_done] {
        let _ = done.recv_timeout(Duration::from_secs(5));
    }
    Outcome {
        status,
        stdout: text_of(&stdout),
        stderr: text_of(&stderr),
    }
}

/// Read `pipe` to its end on a thread; the bytes so far, and a signal at the end.
fn collect(pipe: Option<impl Read + Send + 'static>) -> (Arc<Mutex<Vec<u8>>>, Receiver<()>) {
    let bytes = Arc::new(Mutex::new(Vec::new()));
    let (done, finished) = channel();
    let sink = Arc::clone(&bytes);
    std::thread::spawn(move || {
        if let Some(mut pipe) = pipe {
            let mut chunk = [0; 4096];
            while let Ok(n @ 1..) = pipe.read(&mut chunk) {
                sink.lock()
                    .expect("output lock")
                    .extend_from_slice(&chunk[..n]);
            }
        }
        let _ = done.send(());
    });
    (bytes, finished)
}

fn text_of(bytes: &Mutex<Vec<u8>>) -> String {
    String::from_utf8_lossy(&bytes.lock().expect("output lock")).into_owned()
}

// ---------------------------------------------------------------------------
// The tests

#[test]
fn every_shell_example_in_the_readme_runs() {
    for tool in ["curl", "jq", "script"] {
        if Command::new(tool).arg("--version").output().is_err() {
            panic!(
                "the README's examples need {tool}: install it (apt-get install curl jq bsdutils)"
            );
        }
    }
    let blocks = blocks(&readme()).unwrap_or_else(|e| panic!("{e}"));
    let world = World::new();
    let mut files: Vec<(String, String)> = Vec::new();
    let mut failures = Vec::new();
    let mut ran = 0;
    for block in &blocks {
        match plan(block) {
            Err(e) => failures.push(e),
            Ok(Plan::File(path)) => files.push((path.to_string(), block.text.clone())),
            Ok(Plan::Run { shell, setup }) => {
                ran += 1;
                if let Err(e) = run_block(&world, block, shell, setup, &files) {
                    failures.push(e);
                }
            }
            Ok(Plan::Skip | Plan::Show) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of the README's examples failed:\n\n{}\n\
         An example that cannot run here gets <!-- readme-test skip: WHY --> on the line before it; \
         one that needs variables, files or a terminal gets <!-- readme-test setup: NAME --> with a \
         setup in SETUPS (tests/cli/readme.rs).",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        ran >= 5,
        "only {ran} README blocks ran: is the README parsed?"
    );
}

#[test]
fn every_setup_is_used_by_the_readme() {
    let blocks = blocks(&readme()).unwrap_or_else(|e| panic!("{e}"));
    for setup in SETUPS {
        assert!(
            blocks
                .iter()
                .any(|b| b.marks.contains(&Mark::Setup(setup.name.into()))),
            "no README block uses the setup '{}': remove it from SETUPS",
            setup.name
        );
    }
}

/// The example the README once gave: the shell splits the quoted header into
/// words, so curl sends no token (and exits 0). The harness must catch it.
#[test]
fn a_curl_that_sends_no_token_fails() {
    let world = World::new();
    let block = Block {
        line: 0,
        lang: "sh".into(),
        text: "curl $(tokn -f curl) https://api.example.com/things\n".into(),
        marks: Vec::new(),
    };
    let exported = SETUPS.iter().find(|s| s.name == "exported");
    let error = run_block(&world, &block, "sh", exported, &[])
        .expect_err("a curl without a token must fail the README test");
    assert!(error.contains("refused 1 request"), "{error}");
    assert!(
        error.contains("reached for a host other than the demo"),
        "{error}"
    );
}

#[test]
fn file_blocks_are_written_for_the_blocks_after_them() {
    let markdown = "\
<!-- readme-test file: ~/.config/tokn/note.txt -->
```text
written by the README
```

```sh
grep -q 'written by the README' ~/.config/tokn/note.txt
```
";
    let blocks = blocks(markdown).expect("the markdown parses");
    let world = World::new();
    let Ok(Plan::File(path)) = plan(&blocks[0]) else {
        panic!("the first block is a file: {:?}", blocks[0]);
    };
    let files = [(path.to_string(), blocks[0].text.clone())];
    run_block(&world, &blocks[1], "sh", None, &files).unwrap_or_else(|e| panic!("{e}"));
    run_block(&world, &blocks[1], "sh", None, &[]).expect_err("without the file block it fails");
}

#[test]
fn markers_that_cannot_be_followed_fail_loudly() {
    let cases = [
        (
            "<!-- readme-test skip -->\n```sh\nx\n```\n",
            "needs a colon",
        ),
        (
            "<!-- readme-test skip: -->\n```sh\nx\n```\n",
            "needs a value",
        ),
        (
            "<!-- readme-test ignore: why -->\n```sh\nx\n```\n",
            "unknown readme-test marker",
        ),
        (
            "<!-- readme-test skip: why -->\ntext\n```sh\nx\n```\n",
            "right before a code block",
        ),
        (
            "text\n<!-- readme-test skip: why -->\n",
            "no code block after it",
        ),
        ("```sh\nx\n", "never closed"),
    ];
    for (markdown, expected) in cases {
        let error = blocks(markdown).expect_err(markdown);
        assert!(error.contains(expected), "{markdown:?}: {error}");
    }
    let plans = [
        ("```\nx\n```\n", "give it a language"),
        ("```zsh\nx\n```\n", "give it a language"),
        (
            "<!-- readme-test setup: nosuch -->\n```sh\nx\n```\n",
            "no setup named 'nosuch'",
        ),
        (
            "<!-- readme-test setup: exported -->\n```toml\nx\n```\n",
            "for sh and bash",
        ),
        (
            "<!-- readme-test skip: a -->\n<!-- readme-test setup: exported -->\n```sh\nx\n```\n",
            "one readme-test marker",
        ),
    ];
    for (markdown, expected) in plans {
        let blocks = blocks(markdown).expect("the markdown parses");
        let error = plan(&blocks[0])
            .err()
            .unwrap_or_else(|| panic!("{markdown:?} has a plan"));
        assert!(error.contains(expected), "{markdown:?}: {error}");
    }
}

/// The README's first command installs tokn and runs `tokn-demo`, whose
/// walkthrough this runs with the tokn under test.
#[test]
fn the_first_command_fetches_a_token_end_to_end() {
    let readme = readme();
    let first = blocks(&readme).expect("the README parses").remove(0);
    let command = first.text.lines().next().unwrap_or_default();
    assert!(
        command.starts_with("cargo install --locked") && command.contains("tokn-demo"),
        "the README's first command is no longer `cargo install --locked … && tokn-demo`, \
         which this test covers: {command}"
    );
    let mut out = Vec::new();
    let result = walkthrough::run(assert_cmd::cargo::cargo_bin!("tokn"), &mut out);
    let text = String::from_utf8_lossy(&out);
    assert!(result.is_ok(), "{result:?}\n{text}");
    for expected in [
        "$ tokn -u http://127.0.0.1:",
        "-i demo -s read -f json\n{\"access_token\":\"demo-",
        "\nAuthorization: Bearer demo-",
        "The endpoint issued 1 token;",
        "200 OK {\"client_id\":\"demo\"",
    ] {
        assert!(text.contains(expected), "no {expected:?} in:\n{text}");
    }
}

/// The README's second command is the one CI runs, so a reader runs what CI checks.
#[test]
fn the_readme_test_command_is_what_ci_runs() {
    let readme = readme();
    let first = blocks(&readme).expect("the README parses").remove(0);
    let command = first
        .text
        .lines()
        .nth(1)
        .and_then(|l| l.split('#').next())
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    let ci = std::fs::read_to_string(root().join(".ci/run")).expect(".ci/run is readable");
    assert!(
        command.starts_with("cargo test") && ci.lines().any(|l| l.trim() == command),
        "the README's second command `{command}` is not a line of .ci/run"
    );
}
