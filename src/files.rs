//! Reading the files a user points tokn at (secret files, key and certificate
//! files, standard input).

use std::io::Read;
use std::path::Path;

use anyhow::Result;

use crate::diag;
use crate::error::usage;

/// Read a secret file (or standard input for `-`), dropping one trailing newline.
pub fn read_secret_file(path: &Path, option: &str) -> Result<String> {
    let cannot = |e: std::io::Error| {
        usage(format!(
            "cannot read the secret file '{}' ({option}): {e}",
            path.display()
        ))
    };
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(cannot)?;
    } else {
        let mut file = std::fs::File::open(path).map_err(cannot)?;
        warn_if_shared(path, &file, "secret file");
        file.read_to_end(&mut bytes).map_err(cannot)?;
    }
    let mut text = String::from_utf8(bytes).map_err(|_| {
        usage(format!(
            "the secret file '{}' is not UTF-8 text",
            path.display()
        ))
    })?;
    if text.ends_with("\r\n") {
        text.truncate(text.len() - 2);
    } else if text.ends_with('\n') {
        text.truncate(text.len() - 1);
    }
    Ok(text)
}

/// The largest key or certificate file tokn reads; a PEM chain is a few kilobytes.
const MAX_PEM_FILE: u64 = 1024 * 1024;

/// Read a PEM file (a key, a certificate chain, or both). `private` says it
/// holds a private key, which then gets the same check as a secret file.
pub fn read_pem_file(path: &Path, option: &str, private: bool) -> Result<Vec<u8>> {
    let cannot = |e: std::io::Error| {
        usage(format!(
            "cannot read the {option} file '{}': {e}",
            path.display()
        ))
    };
    let file = std::fs::File::open(path).map_err(cannot)?;
    if private {
        warn_if_shared(path, &file, "key file");
    }
    let mut bytes = Vec::new();
    file.take(MAX_PEM_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_PEM_FILE {
        return Err(usage(format!(
            "the {option} file '{}' is larger than 1 MiB: it is not a PEM key or certificate",
            path.display()
        )));
    }
    Ok(bytes)
}

/// Like ssh with key files: a secret others can read is no longer secret.
#[cfg(unix)]
fn warn_if_shared(path: &Path, file: &std::fs::File, what: &str) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = file.metadata() {
        let mode = meta.permissions().mode() & 0o777;
        if meta.is_file() && mode & 0o044 != 0 {
            diag::warn(&format!(
                "the {what} '{}' can be read by other users (mode {mode:04o}); run chmod 600 on it",
                path.display()
            ));
        }
    }
}

#[cfg(not(unix))]
fn warn_if_shared(_: &Path, _: &std::fs::File, _: &str) {}
