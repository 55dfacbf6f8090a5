//! What a session writes, sent to its SSH channel.
//!
//! `Output` is a plain `std::io::Write` (what ratatui's backend and the text commands write to):
//! writes collect in memory, `flush` hands them to the channel's writer task and returns at once,
//! so drawing never waits on the network. The writer sends whatever has collected as one channel
//! message, so frames drawn while the client is slow are merged rather than queued one by one.
//! The writer respects the channel's flow-control window, so a client that stops reading cannot
//! make the server hold more than `MAX_BACKLOG` bytes for it: past that, `flush` fails and the
//! session ends.

use std::io;
use std::sync::{Arc, Mutex, PoisonError};

use russh::server::Msg;
use russh::ChannelWriteHalf;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// The most bytes a session may have waiting for a client that does not read.
const MAX_BACKLOG: usize = 8 * 1024 * 1024;

/// Which of the channel's streams bytes go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    /// SSH extended data type 1.
    Stderr,
}

#[derive(Default)]
struct Backlog {
    chunks: Vec<(Stream, Vec<u8>)>,
    bytes: usize,
    /// No more writes: the writer sends what is left and stops.
    closed: bool,
}

struct Shared {
    backlog: Mutex<Backlog>,
    wake: Notify,
}

/// The channel's writer: owns the task that sends the backlog.
pub struct Channel {
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl Channel {
    /// Starts the writer task for `channel`.
    pub fn start(channel: Arc<ChannelWriteHalf<Msg>>) -> Self {
        let shared = Arc::new(Shared {
            backlog: Mutex::new(Backlog::default()),
            wake: Notify::new(),
        });
        let task = tokio::spawn(write_loop(shared.clone(), channel));
        Channel { shared, task }
    }

    /// A writer for one of the channel's streams. With `crlf`, `\n` is sent as `\r\n` (a
    /// client with a terminal has it in raw mode, so nothing else would return the carriage).
    pub fn output(&self, stream: Stream, crlf: bool) -> Output {
        Output {
            shared: self.shared.clone(),
            stream,
            crlf,
            buf: Vec::new(),
        }
    }

    /// Sends what is left, then stops; waits for that at most `within`.
    pub async fn finish(self, within: std::time::Duration) {
        lock(&self.shared).closed = true;
        self.shared.wake.notify_one();
        let mut task = self.task;
        if tokio::time::timeout(within, &mut task).await.is_err() {
            task.abort();
        }
    }
}

/// One stream of a session's channel, as `std::io::Write`. Cheap to make; see the module doc.
pub struct Output {
    shared: Arc<Shared>,
    stream: Stream,
    crlf: bool,
    buf: Vec<u8>,
}

impl Output {
    /// Writes `text` and flushes it (for one-line messages).
    pub fn line(&mut self, text: &str) -> io::Result<()> {
        use io::Write;
        self.write_all(text.as_bytes())?;
        self.write_all(b"\n")?;
        self.flush()
    }
}

impl io::Write for Output {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if !self.crlf {
            self.buf.extend_from_slice(bytes);
            return Ok(bytes.len());
        }
        for &b in bytes {
            if b == b'\n' && self.buf.last() != Some(&b'\r') {
                self.buf.push(b'\r');
            }
            self.buf.push(b);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let bytes = std::mem::take(&mut self.buf);
        {
            let mut backlog = lock(&self.shared);
            if backlog.closed {
                return Err(io::Error::new(
                    io::ErrorKind::BrokenPipe,
                    "the session has ended",
                ));
            }
            if backlog.bytes + bytes.len() > MAX_BACKLOG {
                return Err(io::Error::other("the SSH client has stopped reading"));
            }
            backlog.bytes += bytes.len();
            match backlog.chunks.last_mut() {
                Some((stream, chunk)) if *stream == self.stream => chunk.extend_from_slice(&bytes),
                _ => backlog.chunks.push((self.stream, bytes)),
            }
        }
        self.shared.wake.notify_one();
        Ok(())
    }
}

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, Backlog> {
    // The backlog is only bytes; a panic elsewhere leaves it usable.
    shared
        .backlog
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

async fn write_loop(shared: Arc<Shared>, channel: Arc<ChannelWriteHalf<Msg>>) {
    loop {
        let (chunks, closed) = {
            let mut backlog = lock(&shared);
            backlog.bytes = 0;
            (std::mem::take(&mut backlog.chunks), backlog.closed)
        };
        if chunks.is_empty() {
            if closed {
                return;
            }
            shared.wake.notified().await;
            continue;
        }
        for (stream, bytes) in chunks {
            let sent = match stream {
                Stream::Stdout => channel.data_bytes(bytes).await,
                Stream::Stderr => channel.extended_data_bytes(1, bytes).await,
            };
            if sent.is_err() {
                // The connection is gone: nothing more can be sent.
                lock(&shared).closed = true;
                return;
            }
        }
    }
}
