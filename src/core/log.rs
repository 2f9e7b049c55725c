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
    #[serde(serialize_with = "super::messages::whole::ser")]
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

/// The longest a logged field may be, in bytes. Longer text (wire text can be up to 256 KiB)
/// is cut at a character boundary and marked with [`CUT_MARK`], so that a page cannot fill the
/// extension's storage with a few messages.
pub const FIELD_MAX: usize = 1024;
/// What ends a field that was cut to [`FIELD_MAX`].
pub const CUT_MARK: &str = "… [cut]";
/// The log keeps at most about this many bytes of text (under `storage.local`'s 10 MiB quota in
/// Chromium, with room for the settings, trusted tenants and placements): the oldest entries
/// fall off first, whatever the entry limit.
pub const MAX_LOG_BYTES: usize = 6 * 1024 * 1024;

/// `text` cut to at most [`FIELD_MAX`] bytes (with the mark), or unchanged.
pub fn cap(text: &str) -> std::borrow::Cow<'_, str> {
    if text.len() <= FIELD_MAX {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut end = FIELD_MAX - CUT_MARK.len();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    std::borrow::Cow::Owned(format!("{}{CUT_MARK}", text.get(..end).unwrap_or_default()))
}

impl LogEntry {
    /// The entry with every text field capped to [`FIELD_MAX`] bytes.
    pub fn capped(mut self) -> LogEntry {
        for f in [&mut self.action, &mut self.item_id, &mut self.result, &mut self.tenant, &mut self.page] {
            if f.len() > FIELD_MAX {
                *f = cap(f).into_owned();
            }
        }
        self
    }

    /// About how many bytes the entry takes in storage (its text and the JSON around it).
    pub fn weight(&self) -> usize {
        self.action.len() + self.item_id.len() + self.result.len() + self.tenant.len() + self.page.len() + 96
    }
}

/// A bounded log: oldest entries fall off past the limit.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRing {
    entries: VecDeque<LogEntry>,
    limit: usize,
    /// The sum of the entries' [`LogEntry::weight`].
    bytes: usize,
}

impl LogRing {
    pub fn new(limit: usize) -> Self {
        LogRing { entries: VecDeque::new(), limit: limit.max(MIN_LIMIT), bytes: 0 }
    }

    /// A ring holding `entries` (oldest first, capped as they are read), trimmed to the limit.
    pub fn from_entries(entries: Vec<LogEntry>, limit: usize) -> Self {
        let entries: VecDeque<LogEntry> = entries.into_iter().map(LogEntry::capped).collect();
        let bytes = entries.iter().map(LogEntry::weight).sum();
        let mut ring = LogRing { entries, limit: limit.max(MIN_LIMIT), bytes };
        ring.trim();
        ring
    }

    /// A new size limit (the settings in force changed); the oldest entries go if need be.
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit.max(MIN_LIMIT);
        self.trim();
    }

    /// Drops entries older than `cutoff` (ms since the epoch): the retention setting. Returns
    /// whether anything was dropped.
    pub fn drop_older_than(&mut self, cutoff: f64) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.ts >= cutoff);
        self.recount();
        self.entries.len() != before
    }

    fn recount(&mut self) {
        self.bytes = self.entries.iter().map(LogEntry::weight).sum();
    }

    /// Redacts every stored entry (redaction was just turned on). Returns whether any changed.
    pub fn redact_all(&mut self) -> bool {
        let mut changed = false;
        for e in self.entries.iter_mut() {
            let r = redact(e);
            if r != *e {
                *e = r;
                changed = true;
            }
        }
        self.recount();
        changed
    }

    /// Appends an entry, its fields capped; the oldest fall off past the limits.
    pub fn push(&mut self, entry: LogEntry) {
        let entry = entry.capped();
        self.bytes += entry.weight();
        self.entries.push_back(entry);
        self.trim();
    }

    /// Drops the oldest half (storage refused the write as too large: the quota is shared).
    pub fn halve(&mut self) {
        let n = self.entries.len() / 2;
        self.entries.drain(..n);
        self.recount();
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }

    /// About how many bytes the entries take in storage.
    pub fn bytes(&self) -> usize {
        self.bytes
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
        while self.entries.len() > self.limit || (self.bytes > MAX_LOG_BYTES && self.entries.len() > 1) {
            if let Some(e) = self.entries.pop_front() {
                self.bytes -= e.weight();
            }
        }
    }
}

/// What a masked phone number or free text reads as in a redacted entry.
pub const REDACTED: &str = "[redacted]";

/// The entry as the log stores it when redaction is on (a setting, possibly the
/// organisation's): phone numbers (7 or more digits, with the usual separators) in the action and
/// result become [`REDACTED`], and so does the free text an agent typed (the disposition). The
/// time, the item_id (the key to the desktop's own records), the latency and the origins stay.
pub fn redact(entry: &LogEntry) -> LogEntry {
    let mut out = entry.clone();
    out.action = mask_phones(&entry.action);
    out.result = match entry.result.strip_prefix("completed, disposition ") {
        Some(_) => format!("completed, disposition {REDACTED}"),
        None => mask_phones(&entry.result),
    };
    out
}

