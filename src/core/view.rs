//! What the toolbar shows, derived from a [`Session`]: texts, which buttons are enabled, which
//! one is the obvious next step. Pure, so the rules are tested without a browser; the glue
//! only copies these values into the DOM.

use super::detect::Trust;
use super::session::{Channel, CommandKind, DialBlock, Notice, Session};
use super::text::{Arg, Msg};

/// One button's state. The accessible name never changes; busy is shown with `aria-busy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ButtonView {
    pub enabled: bool,
    pub busy: bool,
    /// The sensible next step: drawn as the primary button.
    pub primary: bool,
}

/// One entry of the interaction picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub item_id: String,
    pub label: Msg,
}

/// How trust is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustView {
    Trusted,
    /// Show the origin and a "Trust …" button.
    Ask,
    /// Show why it can never be trusted.
    Refused,
    /// The stored list is being read.
    Checking,
    /// Not on the organisation's list; the Trust prompt is off by policy.
    NotListed,
}

/// Everything the toolbar renders.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub tenant: String,
    pub trust: TrustView,
    /// "Ready", "Not ready: Lunch", "After-call work", "Logged out", "Connecting…"…
    pub status: Msg,
    /// A stable key for styling and tests: `ready`, `not_ready`, `busy`, `acw`, `ringing`,
    /// `logged_out`, `unknown`, `connecting`, `untrusted`.
    pub status_key: String,
    pub agent_id: String,
    pub item_value: String,
    /// Shown when the desktop reports more than one interaction.
    pub choices: Vec<Choice>,
    pub get_state: ButtonView,
    pub wrap_up: ButtonView,
    pub terminate: ButtonView,
    pub complete: ButtonView,
    /// The current item's disposition and notes as typed.
    pub disposition: String,
    /// A disposition is required and missing: Complete and Wrap up wait for it, and the
    /// toolbar says so next to the field.
    pub disposition_required: bool,
    /// Only the organisation's dispositions are allowed and the one typed is not among them.
    pub disposition_unlisted: bool,
    /// The dispositions to choose from (names; the field offers them as the agent types).
    pub disposition_options: Vec<String>,
    pub notes: String,
    /// The number field's text and its Call button.
    pub dial_value: String,
    /// A dial waits for its confirmation: Call reads "Confirm call".
    pub call_confirm: bool,
    /// Why the page's Call controls cannot dial now (a message key), `None` when they can;
    /// `Some("")` while the tenant is not trusted (no controls at all).
    pub page_dial: Option<&'static str>,
    /// The dial rules in force (the page's numbers are found under them).
    pub dial_rules: crate::core::phone::DialRules,
    pub call: ButtonView,
    /// Why Call cannot be pressed now (a message key), shown next to it; `None` when it can.
    pub call_block: Option<&'static str>,
    pub notice: Option<Notice>,
    pub ignored: u32,
    /// Events a page script forged (imitated desktop messages, clicks, keys), ignored.
    pub forged: u32,
    /// The channel is open and the desktop has answered: the toolbar is live.
    pub live: bool,
    /// Since when the agent is in after-call work (ms since the epoch), for the timer.
    pub acw_since: Option<f64>,
    /// The current call's recording: what the toolbar says of it (a message key; `None` while
    /// no call is on), and the Pause recording toggle (pressed while the desktop says paused).
    pub recording: Option<&'static str>,
    pub rec_button: ButtonView,
    pub rec_paused: bool,
    /// Wrap up and Complete wait for Resume (the setting is on and the recording is paused):
    /// the toolbar says so next to them.
    pub resume_required: bool,
    /// Ready and Not Ready (shown while the agent is logged in on an open channel), the
    /// reasons to choose from and the one chosen. On a call, Not Ready reads "Not Ready after
    /// this call" and is a toggle: `Some(pressed)`; off a call `None`.
    pub status_controls: bool,
    pub ready: ButtonView,
    pub not_ready: ButtonView,
    pub not_ready_after_call: Option<bool>,
    pub reasons: Vec<String>,
    pub reason_choice: String,
    /// Transfer and Conference (shown while the current call is on, for the number field's
    /// number), which of them waits for its confirmation (it reads "Confirm …"), and the
    /// speed-dial entries the number field offers, as (name, number).
    pub handoff: bool,
    pub transfer: ButtonView,
    pub conference: ButtonView,
    pub handoff_armed: Option<crate::core::transfer::HandOff>,
    pub speed_dial: Vec<(String, String)>,
    /// When the after-call-work limit completes the interaction (ms since the epoch), for the
    /// countdown; and Extend, with its seconds (shown when there is an extension to give).
    pub acw_deadline: Option<f64>,
    pub acw_extend: Option<(u32, ButtonView)>,
}

