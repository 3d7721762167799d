//! Whole lines from a worker's stdout, read on the caller's own thread with a deadline.
//!
//! `poll(2)` waits for the pipe with the time left, so a job's end reaches the invoking thread
//! directly: no reader thread, no extra hand-off between threads per invocation.

use rustix::event::{PollFd, PollFlags, Timespec, poll};
use rustix::io::Errno;
use std::io::Read;
use std::process::ChildStdout;
use std::time::Instant;

/// The longest line accepted: a result and an error are 1 MB each at most, so a longer line
/// means the worker is not speaking the protocol.
const MAX_LINE: usize = 8 * 1024 * 1024;

/// What the next read produced.
pub(super) enum Next {
    /// A whole line, without its newline.
    Line(Vec<u8>),
    /// The deadline passed first.
    TimedOut,
    /// The worker closed its stdout (it exited) or sent a line past [`MAX_LINE`].
    Closed(String),
}

#[derive(Debug)]
pub(super) struct Lines {
    out: ChildStdout,
    buffer: Vec<u8>,
    /// Where the unread part of `buffer` starts: lines are taken without moving the rest.
    start: usize,
    /// What each read fills, zeroed once here: a fresh 64 KiB array per read cost a
    /// `memset` of 64 KiB per job (1 % of an invocation's CPU in the profile).
    chunk: Box<[u8]>,
}

/// The most one read takes from the pipe (its whole capacity on Linux).
const CHUNK: usize = 64 * 1024;

impl Lines {
    pub(super) fn new(out: ChildStdout) -> Self {
        Self {
            out,
            buffer: Vec::new(),
            start: 0,
            chunk: vec![0; CHUNK].into_boxed_slice(),
        }
    }

    /// The next line, waiting at most until `until`.
    pub(super) fn next(&mut self, until: Instant) -> Next {
        loop {
            let unread = &self.buffer[self.start..];
            if let Some(end) = unread.iter().position(|&b| b == b'\n') {
                let line = unread[..end].to_vec();
                self.start += end + 1;
                return Next::Line(line);
            }
            // Only a partial line is left: move it to the front before reading more.
            self.buffer.drain(..self.start);
            self.start = 0;
            if self.buffer.len() > MAX_LINE {
                return Next::Closed(format!("it sent a line longer than {MAX_LINE} bytes"));
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Next::TimedOut;
            }
            let timeout = Timespec {
                tv_sec: i64::try_from(left.as_secs()).unwrap_or(i64::MAX),
                tv_nsec: i64::from(left.subsec_nanos()),
            };
            let mut fds = [PollFd::new(&self.out, PollFlags::IN)];
            match poll(&mut fds, Some(&timeout)) {
                // Time is checked again at the top of the loop.
                Ok(0) | Err(Errno::INTR) => continue,
                Ok(_) => {}
                Err(e) => return Next::Closed(format!("its output could not be polled: {e}")),
            }
            // Readable (or closed): this read returns at once.
            match self.out.read(&mut self.chunk) {
                Ok(0) => return Next::Closed("it closed its output".into()),
                Ok(n) => self.buffer.extend_from_slice(&self.chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Next::Closed(format!("its output could not be read: {e}")),
            }
        }
    }
}
