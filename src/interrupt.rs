//! Ctrl-C during a sign-in wait ends tokn with exit status 130 and nothing
//! written: no token on stdout, no cache entry.
//!
//! The wait is the only long stretch of a run, and nothing is being written
//! while it lasts, so the handler can end the process at once (`_exit` is safe
//! in a signal handler). Elsewhere the default action stays: a run that is
//! killed while it writes a cache entry leaves at most a temporary file, never
//! half an entry.

/// While this lives, SIGINT ends tokn with exit status 130.
pub struct SignInWait {
    #[cfg(unix)]
    previous: libc::sighandler_t,
}

#[cfg(unix)]
extern "C" fn exit_130(_: libc::c_int) {
    // SAFETY: _exit is async-signal-safe and ends the process at once.
    unsafe { libc::_exit(130) }
}

impl SignInWait {
    #[cfg(unix)]
    pub fn start() -> SignInWait {
        let handler = exit_130 as extern "C" fn(libc::c_int) as libc::sighandler_t;
        // SAFETY: the handler only calls an async-signal-safe function.
        let previous = unsafe { libc::signal(libc::SIGINT, handler) };
        SignInWait {
            previous: if previous == libc::SIG_ERR {
                libc::SIG_DFL
            } else {
                previous
            },
        }
    }

    #[cfg(not(unix))]
    pub fn start() -> SignInWait {
        SignInWait {}
    }
}

impl Drop for SignInWait {
    fn drop(&mut self) {
        #[cfg(unix)]
        // SAFETY: restores the handler that was in place before.
        unsafe {
            libc::signal(libc::SIGINT, self.previous);
        }
    }
}
