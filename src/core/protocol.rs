//! The Bright Pattern Embedded Agent Desktop SDK wire format (Agent Desktop 1.0,
//! `servicepattern-sdk-v1.js`): one type per direction, exact JSON pinned by tests.
//!
//! Both directions carry a JSON *string* in `event.data`. Commands to the desktop are
//! `{"command": …}` plus per-command fields; replies and events come back as
//! `{"command": …, "data": {…}}`, with `request_id` echoed only on `GET_STATE` replies.
//! Parsing is lenient (unknown keys ignored, optional fields optional, command names
//! compared case-insensitively) because the desktop's payloads are only partly documented.
//!
//! The second protocol (Agent Desktop 2.0, structured-clone packets) lives beside this module,
//! in [`super::protocol2`], behind the same [`ToDesktop`] and [`FromDesktop`] vocabulary;
//! nothing outside these two files knows either JSON shape. Must not import anything from the
//! browser side.

use serde::Serialize;

use super::json::{self, Value};
use super::CoreError;

/// Messages larger than this are dropped before parsing: no real desktop message comes close,
/// and a page must not be able to stall us with a multi-megabyte string.
pub const MAX_MESSAGE_LEN: usize = 256 * 1024;

/// A text field longer than this (bytes) is treated as absent: ids are GUIDs, statuses and
/// reasons a few words; nothing the desktop sends comes near it, and a page-sized "item id"
/// must not become the toolbar's current interaction or a field of every log entry.
pub const MAX_FIELD_LEN: usize = 1024;

/// A command posted to the tenant's `AgentDesktopSdkProxy.jsp`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "command")]
pub enum ToDesktop {
    /// `getState(cb)`: the only request that gets a reply, correlated by `request_id`.
    #[serde(rename = "GET_STATE")]
    GetState { request_id: String },
    /// `terminateInteraction(item_id)`: the item id goes in `data`, not `item_id`.
    #[serde(rename = "TERMINATE_INTERACTION_FROM_API")]
    Terminate { data: String },
    /// `completeInteraction(item_id)`: the item id goes in `data`.
    #[serde(rename = "COMPLETE_INTERACTION_FROM_API")]
    Complete { data: String },
    /// `completeInteractionWithDisp(item_id, code, notes)`: top-level fields, not `data`.
    #[serde(rename = "COMPLETE_INTERACTION_WITH_DISPOSITION")]
    CompleteWithDisposition { item_id: String, code: String, notes: String },
    /// `selectService(name)`: the service of the next outbound call, a plain string in `data`.
    #[serde(rename = "SELECT_SERVICE")]
    SelectService { data: String },
    /// `dialNumber(number)`: no reply; the desktop's events say whether a call started.
    #[serde(rename = "DIAL_NUMBER")]
    Dial { number: String },
    /// `singleStepTransfer(number)`: a blind transfer of the desktop's active call; no reply,
    /// the call leaving the agent (`_CALL_ENDED`, after-call work) says it went.
    #[serde(rename = "SINGLE_STEP_TRANSFER")]
    Transfer { number: String },
    /// `singleStepConference(number)`: adds a party to the active call; nothing reports it.
    #[serde(rename = "SINGLE_STEP_CONFERENCE")]
    Conference { number: String },
    /// `muteCallRecording(item_id)`: pauses the call's recording; no reply, the
    /// `call_recording_status` event says whether it did.
    #[serde(rename = "MUTE_CALL_RECORDING")]
    MuteRecording { item_id: String },
    /// `unmuteCallRecording(item_id)`: resumes it, likewise.
    #[serde(rename = "UNMUTE_CALL_RECORDING")]
    UnmuteRecording { item_id: String },
    /// `getCallRecordingStatus(item_id)`: answered, if at all, by a `call_recording_status`.
    #[serde(rename = "CALL_RECORDING_STATUS")]
    RecordingStatus { item_id: String },
    /// `setDispositionByName(item_id, name)`: no reply; the disposition shows in the
    /// interaction's `INTERACTION_COMPLETED`.
    #[serde(rename = "SET_DISPOSITION_BY_NAME")]
    SetDispositionByName { item_id: String, name: String },
    /// `setNotes(item_id, notes)`: attached when the interaction is completed.
    #[serde(rename = "SET_NOTES")]
    SetNotes { item_id: String, notes: String },
    /// `setStatus(state, reason)`: no reply; a `STATE_CHANGED` says whether the status changed.
    #[serde(rename = "CHANGE_STATE")]
    ChangeState { data: StateChange },
}

