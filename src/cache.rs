//! The token cache: scripts that call tokn in a loop reuse a valid token instead
//! of asking the identity provider every time.
//!
//! Safety first: the directory is 0700 and must belong to the user and not be
//! writable by others; entries are 0600, written to a temporary file and renamed
//! into place, so a reader never sees half an entry. The secret is never written:
//! the key holds only its SHA-256. Processes that want the same token at once
//! serialize on a per-key lock file, so only one of them asks the server.
//! Anything unexpected on disk is ignored and replaced, never a crash.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::diag;
use crate::error::{Exit, Failure};
use crate::oauth::client_auth::Attempt;
use crate::oauth::response::{self, Token};
use crate::settings::Settings;

/// Bumped whenever the entry format changes; other versions are ignored.
const VERSION: u32 = 1;

/// One cached token, as stored on disk.
#[derive(Debug, Serialize, Deserialize)]
pub struct Entry {
    pub version: u32,
    pub token_url: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    /// For `--auth auto`: the attempt that worked, tried first next time.
    pub method: Option<String>,
    /// The `--issuer` the token URL was discovered from, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    pub expires_at: u64,
    /// The provider's answer, every field.
    pub answer: Map<String, Value>,
}

impl Entry {
    /// An entry of the current format.
    pub fn new(
        token_url: String,
        client_id: String,
        scopes: Vec<String>,
        method: Option<String>,
        expires_at: u64,
        answer: Map<String, Value>,
    ) -> Entry {
        Entry {
            version: VERSION,
            token_url,
            client_id,
            scopes,
            method,
            issuer: None,
            expires_at,
            answer,
        }
    }

    /// Whether `text` appears anywhere in the stored form of this entry, as
    /// written or as JSON escapes it. Used to keep the secret off the disk even
    /// when a provider echoes it back in its answer.
    pub fn mentions(&self, text: &str) -> bool {
        let Ok(stored) = serde_json::to_string(self) else {
            return true;
        };
        let escaped = serde_json::to_string(text).unwrap_or_default();
        let escaped = escaped.trim_matches('"');
        stored.contains(text) || (!escaped.is_empty() && stored.contains(escaped))
    }

    pub fn token(&self) -> Option<Token> {
        response::token_from_fields(self.answer.clone())
    }

    /// Whether this entry was stored for the same endpoint and client: a file
    /// copied or planted under another key's name is not trusted.
    pub fn is_for(&self, settings: &Settings) -> bool {
        let url_matches = settings
            .token_url
            .as_ref()
            .is_none_or(|url| *url == self.token_url);
        url_matches && self.issuer == settings.issuer && self.client_id == settings.client_id
    }

    pub fn remembered(&self) -> Option<Attempt> {
        self.method.as_deref().and_then(Attempt::from_name)
    }
}

/// The cache key: SHA-256 over everything that changes the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key(String);

impl Key {
    pub fn of(settings: &Settings) -> Key {
        let secret_hash = settings
            .secret
            .as_ref()
            .map(|s| hex(sha256(s.identity().as_bytes()).as_ref()))
            .unwrap_or_default();
        // With --issuer alone, the issuer stands for the token URL it leads to:
        // the key is known without reading the metadata.
        let keys = settings.keys.identity();
        let mut parts: Vec<&str> = vec![
            "tokn-cache-key-v1",
            settings.token_url.as_deref().unwrap_or_default(),
            settings.issuer.as_deref().unwrap_or_default(),
            &settings.request.grant_type,
            settings.auth.name(),
            &settings.client_id,
            &secret_hash,
            &keys,
        ];
        let scopes: Vec<&str> = settings
            .request
            .scope
            .as_deref()
            .map_or(Vec::new(), |s| s.split(' ').collect());
        let counts = [
            scopes.len().to_string(),
            settings.request.extra.len().to_string(),
            settings.extra_headers.len().to_string(),
        ];
        parts.push(&counts[0]);
        parts.extend(scopes);
        parts.push(&counts[1]);
        for f in &settings.request.extra {
            parts.push(&f.key);
            parts.push(&f.value);
        }
        parts.push(&counts[2]);
        for (name, value) in &settings.extra_headers {
            parts.push(name);
            parts.push(value);
        }
        Key(hex(sha256(&length_prefixed(&parts)).as_ref()))
    }
}

