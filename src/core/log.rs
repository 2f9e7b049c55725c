//! The action log: what the agent did, what the desktop said, what went wrong.
//! Entries are plain data; the background owns the one bounded ring in extension storage.

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// The ring keeps at most this many entries unless configured otherwise.
pub const DEFAULT_LIMIT: usize = 2_000;
/// The smallest limit the ring accepts.
pub const MIN_LIMIT: usize = 1_000;

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Milliseconds since the Unix epoch.
    pub ts: f64,
    /// What happened: "Terminate", "Get State", "event STATE_CHANGED", "ignored message"…
    pub action: String,
    /// The interaction concerned, empty if none.
    #[serde(default)]
    pub item_id: String,
    /// The outcome in words: "sent", "confirmed", "no reply in 3 s", "status busy"…
    pub result: String,
    /// Milliseconds from the action to its outcome, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u32>,
    /// The tenant origin.
    #[serde(default)]
    pub tenant: String,
    /// The host of the CRM page.
    #[serde(default)]
    pub page: String,
}

/// A bounded log: oldest entries fall off past the limit.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRing {
    entries: VecDeque<LogEntry>,
    limit: usize,
}

impl LogRing {
    pub fn new(limit: usize) -> Self {
        LogRing { entries: VecDeque::new(), limit: limit.max(MIN_LIMIT) }
    }

    /// A ring holding `entries` (oldest first), trimmed to the limit.
    pub fn from_entries(entries: Vec<LogEntry>, limit: usize) -> Self {
        let mut ring = LogRing { entries: entries.into(), limit: limit.max(MIN_LIMIT) };
        ring.trim();
        ring
    }

    pub fn push(&mut self, entry: LogEntry) {
        self.entries.push_back(entry);
        self.trim();
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Oldest first, as stored.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &LogEntry> {
        self.entries.iter()
    }

    fn trim(&mut self) {
        while self.entries.len() > self.limit {
            self.entries.pop_front();
        }
    }
}

/// Formats a latency for display: "120 ms", "3.0 s".
pub fn format_latency(ms: Option<u32>) -> String {
    match ms {
        None => String::new(),
        Some(ms) if ms < 10_000 => format!("{ms} ms"),
        Some(ms) => format!("{:.1} s", f64::from(ms) / 1000.0),
    }
}