/// Replaces every run of digits and phone separators that holds at least 7 digits.
pub fn mask_phones(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit() || (chars[i] == '+' && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit())) || (chars[i] == '(' && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()));
        if !starts {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let mut j = i;
        let mut digits = 0;
        let mut last_digit = i;
        while j < chars.len() && (chars[j].is_ascii_digit() || matches!(chars[j], '+' | '(' | ')' | '-' | '.' | ' ')) {
            if chars[j].is_ascii_digit() {
                digits += 1;
                last_digit = j;
            }
            j += 1;
        }
        if digits >= 7 {
            out.push_str(REDACTED);
            // Separators after the last digit (a trailing space or dot) are kept.
            i = last_digit + 1;
        } else {
            out.extend(&chars[i..j]);
            i = j;
        }
    }
    out
}

/// The action groups the log panel filters by: each stored action falls in exactly one.
pub const ACTION_GROUPS: &[&str] = &["commands", "wrap_up", "get_state", "events", "channel", "alerts"];

/// The filter group of a stored action.
pub fn action_group(action: &str) -> &'static str {
    match action {
        "Terminate" | "Complete" | "Select service" | "Screen pop" | "Pause recording" | "Resume recording" | "Ready" | "Not Ready" => "commands",
        a if a.starts_with("Not Ready: ") => "commands",
        a if a.starts_with("Dial ") || a.starts_with("Transfer to ") || a.starts_with("Conference ") => "commands",
        "Wrap up" | "ACW limit" => "wrap_up",
        a if a.starts_with("Get State") => "get_state",
        a if a.starts_with("event ") => "events",
        "ACW alert" => "alerts",
        _ => "channel",
    }
}

/// The entries the log panel shows: newest first, in `group` (None = all), matching `query`
/// (case-insensitive, in the item_id, action, result, tenant or page; empty = all).
pub fn select<'a>(entries: &'a [LogEntry], group: Option<&str>, query: &str) -> Vec<&'a LogEntry> {
    let q = query.trim().to_lowercase();
    entries
        .iter()
        .rev()
        .filter(|e| group.is_none_or(|g| action_group(&e.action) == g))
        .filter(|e| {
            q.is_empty() || [&e.item_id, &e.action, &e.result, &e.tenant, &e.page].iter().any(|f| f.to_lowercase().contains(&q))
        })
        .collect()
}

/// Time as ISO 8601 UTC with milliseconds, from ms since the epoch (no clock library needed).
pub fn iso_time(ts: f64) -> String {
    let ms = ts.max(0.0) as i64;
    let (secs, milli) = (ms.div_euclid(1000), ms.rem_euclid(1000));
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{milli:03}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// The entries as a JSON array (what the log stores, plus the time in ISO form).
pub fn export_json(entries: &[&LogEntry]) -> String {
    let rows: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            serde_json::json!({
                "time": iso_time(e.ts),
                "ts": e.ts as i64,
                "action": e.action,
                "item_id": e.item_id,
                "result": e.result,
                "latency_ms": e.latency_ms,
                "tenant": e.tenant,
                "page": e.page,
            })
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into())
}

