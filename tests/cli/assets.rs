//! The files generated from the clap definition in `src/cli.rs`: the shell
//! completions and the man page.
//!
//! `examples/generate.rs` writes them into the tree and the freshness test in
//! `generated.rs` compares them with the committed copies, so both include this
//! one module and cannot disagree about what "fresh" means. The man page takes
//! its NAME, SYNOPSIS, DESCRIPTION, OPTIONS, COMMANDS and EXAMPLES from the
//! `Command`, that is from the doc comments that are also the `--help` text. The
//! sections `--help` has no room for (EXIT STATUS, ENVIRONMENT, FILES) are
//! written here; the ENVIRONMENT list starts from the `Command`'s `env = …`
//! attributes, so a new variable cannot be left out.

use clap::CommandFactory;
use clap_complete::{Generator, Shell};
use clap_mangen::Man;
use clap_mangen::roff::{Inline, Roff, bold, italic, roman};
use tokn::error::Exit;

/// A generated file: its path from the crate root, and its contents.
pub(crate) struct Asset {
    pub(crate) path: String,
    pub(crate) bytes: Vec<u8>,
}

/// Every generated file, rendered in memory.
pub(crate) fn all() -> Vec<Asset> {
    let mut assets: Vec<Asset> = [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ]
    .into_iter()
    .map(completion)
    .collect();
    assets.push(Asset {
        path: "man/tokn.1".to_owned(),
        bytes: man_page().into_bytes(),
    });
    assets
}

fn command() -> clap::Command {
    let mut cmd = tokn::cli::Cli::command();
    cmd.build();
    cmd
}

fn completion(shell: Shell) -> Asset {
    let mut cmd = command();
    let name = cmd.get_name().to_owned();
    let mut bytes = Vec::new();
    clap_complete::generate(shell, &mut cmd, &name, &mut bytes);
    Asset {
        path: format!("completions/{}", shell.file_name(&name)),
        bytes,
    }
}

/// The man page: clap_mangen's title, NAME and OPTIONS, the rest written here.
fn man_page() -> String {
    let cmd = command();
    // No date, so that the page changes only when the text does. clap_mangen
    // writes an empty date as no argument at all, which would shift the source
    // and manual into its place: an explicit empty roff string keeps them apart.
    let man = Man::new(cmd.clone())
        .title("TOKN")
        .date("\"\"")
        .manual("User Commands");
    let mut page = String::new();
    page.push_str(&piece(|w| man.render_title(w)));
    // Left-aligned and unhyphenated: option names and paths stay whole.
    page.push_str(".ad l\n.nh\n");
    page.push_str(&without_preamble(piece(|w| man.render_name_section(w))));
    page.push_str(&section(synopsis(&cmd)));
    page.push_str(&section(description(&cmd)));
    page.push_str(&without_preamble(piece(|w| man.render_options_section(w))));
    page.push_str(&section(commands(&cmd)));
    page.push_str(&section(profiles()));
    page.push_str(&section(keys()));
    page.push_str(&section(exit_status()));
    page.push_str(&section(environment(&cmd)));
    page.push_str(&section(files()));
    page.push_str(&section(examples(&cmd)));
    page.push_str(&section(see_also()));
    // groff reads Latin-1 unless told otherwise: name every other character.
    let mut ascii = String::with_capacity(page.len());
    for c in page.chars() {
        if c.is_ascii() {
            ascii.push(c);
        } else {
            ascii.push_str(&format!("\\[u{:04X}]", u32::from(c)));
        }
    }
    ascii
}

/// Everything roff renders starts with the same preamble; the page needs it once.
fn without_preamble(text: String) -> String {
    let preamble = Roff::new().render();
    match text.strip_prefix(&preamble) {
        Some(rest) => rest.to_owned(),
        None => text,
    }
}

