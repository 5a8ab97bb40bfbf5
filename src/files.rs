//! Reading files: those a user names (the secret file, `--cacert`, key and
//! certificate files, and in time service-account files) and tokn's own cache
//! files.
//!
//! A path can name anything, so every read here is bounded: `/dev/zero` would
//! fill memory, a FIFO nobody writes would wait forever, and a symbolic link
//! planted in the cache could send a read or a write somewhere else.
//!
//! A user-named file may be a regular file or a pipe (bash's `<(pass show x)` is
//! a pipe at `/dev/fd/N`), and `-` is standard input, whatever it is; links are
//! followed, since the user chose the path. Its size is capped by its [`Kind`].
//! A pipe is waited for until the run's deadline and no longer: `--timeout`
//! bounds the whole run, so the time a secret takes to arrive is time the
//! request no longer has, and a pipe that never ends stops the run at the
//! timeout (exit 3), like every other wait. A secret that group or others can
//! read (a regular file, or a named FIFO they could open first) gives a warning,
//! as ssh does with key files.
//!
//! tokn's own files live in a directory it checked; they are opened without
//! following a link and without waiting (`O_NOFOLLOW`, `O_NONBLOCK`), and read
//! only when they are regular files: anything else found there is not tokn's.

use std::fmt;
use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use crate::error::{Exit, Failure, usage};

/// What a user-named file holds, which sets its size cap and whether its mode
/// matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A secret, a token, a private key or a service-account file. Real ones are
    /// a few KB; 64 KiB holds any of them and stops a wrong path (a log,
    /// `/dev/zero`) before it fills memory. Others being able to read it is
    /// worth a warning.
    Secret,
    /// PEM certificates. A system CA bundle is about 220 KB, and under 1 MiB
    /// with the text form of every certificate; 4 MiB holds any real bundle.
    Certificates,
}

impl Kind {
    pub const fn max_len(self) -> u64 {
        match self {
            Kind::Secret => 64 * 1024,
            Kind::Certificates => 4 * 1024 * 1024,
        }
    }

    fn max_text(self) -> &'static str {
        match self {
            Kind::Secret => "64 KiB",
            Kind::Certificates => "4 MiB",
        }
    }
}

/// A file the user named, and how messages call it.
pub struct UserFile<'a> {
    /// The path as given; `-` is standard input.
    pub path: &'a Path,
    /// What messages call it: `secret file`, `--cacert file`.
    pub noun: &'a str,
    /// The option or variable that named it, when `noun` does not say.
    pub option: Option<&'a str>,
    pub kind: Kind,
}

impl UserFile<'_> {
    fn is_stdin(&self) -> bool {
        self.path == Path::new("-")
    }

    /// `the secret file 'x' (--client-secret-file)`, `standard input (--client-secret-file -)`.
    fn label(&self) -> String {
        match (self.is_stdin(), self.option) {
            (true, Some(option)) => format!("standard input ({option} -)"),
            (true, None) => "standard input".to_string(),
            (false, Some(option)) => {
                format!("the {} '{}' ({option})", self.noun, self.path.display())
            }
            (false, None) => format!("the {} '{}'", self.noun, self.path.display()),
        }
    }
}

/// Why a file could not be read.
#[derive(Debug)]
pub enum Trouble {
    /// Opening or reading it failed.
    Io(io::Error),
    /// It is not a kind of file that may be read there: what it is instead.
    Unusual(&'static str),
    /// It holds more than the cap.
    TooLarge,
    /// A pipe had not ended by the deadline.
    TimedOut,
}

impl fmt::Display for Trouble {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Trouble::Io(e) => write!(f, "{e}"),
            Trouble::Unusual(what) => write!(f, "it is {what}"),
            Trouble::TooLarge => f.write_str("it is too large"),
            Trouble::TimedOut => f.write_str("it did not end in time"),
        }
    }
}

impl Trouble {
    /// The error the user reads: a usage error (exit 2), or exit 3 for the
    /// timeout, as for every other wait that runs out.
    fn into_error(self, file: &UserFile) -> anyhow::Error {
        let label = file.label();
        match self {
            Trouble::Io(e) => usage(format!("cannot read {label}: {e}")),
            Trouble::Unusual(what) => usage(format!(
                "cannot read {label}: it is {what}, not a regular file or a pipe"
            )),
            Trouble::TooLarge => Failure::new(
                Exit::Usage,
                format!("{label} is larger than {}", file.kind.max_text()),
            )
            .detail(if file.is_stdin() {
                "check what is sent to standard input"
            } else {
                "check that the path names the right file"
            })
            .into(),
            Trouble::TimedOut => {
                Failure::new(Exit::Network, format!("timed out reading {label}"))
                    .detail("the pipe did not end before --timeout ran out; check what writes to it, or raise --timeout")
                    .into()
            }
        }
    }
}

