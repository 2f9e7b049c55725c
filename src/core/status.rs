//! Ready and Not Ready from the toolbar: what the agent asked for, how a reported status
//! stands against it, and when it counts as done. `CHANGE_STATE` has no reply: only the
//! desktop's `STATE_CHANGED` (or a `GET_STATE` taken after it) says the status changed.
//!
//! Pure: `Session` sends, times out and logs; this module decides.

use super::protocol::{StateChange, ToDesktop};

/// A status change the desktop has not confirmed in this long has failed (said on the toolbar).
pub const STATUS_CONFIRM_MS: f64 = 5_000.0;
/// Without a `STATE_CHANGED` after this long, ask for the state once: a desktop that reports
/// only real changes (or none) still shows the status in its state.
pub const STATUS_POLL_MS: f64 = 1_500.0;
/// A press this soon after the last request is the second click of a double click.
pub const STATUS_GUARD_MS: f64 = 500.0;

/// A status the agent asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    pub ready: bool,
    /// The Not Ready reason (empty: none given; the desktop picks its default).
    pub reason: String,
}

/// How a reported status stands against what the agent asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The desktop reports what was asked.
    Done,
    /// Not Ready, but with another reason than the one asked for (the tenant may not know it).
    OtherReason,
    /// Not (yet) what was asked.
    NotYet,
}

impl Wanted {
    pub fn ready() -> Wanted {
        Wanted { ready: true, reason: String::new() }
    }

    pub fn not_ready(reason: &str) -> Wanted {
        Wanted { ready: false, reason: reason.trim().to_string() }
    }

    /// The command, as `setStatus('NOT_READY', 'Lunch')` / `setStatus('READY')` send it.
    pub fn command(&self) -> ToDesktop {
        let (state, reason) = if self.ready { ("READY", None) } else { ("NOT_READY", Some(self.reason.clone()).filter(|r| !r.is_empty())) };
        ToDesktop::ChangeState { data: StateChange { state: state.to_string(), reason } }
    }

    /// The log's name for it: "Ready", "Not Ready", "Not Ready: Lunch".
    pub fn label(&self) -> String {
        match (self.ready, self.reason.is_empty()) {
            (true, _) => "Ready".to_string(),
            (false, true) => "Not Ready".to_string(),
            (false, false) => format!("Not Ready: {}", self.reason),
        }
    }

    /// Compares a reported (lower-case wire) status and reason with the request. Statuses are
    /// compared case-insensitively, as the reference advises; reasons too (a tenant's list and
    /// an administrator's may differ in case only).
    pub fn outcome(&self, status: &str, reason: &str) -> Outcome {
        let st = status.trim();
        if self.ready {
            return if st.eq_ignore_ascii_case("ready") { Outcome::Done } else { Outcome::NotYet };
        }
        if !st.eq_ignore_ascii_case("not_ready") {
            Outcome::NotYet
        } else if self.reason.is_empty() || reason.trim().eq_ignore_ascii_case(&self.reason) {
            Outcome::Done
        } else {
            Outcome::OtherReason
        }
    }
}

/// A `CHANGE_STATE` sent and not yet confirmed.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingStatus {
    pub wanted: Wanted,
    pub sent_at: f64,
    pub deadline: f64,
    /// When to ask for the state, once (`None` once asked).
    pub poll_at: Option<f64>,
}

impl PendingStatus {
    pub fn new(wanted: Wanted, now: f64) -> PendingStatus {
        PendingStatus { wanted, sent_at: now, deadline: now + STATUS_CONFIRM_MS, poll_at: Some(now + STATUS_POLL_MS) }
    }

    /// The earliest time this wants a tick.
    pub fn wake_at(&self) -> f64 {
        self.poll_at.map_or(self.deadline, |p| p.min(self.deadline))
    }
}

/// Whether a wire status means the agent is handling a call (a change of status waits for it).
pub fn on_call_status(status: &str) -> bool {
    matches!(status, "busy" | "ringing" | "after_call_work" | "supervising")
}