/// What one of clap_mangen's `render_*` methods writes.
fn piece(render: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut bytes = Vec::new();
    render(&mut bytes).expect("rendering into memory cannot fail");
    String::from_utf8(bytes).expect("the man page is UTF-8")
}

fn section(roff: Roff) -> String {
    without_preamble(roff.render())
}

fn heading(roff: &mut Roff, name: &str) {
    roff.control("SH", [name]);
}

/// One `.TP` entry: a bold tag and a paragraph.
fn entry(roff: &mut Roff, tag: Vec<Inline>, body: &str) {
    roff.control("TP", []);
    roff.text(tag);
    roff.text([roman(body)]);
}

/// Every way to call tokn: the options, or one of the leaf subcommands.
fn synopsis(cmd: &clap::Command) -> Roff {
    let mut roff = Roff::new();
    heading(&mut roff, "SYNOPSIS");
    let name = cmd.get_name();
    roff.text([bold(name), roman(" ["), italic("OPTIONS"), roman("]")]);
    for (path, _) in leaf_commands(cmd) {
        roff.control("br", []);
        roff.text([bold(format!("{name} {path}"))]);
    }
    roff
}

/// `(path, about)` of every subcommand that takes no further subcommand.
fn leaf_commands(cmd: &clap::Command) -> Vec<(String, String)> {
    let mut leaves = Vec::new();
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
        if sub.has_subcommands() {
            for (path, about) in leaf_commands(sub) {
                leaves.push((format!("{} {path}", sub.get_name()), about));
            }
        } else {
            leaves.push((sub.get_name().to_owned(), about));
        }
    }
    leaves
}

/// The paragraphs of `long_about` after the first, which repeats `about`
/// (already the NAME line).
fn description(cmd: &clap::Command) -> Roff {
    let mut roff = Roff::new();
    heading(&mut roff, "DESCRIPTION");
    let long = cmd
        .get_long_about()
        .map(ToString::to_string)
        .unwrap_or_default();
    let about = cmd.get_about().map(ToString::to_string).unwrap_or_default();
    let paragraphs: Vec<&str> = long
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let skip = usize::from(
        paragraphs
            .first()
            .is_some_and(|p| p.trim_end_matches('.') == about.trim_end_matches('.')),
    );
    for (i, paragraph) in paragraphs.iter().skip(skip).enumerate() {
        if i > 0 {
            roff.control("PP", []);
        }
        roff.text([roman(paragraph.replace('\n', " "))]);
    }
    roff
}

fn commands(cmd: &clap::Command) -> Roff {
    let mut roff = Roff::new();
    heading(&mut roff, "COMMANDS");
    for (path, about) in leaf_commands(cmd) {
        entry(
            &mut roff,
            vec![bold(format!("{} {path}", cmd.get_name()))],
            &about,
        );
    }
    roff.control("PP", []);
    roff.text([roman(
        "tokn cache list and tokn cache clear exit 0 on an empty or missing cache, and the \
         config commands exit 0 with no config file. tokn config show takes the options above, \
         to show what they would change, and so do tokn exec and tokn inspect, to fetch the \
         token; the other commands take only -v, -q, --config and -p.",
    )]);
    roff.control("PP", []);
    roff.text([
        bold("tokn exec"),
        roman(
            " [OPTIONS] [--env-var NAME] -- COMMAND [ARGS...] gets a token, from the cache \
         when it can, and runs COMMAND in tokn's place (on Unix the same process, so signals \
         reach it directly) with the token in TOKN_ACCESS_TOKEN or NAME and tokn's standard \
         streams. The variables that carry a secret (TOKN_CLIENT_SECRET, TOKN_PASSWORD, TOKN_REFRESH_TOKEN, TOKN_ASSERTION, TOKN_SUBJECT_TOKEN, TOKN_ACTOR_TOKEN) are not passed on. The exit \
         status is the command's; when no token could be had the command is not run and the \
         status is tokn's own, and a command that cannot be started is exit status 2.",
        ),
    ]);
    roff.control("PP", []);
    roff.text([
        bold("tokn inspect"),
        roman(
            " [OPTIONS] [--verify] [TOKEN] decodes a JWT, the argument, else standard input, \
         else (on a terminal) a token fetched with the options, and prints \
         {\"header\":{...},\"claims\":{...}} on standard output. Standard error tells when the \
         token expires (exp) and says decoded, not verified, unless --verify is given: then the \
         signature is checked with the keys at the jwks_uri of the --issuer metadata (RS256, \
         RS384, RS512, PS256, PS384, PS512, ES256, ES384, EdDSA), and iss, exp and nbf with 60 \
         seconds of leeway; a failed check is exit status 4, naming it. A token that is not a \
         JWT is exit status 2: only its issuer can introspect it.",
        ),
    ]);
    roff
}

