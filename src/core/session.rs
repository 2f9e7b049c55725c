//! The toolbar's state for one repeater on one page, as a reducer: the glue feeds an
//! [`Input`] and carries out the returned [`Effect`]s. Owns the rules the agent sees:
//! which item_id is current, when a command counts as confirmed, what a silence means.

use super::acw::AcwLimit;
use super::detect::Trust;
use super::log::LogEntry;
use super::phone::{self, DialRules};
use super::protocol::{AgentSnapshot, FromDesktop, InteractionInfo, ToDesktop};
use super::protocol2::{self, Decoded, Failure};
use super::requests::{self, Pending, PendingRequest, RequestIds};
use super::status::{self, Outcome, PendingStatus, Wanted, STATUS_GUARD_MS as STATUS_GUARD};
use super::text::{Arg, Msg};
use super::transfer::{self, Armed, HandOff, PendingTransfer};
use super::view::status_key;
use super::wrapup::{Phase, WrapAction, WrapEvent, WrapUp};

/// A GET_STATE without a reply for this long has failed.
pub const REPLY_TIMEOUT_MS: f64 = 3_000.0;
/// Terminate or Complete without a confirming event for this long has failed.
pub const CONFIRM_TIMEOUT_MS: f64 = 5_000.0;
/// How many automatic GET_STATE attempts in a row before waiting for the desktop to speak.
pub const MAX_AUTO_ATTEMPTS: u32 = 5;
/// At most this many interactions are tracked (a desktop shows a handful; a flood of distinct
/// item ids must not grow the toolbar's memory without end). The oldest go first.
pub const MAX_INTERACTIONS: usize = 64;
/// The longest wait before reopening a channel that keeps being lost.
pub const REOPEN_MAX_MS: f64 = 30_000.0;
/// Losses of our proxy less than this far apart are one episode: logged once, reopened with a
/// growing delay. Longer than the longest delay, so that a page removing the proxy each time it
/// is back stays in one episode.
pub const CHANNEL_EPISODE_MS: f64 = 2.0 * REOPEN_MAX_MS;
/// A dial the desktop has not started a call for in this long has failed (`DIAL_NUMBER` has no
/// reply: only the desktop's events say a call started).
pub const DIAL_TIMEOUT_MS: f64 = 10_000.0;

/// What the agent can press.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    GetState,
    Terminate,
    Complete,
    WrapUp,
    Trust,
    /// Dial the number in the toolbar's number field.
    Call,
    /// Pause the current call's recording, or resume it when it is paused.
    Recording,
    /// Ask the desktop for the Ready status.
    Ready,
    /// Ask for Not Ready with the reason chosen in the toolbar; on a call, for Not Ready once
    /// the call is completed (pressed again: not any more).
    NotReady,
    /// Transfer the current call to the number field's number (pressed twice: the first press
    /// asks for the confirmation).
    Transfer,
    /// Add the number field's number to the current call, likewise.
    Conference,
    /// Extend the after-call-work limit (once per episode).
    ExtendAcw,
}

/// Something that happened, as the glue reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Our proxy iframe fired `load` (first time or after a reload).
    ProxyLoaded { now: f64 },
    /// Our proxy iframe was removed (by the page, or a script that tidies iframes).
    ChannelLost { now: f64 },
    /// A string that came from our proxy frame's window and the tenant origin.
    Message { text: String, now: f64 },
    /// A message that claimed to be a desktop message but failed the sender checks.
    Ignored,
    /// An event the browser did not dispatch (`isTrusted` false) reached the toolbar: a page
    /// script imitating the desktop (a forged `MessageEvent`) or the agent (`.click()`,
    /// synthetic keys or input). Counted, never acted on.
    Forged,
    /// A well-formed desktop message from another frame of the tenant (the page's own SDK
    /// proxy, which a desktop may deliver to as well): legitimate, not ours, not suspicious.
    Neighbour,
    /// Counts from the strict-CSP relay, which counts page traffic instead of forwarding it.
    Counted { ignored: u32, forged: u32, neighbours: u32 },
    /// The agent pressed a button.
    Click { button: Button, now: f64 },
    /// The agent pressed a button in the side panel, which showed `item_id` as the current
    /// interaction: pressed only if it still is (a new call may have become current since).
    Press { button: Button, item_id: String, now: f64 },
    /// The agent typed in the Interaction ID field.
    ItemEdited(String),
    /// The agent picked an interaction from the list.
    ItemPicked(String),
    /// The agent typed a disposition for the current item.
    DispositionEdited(String),
    /// The agent typed notes for the current item.
    NotesEdited(String),
    /// The agent typed in the toolbar's number field.
    DialEdited(String),
    /// The agent chose a Not Ready reason in the toolbar.
    ReasonPicked(String),
    /// The Not Ready reasons in force (options or policy), in the order to offer them.
    StatusReasons(Vec<String>),
    /// The speed-dial entries in force (`Name | number`, as the settings keep them).
    SpeedDial(Vec<String>),
    /// The after-call-work limit in force (seconds, 0 = none), its one extension (seconds, 0 =
    /// none) and the disposition it completes with when the agent typed none.
    AcwLimit { limit_s: u32, extend_s: u32, default_disposition: String },
    /// Dial this text (a number the agent chose on the page).
    Dial { text: String, now: f64 },
    /// The dial rules and outbound service in force (options or policy), and whether each dial
    /// waits for a second press of Call (the confirmation step).
    DialSettings { rules: DialRules, service: String, confirm: bool },
    /// Whether screen pops are configured, and whether they wait for the answer.
    PopSettings { enabled: bool, on_answer: bool },
    /// The Copy button put the Interaction ID on the clipboard (or could not).
    Copied(bool),
    /// The trusted list changed elsewhere (popup, another tab).
    TrustChanged { trust: Trust, now: f64 },
    /// The settings in force say whether Complete needs a disposition (options or policy).
    RequireDisposition(bool),
    /// The dispositions offered (`Name` or `Name | code`, as the settings keep them) and
    /// whether one not on the list may be typed.
    Dispositions { list: Vec<String>, free: bool },
    /// The settings in force say whether Wrap up and Complete wait while the call's recording
    /// is paused (options or policy).
    RequireResume(bool),
    /// Time passed (the glue wakes us at [`Session::next_deadline`]).
    Tick { now: f64 },
}

/// What the glue must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Create our hidden proxy iframe for the tenant.
    OpenChannel,
    /// Remove the proxy iframe.
    CloseChannel,
    /// Post this JSON string to the proxy, target origin = the tenant.
    Post(String),
    /// Append to the log.
    Log(LogEntry),
    /// Ask the agent, in an extension window a page cannot reach, whether to trust the tenant.
    /// The session becomes trusted only when the trusted list says so (`TrustChanged`).
    AskTrust(String),
    /// Open the caller's record (the background fills a screen-pop template with these fields,
    /// checks it and opens it in a tab of its own). Once per interaction.
    ScreenPop { item_id: String, fields: Vec<(String, String)> },
}

/// The state of our own channel to the tenant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Channel {
    Closed,
    Opening,
    Open { since: f64 },
}

/// A line for the agent under the buttons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: Msg,
}

impl Notice {
    fn new(kind: NoticeKind, key: &'static str, item: &str) -> Notice {
        Notice { kind, text: if item.is_empty() { Msg::new(key) } else { Msg::with(key, &[item]) } }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Success,
    Error,
    /// The desktop has not answered our automatic requests yet; cleared by any reply.
    Waiting,
}

/// One interaction the desktop has told us about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interaction {
    pub info: InteractionInfo,
    /// The call is over (after-call work): Terminate has nothing left to do.
    pub ended: bool,
    /// The call's id, when a call event named it (`_I_CALL_ANSWERED` and the like carry only
    /// that): how a `_CALL_ENDED` without an item_id finds its interaction.
    pub call_id: Option<String>,
}

/// The agent as last reported.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Agent {
    pub agent_id: Option<String>,
    /// Lower-case wire status (`ready`, `not_ready`, `busy`, `after_call_work`…), `None` until known.
    pub status: Option<String>,
    pub reason: String,
    pub logged_in: Option<bool>,
    pub interactions: Vec<Interaction>,
    /// The item of the latest INTERACTION_RENDERED, the best guess for "the current call".
    pub last_rendered: Option<String>,
    /// When the agent entered after-call work (for the count-up timer), while in it.
    pub acw_since: Option<f64>,
    /// A call_id announced before its interaction was rendered (`_I_CALL_OFFERED` comes first),
    /// given to the next new interaction.
    pub unclaimed_call: Option<String>,
}

impl Agent {
    pub fn in_acw(&self) -> bool {
        self.status.as_deref() == Some("after_call_work")
    }

    /// Records a status; starts the after-call-work clock on entering ACW, stops it on leaving.
    fn set_status(&mut self, status: Option<String>, now: f64) {
        let was_acw = self.in_acw();
        self.status = status;
        match (was_acw, self.in_acw()) {
            (false, true) => self.acw_since = Some(now),
            (_, false) => self.acw_since = None,
            (true, true) => {}
        }
    }

    fn find_mut(&mut self, item_id: &str) -> Option<&mut Interaction> {
        self.interactions.iter_mut().find(|i| i.info.item_id == item_id)
    }

    pub fn find(&self, item_id: &str) -> Option<&Interaction> {
        self.interactions.iter().find(|i| i.info.item_id == item_id)
    }
}

/// What kind of command awaits confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandKind {
    Terminate,
    Complete,
}

impl CommandKind {
    pub fn label(self) -> &'static str {
        match self {
            CommandKind::Terminate => "Terminate",
            CommandKind::Complete => "Complete",
        }
    }
}

/// A Terminate or Complete sent and not yet confirmed.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingCommand {
    pub kind: CommandKind,
    pub item_id: String,
    pub sent_at: f64,
    pub deadline: f64,
}

/// A `DIAL_NUMBER` sent and no call started yet.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingDial {
    /// The number as the agent and the log see it (E.164, or the extension).
    pub number: String,
    /// The digits sent, to recognise the call the desktop reports.
    pub digits: String,
    /// An extension written after the number, which the agent keys in once connected.
    pub extension: Option<String>,
    pub sent_at: f64,
    pub deadline: f64,
}

/// A dial waiting for the agent's confirmation (the confirmation step is on): the number is in
/// the toolbar's field and Call reads "Confirm call".
#[derive(Debug, Clone, PartialEq)]
pub struct PendingConfirm {
    pub text: String,
    pub armed_at: f64,
    pub deadline: f64,
    /// Asked for by the toolbar's own Call, not by a number on the page or the context menu
    /// (whose second request confirms nothing).
    pub by_call: bool,
}

/// A call's recording, as the desktop last reported it (`call_recording_status`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecState {
    pub item_id: String,
    /// Recorded at all.
    pub recording: Option<bool>,
    /// Paused (the agent's `MUTE_CALL_RECORDING`).
    pub muted: Option<bool>,
    /// A pause (`Some(true)`) or resume (`Some(false)`) the desktop never confirmed: the
    /// recording may not be in the state the agent asked for, until the desktop says.
    pub doubt: Option<bool>,
}

/// A pause or resume of the recording sent and not yet confirmed.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingRecording {
    pub item_id: String,
    /// Pause (true) or resume (false).
    pub mute: bool,
    pub sent_at: f64,
    pub deadline: f64,
}

impl PendingRecording {
    /// The log's name for it.
    pub fn action(&self) -> &'static str {
        if self.mute {
            "Pause recording"
        } else {
            "Resume recording"
        }
    }
}

/// How long a pause or resume of the recording waits for the desktop's word.
pub const RECORDING_CONFIRM_MS: f64 = 5_000.0;
/// A press of the recording toggle this soon after the last is the second click of a double
/// click (the desktop may have confirmed in between): it resumes nothing.
pub const RECORDING_GUARD_MS: f64 = 500.0;
/// The calls whose recording state is kept (the current one and a few it replaced).
const MAX_RECORDINGS: usize = 8;

