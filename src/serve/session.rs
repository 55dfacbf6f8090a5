//! One session (a workbench or a command) from start to closed channel.
//!
//! The session's own work runs as a task; beside it the supervisor watches for a reason to end
//! it (shutdown, deactivation, the connection dropped, the client's input closed, idle too long).
//! The first reason wins: the session sees it on its `EndSignal` and has `GRACE` to save its
//! draft and release its holds before it is stopped. Then the client is told why on stderr (not
//! when it is gone), gets the exit status, and the channel is closed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use russh::server::Msg;
use russh::ChannelWriteHalf;
use tokio::sync::{watch, OwnedSemaphorePermit};

use super::output::{Channel, Stream};
use super::{Identity, Live, Shared, GRACE};

/// Why a session was ended from outside (a quit from the reviewer needs no reason).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndReason {
    /// The server is shutting down (SIGTERM).
    Shutdown,
    /// No input for this long (`--idle-timeout`).
    Idle(Duration),
    /// The reviewer was deactivated or their key removed.
    AccessRemoved,
    /// The connection dropped or the client closed its input: nobody is there to tell.
    Disconnected,
}

impl std::fmt::Display for EndReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EndReason::Shutdown => write!(f, "the server is shutting down; this session has ended"),
            EndReason::Idle(after) => {
                write!(f, "no input for {}; this session has ended", human(*after))
            }
            EndReason::AccessRemoved => {
                write!(
                    f,
                    "your access was removed by a lead; this session has ended"
                )
            }
            EndReason::Disconnected => write!(f, "the connection was closed"),
        }
    }
}

/// `90s` → `1m 30s`.
fn human(d: Duration) -> String {
    let s = d.as_secs();
    match (s / 3600, s / 60 % 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, s) => format!("{m}m {s}s"),
        (h, 0, _) => format!("{h}h"),
        (h, m, _) => format!("{h}h {m}m"),
    }
}

/// Sets a session's end reason; the first one set is kept.
#[derive(Debug)]
pub(super) struct SessionEnd(watch::Sender<Option<EndReason>>);

impl SessionEnd {
    pub(super) fn new() -> Arc<Self> {
        Arc::new(SessionEnd(watch::Sender::new(None)))
    }

    pub(super) fn end(&self, reason: EndReason) {
        self.0.send_if_modified(|current| {
            let first = current.is_none();
            if first {
                *current = Some(reason);
            }
            first
        });
    }

    pub(super) fn signal(&self) -> EndSignal {
        EndSignal(self.0.subscribe())
    }

    fn reason(&self) -> Option<EndReason> {
        self.0.borrow().clone()
    }
}

/// Tells a session that it must end, and why.
#[derive(Debug, Clone)]
pub struct EndSignal(watch::Receiver<Option<EndReason>>);

impl EndSignal {
    /// The reason, once there is one.
    pub fn reason(&self) -> Option<EndReason> {
        self.0.borrow().clone()
    }

    /// Waits until the session must end.
    pub async fn ended(&mut self) -> EndReason {
        match self.0.wait_for(Option::is_some).await {
            Ok(reason) => reason.clone().unwrap_or(EndReason::Disconnected),
            // The supervisor is gone, so the session is over anyway.
            Err(_) => EndReason::Disconnected,
        }
    }
}

/// When the client last sent input (milliseconds since `start`).
#[derive(Debug)]
pub(super) struct Activity {
    start: Instant,
    last: AtomicU64,
}

impl Activity {
    pub(super) fn new() -> Arc<Self> {
        Arc::new(Activity {
            start: Instant::now(),
            last: AtomicU64::new(0),
        })
    }

