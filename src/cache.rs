//! The token cache: scripts that call tokn in a loop reuse a valid token instead
//! of asking the identity provider every time.
//!
//! Safety first: the directory is 0700 and must belong to the user and not be
//! writable by others; entries are 0600, written to a temporary file and renamed
//! into place, so a reader never sees half an entry. The secret is never written:
//! the key holds only its SHA-256. Processes that want the same token at once
//! serialize on a per-key lock file, so only one of them asks the server.
//! Anything unexpected on disk is ignored and replaced, never a crash or a hang:
//! files in the directory are opened without following links or waiting, used
//! only when they are regular files, read up to [`MAX_ENTRY`], and `cache clear`
//! removes only names tokn gives its files (see `files.rs`).

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::diag;
use crate::error::{Exit, Failure};
use crate::files::{self, Trouble};
use crate::oauth::client_auth::Attempt;
use crate::oauth::response::{self, Token};
use crate::settings::Settings;

/// Bumped whenever the entry format changes; other versions are ignored.
const VERSION: u32 = 1;

/// The largest entry read or written. Real entries are a few KB (an access
/// token, maybe refresh and ID tokens, a few fields). 2 MiB is twice the
/// largest answer tokn accepts from a server (1 MiB), which leaves room for the
/// entry's own fields and JSON escapes, so tokn can always read back what it
/// wrote; a damaged or planted file (a huge one, `/dev/zero` behind a link) is
/// never read past it.
const MAX_ENTRY: u64 = 2 * 1024 * 1024;

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
    /// The refresh token to use when the access token runs out: the latest
    /// answer's, or the one before when that answer brought none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
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
            refresh_token: None,
        }
    }

    /// This entry, keeping `refresh_token` for later.
    pub fn with_refresh_token(mut self, refresh_token: Option<String>) -> Entry {
        self.refresh_token = refresh_token;
        self
    }

    /// Whether one of the secrets `texts` appears anywhere in the stored form of
    /// this entry, in any form tokn sent it in (as given, form-urlencoded, in the
    /// Basic credentials) and any spelling of those (JSON escapes, percent
    /// escapes). Used to keep secrets off the disk even when a provider echoes
    /// them back in its answer.
    pub fn mentions_any<'a>(&self, mut texts: impl Iterator<Item = &'a str>) -> bool {
        let Ok(stored) = serde_json::to_string(self) else {
            return true;
        };
        texts.any(|text| crate::redact::holds_secret(&stored, &self.client_id, text))
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
            .map(|s| sha256_hex(s.identity().as_bytes()))
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
        let grant = settings.grant.identity();
        let counts = [
            scopes.len().to_string(),
            settings.request.extra.len().to_string(),
            settings.extra_headers.len().to_string(),
            settings.request.audience.len().to_string(),
            settings.request.resource.len().to_string(),
            grant.len().to_string(),
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
        // The grant and a SHA-256 of each secret input: a token exchanged for
        // one subject is never served for another.
        parts.push(&counts[3]);
        parts.extend(settings.request.audience.iter().map(String::as_str));
        parts.push(&counts[4]);
        parts.extend(settings.request.resource.iter().map(String::as_str));
        parts.push(&counts[5]);
        parts.extend(grant.iter().map(String::as_str));
        Key::of_parts(&parts)
    }

    /// A key for other things kept in the cache (see [`Side`]).
    pub fn of_parts(parts: &[&str]) -> Key {
        Key(sha256_hex(&length_prefixed(parts)))
    }
}

/// What the cache directory keeps besides token entries, in files named
/// `KIND-KEY.json`: things that are costly to redo on every run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The tables of a config file, parsed (`config_cache.rs`).
    Config,
    /// An issuer's metadata document (`oauth/metadata.rs`).
    Metadata,
}

impl Side {
    const ALL: [Side; 2] = [Side::Config, Side::Metadata];

    fn prefix(self) -> &'static str {
        match self {
            Side::Config => "config-",
            Side::Metadata => "metadata-",
        }
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

/// SHA-256 in lowercase hex.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, data).as_ref())
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
    /// A directory that is not safe gives a warning and no cache. The answer is
    /// kept for the run, so that the warning is given once however often the
    /// cache is asked for.
    pub fn open() -> Option<Cache> {
        static OPENED: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
        OPENED
            .get_or_init(|| Cache::open_checked().map(|c| c.dir))
            .clone()
            .map(|dir| Cache { dir })
    }