/// How long a dial waits for its confirmation.
pub const DIAL_CONFIRM_MS: f64 = 10_000.0;
/// A press of Call sooner than this after the confirmation was asked for is part of the same
/// double click (on Call, or on a page control that sat over it), not a decision: it is ignored.
pub const DIAL_CONFIRM_GUARD_MS: f64 = 500.0;

/// Why a dial cannot be placed now (the toolbar says so on the control).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialBlock {
    /// No trusted, open channel to the desktop yet.
    NotConnected,
    LoggedOut,
    /// A call is live: the desktop takes one call at a time from here.
    OnCall,
    /// A dial is on its way.
    Dialing,
}

impl DialBlock {
    pub fn key(self) -> &'static str {
        match self {
            DialBlock::NotConnected => "dial_block_connecting",
            DialBlock::LoggedOut => "dial_block_logged_out",
            DialBlock::OnCall => "dial_block_on_call",
            DialBlock::Dialing => "dial_block_dialing",
        }
    }
}

/// What the agent typed for an item's completion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WrapFields {
    pub disposition: String,
    pub notes: String,
}

impl RecState {
    /// Paused, or perhaps paused (a pause or resume the desktop never confirmed); a call that
    /// is not recorded has nothing paused.
    pub fn may_be_paused(&self) -> bool {
        self.recording != Some(false) && (self.muted == Some(true) || self.doubt.is_some())
    }

    /// Paused, as the desktop said.
    pub fn paused(&self) -> bool {
        self.recording != Some(false) && self.muted == Some(true)
    }
}

impl WrapFields {
    fn is_empty(&self) -> bool {
        self.disposition.trim().is_empty() && self.notes.trim().is_empty()
    }
}

/// Which wire the page's desktop speaks. The session's commands and events are the same for
/// both: only the translation differs.
#[derive(Debug, Clone)]
pub enum Wire {
    /// Agent Desktop 1.0 (`UniversalRepeater.jsp`): JSON strings, [`super::protocol`].
    Legacy,
    /// Agent Desktop 2.0's Communicator Widget: packets, [`protocol2::Adapter`].
    Widget(Box<protocol2::Adapter>),
}

/// The whole toolbar state for one tenant on one page.
#[derive(Debug, Clone)]
pub struct Session {
    pub tenant: String,
    pub page: String,
    pub trust: Trust,
    pub channel: Channel,
    pub agent: Agent,
    /// The Interaction ID field's text.
    pub item_input: String,
    /// The agent typed the field: automatic selection leaves it alone until a new call renders.
    pub item_edited: bool,
    pub notice: Option<Notice>,
    /// Messages ignored: spoofed (wrong sender) or malformed.
    pub ignored: u32,
    /// Events a page script forged (`isTrusted` false): imitated desktop messages or input.
    pub forged: u32,
    /// Well-formed messages from the tenant's other frames on the page (the page's own SDK).
    pub neighbours: u32,
    /// A GET_STATE reply has arrived at least once on this channel.
    pub replied: bool,
    /// When the desktop last said anything on our channel (ms since the epoch).
    pub last_heard: Option<f64>,
    pub commands: Vec<PendingCommand>,
    /// The one-click wrap-up in progress, if any.
    pub wrap: Option<WrapUp>,
    /// Disposition and notes per item_id, kept until the item completes.
    pub wrap_fields: Vec<(String, WrapFields)>,
    /// Complete and Wrap up need a disposition first (a setting, possibly the organisation's).
    pub require_disposition: bool,
    /// The dispositions offered, as (name, code), and whether others may be typed.
    pub dispositions: Vec<(String, String)>,
    pub free_disposition: bool,
    /// What the desktop offers per item (2.0): its dispositions, which replace the settings'
    /// list for it, and whether its service requires one.
    pub offers: Vec<(String, Offer)>,
    /// Wrap up and Complete wait while the call's recording is paused (a setting).
    pub require_resume: bool,
    /// The recording state of recent calls, and the pause or resume on its way.
    pub recordings: Vec<RecState>,
    pub rec_pending: Option<PendingRecording>,
    /// When the recording toggle last sent something.
    rec_sent_at: Option<f64>,
    /// The Not Ready reasons offered, the one chosen, the status change on its way, the Not
    /// Ready asked for during a call (sent once the call is completed), and when a status
    /// button last did something (a double click does it once).
    pub reasons: Vec<String>,
    pub reason_choice: String,
    pub status_pending: Option<PendingStatus>,
    pub status_next: Option<Wanted>,
    status_pressed_at: Option<(bool, f64)>,
    /// Speed-dial entries as (name, number); the transfer or conference waiting for its
    /// confirmation; the transfer on its way; when one was last sent (a double click sends one).
    pub speed_dial: Vec<(String, String)>,
    pub handoff_armed: Option<Armed>,
    pub transfer: Option<PendingTransfer>,
    handoff_at: Option<f64>,
    /// The after-call-work limit and what it did in the current episode.
    pub acw_limit: AcwLimit,
    /// The toolbar's number field.
    pub dial_input: String,
    pub dial_rules: DialRules,
    /// The outbound service selected before each dial (empty: the desktop's default).
    pub dial_service: String,
    pub dial: Option<PendingDial>,
    pub dial_confirm: bool,
    pub confirming: Option<PendingConfirm>,
    /// Screen pops: configured at all, on answer rather than on offer, the items popped.
    pub pop_enabled: bool,
    pub pop_on_answer: bool,
    popped: Vec<String>,
    ids: RequestIds,
    pending: Pending,
    /// Commands asked for before the proxy loaded; sent on load, never lost.
    outbox: Vec<(ToDesktop, requests::Origin)>,
    auto_attempts: u32,
    /// The current episode of channel losses: when the last one happened, how many in a row.
    lost_at: Option<f64>,
    lost_streak: u32,
    /// When a channel lost again and again is reopened.
    reopen_at: Option<f64>,
    wire: Wire,
}

impl Session {
    pub fn new(tenant: &str, page: &str, trust: Trust, seed: u32) -> Self {
        Session {
            tenant: tenant.to_string(),
            page: page.to_string(),
            trust,
            channel: Channel::Closed,
            agent: Agent::default(),
            item_input: String::new(),
            item_edited: false,
            notice: None,
            ignored: 0,
            forged: 0,
            neighbours: 0,
            replied: false,
            last_heard: None,
            commands: Vec::new(),
            wrap: None,
            wrap_fields: Vec::new(),
            require_disposition: false,
            dispositions: Vec::new(),
            free_disposition: true,
            offers: Vec::new(),
            require_resume: false,
            recordings: Vec::new(),
            rec_pending: None,
            rec_sent_at: None,
            reasons: Vec::new(),
            reason_choice: String::new(),
            status_pending: None,
            status_next: None,
            status_pressed_at: None,
            speed_dial: Vec::new(),
            handoff_armed: None,
            transfer: None,
            handoff_at: None,
            acw_limit: AcwLimit::default(),
            dial_input: String::new(),
            dial_rules: DialRules::default(),
            dial_service: String::new(),
            dial: None,
            dial_confirm: false,
            confirming: None,
            pop_enabled: false,
            pop_on_answer: false,
            popped: Vec::new(),
            ids: RequestIds::new(seed),
            pending: Pending::default(),
            outbox: Vec::new(),
            auto_attempts: 0,
            lost_at: None,
            lost_streak: 0,
            reopen_at: None,
            wire: Wire::Legacy,
        }
    }

    /// A session for a page that embeds Agent Desktop 2.0's Communicator Widget.
    pub fn new_widget(tenant: &str, page: &str, trust: Trust, seed: u32) -> Self {
        let mut s = Session::new(tenant, page, trust, seed);
        s.wire = Wire::Widget(Box::new(protocol2::Adapter::new(seed.rotate_left(16) ^ 0x5bd1_e995)));
        s
    }

    /// Whether the page's desktop is Agent Desktop 2.0's widget.
    pub fn is_widget(&self) -> bool {
        matches!(self.wire, Wire::Widget(_))
    }

    /// Called once after construction: opens the channel if the tenant is trusted.
    pub fn start(&mut self) -> Vec<Effect> {
        let mut fx = Vec::new();
        if self.trust == Trust::Trusted {
            self.open(&mut fx);
        }
        fx
    }