    pub(super) fn touch(&self) {
        let now = self.start.elapsed().as_millis() as u64;
        self.last.store(now, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.start + Duration::from_millis(self.last.load(Ordering::Relaxed))
    }
}

/// What a session's task returns: its exit status, or one line saying why it failed.
pub(super) type Outcome = Result<u32, String>;

/// A session about to start: its place in the server and its channel.
pub(super) struct Start {
    pub shared: Arc<Shared>,
    pub write: Arc<ChannelWriteHalf<Msg>>,
    pub channel: Channel,
    pub permit: OwnedSemaphorePermit,
    /// End it after this long without input (workbenches only).
    pub idle: Option<Duration>,
    /// The client has a terminal (in raw mode): lines end with `\r\n`.
    pub pty: bool,
}

/// Registers the session (so shutdown and deactivation can end it); `run` then supervises it.
pub(super) fn register(shared: &Shared, identity: &Identity) -> (u64, Arc<SessionEnd>) {
    let id = shared.id();
    let end = SessionEnd::new();
    shared.sessions().insert(
        id,
        Live {
            identity: identity.clone(),
            end: end.clone(),
        },
    );
    shared.running.send_modify(|n| *n += 1);
    (id, end)
}

/// Runs `work` until it returns or is ended, then tells the client and closes the channel.
pub(super) async fn run(
    start: Start,
    id: u64,
    end: Arc<SessionEnd>,
    activity: Arc<Activity>,
    work: BoxFuture<'static, Outcome>,
) {
    let Start {
        shared,
        write,
        channel,
        permit,
        idle,
        pty,
    } = start;
    let mut task = tokio::spawn(work);
    let joined = tokio::select! {
        joined = &mut task => Some(joined),
        () = until_ended(&end, &activity, idle) => None,
    };
    let joined = match joined {
        Some(joined) => Some(joined),
        None => tokio::time::timeout(GRACE, &mut task).await.ok(),
    };
    task.abort();
    let reason = end.reason();
    let mut stderr = channel.output(Stream::Stderr, pty);
    let mut status = match joined {
        Some(Ok(Ok(status))) => status,
        Some(Ok(Err(message))) => {
            let _ = stderr.line(&format!("claimdesk: {}", one_line(&message)));
            1
        }
        Some(Err(_)) => {
            let _ = stderr.line("claimdesk: this session stopped after an internal error");
            1
        }
        None => 1,
    };
    let told = reason.as_ref().filter(|r| **r != EndReason::Disconnected);
    if let Some(reason) = told {
        let _ = stderr.line(&format!("\nclaimdesk: {reason}"));
        status = status.max(1);
    }
    channel.finish(Duration::from_secs(1)).await;
    // After a dropped connection these fail, and that is fine; after a closed input they let the
    // client finish.
    let _ = write.exit_status(status).await;
    let _ = write.eof().await;
    let _ = write.close().await;
    shared.sessions().remove(&id);
    shared.running.send_modify(|n| *n = n.saturating_sub(1));
    drop(permit);
}

/// Waits for an end reason from outside, or sets `Idle` once input has stopped for `idle`.
async fn until_ended(end: &SessionEnd, activity: &Activity, idle: Option<Duration>) {
    let mut signal = end.signal();
    loop {
        let due = idle.map(|after| activity.last() + after);
        tokio::select! {
            _ = signal.ended() => return,
            () = sleep_until(due) => {
                if let Some(after) = idle.filter(|after| activity.last().elapsed() >= *after) {
                    end.end(EndReason::Idle(after));
                    return;
                }
            }
        }
    }
}

async fn sleep_until(due: Option<Instant>) {
    match due {
        Some(due) => tokio::time::sleep_until(due.into()).await,
        None => std::future::pending().await,
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_reason_wins_and_reads_as_a_sentence() {
        let end = SessionEnd::new();
        let signal = end.signal();
        assert_eq!(signal.reason(), None);
        end.end(EndReason::Idle(Duration::from_secs(90)));
        end.end(EndReason::Shutdown);
        assert_eq!(
            signal.reason(),
            Some(EndReason::Idle(Duration::from_secs(90)))
        );
        assert_eq!(
            signal.reason().unwrap().to_string(),
            "no input for 1m 30s; this session has ended"
        );
        assert_eq!(human(Duration::from_secs(2 * 3600 + 120)), "2h 2m");
        assert_eq!(human(Duration::from_secs(1800)), "30m");
    }
}