/// The KEYS AND CERTIFICATES section: discovery, signed assertions, mutual TLS.
fn keys() -> Roff {
    let mut roff = Roff::new();
    heading(&mut roff, "KEYS AND CERTIFICATES");
    roff.text([roman(
        "--issuer reads the server's metadata (ISSUER/.well-known/openid-configuration, else \
         the RFC 8414 location), whose issuer must be the one given (one trailing / aside; else \
         exit 5), and uses its token_endpoint (with --cert, its \
         mtls_endpoint_aliases.token_endpoint) unless --token-url is given; with --auth auto, \
         only the methods it lists in token_endpoint_auth_methods_supported are sent.",
    )]);
    roff.control("PP", []);
    roff.text([roman(
        "--auth private_key_jwt sends a client assertion (RFC 7523) signed with --signing-key: \
         iss and sub the client ID, aud the URL the request goes to (or --jwt-audience), a \
         random jti, exp 60 s after iat; kid from --signing-key-id, and x5t and x5t#S256 when \
         the key's file also holds its certificate. --auth client_secret_jwt signs the same \
         claims with the client secret. --cert and --key add a client certificate to any \
         method; --auth tls (tls_client_auth, self_signed_tls_client_auth) authenticates with \
         it alone. auto signs when --signing-key is given, uses the certificate alone when \
         --cert is given and no secret is, and otherwise tries basic, then post.",
    )]);
    roff.control("PP", []);
    roff.text([roman(
        "A key or certificate file that cannot be read, is not PEM, holds a key tokn cannot \
         use, or a key that does not fit --jwt-alg or the certificate, is a usage error naming \
         the file and what it holds, found before anything is sent. The files are read only \
         when a token must be fetched, not when the cache has one. The assertion is never \
         printed or cached.",
    )]);
    roff
}

/// The PROFILES section: the config file's shape, with the example the README shows.
fn profiles() -> Roff {
    let mut roff = Roff::new();
    heading(&mut roff, "PROFILES");
    roff.text([roman(
        "A config file (TOML; see FILES) holds named profiles, so that tokn -p prod replaces a \
         dozen options. Each option is a key, its long name with - written _; switches take \
         true or false, repeatable options an array (or one string). [defaults] applies to \
         every profile, and the profile named default applies when -p is not given. A flag or \
         an environment variable beats the profile, which beats [defaults], which beats the \
         built-in default; a flag replaces a profile's array rather than adding to it. Paths \
         may start with ~/, and relative ones are relative to the config file. A syntax error, \
         an unknown key or a value of the wrong type is a usage error naming the file, the line \
         and the key.",
    )]);
    roff.control("PP", []);
    roff.control("RS", ["4"]);
    roff.control("nf", []);
    for line in include_str!("../../examples/config.toml").lines() {
        roff.text([roman(line)]);
    }
    roff.control("fi", []);
    roff.control("RE", []);
    roff.control("PP", []);
    roff.text([roman(
        "tokn config show -p NAME prints every setting a fetch would use and where it came from \
         (flag, env, profile, defaults or built-in), secrets as \"[redacted]\".",
    )]);
    roff
}

