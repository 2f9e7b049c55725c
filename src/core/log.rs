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

/// The log keeps stable English words (they are a record, and exports parse them); the popup
/// shows them in the agent's language. These map a stored action or result back to a message;
/// anything unknown is shown verbatim. In English every mapping renders the stored text exactly.
pub mod display {
    use crate::core::text::Msg;

    const ACTIONS: &[(&str, &str)] = &[
        ("Terminate", "log_a_terminate"),
        ("Complete", "log_a_complete"),
        ("Get State", "log_a_get_state"),
        ("Get State (auto)", "log_a_get_state_auto"),
        ("Get State (late reply)", "log_a_get_state_late"),
        ("Wrap up", "log_a_wrap_up"),
        ("Trust", "log_a_trust"),
        ("Trust removed", "log_a_trust_removed"),
        ("Channel", "log_a_channel"),
        ("ACW alert", "log_a_acw_alert"),
    ];

    const RESULTS: &[(&str, &str)] = &[
        ("sent", "log_r_sent"),
        ("sent with disposition/notes", "log_r_sent_disposition"),
        ("channel closed", "log_r_channel_closed"),
        ("proxy reloaded", "log_r_proxy_reloaded"),
        ("proxy removed, reopening", "log_r_proxy_removed"),
        ("open", "log_r_open"),
        ("tenant trusted by the agent", "log_r_trusted"),
        ("no reply in 3 s", "log_r_no_reply"),
        ("not confirmed in 5 s", "log_r_not_confirmed"),
        ("started", "log_r_started"),
        ("done", "log_r_done"),
        ("stopped: no after-call work", "log_r_stopped_acw"),
        ("stopped: not completed", "log_r_stopped_complete"),
        ("item_id captured", "log_r_captured"),
        ("completed", "log_r_completed"),
        ("logged in", "log_r_logged_in"),
        ("logged out", "log_r_logged_out"),
        ("received", "log_r_received"),
        ("confirmed: after-call work", "log_r_confirmed_acw"),
        ("confirmed: completed", "log_r_confirmed_complete"),
    ];

    fn verbatim(text: &str) -> Msg {
        Msg::with("log_verbatim", &[text])
    }

    /// An action as a message.
    pub fn action(text: &str) -> Msg {
        if let Some((_, key)) = ACTIONS.iter().find(|(a, _)| *a == text) {
            return Msg::new(key);
        }
        match text.strip_prefix("event ") {
            Some(command) => Msg::with("log_a_event", &[command]),
            None => verbatim(text),
        }
    }

    /// "status busy" / "status not_ready (Lunch)".
    fn status(text: &str) -> Option<Msg> {
        let rest = text.strip_prefix("status ")?;
        match rest.split_once(" (") {
            Some((status, reason)) if reason.ends_with(')') => {
                Some(Msg::with("log_r_status_reason", &[status, &reason[..reason.len() - 1]]))
            }
            _ => Some(Msg::with("log_r_status", &[rest])),
        }
    }

    /// A result as a message.
    pub fn result(text: &str) -> Msg {
        if let Some((_, key)) = RESULTS.iter().find(|(r, _)| *r == text) {
            return Msg::new(key);
        }
        if let Some(d) = text.strip_prefix("completed, disposition ") {
            return Msg::with("log_r_completed_disposition", &[d]);
        }
        if let Some(t) = text.strip_prefix("notification shown after ") {
            return Msg::with("log_r_notified", &[t]);
        }
        if let Some(t) = text.strip_prefix("notification failed after ") {
            return Msg::with("log_r_notify_failed", &[t]);
        }
        // "<status summary>, N interaction(s)" from a GET_STATE reply.
        if let Some((head, count)) = text.rsplit_once(", ") {
            let n = count.strip_suffix(" interactions").or_else(|| count.strip_suffix(" interaction"));
            if let (Some(n), Some(st)) = (n, status(head)) {
                let key = if n == "1" { "log_r_state_one" } else { "log_r_state_many" };
                let mut args = st.args.clone();
                args.push(crate::core::text::Arg::Text(n.to_string()));
                let mut msg = Msg::args(key, args);
                if st.key == "log_r_status" {
                    // No reason: the reason slot stays empty and the message has none.
                    msg.key = if n == "1" { "log_r_state_one_plain" } else { "log_r_state_many_plain" };
                }
                return msg;
            }
        }
        status(text).unwrap_or_else(|| verbatim(text))
    }
}