    /// When the glue must wake us next with [`Input::Tick`].
    pub fn next_deadline(&self) -> Option<f64> {
        let cmd = self
            .commands
            .iter()
            .map(|c| c.deadline)
            .chain(self.wrap.as_ref().and_then(WrapUp::deadline))
            .chain(self.reopen_at)
            .chain(self.dial.as_ref().map(|d| d.deadline))
            .chain(self.confirming.as_ref().map(|c| c.deadline))
            .chain(self.rec_pending.as_ref().map(|r| r.deadline))
            .chain(self.status_pending.as_ref().map(PendingStatus::wake_at))
            .chain(self.handoff_armed.as_ref().map(Armed::deadline))
            .chain(self.transfer.as_ref().map(PendingTransfer::deadline))
            .chain(self.acw_deadline())
            .reduce(f64::min);
        match (self.pending.earliest_deadline(), cmd) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Why a dial cannot be placed now, if it cannot.
    pub fn dial_block(&self) -> Option<DialBlock> {
        // Only on an open channel: a dial is never queued to go out later, unannounced.
        if self.trust != Trust::Trusted || !matches!(self.channel, Channel::Open { .. }) {
            Some(DialBlock::NotConnected)
        } else if self.agent.logged_in != Some(true) {
            Some(DialBlock::LoggedOut)
        } else if self.dial.is_some() {
            Some(DialBlock::Dialing)
        } else if self.agent.interactions.iter().any(|i| !i.ended)
            || matches!(self.agent.status.as_deref(), Some("busy" | "ringing"))
        {
            Some(DialBlock::OnCall)
        } else {
            None
        }
    }

    /// The call a transfer or conference acts on: the current item's, while it is on (not
    /// ringing: the desktop hands over a call it has, not one it is offered), on an open channel.
    pub fn handoff_item(&self) -> Option<&str> {
        let item = self.current_item();
        let open = self.trust == Trust::Trusted && matches!(self.channel, Channel::Open { .. });
        // The desktop transfers its active call, which it does not name: only when one call is
        // on is it sure to be the one the toolbar shows.
        let single = self.agent.interactions.iter().filter(|i| !i.ended).count() == 1;
        (open && single && self.call_live(item) && self.agent.status.as_deref() != Some("ringing")).then_some(item)
    }

    /// Whether a GET_STATE the agent asked for is awaiting its reply.
    pub fn get_state_busy(&self) -> bool {
        self.pending.any(requests::Origin::Agent)
            || self.outbox.iter().any(|(c, o)| matches!(c, ToDesktop::GetState { .. }) && *o == requests::Origin::Agent)
    }

    /// Whether a command of this kind for this item awaits confirmation.
    pub fn command_busy(&self, kind: CommandKind, item_id: &str) -> bool {
        self.commands.iter().any(|c| c.kind == kind && c.item_id == item_id)
            || self.outbox.iter().any(|(c, _)| command_kind(c) == Some(kind) && c.item_id() == Some(item_id))
    }

    /// The recording state of an item's call, as the desktop last reported it.
    pub fn recording_of(&self, item_id: &str) -> Option<&RecState> {
        self.recordings.iter().find(|r| r.item_id == item_id)
    }

    /// The item's call is on (known, and not ended): its recording can be paused.
    pub fn call_live(&self, item_id: &str) -> bool {
        !item_id.is_empty() && self.agent.find(item_id).is_some_and(|i| !i.ended)
    }

    /// The agent is handling a call (offered, connected or in after-call work): a status change
    /// waits until it is completed.
    pub fn on_call(&self) -> bool {
        !self.agent.interactions.is_empty() || self.agent.status.as_deref().is_some_and(status::on_call_status)
    }

    /// Whether the status buttons can act: an open channel to a logged-in agent, and no
    /// change on its way.
    pub fn status_ready_to_send(&self) -> bool {
        self.trust == Trust::Trusted && matches!(self.channel, Channel::Open { .. }) && self.agent.logged_in == Some(true) && self.status_pending.is_none()
    }

    /// The status the desktop reports already is what `wanted` asks for.
    pub fn status_is(&self, wanted: &Wanted) -> bool {
        self.agent.status.as_deref().is_some_and(|st| wanted.outcome(st, &self.agent.reason) == Outcome::Done)
    }

    /// What Not Ready asks for now: the reason chosen, else the first offered, else none.
    pub fn not_ready_wanted(&self) -> Wanted {
        let choice = if self.reasons.contains(&self.reason_choice) { self.reason_choice.as_str() } else { self.reasons.first().map_or("", String::as_str) };
        Wanted::not_ready(choice)
    }

    /// Wrap up and Complete wait for Resume: the setting is on and the current call's recording
    /// is paused, or may be (a pause or resume the desktop never confirmed). A call that is over
    /// has nothing left to resume.
    pub fn resume_needed(&self) -> bool {
        let item = self.current_item();
        self.require_resume && self.call_live(item) && self.recording_of(item).is_some_and(RecState::may_be_paused)
    }

    /// The call whose recording the toggle acts on and the head describes: the current item
    /// when its call is on, unless another live call is the one being recorded (a call offered
    /// while the agent talks becomes the current item, but its recording has not started: a
    /// pause must not go to it while the live call keeps recording).
    pub fn rec_target(&self) -> Option<&str> {
        let item = self.current_item();
        let recorded: Vec<&str> = self
            .recordings
            .iter()
            .filter(|r| r.recording == Some(true) && self.call_live(&r.item_id))
            .map(|r| r.item_id.as_str())
            .collect();
        let current_recorded = self.recording_of(item).is_some_and(|r| r.recording.is_some());
        match recorded.as_slice() {
            [only] if *only != item && !current_recorded => Some(only),
            _ if self.call_live(item) => Some(item),
            _ => None,
        }
    }

    /// The disposition and notes the agent typed for an item.
    /// A disposition is required and the current item has none yet.
    pub fn disposition_missing(&self) -> bool {
        let item = self.current_item();
        self.requires_disposition(item) && self.fields_of(item).disposition.trim().is_empty()
    }

    /// Complete for this item needs a disposition: the settings say so, or its service does.
    pub fn requires_disposition(&self, item_id: &str) -> bool {
        self.require_disposition || self.offer_of(item_id).is_some_and(|o| o.required == Some(true))
    }

    /// The dispositions this item may be completed with, as (name, value), and whether others
    /// may be typed: the desktop's own list when it gave one, else the settings'.
    pub fn dispositions_of(&self, item_id: &str) -> (&[(String, String)], bool) {
        match self.offer_of(item_id) {
            Some(o) if !o.list.is_empty() => (&o.list, false),
            _ => (&self.dispositions, self.free_disposition),
        }
    }

    fn offer_of(&self, item_id: &str) -> Option<&Offer> {
        self.offers.iter().find(|(id, _)| id == item_id).map(|(_, o)| o)
    }

    pub fn fields_of(&self, item_id: &str) -> WrapFields {
        self.wrap_fields.iter().find(|(id, _)| id == item_id).map(|(_, f)| f.clone()).unwrap_or_default()
    }

    fn fields_mut(&mut self, item_id: &str) -> &mut WrapFields {
        if let Some(at) = self.wrap_fields.iter().position(|(id, _)| id == item_id) {
            return &mut self.wrap_fields[at].1;
        }
        if self.wrap_fields.len() >= MAX_INTERACTIONS {
            self.wrap_fields.remove(0);
        }
        self.wrap_fields.push((item_id.to_string(), WrapFields::default()));
        let last = self.wrap_fields.len() - 1;
        &mut self.wrap_fields[last].1
    }

    /// The organisation's disposition the agent's text names (by name, whatever its case):
    /// (name, code), the code empty when the list gives none.
    pub fn listed_disposition(&self, item_id: &str, typed: &str) -> Option<&(String, String)> {
        let typed = typed.trim();
        self.dispositions_of(item_id).0.iter().find(|(name, _)| name.eq_ignore_ascii_case(typed))
    }

    /// The current item's disposition is not on the list, and only the list is allowed.
    pub fn disposition_unlisted(&self) -> bool {
        let item = self.current_item();
        let typed = self.fields_of(item).disposition;
        let (list, free) = self.dispositions_of(item);
        !list.is_empty() && !free && !typed.trim().is_empty() && self.listed_disposition(item, &typed).is_none()
    }

    /// Complete for an item, as the SDK would send it: with nothing given, plain Complete; a
    /// listed disposition with a code, or a typed one, goes with the notes in
    /// `COMPLETE_INTERACTION_WITH_DISPOSITION`; a listed disposition known by its name only is
    /// set by name (and the notes by `SET_NOTES`) before the plain Complete.
    fn complete_commands(&self, item_id: &str) -> Vec<ToDesktop> {
        let f = self.fields_of(item_id);
        let (item, notes) = (item_id.to_string(), f.notes.trim().to_string());
        let complete = ToDesktop::Complete { data: item.clone() };
        if f.is_empty() {
            return vec![complete];
        }
        match self.listed_disposition(item_id, &f.disposition) {
            Some((name, code)) if code.is_empty() => {
                let mut out = vec![ToDesktop::SetDispositionByName { item_id: item.clone(), name: name.clone() }];
                if !notes.is_empty() {
                    out.push(ToDesktop::SetNotes { item_id: item.clone(), notes });
                }
                out.push(complete);
                out
            }
            listed => vec![ToDesktop::CompleteWithDisposition {
                code: listed.map_or_else(|| f.disposition.trim().to_string(), |(_, code)| code.clone()),
                item_id: item,
                notes,
            }],
        }
    }

    /// Sends Terminate, or Complete with what goes before it.
    fn send_kind(&mut self, kind: CommandKind, item_id: &str, now: f64, fx: &mut Vec<Effect>) {
        let cmds = match kind {
            CommandKind::Terminate => vec![ToDesktop::Terminate { data: item_id.to_string() }],
            CommandKind::Complete => self.complete_commands(item_id),
        };
        for cmd in cmds {
            self.send(cmd, requests::Origin::Agent, now, fx);
        }
    }

    /// The item_id commands will act on (the field, trimmed).
    pub fn current_item(&self) -> &str {
        self.item_input.trim()
    }

    pub fn apply(&mut self, input: Input) -> Vec<Effect> {
        let mut fx = Vec::new();
        match input {
            Input::ProxyLoaded { now } => self.on_proxy_loaded(now, &mut fx),
            Input::ChannelLost { now } => self.on_channel_lost(now, &mut fx),
            Input::Message { text, now } => self.on_message(&text, now, &mut fx),
            Input::Ignored => self.ignored = self.ignored.saturating_add(1),
            Input::Forged => self.forged = self.forged.saturating_add(1),
            Input::Neighbour => self.neighbours = self.neighbours.saturating_add(1),
            Input::Counted { ignored, forged, neighbours } => {
                self.ignored = self.ignored.saturating_add(ignored);
                self.forged = self.forged.saturating_add(forged);
                self.neighbours = self.neighbours.saturating_add(neighbours);
            }
            Input::Click { button, now } => self.on_click(button, now, &mut fx),
            Input::Press { button, item_id, now } => {
                if item_id.trim() == self.current_item() {
                    self.on_click(button, now, &mut fx);
                } else {
                    self.notice = Some(Notice { kind: NoticeKind::Error, text: Msg::new("notice_press_stale") });
                }
            }
            Input::ItemEdited(text) => {
                self.item_input = text;
                self.item_edited = true;
            }
            Input::ItemPicked(id) => {
                self.item_input = id;
                self.item_edited = false;
            }
            Input::Copied(ok) => {
                let item = self.current_item().to_string();
                self.notice = Some(if ok {
                    Notice::new(NoticeKind::Success, "notice_copied", &item)
                } else {
                    Notice::new(NoticeKind::Error, "notice_copy_failed", "")
                });
            }
            Input::DispositionEdited(text) => {
                let item = self.current_item().to_string();
                if !item.is_empty() {
                    self.fields_mut(&item).disposition = text;
                }
            }
            Input::NotesEdited(text) => {
                let item = self.current_item().to_string();
                if !item.is_empty() {
                    self.fields_mut(&item).notes = text;
                }
            }
            Input::DialEdited(text) => {
                // A different number is a different decision.
                if self.confirming.as_ref().is_some_and(|c| c.text != text) {
                    self.confirming = None;
                }
                if self.handoff_armed.take_if(|a| a.text != text).is_some() {
                    self.drop_notice(&["notice_transfer_confirm", "notice_conference_confirm"]);
                }
                self.dial_input = text;
            }
            Input::Dial { text, now } => self.place_dial(&text, false, now, &mut fx),
            Input::ReasonPicked(reason) => {
                // A Not Ready waiting for the call to end takes the reason chosen since.
                if let Some(next) = self.status_next.as_mut().filter(|n| !n.ready) {
                    next.reason = reason.trim().to_string();
                }
                self.reason_choice = reason;
            }
            Input::StatusReasons(reasons) => self.reasons = reasons,
            Input::AcwLimit { limit_s, extend_s, default_disposition } => {
                self.acw_limit.configure(AcwLimit::new(limit_s, extend_s, &default_disposition));
            }
            Input::SpeedDial(list) => {
                // What a name stands for may have changed: a question asked with it goes.
                self.speed_dial = pairs(&list);
                self.handoff_armed = None;
            }
            Input::DialSettings { rules, service, confirm } => {
                self.dial_rules = rules;
                self.dial_service = service;
                self.dial_confirm = confirm;
                self.handoff_armed = None;
                if !confirm {
                    self.confirming = None;
                }
            }
            Input::PopSettings { enabled, on_answer } => {
                self.pop_enabled = enabled;
                self.pop_on_answer = on_answer;
            }
            Input::TrustChanged { trust, now } => self.on_trust_changed(trust, now, &mut fx),
            Input::RequireDisposition(on) => self.require_disposition = on,
            Input::Dispositions { list, free } => {
                self.dispositions = pairs(&list);
                // Without a list there is nothing else to give.
                self.free_disposition = free || self.dispositions.is_empty();
            }
            Input::RequireResume(on) => self.require_resume = on,
            Input::Tick { now } => self.on_tick(now, &mut fx),
        }
        fx
    }

    fn open(&mut self, fx: &mut Vec<Effect>) {
        if self.channel == Channel::Closed {
            self.reopen_at = None;
            self.channel = Channel::Opening;
            // A new proxy greets us afresh; nothing asked of the last one will be answered.
            if let Wire::Widget(a) = &mut self.wire {
                a.reset();
            }
            fx.push(Effect::OpenChannel);
        }
    }

    /// Our proxy iframe is gone. The first loss of an episode reopens at once and is logged; a
    /// channel lost again and again (something on the page keeps removing it) reopens after 1,
    /// 2, 4… up to 30 s and is not logged again. Commands already sent keep waiting for their
    /// confirmation and are never sent again; the new proxy's load asks for the state afresh.
    fn on_channel_lost(&mut self, now: f64, fx: &mut Vec<Effect>) {
        if self.trust != Trust::Trusted || self.channel == Channel::Closed {
            return;
        }
        self.channel = Channel::Closed;
        // A Get State the agent is waiting for is asked again on the new channel (it changes
        // nothing on the desktop); commands already sent are never sent again.
        if self.pending.any(requests::Origin::Agent) {
            let id = self.ids.next_id();
            self.outbox.push((ToDesktop::GetState { request_id: id }, requests::Origin::Agent));
        }
        self.pending.clear();
        // Whatever is left of the old proxy goes now; a new one comes with the reopen.
        fx.push(Effect::CloseChannel);
        if self.disruption(now) {
            fx.push(self.log_entry(now, "Channel", "", "proxy removed, reopening", None));
        }
        match self.lost_streak {
            1 => self.open(fx),
            n => self.reopen_at = Some(now + (1_000.0 * f64::from(1u32 << (n - 2).min(5))).min(REOPEN_MAX_MS)),
        }
    }

    /// Whether a loss or unasked reload of our proxy happened recently enough that this one
    /// belongs to the same episode.
    fn in_episode(&self, now: f64) -> bool {
        self.lost_at.is_some_and(|at| now - at <= CHANNEL_EPISODE_MS)
    }

    /// Counts a loss or an unasked reload of our proxy in the current episode; true when it
    /// starts a new one (the only one logged).
    fn disruption(&mut self, now: f64) -> bool {
        let new = !self.in_episode(now);
        if new {
            self.lost_streak = 0;
        }
        self.lost_at = Some(now);
        self.lost_streak = self.lost_streak.saturating_add(1);
        new
    }

    fn on_trust_changed(&mut self, trust: Trust, now: f64, fx: &mut Vec<Effect>) {
        if trust == self.trust {
            return;
        }
        let was = std::mem::replace(&mut self.trust, trust);
        if trust == Trust::Trusted {
            self.open(fx);
        } else if was == Trust::Trusted {
            // Trust withdrawn: stop talking to the tenant at once and forget what it said (also
            // while the channel waits to be reopened: nothing may go out when it comes back).
            if self.channel != Channel::Closed {
                fx.push(Effect::CloseChannel);
            }
            self.channel = Channel::Closed;
            self.reopen_at = None;
            self.wrap_event(WrapEvent::Aborted, now, fx);
            self.pending.clear();
            self.outbox.clear();
            self.commands.clear();
            self.rec_pending = None;
            self.recordings.clear();
            self.status_pending = None;
            self.status_next = None;
            self.transfer = None;
            self.handoff_armed = None;
            self.agent = Agent::default();
            self.replied = false;
            self.notice = None;
            fx.push(self.log_entry(now, "Trust removed", "", "channel closed", None));
        }
    }

    fn on_proxy_loaded(&mut self, now: f64, fx: &mut Vec<Effect>) {
        if self.trust != Trust::Trusted {
            return;
        }
        let reload = matches!(self.channel, Channel::Open { .. });
        if reload {
            // A reload we did not ask for: the tenant's page may reload itself once; more in one
            // episode means something keeps navigating our proxy, so it is dropped and reopened
            // with the channel's backoff, and not logged again.
            if self.in_episode(now) {
                self.on_channel_lost(now, fx);
                return;
            }
            self.disruption(now);
            fx.push(self.log_entry(now, "Channel", "", "proxy reloaded", None));
        } else if self.lost_streak <= 1 || !self.in_episode(now) {
            // Within an episode of losses only the first reopening is logged: a page that keeps
            // removing our proxy must not wipe the log with "open" entries.
            fx.push(self.log_entry(now, "Channel", "", "open", None));
        }
        self.channel = Channel::Open { since: now };
        self.replied = false;
        self.auto_attempts = 0;
        for (cmd, origin) in std::mem::take(&mut self.outbox) {
            self.send(cmd, origin, now, fx);
        }
        if !self.pending.any(requests::Origin::Agent) {
            self.auto_get_state(now, fx);
        }
    }

    fn auto_get_state(&mut self, now: f64, fx: &mut Vec<Effect>) {
        if self.pending.is_empty() {
            self.auto_attempts += 1;
            let id = self.ids.next_id();
            self.send(ToDesktop::GetState { request_id: id }, requests::Origin::Auto, now, fx);
        }
    }

    /// Sends now if the channel is open, else queues until the proxy loads.
    fn send(&mut self, cmd: ToDesktop, origin: requests::Origin, now: f64, fx: &mut Vec<Effect>) {
        if !matches!(self.channel, Channel::Open { .. }) {
            self.outbox.push((cmd, origin));
            return;
        }
        match &cmd {
            ToDesktop::GetState { request_id } => self.pending.insert(PendingRequest {
                id: request_id.clone(),
                origin,
                sent_at: now,
                deadline: now + REPLY_TIMEOUT_MS,
            }),
            _ => {
                if let (Some(kind), Some(item)) = (command_kind(&cmd), cmd.item_id()) {
                    self.commands.push(PendingCommand {
                        kind,
                        item_id: item.to_string(),
                        sent_at: now,
                        deadline: now + CONFIRM_TIMEOUT_MS,
                    });
                    let result = if matches!(cmd, ToDesktop::CompleteWithDisposition { .. }) || !self.fields_of(item).is_empty() { "sent with disposition/notes" } else { "sent" };
                    fx.push(self.log_entry(now, kind.label(), item, result, None));
                }
            }
        }
        match &mut self.wire {
            Wire::Legacy => fx.push(Effect::Post(cmd.to_wire())),
            Wire::Widget(a) => fx.extend(a.encode(&cmd).into_iter().map(Effect::Post)),
        }
    }

    fn on_click(&mut self, button: Button, now: f64, fx: &mut Vec<Effect>) {
        if button == Button::Trust {
            // Trust is given in the extension's own window, never by the page's toolbar: a click
            // here only asks for that window.
            if self.trust == Trust::Askable {
                fx.push(Effect::AskTrust(self.tenant.clone()));
                fx.push(self.log_entry(now, "Trust", "", "confirmation asked", None));
                self.notice = Some(Notice::new(NoticeKind::Info, "notice_trust_confirm", &self.tenant));
            }
            return;
        }
        if self.trust != Trust::Trusted {
            return;
        }
        match button {
            Button::GetState => {
                if self.get_state_busy() {
                    return;
                }
                // An automatic request in flight is superseded: the agent wants an answer now.
                let id = self.ids.next_id();
                self.notice = Some(Notice::new(NoticeKind::Info, "notice_asking", ""));
                self.send(ToDesktop::GetState { request_id: id }, requests::Origin::Agent, now, fx);
            }
            Button::WrapUp | Button::Complete if self.disposition_missing() => {
                // The button is disabled too; this catches the keyboard shortcut.
                if !self.current_item().is_empty() {
                    self.notice = Some(Notice::new(NoticeKind::Error, "hint_disposition_required", ""));
                }
            }
            Button::WrapUp | Button::Complete if self.disposition_unlisted() => {
                self.notice = Some(Notice::new(NoticeKind::Error, "hint_disposition_unlisted", ""));
            }
            Button::WrapUp | Button::Complete if self.resume_needed() => {
                self.notice = Some(Notice::new(NoticeKind::Error, "hint_resume_required", ""));
            }
            Button::Recording => self.toggle_recording(now, fx),
            Button::Ready => self.press_status(Wanted::ready(), now, fx),
            Button::NotReady => {
                let wanted = self.not_ready_wanted();
                self.press_status(wanted, now, fx);
            }
            Button::WrapUp => self.start_wrap(now, fx),
            Button::Transfer => self.press_handoff(HandOff::Transfer, now, fx),
            Button::Conference => self.press_handoff(HandOff::Conference, now, fx),
            Button::ExtendAcw => {
                let item = self.acw_item();
                if self.acw_limit.extend(self.agent.acw_since, item.as_deref()) {
                    let secs = (self.acw_limit.extend_ms / 1_000.0) as u32;
                    fx.push(self.log_entry(now, "ACW limit", item.as_deref().unwrap_or(""), &format!("extended by {secs} s"), None));
                    self.notice = Some(Notice::new(NoticeKind::Info, "notice_acw_extended", &secs.to_string()));
                }
            }
            Button::Call => {
                let text = self.dial_input.clone();
                self.place_dial(&text, true, now, fx);
            }
            Button::Terminate | Button::Complete => {
                let item = self.current_item().to_string();
                let kind = if button == Button::Terminate { CommandKind::Terminate } else { CommandKind::Complete };
                if item.is_empty() || self.command_busy(kind, &item) || self.wrap.is_some() {
                    return;
                }
                if kind == CommandKind::Complete {
                    self.acw_limit.stand_down(self.agent.acw_since, &item);
                }
                let key = if kind == CommandKind::Terminate { "notice_terminating" } else { "notice_completing" };
                self.notice = Some(Notice::new(NoticeKind::Info, key, &item));
                self.send_kind(kind, &item, now, fx);
            }
            Button::Trust => {}
        }
    }

    /// Ready or Not Ready pressed. Off a call it is sent at once (unless the desktop reports
    /// that status already); on a call, Not Ready is kept for when the call is completed (the
    /// desktop makes the agent Ready then), and pressed again it is dropped; Ready on a call
    /// drops it too. One request at a time; a double click does one thing.
    fn press_status(&mut self, wanted: Wanted, now: f64, fx: &mut Vec<Effect>) {
        // The second click of a double click on the same button (Ready is `true`).
        let too_soon = self.status_pressed_at.is_some_and(|(ready, at)| ready == wanted.ready && now - at < STATUS_GUARD);
        if too_soon || !self.status_ready_to_send() {
            return;
        }
        if self.on_call() {
            let armed = self.status_next.take();
            let label = armed.as_ref().unwrap_or(&wanted).label();
            self.status_pressed_at = Some((wanted.ready, now));
            if armed.is_some() {
                self.notice = Some(Notice::new(NoticeKind::Info, "notice_status_next_dropped", ""));
                fx.push(self.log_entry(now, &label, "", "after this call: cancelled", None));
            } else if !wanted.ready {
                self.notice = Some(reason_notice(NoticeKind::Info, "notice_status_next", "notice_status_next_plain", &wanted.reason));
                fx.push(self.log_entry(now, &label, "", "after this call", None));
                self.status_next = Some(wanted);
            }
            return;
        }
        if self.status_is(&wanted) {
            return;
        }
        self.status_pressed_at = Some((wanted.ready, now));
        self.send_status(wanted, now, fx);
    }

    /// Transfer or Conference pressed: the first press (for this number, this call) asks for
    /// the confirmation, the second sends. A number the dial rules refuse says why; one transfer
    /// at a time; a double click does one thing.
    fn press_handoff(&mut self, kind: HandOff, now: f64, fx: &mut Vec<Effect>) {
        let Some(item) = self.handoff_item().map(str::to_string) else { return };
        if self.transfer.is_some() || self.handoff_at.is_some_and(|at| now - at < transfer::GUARD_MS) {
            return;
        }
        let text = self.dial_input.clone();
        let target = match transfer::resolve(&text, &self.speed_dial, &self.dial_rules) {
            Ok(t) => t,
            Err((key, shown)) => {
                self.handoff_armed = None;
                self.notice = Some(Notice::new(NoticeKind::Error, key, &shown));
                return;
            }
        };
        match &self.handoff_armed {
            Some(a) if a.confirmed_by(kind, &text, &item, now) && a.target == target => {}
            // The second click of the double click that armed it.
            Some(a) if a.kind == kind && a.text == text && a.item_id == item && now < a.deadline() => return,
            _ => {
                self.handoff_armed = Some(Armed { kind, text, item_id: item, target: target.clone(), at: now });
                let key = if kind == HandOff::Transfer { "notice_transfer_confirm" } else { "notice_conference_confirm" };
                self.notice = Some(Notice::new(NoticeKind::Info, key, &target.shown));
                return;
            }
        }
        self.handoff_armed = None;
        self.handoff_at = Some(now);
        let number = target.digits.clone();
        let action = kind.action(&target.shown);
        if kind == HandOff::Transfer {
            fx.push(self.log_entry(now, &action, &item, "sent", None));
            self.notice = Some(Notice::new(NoticeKind::Info, "notice_transferring", &target.shown));
            self.transfer = Some(PendingTransfer { item_id: item, target, sent_at: now });
            self.send(ToDesktop::Transfer { number }, requests::Origin::Agent, now, fx);
        } else {
            fx.push(self.log_entry(now, &action, &item, "sent (not reported by the desktop)", None));
            self.notice = Some(Notice::new(NoticeKind::Info, "notice_conference_sent", &target.shown));
            self.send(ToDesktop::Conference { number }, requests::Origin::Agent, now, fx);
        }
    }

    /// The call of `item_id` left the agent: the transfer on its way for it went through.
    fn transfer_done(&mut self, item_id: &str, now: f64, fx: &mut Vec<Effect>) {
        if let Some(t) = self.transfer.take_if(|t| t.item_id == item_id) {
            let latency = Some((now - t.sent_at).max(0.0) as u32);
            fx.push(self.log_entry(now, &HandOff::Transfer.action(&t.target.shown), item_id, "confirmed: call transferred", latency));
            self.notice = Some(Notice::new(NoticeKind::Success, "notice_transferred", &t.target.shown));
        }
    }

    /// When the after-call-work limit completes the interaction it counts for.
    pub fn acw_deadline(&self) -> Option<f64> {
        self.acw_limit.deadline(self.agent.acw_since, self.acw_item().as_deref())
    }

    /// The interaction the after-call-work limit completes: the current item when its call is
    /// over, else the only interaction whose call is.
    pub fn acw_item(&self) -> Option<String> {
        let item = self.current_item();
        let ended = |i: &Interaction| i.ended || (self.agent.in_acw() && self.agent.interactions.len() == 1);
        if self.agent.find(item).is_some_and(ended) {
            return Some(item.to_string());
        }
        match self.agent.interactions.iter().filter(|i| ended(i)).collect::<Vec<_>>().as_slice() {
            [only] => Some(only.info.item_id.clone()),
            _ => None,
        }
    }

    /// The after-call-work limit is reached: Complete, with the disposition typed if it may be
    /// sent, else the default one, and the notes so far. Nothing when the agent is completing
    /// already; nothing without a disposition where one is required (said on the toolbar).
    fn acw_limit_reached(&mut self, now: f64, fx: &mut Vec<Effect>) {
        let Some(item) = self.acw_item() else {
            fx.push(self.log_entry(now, "ACW limit", "", "reached: nothing to complete", None));
            return;
        };
        if self.command_busy(CommandKind::Complete, &item) || self.wrap.as_ref().is_some_and(|w| w.item_id == item) {
            fx.push(self.log_entry(now, "ACW limit", &item, "reached: already completing", None));
            return;
        }
        // The agent's disposition if it may be sent, else the default one if it may (the list's
        // rule holds for it too), else none; what the agent typed stays until something is sent.
        let usable = |d: &str| !d.trim().is_empty() && (self.dispositions_of(&item).1 || self.listed_disposition(&item, d).is_some());
        let typed = self.fields_of(&item).disposition;
        let default = self.acw_limit.default_disposition.clone();
        let chosen = if usable(&typed) { typed } else if usable(&default) { default } else { String::new() };
        if self.requires_disposition(&item) && chosen.is_empty() {
            fx.push(self.log_entry(now, "ACW limit", &item, "reached: no disposition to complete with", None));
            self.notice = Some(Notice::new(NoticeKind::Error, "notice_acw_limit_no_disposition", ""));
            return;
        }
        self.fields_mut(&item).disposition = chosen;
        fx.push(self.log_entry(now, "ACW limit", &item, "reached: completing", None));
        self.notice = Some(Notice::new(NoticeKind::Info, "notice_acw_limit_completing", &item));
        self.send_kind(CommandKind::Complete, &item, now, fx);
    }

    /// Clears the notice if it is one of these (a question that no longer stands).
    fn drop_notice(&mut self, keys: &[&str]) {
        if self.notice.as_ref().is_some_and(|n| keys.contains(&n.text.key)) {
            self.notice = None;
        }
    }

    fn send_status(&mut self, wanted: Wanted, now: f64, fx: &mut Vec<Effect>) {
        fx.push(self.log_entry(now, &wanted.label(), "", "sent", None));
        self.notice = Some(if wanted.ready {
            Notice::new(NoticeKind::Info, "notice_status_ready_sent", "")
        } else {
            reason_notice(NoticeKind::Info, "notice_status_not_ready_sent", "notice_status_not_ready_sent_plain", &wanted.reason)
        });
        let cmd = wanted.command();
        self.status_pending = Some(PendingStatus::new(wanted, now));
        self.send(cmd, requests::Origin::Agent, now, fx);
    }

    /// The desktop reported the agent's status (an event, or a state it was asked for): what
    /// it means for the change on its way, and for a Not Ready kept until the call is over.
    fn status_reported(&mut self, now: f64, fx: &mut Vec<Effect>) {
        let (status, reason) = (self.agent.status.clone().unwrap_or_default(), self.agent.reason.clone());
        if let Some(p) = self.status_pending.take() {
            let latency = Some((now - p.sent_at).max(0.0) as u32);
            match p.wanted.outcome(&status, &reason) {
                Outcome::Done => {
                    fx.push(self.log_entry(now, &p.wanted.label(), "", "confirmed", latency));
                    self.notice = Some(if p.wanted.ready {
                        Notice::new(NoticeKind::Success, "notice_status_ready", "")
                    } else {
                        reason_notice(NoticeKind::Success, "notice_status_not_ready", "notice_status_not_ready_plain", &reason)
                    });
                }
                Outcome::OtherReason => {
                    // The desktop's default reason only repeats the status: no reason at all.
                    let (result, text) = if reason.trim().is_empty() || reason.trim().eq_ignore_ascii_case("not ready") {
                        ("desktop set no reason".to_string(), Msg::with("notice_status_no_reason", &[&p.wanted.reason]))
                    } else {
                        (format!("desktop set reason {reason}"), Msg::with("notice_status_other_reason", &[&reason, &p.wanted.reason]))
                    };
                    fx.push(self.log_entry(now, &p.wanted.label(), "", &result, latency));
                    self.notice = Some(Notice { kind: NoticeKind::Error, text });
                }
                Outcome::NotYet => self.status_pending = Some(p),
            }
        }
        // The call is completed: the Not Ready the agent asked for during it goes now (unless
        // the desktop applied it by itself).
        if self.status_pending.is_none() && !self.on_call() && self.agent.logged_in == Some(true) {
            if let Some(next) = self.status_next.take() {
                if !self.status_is(&next) {
                    self.send_status(next, now, fx);
                }
            }
        }
    }

    /// Pauses the current call's recording, or resumes it when the desktop said it is paused.
    /// Only on an open channel (a pause sent later is a pause that came too late), one at a
    /// time (a double click sends one), and counted as done only when the desktop says so.
    fn toggle_recording(&mut self, now: f64, fx: &mut Vec<Effect>) {
        let Some(item) = self.rec_target().map(str::to_string) else { return };
        let unrecorded = self.recording_of(&item).is_some_and(|r| r.recording == Some(false));
        let too_soon = self.rec_sent_at.is_some_and(|at| now - at < RECORDING_GUARD_MS);
        if !self.call_live(&item) || unrecorded || too_soon || self.rec_pending.is_some() || !matches!(self.channel, Channel::Open { .. }) {
            return;
        }
        self.rec_sent_at = Some(now);
        let mute = self.recording_of(&item).is_none_or(|r| !r.paused());
        let pending = PendingRecording { item_id: item.clone(), mute, sent_at: now, deadline: now + RECORDING_CONFIRM_MS };
        fx.push(self.log_entry(now, pending.action(), &item, "sent", None));
        self.rec_pending = Some(pending);
        self.notice = Some(Notice::new(NoticeKind::Info, if mute { "notice_rec_pausing" } else { "notice_rec_resuming" }, ""));
        let cmd = if mute { ToDesktop::MuteRecording { item_id: item } } else { ToDesktop::UnmuteRecording { item_id: item } };
        self.send(cmd, requests::Origin::Agent, now, fx);
    }

    /// The state of a call's recording, kept for the few most recent calls.
    fn rec_mut(&mut self, item_id: &str) -> &mut RecState {
        match self.recordings.iter().position(|r| r.item_id == item_id) {
            Some(at) => &mut self.recordings[at],
            None => {
                if self.recordings.len() >= MAX_RECORDINGS {
                    // The oldest of the calls that are over; a live call's state is kept.
                    let gone = self.recordings.iter().position(|r| !self.call_live(&r.item_id)).unwrap_or(0);
                    self.recordings.remove(gone);
                }
                self.recordings.push(RecState { item_id: item_id.to_string(), ..RecState::default() });
                let last = self.recordings.len() - 1;
                &mut self.recordings[last]
            }
        }
    }

    /// A `call_recording_status`: the call's recording state, and the pause or resume it
    /// confirms.
    fn on_recording(&mut self, item: &str, recording: Option<bool>, muted: Option<bool>, now: f64, fx: &mut Vec<Effect>) {
        let r = self.rec_mut(item);
        if recording.is_some() {
            r.recording = recording;
        }
        if muted.is_some() || recording == Some(false) {
            r.muted = muted.or(r.muted);
            // The desktop's word ends any doubt (a call not recorded has nothing paused).
            r.doubt = None;
        }
        let Some(p) = self.rec_pending.take_if(|p| p.item_id == item && (muted == Some(p.mute) || recording == Some(false))) else { return };
        let latency = Some((now - p.sent_at).max(0.0) as u32);
        let (result, key) = match (recording, p.mute) {
            (Some(false), _) => ("not recording", "notice_rec_none"),
            (_, true) => ("confirmed: paused", "notice_rec_paused"),
            (_, false) => ("confirmed: resumed", "notice_rec_resumed"),
        };
        self.notice = Some(Notice::new(NoticeKind::Success, key, ""));
        fx.push(self.log_entry(now, p.action(), item, result, latency));
    }

    fn on_tick(&mut self, now: f64, fx: &mut Vec<Effect>) {
        if self.trust == Trust::Trusted && self.reopen_at.is_some_and(|at| at <= now) {
            self.open(fx);
        }
        let mut retry = false;
        for req in self.pending.expire(now) {
            let latency = Some((now - req.sent_at).max(0.0) as u32);
            match req.origin {
                requests::Origin::Agent => {
                    self.notice = Some(Notice::new(NoticeKind::Error, "notice_no_reply", ""));
                    fx.push(self.log_entry(now, "Get State", "", "no reply in 3 s", latency));
                }
                requests::Origin::Auto => {
                    fx.push(self.log_entry(now, "Get State (auto)", "", "no reply in 3 s", latency));
                    // Once the desktop has answered, a silent poll is not a connection problem:
                    // whatever asked (a wrap-up) reports its own outcome.
                    if self.replied {
                        continue;
                    }
                    if self.auto_attempts < MAX_AUTO_ATTEMPTS {
                        retry = true;
                    }
                    self.notice = Some(Notice::new(NoticeKind::Waiting, if retry { "notice_waiting" } else { "notice_not_answering" }, ""));
                }
            }
        }
        let (expired, keep): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.commands).into_iter().partition(|c| c.deadline <= now);
        self.commands = keep;
        for c in expired {
            let key = match c.kind {
                CommandKind::Terminate => "notice_unconfirmed_terminate",
                CommandKind::Complete => "notice_unconfirmed_complete",
            };
            self.notice = Some(Notice::new(NoticeKind::Error, key, &c.item_id));
            let latency = Some((now - c.sent_at).max(0.0) as u32);
            fx.push(self.log_entry(now, c.kind.label(), &c.item_id, "not confirmed in 5 s", latency));
            if self.wrap.as_ref().is_some_and(|w| w.item_id == c.item_id) {
                self.wrap_event(WrapEvent::TimedOut(c.kind), now, fx);
            }
        }
        if let Some(action) = self.wrap.as_mut().and_then(|w| w.tick(now)) {
            self.wrap_act(action, now, fx);
        }
        if self.confirming.take_if(|c| c.deadline <= now).is_some() {
            self.drop_notice(&["notice_dial_confirm"]);
        }
        if self.handoff_armed.take_if(|a| a.deadline() <= now).is_some() {
            self.drop_notice(&["notice_transfer_confirm", "notice_conference_confirm"]);
        }
        if let Some(t) = self.transfer.take_if(|t| t.deadline() <= now) {
            let latency = Some((now - t.sent_at).max(0.0) as u32);
            fx.push(self.log_entry(now, &HandOff::Transfer.action(&t.target.shown), &t.item_id, "not confirmed in 10 s", latency));
            self.notice = Some(Notice::new(NoticeKind::Error, "notice_transfer_unconfirmed", &t.target.shown));
            // What the desktop did is unknown: its state shows whether the call is still here.
            self.auto_get_state(now, fx);
        }
        // A pause or resume for a call that is over meanwhile: nothing left to say about it.
        if self.rec_pending.as_ref().is_some_and(|p| !self.call_live(&p.item_id)) {
            self.rec_pending = None;
        }
        if let Some(p) = self.rec_pending.take_if(|p| p.deadline <= now) {
            let latency = Some((now - p.sent_at).max(0.0) as u32);
            fx.push(self.log_entry(now, p.action(), &p.item_id, "not confirmed in 5 s", latency));
            let key = if p.mute { "notice_rec_unconfirmed_pause" } else { "notice_rec_unconfirmed_resume" };
            self.notice = Some(Notice::new(NoticeKind::Error, key, ""));
            self.rec_mut(&p.item_id).doubt = Some(p.mute);
            // Ask: a desktop that acted without saying so answers with the call's state.
            self.send(ToDesktop::RecordingStatus { item_id: p.item_id }, requests::Origin::Auto, now, fx);
        }
        if let Some(p) = self.status_pending.take_if(|p| p.deadline <= now) {
            let latency = Some((now - p.sent_at).max(0.0) as u32);
            fx.push(self.log_entry(now, &p.wanted.label(), "", "not confirmed in 5 s", latency));
            self.notice = Some(if p.wanted.ready {
                Notice::new(NoticeKind::Error, "notice_status_unconfirmed_ready", "")
            } else {
                reason_notice(NoticeKind::Error, "notice_status_unconfirmed_not_ready", "notice_status_unconfirmed_not_ready_plain", &p.wanted.reason)
            });
        } else if let Some(p) = self.status_pending.as_mut().filter(|p| p.poll_at.is_some_and(|at| at <= now)) {
            p.poll_at = None;
            if self.pending.is_empty() {
                let id = self.ids.next_id();
                self.send(ToDesktop::GetState { request_id: id }, requests::Origin::Auto, now, fx);
            }
        }
        // Only on an open channel to a desktop that has answered: a Complete queued for later
        // would go out on a state nobody has seen since.
        let live = self.trust == Trust::Trusted && matches!(self.channel, Channel::Open { .. }) && self.replied;
        if live && self.acw_limit.reached(self.agent.acw_since, self.acw_item().as_deref(), now) {
            self.acw_limit_reached(now, fx);
        }
        if let Some(d) = self.dial.take_if(|d| d.deadline <= now) {
            let latency = Some((now - d.sent_at).max(0.0) as u32);
            fx.push(self.log_entry(now, &format!("Dial {}", d.number), "", "no call started in 10 s", latency));
            self.notice = Some(Notice::new(NoticeKind::Error, "notice_dial_unconfirmed", &d.number));
            // What the desktop did is unknown: ask, so that a call it did start blocks the next.
            self.auto_get_state(now, fx);
        }
        if retry {
            self.auto_get_state(now, fx);
        }
    }