fn exit_status() -> Roff {
    let codes = [
        (0, "A token was printed, or a cache command did its work."),
        (
            Exit::Bug as u8,
            "A bug in tokn. It should never happen: please report it.",
        ),
        (
            Exit::Usage as u8,
            "Usage: bad or missing options, an unreadable secret file, an invalid URL or header pattern. \
             Nothing was sent. Also a command that tokn exec cannot start, and a token that tokn \
             inspect cannot decode.",
        ),
        (
            Exit::Network as u8,
            "Network: DNS, connect, TLS, proxy, or the --timeout ran out.",
        ),
        (
            Exit::Refused as u8,
            "The server refused: HTTP 4xx, or an OAuth error answer; or a check of tokn inspect \
             --verify failed.",
        ),
        (
            Exit::Server as u8,
            "The server failed or answered something unusable: HTTP 5xx, a redirect, no token, \
             a body that is neither JSON nor a form, or one over 1 MiB.",
        ),
        (
            130,
            "Interrupted (Ctrl-C) while waiting for a device or browser sign-in. Nothing was \
             printed or cached.",
        ),
    ];
    let exec = "tokn exec: the command's exit status, or 128 + the number of the signal that \
                ended it, as a shell shows it.";
    let mut roff = Roff::new();
    heading(&mut roff, "EXIT STATUS");
    for (code, meaning) in codes {
        entry(&mut roff, vec![bold(code.to_string())], meaning);
    }
    entry(&mut roff, vec![italic("any")], exec);
    roff
}

fn environment(cmd: &clap::Command) -> Roff {
    let mut roff = Roff::new();
    heading(&mut roff, "ENVIRONMENT");
    roff.text([roman(
        "Each of these variables is used when its option is not given. The option always wins, \
         and replaces the variable's value rather than adding to it.",
    )]);
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        let (Some(env), Some(long)) = (arg.get_env(), arg.get_long()) else {
            continue;
        };
        let env = env.to_string_lossy();
        entry(
            &mut roff,
            vec![bold(env.as_ref())],
            &format!("As --{long}."),
        );
    }
    let others = [
        (
            "TOKN_REFRESH_TOKEN",
            "The refresh token itself, for --grant-type refresh_token; --refresh-token-file wins.",
        ),
        (
            "TOKN_PASSWORD",
            "The password itself, for --grant-type password; --password-file wins.",
        ),
        (
            "TOKN_ASSERTION",
            "The assertion itself, for --grant-type jwt-bearer; --assertion-file wins.",
        ),
        (
            "TOKN_SUBJECT_TOKEN",
            "The subject token itself, for --grant-type token-exchange; --subject-token-file wins.",
        ),
        (
            "TOKN_ACTOR_TOKEN",
            "The actor token itself, for --grant-type token-exchange; --actor-token-file wins.",
        ),
        ("TOKN_CACHE_DIR", "The token cache directory; see FILES."),
        (
            "KUBERNETES_EXEC_INFO",
            "Set by kubectl for its exec credential plugins: -f k8s answers in the apiVersion it \
             names (client.authentication.k8s.io/v1 or v1beta1), v1 when it is not set.",
        ),
        (
            "XDG_CONFIG_HOME",
            "Without --config and TOKN_CONFIG, the config file is \
             $XDG_CONFIG_HOME/tokn/config.toml when this is an absolute path.",
        ),
        (
            "XDG_CACHE_HOME",
            "Without TOKN_CACHE_DIR, the cache is $XDG_CACHE_HOME/tokn when this is an absolute path.",
        ),
        (
            "HOME",
            "Without either, the cache is ~/.cache/tokn (~/Library/Caches/tokn on macOS), and \
             the config file ~/.config/tokn/config.toml. With none of the three set, tokn caches \
             nothing.",
        ),
        (
            "HTTPS_PROXY",
            "The proxy for an https:// token URL, as in curl. The lowercase name is read too, and wins.",
        ),
        (
            "HTTP_PROXY",
            "The proxy for an http:// token URL; the lowercase name is read too, and wins.",
        ),
        (
            "ALL_PROXY",
            "The proxy when the variable for the URL's scheme is not set.",
        ),
        (
            "NO_PROXY",
            "Hosts reached without a proxy: a comma-separated list of host names, domain suffixes \
             (example.com also matches api.example.com), IP addresses, or * for every host.",
        ),
    ];
    for (name, meaning) in others {
        entry(&mut roff, vec![bold(name)], meaning);
    }
    roff
}

