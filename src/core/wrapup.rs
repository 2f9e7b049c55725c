//! One-click wrap-up as a state machine: Terminate (unless the call is already over), wait for
//! the desktop to confirm after-call work, then Complete (with the disposition and notes when
//! the agent gave any), and wait for the desktop to confirm that too. Every step is sent once;
//! a step that is not confirmed in time stops the sequence, and nothing more is sent.
//!
//! The machine only decides; `Session` sends the commands, tracks their confirmations and feeds
//! the outcomes back as [`WrapEvent`]s. Pure: no browser types here.

use super::session::CommandKind;

/// After this long without a confirming event, ask the desktop with a GET_STATE (once per
/// step): a desktop that does not broadcast events still shows the outcome in its state.
pub const POLL_AFTER_MS: f64 = 1_500.0;

/// Where the sequence stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Terminate sent; waiting for after-call work.
    Terminating,
    /// Complete sent; waiting for the interaction to be completed.
    Completing,
}

/// What the session reports to the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrapEvent {
    /// The desktop confirmed a command for our item.
    Confirmed(CommandKind),
    /// A command for our item was not confirmed in time.
    TimedOut(CommandKind),
    /// The desktop answered a command for our item with an error (2.0 answers every request).
    Refused(CommandKind),
    /// The interaction was completed by someone else (desktop timeout, another tab).
    CompletedElsewhere,
    /// The agent logged out or trust was withdrawn: the sequence cannot go on.
    Aborted,
}

/// What the machine asks the session to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrapAction {
    /// Send Complete (with disposition/notes if any) for the item.
    SendComplete,
    /// Ask for the state (GET_STATE) to learn an outcome the desktop did not announce.
    Poll,
    /// The interaction is wrapped up.
    Finished,
    /// The sequence stopped at this phase; nothing more will be sent.
    Failed(Phase),
}

/// A running wrap-up for one item.
#[derive(Debug, Clone, PartialEq)]
pub struct WrapUp {
    pub item_id: String,
    pub phase: Phase,
    pub started_at: f64,
    poll_at: Option<f64>,
}

impl WrapUp {
    /// Starts a wrap-up. Returns the machine and the first command to send: Terminate for a
    /// live call, Complete when the call is already over (the customer hung up first).
    pub fn start(item_id: &str, call_over: bool, now: f64) -> (WrapUp, CommandKind) {
        let (phase, first) = if call_over {
            (Phase::Completing, CommandKind::Complete)
        } else {
            (Phase::Terminating, CommandKind::Terminate)
        };
        (WrapUp { item_id: item_id.to_string(), phase, started_at: now, poll_at: Some(now + POLL_AFTER_MS) }, first)
    }

    /// When the machine wants a [`WrapUp::tick`].
    pub fn deadline(&self) -> Option<f64> {
        self.poll_at
    }

    /// Time passing: one GET_STATE poll per phase.
    pub fn tick(&mut self, now: f64) -> Option<WrapAction> {
        match self.poll_at {
            Some(at) if now >= at => {
                self.poll_at = None;
                Some(WrapAction::Poll)
            }
            _ => None,
        }
    }

    /// An outcome reported by the session. Returns what to do; events that do not concern the
    /// current phase (a late or duplicate confirmation) change nothing.
    pub fn on(&mut self, event: WrapEvent, now: f64) -> Option<WrapAction> {
        match (self.phase, event) {
            (_, WrapEvent::Aborted) => Some(WrapAction::Failed(self.phase)),
            (_, WrapEvent::CompletedElsewhere) => Some(WrapAction::Finished),
            (Phase::Terminating, WrapEvent::Confirmed(CommandKind::Terminate)) => {
                self.phase = Phase::Completing;
                self.poll_at = Some(now + POLL_AFTER_MS);
                Some(WrapAction::SendComplete)
            }
            (Phase::Completing, WrapEvent::Confirmed(CommandKind::Complete)) => Some(WrapAction::Finished),
            (Phase::Terminating, WrapEvent::TimedOut(CommandKind::Terminate))
            | (Phase::Completing, WrapEvent::TimedOut(CommandKind::Complete))
            | (Phase::Terminating, WrapEvent::Refused(CommandKind::Terminate))
            | (Phase::Completing, WrapEvent::Refused(CommandKind::Complete)) => Some(WrapAction::Failed(self.phase)),
            _ => None,
        }
    }
}