/// Read a file the user named: at most its kind's cap, waiting for a pipe no
/// longer than `deadline`.
pub fn read(file: &UserFile, deadline: Instant) -> Result<Vec<u8>> {
    let result = if file.is_stdin() {
        read_stdin(file.kind, deadline)
    } else {
        read_named(file, deadline)
    };
    result.map_err(|trouble| trouble.into_error(file))
}

/// Read a secret file (or standard input for `-`), dropping one trailing newline.
pub fn read_secret_file(path: &Path, option: &str, deadline: Instant) -> Result<String> {
    let file = UserFile {
        path,
        noun: "secret file",
        option: Some(option),
        kind: Kind::Secret,
    };
    let bytes = read(&file, deadline)?;
    let mut text = String::from_utf8(bytes)
        .map_err(|_| usage(format!("{} is not UTF-8 text", file.label())))?;
    drop_one_newline(&mut text);
    Ok(text)
}

/// A secret's text without the one newline (`\n` or `\r\n`) that ends a
/// line in a file or in a command's output.
pub fn drop_one_newline(text: &mut String) {
    if text.ends_with("\r\n") {
        text.truncate(text.len() - 2);
    } else if text.ends_with('\n') {
        text.truncate(text.len() - 1);
    }
}

/// Read the PEM file of `--cacert` (or `TOKN_CACERT`).
pub fn read_ca_file(path: &Path, deadline: Instant) -> Result<Vec<u8>> {
    let file = UserFile {
        path,
        noun: "--cacert file",
        option: None,
        kind: Kind::Certificates,
    };
    read(&file, deadline)
}

/// Read a PEM file named by `option` (`--signing-key`, `--cert`…): a private
/// key, maybe with its certificate, is capped and checked as a secret; a
/// certificate chain alone as certificates.
pub fn read_pem_file(
    path: &Path,
    option: &str,
    holds_private_key: bool,
    deadline: Instant,
) -> Result<Vec<u8>> {
    let noun = format!("{option} file");
    let file = UserFile {
        path,
        noun: &noun,
        option: None,
        kind: if holds_private_key {
            Kind::Secret
        } else {
            Kind::Certificates
        },
    };
    read(&file, deadline)
}

fn read_named(file: &UserFile, deadline: Instant) -> Result<Vec<u8>, Trouble> {
    let opened = open_user_file(file.path).map_err(Trouble::Io)?;
    let meta = opened.metadata().map_err(Trouble::Io)?;
    let pipe = is_pipe(&meta);
    if !meta.is_file() && !pipe {
        return Err(Trouble::Unusual(what_is(&meta)));
    }
    if file.kind == Kind::Secret {
        warn_if_shared(file, &meta);
    }
    if meta.len() > file.kind.max_len() {
        return Err(Trouble::TooLarge);
    }
    if pipe {
        read_stream(opened, file.kind.max_len(), deadline)
    } else {
        read_capped(opened, file.kind.max_len())
    }
}

/// Options for tokn's own files: created 0600, never through a symbolic link,
/// never waiting on a FIFO.
pub fn own_file() -> OpenOptions {
    #[allow(unused_mut)]
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    options
}

/// Open one of tokn's own files with `options` (from [`own_file`]), and keep it
/// only if it is a regular file.
pub fn open_own(options: &OpenOptions, path: &Path) -> Result<File, Trouble> {
    open_regular(options, path).map(|(file, _)| file)
}

/// [`open_own`], with the file's metadata.
fn open_regular(options: &OpenOptions, path: &Path) -> Result<(File, Metadata), Trouble> {
    let file = options.open(path).map_err(|e| {
        if is_link_refused(&e) {
            Trouble::Unusual("a symbolic link")
        } else {
            Trouble::Io(e)
        }
    })?;
    let meta = file.metadata().map_err(Trouble::Io)?;
    if !meta.is_file() {
        return Err(Trouble::Unusual(what_is(&meta)));
    }
    Ok((file, meta))
}

