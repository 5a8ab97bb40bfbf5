//! tokn-demo: try tokn with no identity provider.
//!
//! ```text
//! tokn-demo              fetch tokens from a demo endpoint with the installed tokn, printing each command
//! tokn-demo serve [ADDR] run the demo endpoint at ADDR (default 127.0.0.1:8080; a port
//!                        alone is on 127.0.0.1) until stopped
//! ```
//!
//! It is built only with the `demo` feature, so that the README's first command,
//! `cargo install --locked --path . --features demo && tokn-demo`, compiles every
//! dependency once: an example would also build the dev-dependencies, and their
//! features would rebuild the shared ones. The endpoint is `idp.rs`, which the
//! README tests start in-process.

mod idp;
mod walkthrough;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: tokn-demo              fetch tokens from a demo endpoint with the installed tokn
       tokn-demo serve [ADDR] run the demo endpoint at ADDR (default 127.0.0.1:8080;
                              a port alone is on 127.0.0.1) until stopped";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args[..] {
        [] => walkthrough::run(&tokn_binary(), &mut std::io::stdout()),
        ["serve"] => serve("127.0.0.1:8080"),
        ["serve", addr] => serve(addr),
        ["-h" | "--help"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => {
            eprintln!("tokn-demo: error: unexpected arguments\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tokn-demo: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The tokn installed beside this program (`cargo install` puts both in one
/// directory), else the first on PATH.
fn tokn_binary() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join("tokn")))
        .filter(|sibling| sibling.is_file())
        .unwrap_or_else(|| PathBuf::from("tokn"))
}

fn serve(addr: &str) -> Result<(), walkthrough::Failure> {
    let addr = match addr.parse::<u16>() {
        Ok(port) => format!("127.0.0.1:{port}"),
        Err(_) => addr.to_string(),
    };
    let addr = addr.as_str();
    let idp = idp::Idp::start(addr, &[(idp::CLIENT_ID, idp::CLIENT_SECRET)])
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let url = idp.token_url();
    println!(
        "demo token endpoint at {url} (client \"{}\", secret \"{}\")",
        idp::CLIENT_ID,
        idp::CLIENT_SECRET
    );
    println!(
        "demo API at {}/…: 200 only with a token from the endpoint",
        idp.api_url()
    );
    println!(
        "try: TOKN_CLIENT_SECRET={} tokn -u {url} -i {} -s read -f json",
        idp::CLIENT_SECRET,
        idp::CLIENT_ID
    );
    println!("Ctrl-C stops it");
    loop {
        std::thread::park();
    }
}