/// What the extension icon's badge shows for a tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Badge {
    /// Short text: a status abbreviation, or the ACW timer.
    pub text: Msg,
    /// Background colour, `#rrggbb`.
    pub color: &'static str,
    /// The tooltip: the full status.
    pub title: Msg,
}

/// "0:42", "12:05", "1:02:03".
pub fn format_elapsed(ms: f64) -> String {
    let s = (ms.max(0.0) / 1000.0).floor() as u64;
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

impl View {
    /// The badge for this view at time `now`. ACW shows its timer (minutes past ten).
    pub fn badge(&self, now: f64) -> Badge {
        let (text, color) = match (self.status_key.as_str(), self.acw_since) {
            ("acw", Some(since)) => {
                let ms = now - since;
                let t = if ms < 600_000.0 { format_elapsed(ms) } else { format!("{}m", (ms / 60_000.0).floor() as u64) };
                (Msg::with("badge_text", &[&t]), "#7b2fbf")
            }
            ("ready", _) => (Msg::new("badge_ready"), "#1a7f37"),
            ("not_ready", _) => (Msg::new("badge_not_ready"), "#b35900"),
            ("busy", _) | ("ringing", _) => (Msg::new("badge_busy"), "#1f5fd1"),
            ("logged_out", _) => (Msg::new("badge_off"), "#6b7487"),
            _ => (Msg::with("badge_text", &[""]), "#6b7487"),
        };
        Badge { text, color, title: self.status.clone() }
    }
}

/// The message key of a wire status; `status_other` for statuses we have no words for.
pub fn status_key(status: &str) -> &'static str {
    match status {
        "ready" => "status_ready",
        "not_ready" => "status_not_ready",
        "busy" => "status_busy",
        "after_call_work" => "status_acw",
        "ringing" => "status_ringing",
        "supervising" => "status_supervising",
        _ => "status_other",
    }
}

/// A status as a message: known statuses by key, others as the wire text made readable.
pub fn status_label(status: &str) -> Msg {
    match status_key(status) {
        "status_other" => {
            let spaced = status.replace('_', " ");
            let mut chars = spaced.chars();
            match chars.next() {
                // Wire statuses are ASCII words; the Unicode case tables are not worth their size.
                Some(c) => Msg::with("status_other", &[&std::iter::once(c.to_ascii_uppercase()).chain(chars).collect::<String>()]),
                None => Msg::new("status_unknown"),
            }
        }
        key => Msg::new(key),
    }
}