/// The `data` of a `CHANGE_STATE`: the state upper-case as the docs write it (`READY`,
/// `NOT_READY`), and the Not Ready reason, left out when there is none (the SDK's
/// `JSON.stringify` drops an undefined reason).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StateChange {
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl ToDesktop {
    /// The JSON string to post: exactly what `servicepattern-sdk-v1.js` posts (the serde form
    /// of this type is the reference the tests compare with).
    pub fn to_wire(&self) -> String {
        let command = json::s(self.command());
        match self {
            ToDesktop::GetState { request_id } => json::obj(vec![("command", command), ("request_id", json::s(request_id))]),
            ToDesktop::Terminate { data } | ToDesktop::Complete { data } | ToDesktop::SelectService { data } => {
                json::obj(vec![("command", command), ("data", json::s(data))])
            }
            ToDesktop::Dial { number } | ToDesktop::Transfer { number } | ToDesktop::Conference { number } => {
                json::obj(vec![("command", command), ("number", json::s(number))])
            }
            ToDesktop::MuteRecording { item_id } | ToDesktop::UnmuteRecording { item_id } | ToDesktop::RecordingStatus { item_id } => {
                json::obj(vec![("command", command), ("item_id", json::s(item_id))])
            }
            ToDesktop::SetDispositionByName { item_id, name } => {
                json::obj(vec![("command", command), ("item_id", json::s(item_id)), ("name", json::s(name))])
            }
            ToDesktop::SetNotes { item_id, notes } => json::obj(vec![("command", command), ("item_id", json::s(item_id)), ("notes", json::s(notes))]),
            ToDesktop::ChangeState { data } => json::obj(vec![
                ("command", command),
                ("data", Some(json::obj(vec![("state", json::s(&data.state)), ("reason", data.reason.as_deref().and_then(json::s))]))),
            ]),
            ToDesktop::CompleteWithDisposition { item_id, code, notes } => json::obj(vec![
                ("command", command),
                ("item_id", json::s(item_id)),
                ("code", json::s(code)),
                ("notes", json::s(notes)),
            ]),
        }
        .write()
    }

    /// The wire name of the command, as shown in the log.
    pub fn command(&self) -> &'static str {
        match self {
            ToDesktop::GetState { .. } => "GET_STATE",
            ToDesktop::Terminate { .. } => "TERMINATE_INTERACTION_FROM_API",
            ToDesktop::Complete { .. } => "COMPLETE_INTERACTION_FROM_API",
            ToDesktop::CompleteWithDisposition { .. } => "COMPLETE_INTERACTION_WITH_DISPOSITION",
            ToDesktop::SelectService { .. } => "SELECT_SERVICE",
            ToDesktop::Dial { .. } => "DIAL_NUMBER",
            ToDesktop::Transfer { .. } => "SINGLE_STEP_TRANSFER",
            ToDesktop::Conference { .. } => "SINGLE_STEP_CONFERENCE",
            ToDesktop::MuteRecording { .. } => "MUTE_CALL_RECORDING",
            ToDesktop::UnmuteRecording { .. } => "UNMUTE_CALL_RECORDING",
            ToDesktop::RecordingStatus { .. } => "CALL_RECORDING_STATUS",
            ToDesktop::ChangeState { .. } => "CHANGE_STATE",
            ToDesktop::SetDispositionByName { .. } => "SET_DISPOSITION_BY_NAME",
            ToDesktop::SetNotes { .. } => "SET_NOTES",
        }
    }

    /// The interaction a Terminate or Complete acts on.
    pub fn item_id(&self) -> Option<&str> {
        match self {
            ToDesktop::GetState { .. }
            | ToDesktop::SelectService { .. }
            | ToDesktop::Dial { .. }
            | ToDesktop::Transfer { .. }
            | ToDesktop::Conference { .. }
            | ToDesktop::MuteRecording { .. }
            | ToDesktop::UnmuteRecording { .. }
            | ToDesktop::RecordingStatus { .. }
            | ToDesktop::ChangeState { .. }
            | ToDesktop::SetDispositionByName { .. }
            | ToDesktop::SetNotes { .. } => None,
            ToDesktop::Terminate { data } | ToDesktop::Complete { data } => Some(data),
            ToDesktop::CompleteWithDisposition { item_id, .. } => Some(item_id),
        }
    }
}