/// The entries as CSV (RFC 4180, CRLF line ends, a header row). A cell that a spreadsheet would
/// run as a formula (starting with = + - @, a tab or a line break, or their full-width forms)
/// gets a leading apostrophe: a log of wire text must not become code when opened. Every cell
/// that holds `,` or `;` (the list separator of many locales), a quote or a line break is quoted.
pub fn export_csv(entries: &[&LogEntry]) -> String {
    fn cell(v: &str) -> String {
        let formula = v.starts_with(['=', '+', '-', '@', '\t', '\r', '\n', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}']);
        let v = if formula { format!("'{v}") } else { v.to_string() };
        if v.contains([',', ';', '"', '\n', '\r']) {
            format!("\"{}\"", v.replace('"', "\"\""))
        } else {
            v
        }
    }
    let mut out = String::from("time,action,item_id,result,latency_ms,tenant,page\r\n");
    for e in entries {
        let latency = e.latency_ms.map(|l| l.to_string()).unwrap_or_default();
        let cells = [iso_time(e.ts), e.action.clone(), e.item_id.clone(), e.result.clone(), latency, e.tenant.clone(), e.page.clone()];
        out.push_str(&cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// One entry as a line of text, for the clipboard.
pub fn entry_line(e: &LogEntry) -> String {
    let mut parts = vec![iso_time(e.ts), e.action.clone()];
    if !e.item_id.is_empty() {
        parts.push(e.item_id.clone());
    }
    parts.push(e.result.clone());
    if let Some(l) = e.latency_ms {
        parts.push(format!("{l} ms"));
    }
    if !e.page.is_empty() {
        parts.push(e.page.clone());
    }
    parts.join(" | ")
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
        ("Select service", "log_a_select_service"),
        ("Screen pop", "log_a_screen_pop"),
        ("Pause recording", "log_a_pause_recording"),
        ("Resume recording", "log_a_resume_recording"),
        ("Ready", "log_a_ready"),
        ("Not Ready", "log_a_not_ready"),
        ("ACW limit", "log_a_acw_limit"),
        ("Dispositions", "log_a_dispositions"),
    ];

    const RESULTS: &[(&str, &str)] = &[
        ("sent", "log_r_sent"),
        ("sent with disposition/notes", "log_r_sent_disposition"),
        ("channel closed", "log_r_channel_closed"),
        ("proxy reloaded", "log_r_proxy_reloaded"),
        ("proxy removed, reopening", "log_r_proxy_removed"),
        ("open", "log_r_open"),
        ("tenant trusted by the agent", "log_r_trusted"),
        ("confirmation asked", "log_r_trust_asked"),
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
        ("call started", "log_r_call_started"),
        ("call started (dialing)", "log_r_call_started_dialing"),
        ("no call started in 10 s", "log_r_no_call"),
        ("no template fits this call", "log_r_pop_none"),
        ("could not open a tab", "log_r_pop_failed"),
        ("recording", "log_r_recording"),
        ("recording paused", "log_r_recording_paused"),
        ("not recording", "log_r_not_recording"),
        ("confirmed: paused", "log_r_confirmed_paused"),
        ("confirmed: resumed", "log_r_confirmed_resumed"),
        ("confirmed", "log_r_confirmed"),
        ("after this call", "log_r_after_call"),
        ("after this call: cancelled", "log_r_after_call_cancelled"),
        ("desktop set no reason", "log_r_no_reason"),
        ("not confirmed in 10 s", "log_r_not_confirmed_10"),
        ("confirmed: call transferred", "log_r_transferred"),
        ("sent (not reported by the desktop)", "log_r_sent_unreported"),
        ("reached: completing", "log_r_acw_completing"),
        ("reached: nothing to complete", "log_r_acw_nothing"),
        ("reached: already completing", "log_r_acw_already"),
        ("reached: no disposition to complete with", "log_r_acw_no_disposition"),
    ];

    fn verbatim(text: &str) -> Msg {
        Msg::with("log_verbatim", &[text])
    }

    /// An action as a message.
    pub fn action(text: &str) -> Msg {
        if let Some((_, key)) = ACTIONS.iter().find(|(a, _)| *a == text) {
            return Msg::new(key);
        }
        if let Some(number) = text.strip_prefix("Dial ") {
            return Msg::with("log_a_dial", &[number]);
        }
        if let Some(target) = text.strip_prefix("Transfer to ") {
            return Msg::with("log_a_transfer", &[target]);
        }
        if let Some(target) = text.strip_prefix("Conference ") {
            return Msg::with("log_a_conference", &[target]);
        }
        if let Some(reason) = text.strip_prefix("Not Ready: ") {
            return Msg::with("log_a_not_ready_reason", &[reason]);
        }
        match text.strip_prefix("event ") {
            Some(command) => Msg::with("log_a_event", &[command]),
            None => verbatim(text),
        }
    }

    /// "status busy" / "status not_ready (Lunch)".
    fn status(text: &str) -> Option<Msg> {
        let rest = text.strip_prefix("status ")?;
        match crate::core::split_str(rest, " (") {
            Some((status, reason)) if reason.ends_with(')') => {
                Some(Msg::with("log_r_status_reason", &[status, reason.strip_suffix(')').unwrap_or(reason)]))
            }
            _ => Some(Msg::with("log_r_status", &[rest])),
        }
    }

    /// A result as a message.
    pub fn result(text: &str) -> Msg {
        if let Some((_, key)) = RESULTS.iter().find(|(r, _)| *r == text) {
            return Msg::new(key);
        }
        if let Some(n) = text.strip_prefix("extended by ").and_then(|r| r.strip_suffix(" s")) {
            return Msg::with("log_r_extended", &[n]);
        }
        if let Some(n) = text.strip_suffix(" offered by the desktop").filter(|n| n.bytes().all(|b| b.is_ascii_digit())) {
            return Msg::with("log_r_dispositions_offered", &[n]);
        }
        if let Some(r) = text.strip_prefix("desktop set reason ") {
            return Msg::with("log_r_other_reason", &[r]);
        }
        if let Some(d) = text.strip_prefix("completed, disposition ") {
            return Msg::with("log_r_completed_disposition", &[d]);
        }
        if let Some(url) = text.strip_prefix("opened ") {
            return match url.strip_suffix(" (in the last pop's tab)") {
                Some(url) => Msg::with("log_r_popped_reused", &[url]),
                None => Msg::with("log_r_popped", &[url]),
            };
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
