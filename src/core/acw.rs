//! The after-call-work limit (a setting, possibly the organisation's): once the agent has been
//! in after-call work for the limit, the toolbar completes the interaction with the disposition
//! typed (else the default one) and the notes so far. The toolbar counts down to it all through
//! after-call work; the agent may extend it once.
//!
//! The limit counts from the start of the episode of after-call work (from the status entering
//! it to leaving it; a page opened mid-ACW starts the count then) and acts once for each
//! interaction in it. Pure: `Session` completes and logs; this module keeps the clock.

/// The limit, its extension and what it has done in the current episode.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AcwLimit {
    /// 0: no limit.
    pub limit_ms: f64,
    /// 0: no extension offered.
    pub extend_ms: f64,
    /// The disposition completed with when the agent typed none.
    pub default_disposition: String,
    /// The episode (its start) extended, and the interactions of the episode the limit is done
    /// with (it completed them, or the agent did).
    extended_for: Option<f64>,
    spent: Vec<(f64, String)>,
}

impl AcwLimit {
    pub fn new(limit_s: u32, extend_s: u32, default_disposition: &str) -> AcwLimit {
        AcwLimit {
            limit_ms: f64::from(limit_s) * 1_000.0,
            extend_ms: f64::from(extend_s) * 1_000.0,
            default_disposition: default_disposition.trim().to_string(),
            extended_for: None,
            spent: Vec::new(),
        }
    }

    /// Takes new settings, keeping what happened in the current episode.
    pub fn configure(&mut self, next: AcwLimit) {
        *self = AcwLimit { extended_for: self.extended_for, spent: std::mem::take(&mut self.spent), ..next };
    }

    fn is_spent(&self, since: f64, item: &str) -> bool {
        self.spent.iter().any(|(s, i)| *s == since && i == item)
    }

    /// When the limit acts on `item` in the episode that began at `since` (`None` outside
    /// after-call work, without an interaction to complete, without a limit, or once it is
    /// done with the interaction).
    pub fn deadline(&self, since: Option<f64>, item: Option<&str>) -> Option<f64> {
        let (since, item) = (since?, item?);
        if self.limit_ms <= 0.0 || self.is_spent(since, item) {
            return None;
        }
        let extra = if self.extended_for == Some(since) { self.extend_ms } else { 0.0 };
        Some(since + self.limit_ms + extra)
    }

    /// The agent may still extend this episode's limit.
    pub fn can_extend(&self, since: Option<f64>, item: Option<&str>) -> bool {
        self.extend_ms > 0.0 && self.deadline(since, item).is_some() && self.extended_for != since
    }

    /// Extends the episode's limit, once; false when it cannot be.
    pub fn extend(&mut self, since: Option<f64>, item: Option<&str>) -> bool {
        let ok = self.can_extend(since, item);
        if ok {
            self.extended_for = since;
        }
        ok
    }

    /// The agent completes `item` themselves: the limit has nothing left to do for it (a
    /// Complete the desktop does not confirm is the agent's to retry, not sent again).
    pub fn stand_down(&mut self, since: Option<f64>, item: &str) {
        if let Some(since) = since {
            // Only the current episode's are kept.
            self.spent.retain(|(s, _)| *s == since);
            if !self.is_spent(since, item) && self.spent.len() < 64 {
                self.spent.push((since, item.to_string()));
            }
        }
    }

    /// Whether the limit for `item` is reached at `now`; true once (it is then spent).
    pub fn reached(&mut self, since: Option<f64>, item: Option<&str>, now: f64) -> bool {
        let due = self.deadline(since, item).is_some_and(|d| d <= now);
        if let (true, Some(item)) = (due, item) {
            self.stand_down(since, item);
        }
        due
    }
}