    /// Dials `text` under the dial rules: SELECT_SERVICE first when an outbound service is set,
    /// then DIAL_NUMBER. Refused, with the reason, while logged out, on a call or dialling (a
    /// double click dials once); a text that is not a number says why.
    fn place_dial(&mut self, text: &str, by_call: bool, now: f64, fx: &mut Vec<Effect>) {
        if let Some(block) = self.dial_block() {
            if block != DialBlock::Dialing && block != DialBlock::NotConnected {
                self.notice = Some(Notice::new(NoticeKind::Error, block.key(), ""));
            }
            return;
        }
        // A speed-dial name dials its number.
        let typed = text.trim();
        let number_text = self.speed_dial.iter().find(|(name, _)| name.eq_ignore_ascii_case(typed)).map_or(typed, |(_, n)| n.as_str()).to_string();
        let dial = match phone::normalise(&number_text, &self.dial_rules) {
            Ok(d) => d,
            Err(e) => {
                let shown: String = text.trim().chars().take(40).collect();
                self.notice = Some(Notice::new(NoticeKind::Error, e.key(), &shown));
                return;
            }
        };
        let number = dial.e164.clone().unwrap_or_else(|| dial.digits.clone());
        // The confirmation step: a dial asked for puts the number in the field and asks; only a
        // press of the toolbar's Call confirms it (not the page's control again, not the second
        // click of the double click that asked).
        if self.dial_confirm {
            match &self.confirming {
                Some(c) if by_call && c.text == text && now - c.armed_at >= DIAL_CONFIRM_GUARD_MS => self.confirming = None,
                Some(c) if c.text == text && (by_call || !c.by_call) => return,
                _ => {
                    self.confirming = Some(PendingConfirm { text: text.to_string(), armed_at: now, deadline: now + DIAL_CONFIRM_MS, by_call });
                    self.dial_input = text.to_string();
                    self.notice = Some(Notice::new(NoticeKind::Info, "notice_dial_confirm", &number));
                    return;
                }
            }
        }
        if !self.dial_service.is_empty() {
            let service = self.dial_service.clone();
            fx.push(self.log_entry(now, "Select service", "", &service, None));
            self.send(ToDesktop::SelectService { data: service }, requests::Origin::Agent, now, fx);
        }
        self.send(ToDesktop::Dial { number: dial.digits.clone() }, requests::Origin::Agent, now, fx);
        fx.push(self.log_entry(now, &format!("Dial {number}"), "", "sent", None));
        self.dial = Some(PendingDial {
            number: number.clone(),
            digits: dial.digits.clone(),
            extension: dial.extension.clone(),
            sent_at: now,
            deadline: now + DIAL_TIMEOUT_MS,
        });
        self.notice = Some(match &dial.extension {
            Some(ext) => Notice { kind: NoticeKind::Info, text: Msg::with("notice_dialing_ext", &[&number, ext]) },
            None => Notice::new(NoticeKind::Info, "notice_dialing", &number),
        });
    }