fn files() -> Roff {
    let mut roff = Roff::new();
    heading(&mut roff, "FILES");
    entry(
        &mut roff,
        vec![
            italic("$TOKN_CONFIG"),
            roman(", "),
            italic("$XDG_CONFIG_HOME/tokn/config.toml"),
            roman(", "),
            italic("~/.config/tokn/config.toml"),
        ],
        "The config file with the profiles (see PROFILES), the first of these that is named \
         (--config beats TOKN_CONFIG). No file at the default place means no profiles; a file \
         named by --config or TOKN_CONFIG must exist. A file that holds a client_secret and \
         that group or others can read gives a warning naming it: prefer client_secret_cmd or \
         client_secret_file, and mode 0600.",
    );
    entry(
        &mut roff,
        vec![
            italic("$TOKN_CACHE_DIR"),
            roman(", "),
            italic("$XDG_CACHE_HOME/tokn"),
            roman(", "),
            italic("~/.cache/tokn"),
        ],
        "The token cache, in the first of these whose variable is set (~/.cache/tokn needs \
         HOME; on macOS it is ~/Library/Caches/tokn). tokn keeps each token that has a known \
         lifetime, one file per token URL, client, secret, grant and request, and reuses it \
         while it has more than --min-ttl seconds left, each issuer's metadata (--issuer) \
         for an hour, and a parsed copy of the config file's tables while the file is \
         unchanged (never of a file that holds a client_secret). When the answer carried a refresh token, the entry keeps it, and tokn \
         uses it to get a new access token when the cached one runs out. The client secret \
         and the grant's other inputs are never written. The directory is created with mode \
         0700 and each file with mode 0600, written whole and then renamed into place. A \
         directory that belongs to another user, or that group or others can write to, is not \
         used, with a warning.",
    );
    roff.control("PP", []);
    roff.text([roman(
        "--no-cache skips the cache for one call, --refresh fetches a new token and caches it, \
         tokn cache list shows what is kept, and tokn cache clear removes it all.",
    )]);
    roff
}

/// The `after_long_help` of `--help`, as man examples: each indented caption
/// line, then its more indented command lines.
fn examples(cmd: &clap::Command) -> Roff {
    let mut roff = Roff::new();
    heading(&mut roff, "EXAMPLES");
    let text = cmd
        .get_after_long_help()
        .map(ToString::to_string)
        .unwrap_or_default();
    let mut first = true;
    let mut in_code = false;
    for line in text.lines().filter(|l| l.starts_with("  ")) {
        let code = line.starts_with("    ");
        if code && !in_code {
            roff.control("RS", ["4"]);
            roff.control("nf", []);
        } else if !code && in_code {
            roff.control("fi", []);
            roff.control("RE", []);
        }
        if !code && !first {
            roff.control("PP", []);
        }
        roff.text([roman(line.trim())]);
        in_code = code;
        first = false;
    }
    if in_code {
        roff.control("fi", []);
        roff.control("RE", []);
    }
    roff
}

fn see_also() -> Roff {
    let mut roff = Roff::new();
    heading(&mut roff, "SEE ALSO");
    roff.text([bold("curl"), roman("(1), "), bold("jq"), roman("(1)")]);
    roff
}
