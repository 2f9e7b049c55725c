//! The after-call-work limit (a setting, possibly the organisation's): once the agent has been
//! in after-call work for the limit, the toolbar completes the interaction with the disposition
//! typed (else the default one) and the notes so far. The toolbar counts down to it all through
//! after-call work; the agent may extend it once.
//!
//! One limit per episode of after-call work (from the status entering it to leaving it), counted
//! from when the toolbar learned of it (a page opened mid-ACW starts the count then). Pure:
//! `Session` completes and logs; this module keeps the clock.

/// The limit, its extension and what it has done in the current episode.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AcwLimit {
    /// 0: no limit.
    pub limit_ms: f64,
    /// 0: no extension offered.
    pub extend_ms: f64,
    /// The disposition completed with when the agent typed none.
    pub default_disposition: String,
    /// The episode (its start) extended, and the one the limit has acted in.
    extended_for: Option<f64>,
    fired_for: Option<f64>,
}

impl AcwLimit {
    pub fn new(limit_s: u32, extend_s: u32, default_disposition: &str) -> AcwLimit {
        AcwLimit {
            limit_ms: f64::from(limit_s) * 1_000.0,
            extend_ms: f64::from(extend_s) * 1_000.0,
            default_disposition: default_disposition.trim().to_string(),
            extended_for: None,
            fired_for: None,
        }
    }

    /// Takes new settings, keeping what happened in the current episode.
    pub fn configure(&mut self, next: AcwLimit) {
        *self = AcwLimit { extended_for: self.extended_for, fired_for: self.fired_for, ..next };
    }

    /// When the limit acts in the episode that began at `since` (`None` outside after-call
    /// work, without a limit, or once it has acted).
    pub fn deadline(&self, since: Option<f64>) -> Option<f64> {
        let since = since?;
        if self.limit_ms <= 0.0 || self.fired_for == Some(since) {
            return None;
        }
        let extra = if self.extended_for == Some(since) { self.extend_ms } else { 0.0 };
        Some(since + self.limit_ms + extra)
    }

    /// The agent may still extend this episode's limit.
    pub fn can_extend(&self, since: Option<f64>) -> bool {
        self.extend_ms > 0.0 && self.deadline(since).is_some() && self.extended_for != since
    }

    /// Extends the episode's limit, once; false when it cannot be.
    pub fn extend(&mut self, since: Option<f64>) -> bool {
        let ok = self.can_extend(since);
        if ok {
            self.extended_for = since;
        }
        ok
    }

    /// The agent completes the interaction themselves: the limit has nothing left to do in this
    /// episode (a Complete the desktop does not confirm is the agent's to retry, not sent again).
    pub fn stand_down(&mut self, since: Option<f64>) {
        if since.is_some() {
            self.fired_for = since;
        }
    }

    /// Whether the limit is reached at `now`; true once per episode (it is then spent).
    pub fn reached(&mut self, since: Option<f64>, now: f64) -> bool {
        let due = self.deadline(since).is_some_and(|d| d <= now);
        if due {
            self.fired_for = since;
        }
        due
    }
}