    /// Asks for the screen pop of `item_id` once, when screen pops are set up.
    fn screen_pop(&mut self, item_id: &str, fx: &mut Vec<Effect>) {
        if !self.pop_enabled || self.popped.iter().any(|p| p == item_id) {
            return;
        }
        let Some(i) = self.agent.find(item_id) else { return };
        if self.popped.len() >= MAX_INTERACTIONS {
            self.popped.remove(0);
        }
        self.popped.push(item_id.to_string());
        fx.push(Effect::ScreenPop { item_id: item_id.to_string(), fields: i.info.fields() });
    }

    /// The desktop started the call we dialled (its event says so).
    fn dial_started(&mut self, how: &str, now: f64, fx: &mut Vec<Effect>) {
        if let Some(d) = self.dial.take() {
            let latency = Some((now - d.sent_at).max(0.0) as u32);
            fx.push(self.log_entry(now, &format!("Dial {}", d.number), "", how, latency));
            self.notice = Some(match &d.extension {
                Some(ext) => Notice { kind: NoticeKind::Success, text: Msg::with("notice_dialed_ext", &[&d.number, ext]) },
                None => Notice::new(NoticeKind::Success, "notice_dialed", &d.number),
            });
        }
    }

    fn start_wrap(&mut self, now: f64, fx: &mut Vec<Effect>) {
        let item = self.current_item().to_string();
        if item.is_empty() || self.wrap.is_some() {
            return;
        }
        let over = self.agent.find(&item).is_some_and(|i| i.ended);
        self.acw_limit.stand_down(self.agent.acw_since, &item);
        let (wrap, first) = WrapUp::start(&item, over, now);
        self.wrap = Some(wrap);
        fx.push(self.log_entry(now, "Wrap up", &item, "started", None));
        self.notice = Some(Notice::new(NoticeKind::Info, if over { "notice_wrap_completing" } else { "notice_wrap_terminating" }, &item));
        // A command of the same kind already on its way is not sent again.
        if !self.command_busy(first, &item) {
            self.send_kind(first, &item, now, fx);
        }
    }