/// One interaction as the desktop describes it (GET_STATE `interactions[]`,
/// INTERACTION_RENDERED and INTERACTION_COMPLETED `data`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InteractionInfo {
    pub item_id: String,
    pub global_id: Option<String>,
    pub phone_number: Option<String>,
    pub service: Option<String>,
    /// `screenpop_data.*` and `attached_data.*` as flat `name=value` pairs (string, boolean and
    /// whole-number values; a `screenpop_data` that is a plain string is `screenpop_data`),
    /// at most [`MAX_DATA_FIELDS`], for screen pops.
    pub data: Vec<(String, String)>,
}

/// At most this many `screenpop_data`/`attached_data` fields are kept per interaction.
pub const MAX_DATA_FIELDS: usize = 32;

impl InteractionInfo {
    /// The fields a screen-pop template can name, by their template names.
    pub fn fields(&self) -> Vec<(String, String)> {
        let mut out = vec![("item_id".to_string(), self.item_id.clone())];
        for (k, v) in [("global_id", &self.global_id), ("phone_number", &self.phone_number), ("service", &self.service)] {
            if let Some(v) = v {
                out.push((k.to_string(), v.clone()));
            }
        }
        out.extend(self.data.iter().cloned());
        out
    }
}

/// The `data` of a GET_STATE reply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgentSnapshot {
    pub agent_id: Option<String>,
    pub status: String,
    pub reason: String,
    pub interactions: Vec<InteractionInfo>,
}

/// A message from the desktop, after parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FromDesktop {
    /// Reply to our GET_STATE. `request_id` is empty if the desktop sent none.
    StateReply { request_id: String, state: AgentSnapshot },
    /// STATE_CHANGED: the agent's status (lower-case on the wire) and reason.
    StateChanged { agent_id: Option<String>, status: String, reason: String },
    /// INTERACTION_RENDERED: the earliest point an item_id is known.
    InteractionRendered(InteractionInfo),
    /// INTERACTION_COMPLETED: the item is wrapped up and gone from the desktop.
    InteractionCompleted { info: InteractionInfo, disposition: Option<String> },
    /// LOGIN_CHANGED.
    LoginChanged { agent_id: Option<String>, login: bool },
    /// A call began to ring, was answered or is being dialled (`_I_CALL_OFFERED`,
    /// `_I_CALL_ANSWERED`, `_O_CALL_DIALING`, `_O_CALL_CONNECTED`). Payloads are undocumented:
    /// integrations read `data.call_id`; `item_id` when the desktop gives it.
    CallStarted { command: String, item_id: Option<String>, call_id: Option<String> },
    /// `_CALL_ENDED`: the call of an interaction is over (its after-call work may already have
    /// begun). `item_id` or `call_id` say which, when the desktop gives them.
    CallEnded { item_id: Option<String>, call_id: Option<String> },
    /// `_BLIND_TRANSFER`: a call was transferred away (undocumented; named like `_CALL_ENDED`).
    Transferred { item_id: Option<String>, call_id: Option<String> },
    /// `call_recording_status` (flat: `item_id`, `call_id`, `recording` and `muted` as
    /// `"1"`/`"0"`), also the one message that names both an interaction and its call.
    CallRecording { item_id: Option<String>, call_id: Option<String>, recording: Option<bool>, muted: Option<bool> },
    /// 2.0: what the desktop takes for an interaction's disposition, as (name, the value
    /// `SET_DISPOSITION` is given: its id, else its code, else its name), and whether its
    /// service requires one. Either part may come alone.
    DispositionsOffered { item_id: String, list: Option<Vec<(String, String)>>, required: Option<bool> },
    /// Any other well-formed message (call-flow and recording events, unknown commands).
    Other { command: String },
}

