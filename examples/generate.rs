//! Rewrite the shell completions in `completions/` and the man page in `man/`
//! from the clap definition in `src/cli.rs`:
//!
//! ```text
//! cargo run --example generate
//! ```
//!
//! The test `generated` fails until the committed files match what this writes.

#[path = "../tests/cli/assets.rs"]
mod assets;

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for asset in assets::all() {
        let path = root.join(&asset.path);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, &asset.bytes));
        if let Err(e) = written {
            eprintln!("generate: error: cannot write '{}': {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("{}", asset.path);
    }
    ExitCode::SUCCESS
}