    fn wrap_event(&mut self, event: WrapEvent, now: f64, fx: &mut Vec<Effect>) {
        if let Some(action) = self.wrap.as_mut().and_then(|w| w.on(event, now)) {
            self.wrap_act(action, now, fx);
        }
    }

    fn wrap_act(&mut self, action: WrapAction, now: f64, fx: &mut Vec<Effect>) {
        let Some(w) = self.wrap.clone() else { return };
        let item = w.item_id.clone();
        match action {
            WrapAction::SendComplete => {
                self.notice = Some(Notice::new(NoticeKind::Info, "notice_wrap_acw", &item));
                if !self.command_busy(CommandKind::Complete, &item) {
                    self.send_kind(CommandKind::Complete, &item, now, fx);
                }
            }
            WrapAction::Poll => {
                if self.pending.is_empty() {
                    let id = self.ids.next_id();
                    self.send(ToDesktop::GetState { request_id: id }, requests::Origin::Auto, now, fx);
                }
            }
            WrapAction::Finished => {
                self.wrap = None;
                let latency = Some((now - w.started_at).max(0.0) as u32);
                self.notice = Some(Notice::new(NoticeKind::Success, "notice_wrapped", &item));
                fx.push(self.log_entry(now, "Wrap up", &item, "done", latency));
            }
            WrapAction::Failed(phase) => {
                self.wrap = None;
                let latency = Some((now - w.started_at).max(0.0) as u32);
                let (key, result) = match phase {
                    Phase::Terminating => ("notice_wrap_failed_acw", "stopped: no after-call work"),
                    Phase::Completing => ("notice_wrap_failed_complete", "stopped: not completed"),
                };
                self.notice = Some(Notice::new(NoticeKind::Error, key, &item));
                fx.push(self.log_entry(now, "Wrap up", &item, result, latency));
            }
        }
    }

    fn on_message(&mut self, text: &str, now: f64, fx: &mut Vec<Effect>) {
        let decoded = match &mut self.wire {
            Wire::Legacy => FromDesktop::parse(text).map(|m| Decoded { events: vec![m], ..Decoded::default() }),
            Wire::Widget(a) => a.decode(text),
        };
        let Ok(decoded) = decoded else {
            self.ignored = self.ignored.saturating_add(1);
            return;
        };
        // The page's own adapter's traffic with the same widget: legitimate, not ours.
        if decoded.neighbour {
            self.neighbours = self.neighbours.saturating_add(1);
            return;
        }
        self.last_heard = Some(now);
        // The desktop is speaking: a "waiting for the desktop" line no longer holds.
        if matches!(&self.notice, Some(n) if n.kind == NoticeKind::Waiting) {
            self.notice = None;
        }
        fx.extend(decoded.send.into_iter().map(Effect::Post));
        for msg in decoded.events {
            self.on_event(msg, now, fx);
        }
        for f in decoded.failures {
            self.on_failure(f, now, fx);
        }
    }

