//! A parsed copy of the config file's tables, kept in the cache directory, so
//! that a run served from the token cache does not parse TOML: parsing a file
//! of a few profiles costs more than the rest of a cached run together.
//!
//! The copy is used only while the file is unchanged (same device, inode,
//! size, modification and change times) and for the same profile request and
//! HOME (which `~/` paths depend on). A file that holds a client secret is
//! never copied, since the cache holds no secret. `--no-cache` neither reads
//! nor writes the copy.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::cache::{Cache, Key, Side};
use crate::diag;
use crate::options::Table;

/// Bumped whenever the format changes; other versions are parsed anew.
const VERSION: u32 = 1;

/// What the config file was when it was parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Stamp {
    /// The stamp of the file at `path`, if it exists.
    pub fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(Stamp {
                dev: meta.dev(),
                ino: meta.ino(),
                size: meta.size(),
                mtime: (meta.mtime(), meta.mtime_nsec()),
                ctime: (meta.ctime(), meta.ctime_nsec()),
            })
        }
        #[cfg(not(unix))]
        {
            let nanos = meta
                .modified()
                .ok()?
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?;
            Some(Stamp {
                dev: 0,
                ino: 0,
                size: meta.len(),
                mtime: (nanos.as_secs() as i64, i64::from(nanos.subsec_nanos())),
                ctime: (0, 0),
            })
        }
    }
}

/// The tables a run uses: the profile's (with its name) and `[defaults]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Tables {
    pub profile: Option<(String, Table)>,
    pub defaults: Option<Table>,
}

#[derive(Serialize, Deserialize)]
struct Copy {
    version: u32,
    stamp: Stamp,
    tables: Tables,
}

fn key(path: &Path, requested: Option<&str>) -> Key {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let home = std::env::var("HOME").unwrap_or_default();
    Key::of_parts(&[
        "tokn-config-v1",
        &absolute.to_string_lossy(),
        requested.unwrap_or("\0none"),
        &home,
    ])
}

/// The tables parsed from `path` before, if the file has not changed since.
pub fn lookup(path: &Path, requested: Option<&str>, stamp: &Stamp) -> Option<Tables> {
    let cache = Cache::open()?;
    let bytes = cache.read_side(Side::Config, &key(path, requested))?;
    let copy: Copy = serde_json::from_slice(&bytes).ok()?;
    (copy.version == VERSION && copy.stamp == *stamp).then_some(copy.tables)
}

/// Keep the tables parsed from `path` for the next runs.
pub fn store(path: &Path, requested: Option<&str>, stamp: Stamp, tables: &Tables) {
    let Some(cache) = Cache::open() else {
        return;
    };
    let copy = Copy {
        version: VERSION,
        stamp,
        tables: tables.clone(),
    };
    let Ok(bytes) = serde_json::to_vec(&copy) else {
        return;
    };
    if let Err(e) = cache.write_side(Side::Config, &key(path, requested), &bytes) {
        diag::verbose(&format!(
            "* cannot keep a parsed copy of the config file: {e}"
        ));
    }
}