impl View {
    pub fn of(s: &Session) -> View {
        let trust = match s.trust {
            Trust::Trusted => TrustView::Trusted,
            Trust::Askable => TrustView::Ask,
            Trust::Refused => TrustView::Refused,
            Trust::Pending => TrustView::Checking,
            Trust::NotListed => TrustView::NotListed,
        };
        let (status, status_key) = if trust == TrustView::Checking {
            (Msg::new("status_connecting"), "connecting".to_string())
        } else if trust != TrustView::Trusted {
            (Msg::new("status_untrusted"), "untrusted".to_string())
        } else if !matches!(s.channel, Channel::Open { .. }) {
            (Msg::new("status_connecting"), "connecting".to_string())
        } else if s.agent.logged_in == Some(false) {
            (Msg::new("status_logged_out"), "logged_out".to_string())
        } else {
            match s.agent.status.as_deref() {
                None => (Msg::new("status_unknown"), "unknown".to_string()),
                Some(st) => {
                    let mut text = status_label(st);
                    // The desktop's default reason repeats the status ("Not ready"): shown once.
                    let reason = s.agent.reason.trim();
                    if st != "ready" && !reason.is_empty() && !reason.replace(' ', "_").eq_ignore_ascii_case(st) {
                        let mut args = text.args.clone();
                        let first = if text.key == "status_other" { args.remove(0) } else { Arg::Key(text.key) };
                        text = Msg::args("status_with_reason", vec![first, Arg::Text(reason.to_string())]);
                    }
                    let key = match st {
                        "after_call_work" => "acw",
                        "ready" | "not_ready" | "busy" | "ringing" => st,
                        _ => "unknown",
                    };
                    (text, key.to_string())
                }
            }
        };
        let trusted = trust == TrustView::Trusted;
        let item = s.current_item();
        let known = s.agent.find(item);
        let ended = known.is_some_and(|i| i.ended) || (s.agent.in_acw() && s.agent.interactions.len() == 1 && known.is_some());
        let has_item = trusted && !item.is_empty();
        let terminate_busy = s.command_busy(CommandKind::Terminate, item);
        let complete_busy = s.command_busy(CommandKind::Complete, item);
        let wrapping = s.wrap.is_some();
        let complete_primary = has_item && (ended || s.agent.in_acw());
        let fields = s.fields_of(item);
        let needs_disposition = has_item && s.disposition_missing();
        let unlisted = has_item && s.disposition_unlisted();
        let needs_resume = has_item && s.resume_needed();
        let rec_item = s.rec_target().filter(|_| trusted);
        let live_call = rec_item.is_some();
        let rec = rec_item.and_then(|i| s.recording_of(i));
        let rec_busy = s.rec_pending.is_some();
        let recording = live_call.then(|| match rec {
            // What was asked and never confirmed comes first: it is what the agent must know.
            Some(r) if r.doubt == Some(true) => "rec_doubt_pause",
            Some(r) if r.doubt == Some(false) => "rec_doubt_resume",
            Some(r) if r.recording == Some(false) => "rec_off",
            Some(r) if r.muted == Some(true) => "rec_paused",
            Some(r) if r.recording == Some(true) => "rec_on",
            _ => "rec_unknown",
        });
        let get_state_busy = s.get_state_busy();
        let status_controls = trusted && matches!(s.channel, Channel::Open { .. }) && s.agent.logged_in == Some(true);
        let can_status = status_controls && s.status_ready_to_send();
        let on_call = s.on_call();
        let not_ready_wanted = s.not_ready_wanted();
        let status_busy = s.status_pending.as_ref().map(|p| p.wanted.ready);
        let dial_block = s.dial_block();
        let handoff = trusted && s.handoff_item().is_some();
        let can_handoff = handoff && s.transfer.is_none() && !s.dial_input.trim().is_empty();
        let acw_item = s.acw_item();
        let acw_deadline = s.acw_limit.deadline(s.agent.acw_since, acw_item.as_deref());
        let choices = if s.agent.interactions.len() > 1 {
            s.agent
                .interactions
                .iter()
                .map(|i| {
                    let details: Vec<&str> = [i.info.phone_number.as_deref(), i.info.service.as_deref()]
                        .into_iter()
                        .flatten()
                        .filter(|d| !d.is_empty())
                        .collect();
                    let id = i.info.item_id.as_str();
                    let label = match (details.is_empty(), i.ended) {
                        (true, false) => Msg::with("choice_id", &[id]),
                        (true, true) => Msg::with("choice_id_acw", &[id]),
                        (false, false) => Msg::with("choice_label", &[&details.join(", "), id]),
                        (false, true) => Msg::with("choice_label_acw", &[&details.join(", "), id]),
                    };
                    Choice { item_id: i.info.item_id.clone(), label }
                })
                .collect()
        } else {
            Vec::new()
        };
        View {
            tenant: s.tenant.clone(),
            trust,
            status,
            status_key,
            agent_id: s.agent.agent_id.clone().unwrap_or_default(),
            item_value: s.item_input.clone(),
            choices,
            get_state: ButtonView {
                enabled: trusted && !get_state_busy,
                busy: get_state_busy,
                primary: trusted && item.is_empty(),
            },
            // One click for the whole sequence: the obvious step while a call is live.
            wrap_up: ButtonView {
                enabled: has_item && !wrapping && !complete_busy && !needs_disposition && !unlisted && !needs_resume,
                busy: wrapping,
                primary: has_item && !complete_primary,
            },
            terminate: ButtonView {
                // Unknown state never blocks: only a call known to be over disables Terminate.
                enabled: has_item && !terminate_busy && !ended && !wrapping,
                busy: terminate_busy,
                primary: false,
            },
            complete: ButtonView {
                enabled: has_item && !complete_busy && !wrapping && !needs_disposition && !unlisted && !needs_resume,
                busy: complete_busy,
                primary: complete_primary && !wrapping,
            },
            disposition: fields.disposition,
            disposition_required: needs_disposition,
            disposition_unlisted: unlisted,
            disposition_options: s.dispositions_of(s.current_item()).0.iter().map(|(name, _)| name.clone()).collect(),
            notes: fields.notes,
            dial_value: s.dial_input.clone(),
            call_confirm: s.confirming.is_some(),
            page_dial: if trusted { dial_block.map(DialBlock::key) } else { Some("") },
            dial_rules: s.dial_rules.clone(),
            call: ButtonView {
                enabled: trusted && dial_block.is_none() && !s.dial_input.trim().is_empty(),
                busy: dial_block == Some(DialBlock::Dialing),
                primary: false,
            },
            // Connecting says so in the status already; the other reasons are the agent's to know.
            call_block: dial_block.filter(|b| *b != DialBlock::NotConnected && *b != DialBlock::Dialing).map(DialBlock::key),
            notice: s.notice.clone(),
            ignored: s.ignored,
            forged: s.forged,
            live: matches!(s.channel, Channel::Open { .. }) && s.replied,
            acw_since: s.agent.acw_since,
            recording,
            rec_button: ButtonView {
                enabled: live_call && !rec_busy && matches!(s.channel, Channel::Open { .. }) && rec.is_none_or(|r| r.recording != Some(false)),
                busy: rec_busy,
                primary: false,
            },
            rec_paused: rec.is_some_and(crate::core::session::RecState::paused),
            resume_required: needs_resume,
            status_controls,
            // On a call the desktop decides (it makes the agent Ready on completion): Ready
            // only takes back a Not Ready kept for then.
            ready: ButtonView {
                enabled: can_status && if on_call { s.status_next.is_some() } else { !s.status_is(&crate::core::status::Wanted::ready()) },
                busy: status_busy == Some(true),
                primary: false,
            },
            not_ready: ButtonView {
                enabled: can_status && (on_call || !s.status_is(&not_ready_wanted)),
                busy: status_busy == Some(false),
                primary: false,
            },
            not_ready_after_call: on_call.then_some(s.status_next.is_some()),
            reasons: s.reasons.clone(),
            reason_choice: s.status_next.as_ref().map_or(not_ready_wanted.reason, |n| n.reason.clone()),
            handoff,
            transfer: ButtonView { enabled: can_handoff, busy: s.transfer.is_some(), primary: false },
            conference: ButtonView { enabled: can_handoff, busy: false, primary: false },
            handoff_armed: s.handoff_armed.as_ref().filter(|a| handoff && a.text == s.dial_input && s.handoff_item() == Some(a.item_id.as_str())).map(|a| a.kind),
            speed_dial: s.speed_dial.clone(),
            acw_deadline: acw_deadline.filter(|_| trusted),
            acw_extend: (trusted && s.acw_limit.extend_ms > 0.0 && acw_deadline.is_some()).then(|| {
                let enabled = s.acw_limit.can_extend(s.agent.acw_since, acw_item.as_deref());
                ((s.acw_limit.extend_ms / 1_000.0) as u32, ButtonView { enabled, busy: false, primary: false })
            }),
        }
    }
}