    /// A request the desktop answered with an error (2.0 answers every request): what was
    /// waiting for it stops waiting, and the agent reads what the error means.
    fn on_failure(&mut self, f: Failure, now: f64, fx: &mut Vec<Effect>) {
        let item = f.item_id.clone().unwrap_or_default();
        let why = refusal_key(f.code, &f.name);
        let result = match f.code {
            Some(c) => format!("refused: {} ({c})", f.name),
            None => format!("refused: {}", f.name),
        };
        let (action, key): (String, &'static str) = match f.command.as_str() {
            "GET_STATE" => {
                let asked = f.request_id.as_deref().and_then(|id| self.pending.take(id));
                let agent = asked.as_ref().is_none_or(|r| r.origin == requests::Origin::Agent);
                if !agent {
                    fx.push(self.log_entry(now, "Get State (auto)", "", &result, None));
                    return;
                }
                ("Get State".to_string(), "btn_get_state")
            }
            "LEAVE_INTERACTION" | "COMPLETE_INTERACTION" => {
                let kind = if f.command == "LEAVE_INTERACTION" { CommandKind::Terminate } else { CommandKind::Complete };
                let waited = self.commands.iter().any(|c| c.kind == kind && c.item_id == item);
                self.commands.retain(|c| !(c.kind == kind && c.item_id == item));
                fx.push(self.log_entry(now, kind.label(), &item, &result, None));
                if waited && self.wrap.as_ref().is_some_and(|w| w.item_id == item) {
                    self.wrap_event(WrapEvent::Refused(kind), now, fx);
                }
                let key = if kind == CommandKind::Terminate { "btn_terminate" } else { "btn_complete" };
                self.notice = Some(refused(key, why, &item));
                return;
            }
            // Sent ahead of Complete: its own refusal comes next, with what it means.
            "SET_DISPOSITION" => ("Complete".to_string(), "disposition_label"),
            "REPLACE_NOTE" => ("Complete".to_string(), "notes_label"),
            "START_CALL" => {
                let number = self.dial.take().map(|d| d.number).unwrap_or_default();
                (format!("Dial {number}"), "btn_call")
            }
            "BLIND_TRANSFER" | "INVITE_TO_CALL_CONFERENCE" => {
                let shown = self.transfer.take().map(|t| t.target.shown).unwrap_or_default();
                if f.command == "BLIND_TRANSFER" {
                    (format!("Transfer to {shown}"), "btn_transfer")
                } else {
                    (format!("Conference {shown}"), "btn_conference")
                }
            }
            "SET_CALL_RECORDING_MUTE" | "GET_INTERACTIONS_STATE" => {
                let resume = self.rec_pending.take_if(|p| p.item_id == item).is_some_and(|p| !p.mute);
                if resume {
                    ("Resume recording".to_string(), "log_a_resume_recording")
                } else {
                    ("Pause recording".to_string(), "btn_rec_pause")
                }
            }
            "SET_AGENT_STATE" => {
                let ready = self.status_pending.take().is_some_and(|p| p.wanted.ready);
                if ready {
                    ("Ready".to_string(), "btn_ready")
                } else {
                    ("Not Ready".to_string(), "btn_not_ready")
                }
            }
            "SET_SERVICE" => ("Select service".to_string(), "log_a_select_service"),
            other => (other.chars().take(64).collect(), "notice_refused_other"),
        };
        fx.push(self.log_entry(now, &action, &item, &result, None));
        self.notice = Some(refused(key, why, &item));
    }

    fn on_event(&mut self, msg: FromDesktop, now: f64, fx: &mut Vec<Effect>) {
        match msg {
            FromDesktop::StateReply { request_id, state } => self.on_state_reply(&request_id, state, now, fx),
            FromDesktop::StateChanged { agent_id, status, reason } => {
                self.agent.logged_in = Some(true);
                if agent_id.is_some() {
                    self.agent.agent_id = agent_id;
                }
                let summary = status_summary(&status, &reason);
                let was_acw = self.agent.in_acw();
                self.agent.set_status(Some(status), now);
                self.agent.reason = reason;
                fx.push(self.log_entry(now, "event STATE_CHANGED", "", &summary, None));
                // Entering after-call work ends the call(s) we terminated. Staying in it (a
                // desktop may repeat the status) confirms nothing: the call that ended then is
                // named by its _CALL_ENDED.
                if self.agent.in_acw() && !was_acw {
                    self.mark_ended(now, fx);
                }
                self.status_reported(now, fx);
                if !self.replied {
                    self.auto_get_state(now, fx);
                }
            }
            FromDesktop::InteractionRendered(info) => {
                let id = info.item_id.clone();
                let new = self.agent.find(&id).is_none();
                // The call we dialled, unless the desktop names another number (an inbound call
                // that arrived meanwhile).
                let ours = new && self.dial.as_ref().is_some_and(|d| info.phone_number.as_deref().is_none_or(|p| same_number(p, &d.digits)));
                match self.agent.find_mut(&id) {
                    Some(existing) => existing.info = info,
                    None => {
                        if self.agent.interactions.len() >= MAX_INTERACTIONS {
                            // The oldest ended one goes first, else the oldest.
                            let at = self.agent.interactions.iter().position(|i| i.ended).unwrap_or(0);
                            let gone = self.agent.interactions.remove(at).info.item_id;
                            self.wrap_fields.retain(|(item, _)| *item != gone);
                            self.offers.retain(|(item, _)| *item != gone);
                        }
                        let call_id = self.agent.unclaimed_call.take();
                        self.agent.interactions.push(Interaction { info, ended: false, call_id });
                    }
                }
                self.agent.last_rendered = Some(id.clone());
                self.agent.logged_in = Some(true);
                self.item_input = id.clone();
                self.item_edited = false;
                fx.push(self.log_entry(now, "event INTERACTION_RENDERED", &id, "item_id captured", None));
                if ours {
                    self.dial_started("call started", now, fx);
                }
                // On offer: the call's first report. (A repeat of it pops nothing more.)
                if new && !self.pop_on_answer {
                    self.screen_pop(&id, fx);
                }
            }
            FromDesktop::InteractionCompleted { info, disposition } => {
                let id = info.item_id;
                self.agent.interactions.retain(|i| i.info.item_id != id);
                if self.agent.last_rendered.as_deref() == Some(id.as_str()) {
                    self.agent.last_rendered = None;
                }
                let result = match disposition.filter(|d| !d.is_empty()) {
                    Some(d) => format!("completed, disposition {d}"),
                    None => "completed".to_string(),
                };
                fx.push(self.log_entry(now, "event INTERACTION_COMPLETED", &id, &result, None));
                self.confirm(CommandKind::Complete, &id, now, fx);
                self.transfer_done(&id, now, fx);
                if self.wrap.as_ref().is_some_and(|w| w.item_id == id) {
                    self.wrap_event(WrapEvent::CompletedElsewhere, now, fx);
                }
                // A completed call needs no Terminate either, nor its disposition fields, nor
                // anything about its recording.
                self.commands.retain(|c| c.item_id != id);
                self.recordings.retain(|r| r.item_id != id);
                self.rec_pending.take_if(|p| p.item_id == id);
                self.wrap_fields.retain(|(item, _)| *item != id);
                self.offers.retain(|(item, _)| *item != id);
                if self.current_item() == id {
                    self.item_edited = false;
                    self.item_input.clear();
                }
                self.reselect();
                self.status_reported(now, fx);
            }
            FromDesktop::LoginChanged { agent_id, login } => {
                if agent_id.is_some() {
                    self.agent.agent_id = agent_id;
                }
                let was_in = self.agent.logged_in == Some(true);
                self.agent.logged_in = Some(login);
                fx.push(self.log_entry(now, "event LOGIN_CHANGED", "", if login { "logged in" } else { "logged out" }, None));
                if login {
                    // What we asked a logged-out desktop will not be answered: ask now rather
                    // than wait for that request to time out. The agent's own request stays.
                    // (A desktop that repeats the login while logged in: the request in flight
                    // stands.)
                    if !was_in {
                        self.pending.forget(requests::Origin::Auto);
                    }
                    self.auto_attempts = 0;
                    self.auto_get_state(now, fx);
                } else {
                    self.wrap_event(WrapEvent::Aborted, now, fx);
                    let id = self.agent.agent_id.clone();
                    self.agent = Agent { agent_id: id, logged_in: Some(false), ..Agent::default() };
                    self.commands.clear();
                    self.dial = None;
                    self.recordings.clear();
                    self.rec_pending = None;
                    self.status_pending = None;
                    self.status_next = None;
                    self.transfer = None;
                    self.handoff_armed = None;
                    if !self.item_edited {
                        self.item_input.clear();
                    }
                }
            }
            FromDesktop::CallStarted { command, item_id, call_id } => {
                let item = self.bind_call(item_id, call_id);
                fx.push(self.log_entry(now, &format!("event {command}"), item.as_deref().unwrap_or(""), "received", None));
                if command == "_O_CALL_DIALING" {
                    self.dial_started("call started (dialing)", now, fx);
                }
                if self.pop_on_answer && matches!(command.as_str(), "_I_CALL_ANSWERED" | "_O_CALL_CONNECTED") {
                    if let Some(item) = &item {
                        self.screen_pop(item, fx);
                    }
                }
            }
            FromDesktop::CallRecording { item_id, call_id, recording, muted } => {
                // Only a status that names its call (its item_id, or a call_id we know) says
                // anything about a recording: one guessed to be the latest call's could confirm
                // a pause of another.
                let named = item_id.is_some() || call_id.as_deref().is_some_and(|c| self.item_with_call(c).is_some());
                let item = self.bind_call(item_id, call_id);
                let result = match (recording, muted) {
                    (Some(false), _) => "not recording",
                    (_, Some(true)) => "recording paused",
                    (Some(true), _) => "recording",
                    _ => "received",
                };
                fx.push(self.log_entry(now, "event CALL_RECORDING_STATUS", item.as_deref().unwrap_or(""), result, None));
                if let Some(item) = item.filter(|_| named) {
                    self.on_recording(&item, recording, muted, now, fx);
                }
            }
            FromDesktop::CallEnded { item_id, call_id } => {
                // The interaction whose call ended: by item_id, else by call_id, else the one
                // Terminate is waiting for if there is exactly one.
                let by_call = call_id.and_then(|c| self.item_with_call(&c));
                let waiting: Vec<String> = self.commands.iter().filter(|c| c.kind == CommandKind::Terminate).map(|c| c.item_id.clone()).collect();
                let item = item_id.or(by_call).or_else(|| match waiting.as_slice() {
                    [only] => Some(only.clone()),
                    _ => None,
                });
                fx.push(self.log_entry(now, "event _CALL_ENDED", item.as_deref().unwrap_or(""), "received", None));
                if let Some(item) = item {
                    if let Some(i) = self.agent.find_mut(&item) {
                        i.ended = true;
                    }
                    self.confirm(CommandKind::Terminate, &item, now, fx);
                    self.transfer_done(&item, now, fx);
                }
            }
            FromDesktop::Transferred { item_id, call_id } => {
                // Named by item_id or a call we know; naming nothing, the call our transfer is
                // for. Undocumented (it may announce a call transferred to the agent): it ends
                // only the call of our own transfer.
                let named = item_id.is_some() || call_id.is_some();
                let by_call = call_id.and_then(|c| self.item_with_call(&c));
                let ours = self.transfer.as_ref().map(|t| t.item_id.clone());
                let item = if named { item_id.or(by_call) } else { ours.clone() };
                fx.push(self.log_entry(now, "event _BLIND_TRANSFER", item.as_deref().unwrap_or(""), "received", None));
                if let Some(item) = item.filter(|i| ours.as_ref() == Some(i)) {
                    if let Some(i) = self.agent.find_mut(&item) {
                        i.ended = true;
                    }
                    self.transfer_done(&item, now, fx);
                }
            }
            FromDesktop::DispositionsOffered { item_id, list, required } => {
                if self.offers.iter().all(|(id, _)| *id != item_id) {
                    if self.offers.len() >= MAX_INTERACTIONS {
                        self.offers.remove(0);
                    }
                    self.offers.push((item_id.clone(), Offer::default()));
                }
                let Some((_, offer)) = self.offers.iter_mut().find(|(id, _)| *id == item_id) else { return };
                if let Some(r) = required {
                    offer.required = Some(r);
                }
                if let Some(list) = list {
                    let result = format!("{} offered by the desktop", list.len());
                    offer.list = list;
                    fx.push(self.log_entry(now, "Dispositions", &item_id, &result, None));
                }
            }
            FromDesktop::Other { command } => {
                fx.push(self.log_entry(now, &format!("event {command}"), "", "received", None));
            }
        }
    }

    /// Which interaction a call event is about, recording its call_id. Named by item_id, the
    /// pair is simply kept. Named by call_id alone: the interaction that already has it, else the
    /// latest rendered one if it has no call yet, else the call waits for the next interaction
    /// to be rendered (an offer is announced before its interaction), never given to an older
    /// interaction that has a call of its own.
    fn bind_call(&mut self, item_id: Option<String>, call_id: Option<String>) -> Option<String> {
        let Some(call) = call_id else {
            return item_id.or_else(|| self.agent.last_rendered.clone());
        };
        if let Some(item) = item_id {
            for i in &mut self.agent.interactions {
                if i.info.item_id == item {
                    i.call_id = Some(call.clone());
                } else if i.call_id.as_deref() == Some(call.as_str()) {
                    i.call_id = None;
                }
            }
            if self.agent.unclaimed_call.as_deref() == Some(call.as_str()) {
                self.agent.unclaimed_call = None;
            }
            return Some(item);
        }
        if let Some(known) = self.item_with_call(&call) {
            return Some(known);
        }
        let latest = self.agent.last_rendered.clone();
        if let Some(i) = latest.as_deref().and_then(|l| self.agent.find_mut(l)).filter(|i| i.call_id.is_none() && !i.ended) {
            i.call_id = Some(call);
            return latest;
        }
        self.agent.unclaimed_call = Some(call);
        None
    }