impl FromDesktop {
    /// Parses one `event.data` string.
    pub fn parse(text: &str) -> Result<FromDesktop, CoreError> {
        if text.len() > MAX_MESSAGE_LEN {
            return Err(CoreError::TooLarge(text.len()));
        }
        let value = json::parse(text).ok_or(CoreError::Malformed("not JSON"))?;
        if !value.is_object() {
            return Err(CoreError::Malformed("not an object"));
        }
        let obj = &value;
        let command = obj
            .get("command")
            .and_then(Value::as_str)
            .ok_or(CoreError::Malformed("no command"))?
            .to_ascii_uppercase();
        let empty = Value::Obj(Vec::new());
        let d = obj.get("data").filter(|d| d.is_object()).unwrap_or(&empty);
        Ok(match command.as_str() {
            "GET_STATE" => FromDesktop::StateReply {
                request_id: text_field(obj, "request_id").unwrap_or_default(),
                state: AgentSnapshot {
                    agent_id: text_field(d, "agent_id"),
                    status: text_field(d, "status").unwrap_or_default().to_ascii_lowercase(),
                    reason: text_field(d, "reason").unwrap_or_default(),
                    interactions: d
                        .get("interactions")
                        .and_then(Value::as_array)
                        .map(|items| items.iter().filter(|i| i.is_object()).filter_map(interaction).collect())
                        .unwrap_or_default(),
                },
            },
            "STATE_CHANGED" => FromDesktop::StateChanged {
                agent_id: text_field(d, "agent_id"),
                status: text_field(d, "status")
                    .ok_or(CoreError::Malformed("STATE_CHANGED without status"))?
                    .to_ascii_lowercase(),
                reason: text_field(d, "reason").unwrap_or_default(),
            },
            "INTERACTION_RENDERED" => FromDesktop::InteractionRendered(
                interaction(d).ok_or(CoreError::Malformed("INTERACTION_RENDERED without item_id"))?,
            ),
            "INTERACTION_COMPLETED" => FromDesktop::InteractionCompleted {
                info: interaction(d)
                    .ok_or(CoreError::Malformed("INTERACTION_COMPLETED without item_id"))?,
                disposition: text_field(d, "disposition"),
            },
            "LOGIN_CHANGED" => FromDesktop::LoginChanged {
                agent_id: text_field(d, "agent_id"),
                login: match d.get("login") {
                    Some(Value::Bool(b)) => *b,
                    // Documented as a JSON boolean; accept the string spellings too.
                    Some(Value::Str(s)) => matches!(s.as_str(), "true" | "1"),
                    _ => return Err(CoreError::Malformed("LOGIN_CHANGED without login")),
                },
            },
            "_I_CALL_OFFERED" | "_I_CALL_ANSWERED" | "_O_CALL_DIALING" | "_O_CALL_CONNECTED" => FromDesktop::CallStarted {
                item_id: text_field(d, "item_id").filter(|s| !s.is_empty()),
                call_id: text_field(d, "call_id").filter(|s| !s.is_empty()),
                command,
            },
            "_CALL_ENDED" | "_BLIND_TRANSFER" => {
                let (item_id, call_id) = (text_field(d, "item_id").filter(|s| !s.is_empty()), text_field(d, "call_id").filter(|s| !s.is_empty()));
                if command == "_CALL_ENDED" {
                    FromDesktop::CallEnded { item_id, call_id }
                } else {
                    FromDesktop::Transferred { item_id, call_id }
                }
            }
            // Flat on the wire; a 2019 draft nested it under `data`.
            "CALL_RECORDING_STATUS" => {
                let at = if obj.get("item_id").is_some() || obj.get("call_id").is_some() { obj } else { d };
                FromDesktop::CallRecording {
                    item_id: text_field(at, "item_id").filter(|s| !s.is_empty()),
                    call_id: text_field(at, "call_id").filter(|s| !s.is_empty()),
                    recording: flag(at, "recording"),
                    muted: flag(at, "muted"),
                }
            }
            _ => FromDesktop::Other { command },
        })
    }