/// One of tokn's own files, if it is a regular file of at most `max` bytes.
pub fn read_own(path: &Path, max: u64) -> Result<Vec<u8>, Trouble> {
    let (file, meta) = open_regular(own_file().read(true), path)?;
    if meta.len() > max {
        return Err(Trouble::TooLarge);
    }
    read_capped(file, max)
}

/// Whether opening failed because the last part of the path is a link.
fn is_link_refused(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// At most `max` bytes: one more is read to tell a file of exactly `max` from
/// a larger one, so even a file that grows (or `/proc`'s, whose size says 0)
/// cannot take more.
fn read_capped(reader: impl Read, max: u64) -> Result<Vec<u8>, Trouble> {
    let mut bytes = Vec::new();
    reader
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(Trouble::Io)?;
    if bytes.len() as u64 > max {
        return Err(Trouble::TooLarge);
    }
    Ok(bytes)
}

/// What a file that is neither regular nor a pipe is, for messages.
fn what_is(meta: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_fifo() {
            return "a FIFO";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else if meta.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

#[cfg(unix)]
fn is_pipe(meta: &Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    meta.file_type().is_fifo()
}

#[cfg(not(unix))]
fn is_pipe(_: &Metadata) -> bool {
    false
}

/// Open a user-named path without waiting: a FIFO with no writer yet opens at
/// once, and the wait for its data is bounded by [`read_stream`].
#[cfg(unix)]
fn open_user_file(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_user_file(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// Standard input, whatever it is: a regular file is read up to the cap, and
/// anything else (a pipe, a terminal, `/dev/null`) until it ends, the cap or
/// the deadline.
#[cfg(unix)]
fn read_stdin(kind: Kind, deadline: Instant) -> Result<Vec<u8>, Trouble> {
    use std::os::fd::AsFd;
    // A second descriptor for the same input, read around std's buffer;
    // closing it leaves standard input open. It is left blocking, since the
    // shell shares it: the wait for data is bounded by poll instead.
    let stdin = io::stdin();
    let owned = stdin.as_fd().try_clone_to_owned().map_err(Trouble::Io)?;
    let file = File::from(owned);
    let meta = file.metadata().map_err(Trouble::Io)?;
    if meta.is_file() {
        read_capped(file, kind.max_len())
    } else {
        read_stream(file, kind.max_len(), deadline)
    }
}

#[cfg(not(unix))]
fn read_stdin(kind: Kind, _deadline: Instant) -> Result<Vec<u8>, Trouble> {
    read_capped(io::stdin().lock(), kind.max_len())
}

/// Read a pipe (or a terminal) until it ends, waiting for each piece no longer
/// than `deadline`, and never keeping more than `max` bytes.
#[cfg(unix)]
fn read_stream(mut file: File, max: u64, deadline: Instant) -> Result<Vec<u8>, Trouble> {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        wait_readable(&file, deadline)?;
        match file.read(&mut chunk) {
            Ok(0) => return Ok(bytes),
            Ok(n) => {
                bytes.extend_from_slice(&chunk[..n]);
                if bytes.len() as u64 > max {
                    return Err(Trouble::TooLarge);
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                ) => {}
            Err(e) => return Err(Trouble::Io(e)),
        }
    }
}

#[cfg(not(unix))]
fn read_stream(file: File, max: u64, _deadline: Instant) -> Result<Vec<u8>, Trouble> {
    read_capped(file, max)
}

/// Wait until `file` has data, has ended or has failed (the next read says
/// which), or until `deadline`.
#[cfg(unix)]
fn wait_readable(file: &File, deadline: Instant) -> Result<(), Trouble> {
    use std::os::fd::AsRawFd;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        // Rounded up, so a wait never ends just short of the deadline and spins.
        let millis = i32::try_from(left.as_micros().div_ceil(1000)).unwrap_or(i32::MAX);
        let mut poll = libc::pollfd {
            fd: file.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, and the count says one.
        let ready = unsafe { libc::poll(&mut poll, 1, millis) };
        if ready > 0 {
            return Ok(());
        }
        if ready < 0 {
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(Trouble::Io(e));
            }
        } else if Instant::now() >= deadline {
            return Err(Trouble::TimedOut);
        }
    }
}

/// Like ssh with key files: a secret others can read is no longer secret. A
/// named FIFO counts too, since another user could open it and take what is
/// written to it; the pipes of `<(…)` are the user's own (mode 0600).
#[cfg(unix)]
fn warn_if_shared(file: &UserFile, meta: &Metadata) {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o044 != 0 {
        crate::diag::warn(&format!(
            "{} can be read by other users (mode {mode:04o}); run chmod 600 on it",
            file.label()
        ));
    }
}

#[cfg(not(unix))]
fn warn_if_shared(_: &UserFile, _: &Metadata) {
    // No mode bits to check.
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::fd::AsRawFd;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// A fresh directory under the system's temporary one, removed on drop.
    struct Dir(PathBuf);

    impl Dir {
        fn new() -> Dir {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path =
                std::env::temp_dir().join(format!("tokn-files-unit-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).expect("mkdir");
            Dir(path)
        }

        /// A private file, so reading it as a secret gives no warning.
        fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
            use std::os::unix::fs::PermissionsExt;
            let path = self.0.join(name);
            std::fs::write(&path, bytes).expect("write");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
            path
        }

        fn fifo(&self, name: &str) -> PathBuf {
            let path = self.0.join(name);
            let c = std::ffi::CString::new(path.to_str().expect("UTF-8 path")).expect("no NUL");
            // SAFETY: a valid NUL-terminated path.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
            path
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn secret(path: &Path) -> UserFile<'_> {
        UserFile {
            path,
            noun: "secret file",
            option: Some("--client-secret-file"),
            kind: Kind::Secret,
        }
    }

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(10)
    }

    fn named(path: &Path) -> Result<Vec<u8>, Trouble> {
        read_named(&secret(path), soon())
    }

    #[test]
    fn a_regular_file_is_read_up_to_the_cap() {
        let dir = Dir::new();
        let max = Kind::Secret.max_len() as usize;
        let exact = dir.file("exact", &vec![b'a'; max]);
        assert_eq!(named(&exact).expect("read").len(), max);
        let over = dir.file("over", &vec![b'a'; max + 1]);
        assert!(matches!(named(&over), Err(Trouble::TooLarge)));
        assert!(matches!(
            read_capped(&b"abcd"[..], 3),
            Err(Trouble::TooLarge)
        ));
        assert_eq!(read_capped(&b"abc"[..], 3).expect("read"), b"abc");
    }

    #[test]
    fn a_file_that_says_it_is_empty_is_still_capped() {
        // /proc files report a size of 0 whatever they hold.
        let got = read_capped(std::fs::File::open("/proc/self/status").expect("open"), 16);
        assert!(matches!(got, Err(Trouble::TooLarge)), "{got:?}");
    }

    #[test]
    fn devices_and_directories_are_refused() {
        let dir = Dir::new();
        let zero = dir.0.join("zero");
        std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
        for (path, what) in [
            (Path::new("/dev/zero"), "a character device"),
            (zero.as_path(), "a character device"),
            (dir.0.as_path(), "a directory"),
        ] {
            match named(path) {
                Err(Trouble::Unusual(w)) => assert_eq!(w, what, "{}", path.display()),
                other => panic!("{}: {other:?}", path.display()),
            }
        }
    }

    #[test]
    fn a_link_the_user_names_is_followed() {
        let dir = Dir::new();
        let target = dir.file("target", b"s3cret\n");
        let link = dir.0.join("link");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        assert_eq!(named(&link).expect("read"), b"s3cret\n");
    }

    #[test]
    fn a_pipe_at_dev_fd_is_read_to_its_end() {
        // What bash's <(…) passes: a pipe at /dev/fd/N.
        let (reader, mut writer) = std::io::pipe().expect("pipe");
        let path = PathBuf::from(format!("/dev/fd/{}", reader.as_raw_fd()));
        let feeder = std::thread::spawn(move || {
            writer.write_all(b"from-a-pipe\n").expect("write");
        });
        assert_eq!(named(&path).expect("read"), b"from-a-pipe\n");
        feeder.join().expect("the writer finishes");
    }

    #[test]
    fn a_pipe_that_never_ends_is_cut_at_the_cap() {
        let (reader, mut writer) = std::io::pipe().expect("pipe");
        let path = PathBuf::from(format!("/dev/fd/{}", reader.as_raw_fd()));
        let feeder = std::thread::spawn(move || {
            let chunk = [0u8; 4096];
            // Until the reader gives up and the pipe breaks.
            while writer.write_all(&chunk).is_ok() {}
        });
        assert!(matches!(named(&path), Err(Trouble::TooLarge)));
        drop(reader);
        feeder.join().expect("the writer stops");
    }

    #[test]
    fn a_fifo_nobody_writes_ends_at_the_deadline() {
        let dir = Dir::new();
        let fifo = dir.fifo("fifo");
        let started = Instant::now();
        let deadline = started + Duration::from_millis(300);
        let got = read_named(&secret(&fifo), deadline);
        let waited = started.elapsed();
        assert!(matches!(got, Err(Trouble::TimedOut)), "{got:?}");
        assert!(
            waited >= Duration::from_millis(300) && waited < Duration::from_secs(5),
            "{waited:?}"
        );
        // A deadline already gone does not wait at all.
        let got = read_named(&secret(&fifo), Instant::now());
        assert!(matches!(got, Err(Trouble::TimedOut)), "{got:?}");
    }

    #[test]
    fn a_fifo_is_read_once_its_writer_comes() {
        let dir = Dir::new();
        let fifo = dir.fifo("fifo");
        let path = fifo.clone();
        let feeder = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            let mut w = std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .expect("open the FIFO for writing");
            w.write_all(b"late").expect("write");
        });
        assert_eq!(named(&fifo).expect("read"), b"late");
        feeder.join().expect("the writer finishes");
    }

    #[test]
    fn own_files_are_regular_files_reached_without_a_link() {
        let dir = Dir::new();
        let good = dir.file("good", b"{}");
        assert_eq!(read_own(&good, 10).expect("read"), b"{}");
        assert!(matches!(read_own(&good, 1), Err(Trouble::TooLarge)));
        let link = dir.0.join("link");
        std::os::unix::fs::symlink(&good, &link).expect("symlink");
        let zero = dir.0.join("zero");
        std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
        let fifo = dir.fifo("fifo");
        for (path, what) in [
            (&link, "a symbolic link"),
            (&zero, "a symbolic link"),
            (&fifo, "a FIFO"),
            (&dir.0, "a directory"),
        ] {
            match read_own(path, 1024) {
                Err(Trouble::Unusual(w)) => assert_eq!(w, what, "{}", path.display()),
                other => panic!("{}: {other:?}", path.display()),
            }
        }
        assert!(matches!(
            read_own(&dir.0.join("missing"), 10),
            Err(Trouble::Io(e)) if e.kind() == io::ErrorKind::NotFound
        ));
    }

    #[test]
    fn own_files_are_never_created_through_a_link() {
        let dir = Dir::new();
        let target = dir.0.join("target");
        let link = dir.0.join("link");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        let mut create = own_file();
        create.create(true).truncate(false).write(true);
        assert!(open_own(&create, &link).is_err());
        assert!(own_file().create_new(true).write(true).open(&link).is_err());
        assert!(!target.exists(), "nothing was made at the link's target");
        let made = dir.0.join("made");
        open_own(&create, &made).expect("create");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&made).expect("stat").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn one_trailing_newline_is_dropped() {
        let dir = Dir::new();
        for (bytes, want) in [
            (&b"s3cret\n"[..], "s3cret"),
            (b"s3cret\r\n", "s3cret"),
            (b"s3cret\n\n", "s3cret\n"),
            (b"s3cret", "s3cret"),
        ] {
            let path = dir.file("s", bytes);
            let got = read_secret_file(&path, "--client-secret-file", soon()).expect("read");
            assert_eq!(got, want);
        }
    }

    #[test]
    fn messages_name_the_file_and_the_option() {
        let path = Path::new("/x/s");
        assert_eq!(
            secret(path).label(),
            "the secret file '/x/s' (--client-secret-file)"
        );
        assert_eq!(
            secret(Path::new("-")).label(),
            "standard input (--client-secret-file -)"
        );
        let err = Trouble::TimedOut.into_error(&secret(path));
        assert_eq!(crate::error::exit_of(&err), Exit::Network);
        assert_eq!(
            err.to_string(),
            "timed out reading the secret file '/x/s' (--client-secret-file)"
        );
        let err = Trouble::TooLarge.into_error(&secret(path));
        assert_eq!(crate::error::exit_of(&err), Exit::Usage);
        assert!(err.to_string().ends_with("is larger than 64 KiB"), "{err}");
    }
}