    /// The interaction a call event named by its call_id is about, if we know the call.
    fn item_with_call(&self, call: &str) -> Option<String> {
        self.agent.interactions.iter().find(|i| i.call_id.as_deref() == Some(call)).map(|i| i.info.item_id.clone())
    }

    fn on_state_reply(&mut self, request_id: &str, state: AgentSnapshot, now: f64, fx: &mut Vec<Effect>) {
        let req = self.pending.take(request_id);
        if req.is_none() && !self.ids.issued(request_id) {
            // Another client's reply (the page's own SDK asked; a desktop may answer every proxy
            // of the page): not ours to log or act on.
            return;
        }
        self.replied = true;
        self.auto_attempts = 0;
        let AgentSnapshot { agent_id, status, reason, interactions } = state;
        let previous = std::mem::take(&mut self.agent.interactions);
        self.agent.interactions = interactions
            .into_iter()
            .take(MAX_INTERACTIONS)
            .map(|info| {
                let old = previous.iter().find(|p| p.info.item_id == info.item_id);
                Interaction { ended: old.is_some_and(|p| p.ended), call_id: old.and_then(|p| p.call_id.clone()), info }
            })
            .collect();
        if let Some(last) = &self.agent.last_rendered {
            if self.agent.find(last).is_none() {
                self.agent.last_rendered = None;
            }
        }
        let summary = format!(
            "{}, {} interaction{}",
            status_summary(&status, &reason),
            self.agent.interactions.len(),
            if self.agent.interactions.len() == 1 { "" } else { "s" }
        );
        self.agent.agent_id = agent_id.or(self.agent.agent_id.take());
        let was_acw = self.agent.in_acw();
        self.agent.set_status(Some(status).filter(|s| !s.is_empty()), now);
        self.agent.reason = reason;
        self.agent.logged_in = Some(true);
        let (action, latency) = match &req {
            Some(r) if r.origin == requests::Origin::Agent => ("Get State", Some((now - r.sent_at).max(0.0) as u32)),
            Some(r) => ("Get State (auto)", Some((now - r.sent_at).max(0.0) as u32)),
            None => ("Get State (late reply)", None),
        };
        fx.push(self.log_entry(now, action, "", &summary, latency));
        if self.agent.in_acw() && !was_acw {
            self.mark_ended(now, fx);
        }
        // A state asked for after a status change was sent shows whether it took (one asked
        // before it says nothing of it; nor does a late reply).
        if req.as_ref().is_some_and(|r| self.status_pending.as_ref().is_none_or(|p| r.sent_at >= p.sent_at)) {
            self.status_reported(now, fx);
        }
        // Completed items have left the desktop: that confirms a Complete sent before we asked
        // (a snapshot taken earlier says nothing of a Complete sent since, nor does a late reply).
        let asked_at = req.as_ref().map(|r| r.sent_at);
        let gone: Vec<String> = self
            .commands
            .iter()
            .filter(|c| c.kind == CommandKind::Complete && asked_at.is_some_and(|t| c.sent_at < t) && self.agent.find(&c.item_id).is_none())
            .map(|c| c.item_id.clone())
            .collect();
        for id in gone {
            self.confirm(CommandKind::Complete, &id, now, fx);
        }
        // Likewise a transferred call that left the desktop altogether (a service without
        // after-call work), in a state asked for after the transfer was sent.
        if let Some(t) = self.transfer.as_ref().filter(|t| asked_at.is_some_and(|at| t.sent_at < at) && self.agent.find(&t.item_id).is_none()) {
            let id = t.item_id.clone();
            self.transfer_done(&id, now, fx);
        }
        if self.wrap.as_ref().is_some_and(|w| w.phase == Phase::Terminating && self.agent.find(&w.item_id).is_none()) {
            self.wrap_event(WrapEvent::CompletedElsewhere, now, fx);
        }
        if !self.item_edited && self.agent.find(self.current_item()).is_none() {
            self.item_input.clear();
        }
        self.reselect();
        if matches!(&req, Some(r) if r.origin == requests::Origin::Agent) {
            let n = self.agent.interactions.len();
            let status = self.agent.status.as_deref().map(status_key).unwrap_or("status_unknown");
            self.notice = Some(Notice {
                kind: NoticeKind::Success,
                text: if n == 1 {
                    Msg::args("notice_state_one", vec![Arg::Key(status)])
                } else {
                    Msg::args("notice_state_many", vec![Arg::Key(status), Arg::Text(n.to_string())])
                },
            });
        } else if matches!(&self.notice, Some(n) if n.kind == NoticeKind::Waiting) {
            self.notice = None;
        }
    }

    /// After-call work: the item we terminated (or the only live one) has ended.
    fn mark_ended(&mut self, now: f64, fx: &mut Vec<Effect>) {
        // A call transferred away goes to after-call work like one terminated: it accounts for
        // the after-call work, and no other call is taken to have ended.
        let transferred = self.transfer.as_ref().map(|t| t.item_id.clone());
        if let Some(item) = &transferred {
            if let Some(i) = self.agent.find_mut(item) {
                i.ended = true;
            }
            self.transfer_done(item, now, fx);
        }
        let pending: Vec<String> = self
            .commands
            .iter()
            .filter(|c| c.kind == CommandKind::Terminate)
            .map(|c| c.item_id.clone())
            .collect();
        if pending.is_empty() && transferred.is_none() {
            let live: Vec<&mut Interaction> = self.agent.interactions.iter_mut().filter(|i| !i.ended).collect();
            if live.len() == 1 {
                for i in live {
                    i.ended = true;
                }
            }
        }
        for id in pending {
            if let Some(i) = self.agent.find_mut(&id) {
                i.ended = true;
            }
            self.confirm(CommandKind::Terminate, &id, now, fx);
        }
    }

    fn confirm(&mut self, kind: CommandKind, item_id: &str, now: f64, fx: &mut Vec<Effect>) {
        let Some(at) = self.commands.iter().position(|c| c.kind == kind && c.item_id == item_id) else {
            return;
        };
        let cmd = self.commands.remove(at);
        let latency = Some((now - cmd.sent_at).max(0.0) as u32);
        let (result, key) = match kind {
            CommandKind::Terminate => ("confirmed: after-call work", "notice_terminated"),
            CommandKind::Complete => ("confirmed: completed", "notice_completed"),
        };
        self.notice = Some(Notice::new(NoticeKind::Success, key, item_id));
        fx.push(self.log_entry(now, kind.label(), item_id, result, latency));
        if self.wrap.as_ref().is_some_and(|w| w.item_id == item_id) {
            self.wrap_event(WrapEvent::Confirmed(kind), now, fx);
        }
    }

    /// Picks the current item when the field is empty: the latest rendered call, else the only
    /// interaction. With several and no rendered one, the agent chooses (the field stays empty).
    fn reselect(&mut self) {
        if !self.current_item().is_empty() {
            return;
        }
        let pick = self
            .agent
            .last_rendered
            .clone()
            .filter(|id| self.agent.find(id).is_some())
            .or_else(|| match self.agent.interactions.as_slice() {
                [only] => Some(only.info.item_id.clone()),
                _ => None,
            });
        if let Some(id) = pick {
            self.item_input = id;
            self.item_edited = false;
        }
    }

    fn log_entry(&self, now: f64, action: &str, item_id: &str, result: &str, latency_ms: Option<u32>) -> Effect {
        Effect::Log(
            LogEntry {
                ts: now,
                action: action.to_string(),
                item_id: item_id.to_string(),
                result: result.to_string(),
                latency_ms,
                tenant: self.tenant.clone(),
                page: self.page.clone(),
            }
            .capped(),
        )
    }
}

/// The kind of a Terminate or Complete command (`None` for GET_STATE).
fn command_kind(cmd: &ToDesktop) -> Option<CommandKind> {
    match cmd {
        ToDesktop::GetState { .. } | ToDesktop::SelectService { .. } | ToDesktop::Dial { .. } | ToDesktop::Transfer { .. } | ToDesktop::Conference { .. } => None,
        ToDesktop::Terminate { .. } => Some(CommandKind::Terminate),
        ToDesktop::Complete { .. } | ToDesktop::CompleteWithDisposition { .. } => Some(CommandKind::Complete),
        ToDesktop::MuteRecording { .. } | ToDesktop::UnmuteRecording { .. } | ToDesktop::RecordingStatus { .. } | ToDesktop::ChangeState { .. }
        | ToDesktop::SetDispositionByName { .. }
        | ToDesktop::SetNotes { .. } => None,
    }
}

/// What the desktop offers for one item's disposition (2.0).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offer {
    /// (name, value for `SET_DISPOSITION`); empty when none was given.
    pub list: Vec<(String, String)>,
    /// Whether its service requires a disposition, once known.
    pub required: Option<bool>,
}

/// `Name | value` entries as (name, value) pairs.
fn pairs(list: &[String]) -> Vec<(String, String)> {
    list.iter()
        .map(|e| {
            let (name, value) = super::settings::entry_parts(e);
            (name.to_string(), value.to_string())
        })
        .collect()
}

/// Whether a number the desktop reports is the one we dialled: the last seven digits agree
/// (the desktop may show it with or without the country code or the outside-line prefix).
fn same_number(reported: &str, dialled: &str) -> bool {
    let tail = |s: &str| -> Vec<u8> {
        let d: Vec<u8> = s.bytes().filter(u8::is_ascii_digit).collect();
        d[d.len().saturating_sub(7)..].to_vec()
    };
    let (a, b) = (tail(reported), tail(dialled));
    !a.is_empty() && a == b
}

/// A notice about Not Ready: `key` with the reason, or `plain` when there is none (or the
/// desktop's default, which only repeats the status).
fn reason_notice(kind: NoticeKind, key: &'static str, plain: &'static str, reason: &str) -> Notice {
    let r = reason.trim();
    if r.is_empty() || r.eq_ignore_ascii_case("not ready") {
        Notice::new(kind, plain, "")
    } else {
        Notice::new(kind, key, r)
    }
}

/// "busy", "not_ready (Lunch)".
fn status_summary(status: &str, reason: &str) -> String {
    if reason.is_empty() {
        format!("status {status}")
    } else {
        format!("status {status} ({reason})")
    }
}

/// What a 2.0 result error means to the agent, as a message key: the documented codes first,
/// else the name the widget gave.
fn refusal_key(code: Option<u32>, name: &str) -> &'static str {
    let name = code.and_then(protocol2::error_name).unwrap_or(name);
    match name {
        "not_enough_privileges" | "no_permissions_did_sms" | "no_permissions_did_call" => "notice_why_privileges",
        "not_logged_in" => "notice_why_logged_out",
        "invalid_args" | "invalid_request" | "empty_number" => "notice_why_invalid",
        "logged_without_phone" => "notice_why_no_phone",
        "api_not_answer" | "timeout" => "notice_why_timeout",
        "no_service" | "no_channel_in_service" | "no_chat_in_service" => "notice_why_no_service",
        "self_call" => "notice_why_self_call",
        "no_interaction" | "object_not_found" => "notice_why_no_interaction",
        "api_method_not_implemented" => "notice_why_not_implemented",
        "not_suitable_state" => "notice_why_state",
        "no_disposition" => "notice_why_no_disposition",
        _ => "notice_why_unknown",
    }
}

/// "The desktop refused <what> (<item>): <why>."
fn refused(what: &'static str, why: &'static str, item: &str) -> Notice {
    let key = if item.is_empty() { "notice_refused" } else { "notice_refused_item" };
    let mut args = vec![Arg::Key(what), Arg::Key(why)];
    if !item.is_empty() {
        args.push(Arg::Text(item.to_string()));
    }
    Notice { kind: NoticeKind::Error, text: Msg::args(key, args) }
}