    /// The command name, for the log.
    pub fn command(&self) -> &str {
        match self {
            FromDesktop::StateReply { .. } => "GET_STATE",
            FromDesktop::StateChanged { .. } => "STATE_CHANGED",
            FromDesktop::InteractionRendered(_) => "INTERACTION_RENDERED",
            FromDesktop::InteractionCompleted { .. } => "INTERACTION_COMPLETED",
            FromDesktop::LoginChanged { .. } => "LOGIN_CHANGED",
            FromDesktop::CallStarted { command, .. } => command,
            FromDesktop::CallEnded { .. } => "_CALL_ENDED",
            FromDesktop::Transferred { .. } => "_BLIND_TRANSFER",
            FromDesktop::CallRecording { .. } => "CALL_RECORDING_STATUS",
            FromDesktop::DispositionsOffered { .. } => "GET_DISPOSITIONS_LIST",
            FromDesktop::Other { command } => command,
        }
    }
}

/// Whether a string of unknown origin even claims to be a desktop message. Used to decide
/// whether a message that failed the sender checks counts as "ignored" (unrelated page
/// traffic is not counted). Cheap: no full parse.
pub fn looks_like_desktop_message(text: &str) -> bool {
    text.len() <= MAX_MESSAGE_LEN && text.trim_start().starts_with('{') && super::find_str(text, "\"command\"").is_some()
}

/// Whether a string is a well-formed desktop message: a JSON object with a string `command`
/// (what the page's own SDK needs to route it). The tenant's frames other than our proxy send
/// such messages legitimately; one that is not is counted as suspicious.
pub fn is_well_formed(text: &str) -> bool {
    text.len() <= MAX_MESSAGE_LEN && json::parse(text).is_some_and(|v| v.is_object() && v.get("command").and_then(Value::as_str).is_some())
}

fn interaction(obj: &Value) -> Option<InteractionInfo> {
    let item_id = text_field(obj, "item_id").filter(|s| !s.is_empty())?;
    Some(InteractionInfo {
        item_id,
        global_id: text_field(obj, "global_id"),
        phone_number: text_field(obj, "phone_number"),
        service: text_field(obj, "service"),
        data: data_fields(obj),
    })
}

/// `screenpop_data` and `attached_data`, flattened one level (`screenpop_data.case_id`).
fn data_fields(obj: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for map in ["screenpop_data", "attached_data"] {
        match obj.get(map) {
            Some(Value::Obj(entries)) => {
                for (k, v) in entries {
                    let v = match v {
                        Value::Bool(b) => Some(if *b { "true" } else { "false" }.to_string()),
                        v => scalar(v),
                    };
                    if let (Some(v), true) = (v, out.len() < MAX_DATA_FIELDS && !k.is_empty() && k.len() <= 64) {
                        out.push((format!("{map}.{k}"), v));
                    }
                }
            }
            Some(Value::Str(s)) if s.len() <= MAX_FIELD_LEN && out.len() < MAX_DATA_FIELDS => out.push((map.to_string(), s.clone())),
            _ => {}
        }
    }
    out
}

/// A yes/no field as the desktop writes it: `"1"`/`"0"` (the documented strings), `true`/`false`
/// (what the docs call it), or a number; anything else is unknown.
fn flag(at: &Value, key: &str) -> Option<bool> {
    match at.get(key) {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::Str(s)) => match s.as_str() {
            "1" | "true" => Some(true),
            "0" | "false" => Some(false),
            _ => None,
        },
        Some(Value::Num(n)) => Some(*n != 0.0),
        _ => None,
    }
}

/// A string field; numbers are accepted and written in decimal (ids are strings on the wire,
/// but a desktop that sends a number should not lose the value).
fn text_field(obj: &Value, key: &str) -> Option<String> {
    scalar(obj.get(key)?)
}

/// A string, or a whole number as its digits.
pub(super) fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::Str(s) if s.len() <= MAX_FIELD_LEN => Some(s.clone()),
        // Whole numbers only: ids are never fractional, and this keeps float formatting out of
        // the content script's module.
        Value::Num(n) if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 => Some((*n as i64).to_string()),
        _ => None,
    }
}