/// Each part as its length, a colon and its bytes: no two lists encode alike.
fn length_prefixed(parts: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for part in parts {
        out.extend_from_slice(part.len().to_string().as_bytes());
        out.push(b':');
        out.extend_from_slice(part.as_bytes());
    }
    out
}

/// The SHA-256 of `text` in hex: a file name that says nothing of the text.
pub fn digest_hex(text: &str) -> String {
    hex(sha256(text.as_bytes()).as_ref())
}

fn sha256(data: &[u8]) -> ring::digest::Digest {
    ring::digest::digest(&ring::digest::SHA256, data)
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// An open, checked cache directory.
pub struct Cache {
    dir: PathBuf,
}

/// The per-key lock, released when dropped.
pub struct Lock(#[allow(dead_code)] File);

impl Cache {
    /// `$TOKN_CACHE_DIR`, else `$XDG_CACHE_HOME/tokn`, else the platform's cache directory.
    pub fn location() -> Option<PathBuf> {
        let var = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        if let Some(dir) = var("TOKN_CACHE_DIR") {
            return Some(dir);
        }
        if let Some(dir) = var("XDG_CACHE_HOME").filter(|d| d.is_absolute()) {
            return Some(dir.join("tokn"));
        }
        if cfg!(windows) {
            return var("LOCALAPPDATA").map(|d| d.join("tokn"));
        }
        let home = var("HOME")?;
        if cfg!(target_os = "macos") {
            Some(home.join("Library/Caches/tokn"))
        } else {
            Some(home.join(".cache/tokn"))
        }
    }

    /// Open the cache for reading and writing tokens, creating it if needed.
    /// A directory that is not safe gives a warning and no cache.
    pub fn open() -> Option<Cache> {
        let Some(dir) = Cache::location() else {
            diag::verbose("* no cache: neither TOKN_CACHE_DIR, XDG_CACHE_HOME nor HOME is set");
            return None;
        };
        if let Err(e) = create_private_dir(&dir) {
            diag::warn(&format!(
                "cannot create the cache directory '{}': {e}; the token is not cached",
                dir.display()
            ));
            return None;
        }
        if let Err(why) = check_private_dir(&dir) {
            diag::warn(&format!(
                "not using the cache directory '{}': {why}; the token is not cached",
                dir.display()
            ));
            return None;
        }
        Some(Cache { dir })
    }

    /// Open an existing cache for `list` and `clear`, without creating it.
    pub fn existing() -> Option<Cache> {
        Cache::location()
            .filter(|d| d.is_dir())
            .map(|dir| Cache { dir })
    }

    fn entry_path(&self, key: &Key) -> PathBuf {
        self.dir.join(format!("{}.json", key.0))
    }

    /// The entry for this key, if there is a readable one of this version.
    pub fn read(&self, key: &Key) -> Option<Entry> {
        let bytes = fs::read(self.entry_path(key)).ok()?;
        match serde_json::from_slice::<Entry>(&bytes) {
            Ok(entry) if entry.version == VERSION => Some(entry),
            _ => {
                diag::verbose("* ignoring an unreadable cache entry; it will be replaced");
                None
            }
        }
    }

    /// Wait for the per-key lock, at most until `deadline`. `Ok(None)` when the
    /// lock file cannot be made (the cache is then only read, not written).
    pub fn lock(&self, key: &Key, deadline: Instant) -> Result<Option<Lock>, Failure> {
        let path = self.dir.join(format!("{}.lock", key.0));
        let file = match OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode_private()
            .open(&path)
        {
            Ok(f) => f,
            Err(e) => {
                diag::warn(&format!(
                    "cannot write in the cache directory '{}': {e}; the token is not cached",
                    self.dir.display()
                ));
                return Ok(None);
            }
        };
        let mut announced = false;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Some(Lock(file))),
                Err(fs::TryLockError::WouldBlock) => {}
                Err(fs::TryLockError::Error(e)) => {
                    diag::verbose(&format!("* cannot lock the cache entry ({e}); not caching"));
                    return Ok(None);
                }
            }
            if !announced {
                diag::verbose("* another tokn is fetching the same token; waiting for it");
                announced = true;
            }
            if Instant::now() >= deadline {
                return Err(Failure::new(
                    Exit::Network,
                    "timed out waiting for another tokn that is fetching the same token",
                )
                .detail("raise --timeout, or pass --no-cache to fetch independently"));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Store an entry; a failure is a warning, since the token is still good.
    pub fn write(&self, key: &Key, entry: &Entry) {
        if let Err(e) = self.write_entry(key, entry) {
            diag::warn(&format!(
                "cannot write the cache entry in '{}': {e}; the token is not cached",
                self.dir.display()
            ));
        }
    }

    fn write_entry(&self, key: &Key, entry: &Entry) -> io::Result<()> {
        let json = serde_json::to_vec(entry).map_err(io::Error::other)?;
        self.write_file(&format!("{}.json", key.0), &json)
    }

    /// A file kept beside the token entries (issuer metadata: `NAME.metadata`).
    pub fn read_aside(&self, name: &str) -> Option<Vec<u8>> {
        fs::read(self.dir.join(format!("{name}.metadata"))).ok()
    }

    /// Store a file beside the token entries; a failure is a warning.
    pub fn write_aside(&self, name: &str, bytes: &[u8]) {
        if let Err(e) = self.write_file(&format!("{name}.metadata"), bytes) {
            diag::warn(&format!(
                "cannot write in the cache directory '{}': {e}; the metadata is not cached",
                self.dir.display()
            ));
        }
    }

    /// Write `bytes` to the file `name` of the cache directory, atomically and 0600.
    fn write_file(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        let tmp = self.dir.join(format!(".{name}.{}.tmp", std::process::id()));
        // A leftover of a crashed run could have any mode: start from a new file.
        let _ = fs::remove_file(&tmp);
        let result = (|| {
            let mut file = OpenOptions::new()
                .create_new(true)
                .write(true)
                .mode_private()
                .open(&tmp)?;
            file.write_all(bytes)?;
            fs::rename(&tmp, self.dir.join(name))
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    /// Every readable entry of this version, sorted by token URL and client ID.
    pub fn entries(&self) -> Vec<Entry> {
        let Ok(dir) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut entries: Vec<Entry> = dir
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
            .filter_map(|e| fs::read(e.path()).ok())
            .filter_map(|bytes| serde_json::from_slice::<Entry>(&bytes).ok())
            .filter(|e| e.version == VERSION)
            .collect();
        entries.sort_by(|a, b| (&a.token_url, &a.client_id).cmp(&(&b.token_url, &b.client_id)));
        entries
    }

    /// Remove every entry, lock, metadata document and leftover temporary file;
    /// return how many entries.
    pub fn clear(&self) -> io::Result<usize> {
        let mut removed = 0;
        for item in fs::read_dir(&self.dir)?.flatten() {
            let name = item.file_name().to_string_lossy().into_owned();
            if [".json", ".lock", ".tmp", ".metadata"]
                .iter()
                .any(|suffix| name.ends_with(suffix))
            {
                match fs::remove_file(item.path()) {
                    Ok(()) => removed += usize::from(name.ends_with(".json")),
                    // Another tokn replaced or cleared it meanwhile.
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(removed)
    }
}

/// 0600 files and 0700 directories, on the platforms that have modes.
trait Private {
    fn mode_private(&mut self) -> &mut Self;
}

impl Private for OpenOptions {
    #[cfg(unix)]
    fn mode_private(&mut self) -> &mut Self {
        use std::os::unix::fs::OpenOptionsExt;
        self.mode(0o600)
    }
    #[cfg(not(unix))]
    fn mode_private(&mut self) -> &mut Self {
        self
    }
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Refuse a directory another user owns or others may write: they could plant
/// or swap tokens.
#[cfg(unix)]
fn check_private_dir(dir: &Path) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let meta = fs::metadata(dir).map_err(|e| e.to_string())?;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Err(format!("it belongs to another user (uid {})", meta.uid()));
    }
    let mode = meta.mode() & 0o777;
    if mode & 0o022 != 0 {
        return Err(format!(
            "group or others can write to it (mode {mode:04o}); run chmod 700 on it"
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private_dir(_: &Path) -> Result<(), String> {
    Ok(())
}

/// "59m 12s" for `cache list`.
pub fn human_duration(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m {}s", secs / 60, secs % 60),
        _ => format!("{}h {}m", secs / 3600, secs % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lowercase_and_two_digits_a_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
    }

    #[test]
    fn the_encoding_is_unambiguous() {
        assert_ne!(length_prefixed(&["ab", "c"]), length_prefixed(&["a", "bc"]));
        assert_ne!(length_prefixed(&["a:b"]), length_prefixed(&["a", "b"]));
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(human_duration(5), "5s");
        assert_eq!(human_duration(3552), "59m 12s");
        assert_eq!(human_duration(7260), "2h 1m");
    }
}