    fn open_checked() -> Option<Cache> {
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
        let bytes = match files::read_own(&self.entry_path(key), MAX_ENTRY) {
            Ok(bytes) => bytes,
            Err(Trouble::Io(e)) if e.kind() == io::ErrorKind::NotFound => return None,
            Err(trouble) => {
                diag::verbose(&format!(
                    "* ignoring the cache entry ({trouble}); it will be replaced"
                ));
                return None;
            }
        };
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
        let file = match open_lock(&path) {
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
        if json.len() as u64 > MAX_ENTRY {
            return Err(io::Error::other("the answer is too large to cache"));
        }
        self.write_file(&key.0, &self.entry_path(key), &json)
    }

    fn side_path(&self, side: Side, key: &Key) -> PathBuf {
        self.dir.join(format!("{}{}.json", side.prefix(), key.0))
    }

    /// A side file's contents, if there is a readable one.
    pub fn read_side(&self, side: Side, key: &Key) -> Option<Vec<u8>> {
        files::read_own(&self.side_path(side, key), MAX_ENTRY).ok()
    }

    /// Store a side file, written whole and renamed into place like an entry.
    pub fn write_side(&self, side: Side, key: &Key, bytes: &[u8]) -> io::Result<()> {
        if bytes.len() as u64 > MAX_ENTRY {
            return Err(io::Error::other("too large to cache"));
        }
        self.write_file(&key.0, &self.side_path(side, key), bytes)
    }

    /// Write `bytes` to a new temporary file and rename it to `path`.
    fn write_file(&self, key: &str, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let tmp = self
            .dir
            .join(format!(".{}.{}.tmp", key, std::process::id()));
        // A leftover of a crashed run could have any mode, or be a link: start
        // from a new file (removing a link removes the link, not its target, and
        // create_new never follows one).
        let _ = fs::remove_file(&tmp);
        let result = (|| {
            let mut file = files::own_file().create_new(true).write(true).open(&tmp)?;
            file.write_all(bytes)?;
            fs::rename(&tmp, path)
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
            .filter(|e| own_name(&e.file_name()) == Some(Own::Entry))
            .filter_map(|e| files::read_own(&e.path(), MAX_ENTRY).ok())
            .filter_map(|bytes| serde_json::from_slice::<Entry>(&bytes).ok())
            .filter(|e| e.version == VERSION)
            .collect();
        entries.sort_by(|a, b| (&a.token_url, &a.client_id).cmp(&(&b.token_url, &b.client_id)));
        entries
    }

    /// Remove every entry, lock and leftover temporary file; return how many entries.
    /// Only names tokn gives its files are touched, and never a directory; a
    /// link is removed itself, never what it points to.
    pub fn clear(&self) -> io::Result<usize> {
        let mut removed = 0;
        for item in fs::read_dir(&self.dir)?.flatten() {
            let Some(own) = own_name(&item.file_name()) else {
                continue;
            };
            if item.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            match fs::remove_file(item.path()) {
                Ok(()) => removed += usize::from(own == Own::Entry),
                // Another tokn replaced or cleared it meanwhile.
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(removed)
    }
}

/// The kinds of file tokn keeps in the cache directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Own {
    /// `KEY.json`
    Entry,
    /// `KEY.lock`
    Lock,
    /// `.KEY.PID.tmp`, an entry being written
    Temp,
    /// `KIND-KEY.json`, a [`Side`] file
    Side,
}

/// Which of tokn's files `name` is, if any: KEY is 64 lowercase hex digits.
fn own_name(name: &std::ffi::OsStr) -> Option<Own> {
    let name = name.to_str()?;
    let is_key =
        |k: &str| k.len() == 64 && k.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if let Some(key) = name.strip_suffix(".json") {
        if let Some(key) = Side::ALL.iter().find_map(|s| key.strip_prefix(s.prefix())) {
            return is_key(key).then_some(Own::Side);
        }
        return is_key(key).then_some(Own::Entry);
    }
    if let Some(key) = name.strip_suffix(".lock") {
        return is_key(key).then_some(Own::Lock);
    }
    let (key, pid) = name
        .strip_prefix('.')?
        .strip_suffix(".tmp")?
        .split_once('.')?;
    let is_pid = !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit());
    (is_key(key) && is_pid).then_some(Own::Temp)
}

/// Open (or make) the lock file: a regular file, never reached through a link.
/// Anything else where the lock belongs (a link, a FIFO) is not tokn's and is
/// replaced; removing a link removes the link, not its target. Two processes
/// replacing the same one at once may each end up with a lock of their own,
/// which costs one extra request, once.
fn open_lock(path: &Path) -> io::Result<File> {
    if let Ok(meta) = fs::symlink_metadata(path)
        && !meta.is_file()
    {
        diag::verbose("* replacing a cache lock that is not a regular file");
        fs::remove_file(path)?;
    }
    let mut options = files::own_file();
    options.create(true).truncate(false).write(true);
    files::open_own(&options, path).map_err(|trouble| match trouble {
        Trouble::Io(e) => e,
        Trouble::Unusual(what) => io::Error::other(format!("the lock file is {what}")),
        other => io::Error::other(other.to_string()),
    })
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
    fn only_the_names_tokn_gives_are_its_own() {
        let key = "0123456789abcdef".repeat(4);
        let own = |name: &str| own_name(std::ffi::OsStr::new(name));
        assert_eq!(own(&format!("{key}.json")), Some(Own::Entry));
        assert_eq!(own(&format!("{key}.lock")), Some(Own::Lock));
        assert_eq!(own(&format!(".{key}.4242.tmp")), Some(Own::Temp));
        assert_eq!(own(&format!("config-{key}.json")), Some(Own::Side));
        assert_eq!(own(&format!("other-{key}.json")), None);
        for other in [
            "notes.json".to_string(),
            format!("{}.json", &key[1..]),
            format!("{}.json", key.to_uppercase()),
            format!("{key}.json.bak"),
            format!("{key}.tmp"),
            format!(".{key}..tmp"),
            format!(".{key}.12x.tmp"),
            format!(".{key}.json"),
            "x.lock".to_string(),
        ] {
            assert_eq!(own(&other), None, "{other}");
        }
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(human_duration(5), "5s");
        assert_eq!(human_duration(3552), "59m 12s");
        assert_eq!(human_duration(7260), "2h 1m");
    }
}
