//! Transfer and conference of the current call (`SINGLE_STEP_TRANSFER` /
//! `SINGLE_STEP_CONFERENCE`, `number` only: they act on the desktop's active call), to a typed
//! number or one of the organisation's speed-dial entries, under the click-to-dial rules.
//!
//! Neither command has a reply. A transfer counts as done when the call leaves the agent (a
//! `_BLIND_TRANSFER` or `_CALL_ENDED` for it, after-call work, the interaction completed); a
//! conference is never reported through this SDK, so the toolbar says it was asked for and no
//! more. Each waits for a second press of its button (the confirmation step).
//!
//! Pure: `Session` sends, times out and logs; this module decides.

use super::phone::{self, DialRules};

/// How long the confirmation step waits for the second press.
pub const ARM_MS: f64 = 10_000.0;
/// A press this soon after the one that armed (or sent) is the second click of a double click:
/// it confirms nothing and arms nothing.
pub const GUARD_MS: f64 = 500.0;
/// A transfer the call has not left the agent for in this long has not happened.
pub const TRANSFER_TIMEOUT_MS: f64 = 10_000.0;

/// Which of the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandOff {
    Transfer,
    Conference,
}

impl HandOff {
    /// The log's action for a hand-off to `target` ("Transfer to 1020", "Conference 1020").
    pub fn action(self, target: &str) -> String {
        match self {
            HandOff::Transfer => format!("Transfer to {target}"),
            HandOff::Conference => format!("Conference {target}"),
        }
    }
}

/// Where a transfer or conference goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// As the agent and the log see it: `Billing (1020)` for a speed-dial entry, else the
    /// number in E.164 or the extension.
    pub shown: String,
    /// The digits sent.
    pub digits: String,
}

/// The number a text names: a speed-dial entry by its name (whatever its case), else the text
/// itself, put through the dial rules. An extension written after a number cannot be keyed in
/// for a party the agent hands the call to: refused, with the reason (a message key and what to
/// show in it).
pub fn resolve(text: &str, speed_dial: &[(String, String)], rules: &DialRules) -> Result<Target, (&'static str, String)> {
    let typed = text.trim();
    let entry = speed_dial.iter().find(|(name, _)| name.eq_ignore_ascii_case(typed));
    let number = entry.map_or(typed, |(_, number)| number.as_str());
    let dial = phone::normalise(number, rules).map_err(|e| (e.key(), typed.chars().take(40).collect()))?;
    if dial.extension.is_some() {
        return Err(("notice_transfer_extension", String::new()));
    }
    let plain = dial.e164.unwrap_or_else(|| dial.digits.clone());
    let shown = match entry {
        Some((name, _)) => format!("{name} ({plain})"),
        None => plain,
    };
    Ok(Target { shown, digits: dial.digits })
}

/// A hand-off waiting for its confirmation: the button reads "Confirm transfer" (or
/// conference) until pressed again, the number changes, or [`ARM_MS`] pass.
#[derive(Debug, Clone, PartialEq)]
pub struct Armed {
    pub kind: HandOff,
    /// The number field's text it was armed with.
    pub text: String,
    pub item_id: String,
    /// Where it goes, as the agent was told: a confirmation for another target confirms nothing.
    pub target: Target,
    pub at: f64,
}

impl Armed {
    pub fn deadline(&self) -> f64 {
        self.at + ARM_MS
    }

    /// A press of `kind` with `text` on `item_id` at `now` confirms this.
    pub fn confirmed_by(&self, kind: HandOff, text: &str, item_id: &str, now: f64) -> bool {
        self.kind == kind && self.text == text && self.item_id == item_id && now - self.at >= GUARD_MS && now < self.deadline()
    }
}

/// A transfer sent and the call not yet gone from the agent.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingTransfer {
    pub item_id: String,
    pub target: Target,
    pub sent_at: f64,
}

impl PendingTransfer {
    pub fn deadline(&self) -> f64 {
        self.sent_at + TRANSFER_TIMEOUT_MS
    }
}
