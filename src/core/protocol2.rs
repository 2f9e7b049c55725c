//! The Agent Desktop 2.0 wire format (the Communicator Widget's `brightpattern.AdApi`,
//! `/agent/crmembedded/` and `/agent/communicator/`), mapped to the vocabulary of
//! [`super::protocol`]: the session's [`ToDesktop`] commands in, its [`FromDesktop`] events out,
//! so that the session never learns which desktop a page embeds.
//!
//! 2.0 posts structured-clone objects, not strings: `{uid, type, params[, instanceId]}`. The
//! glue turns each object into JSON text (`JSON.stringify`) before [`Adapter::decode`] reads
//! it, and each packet [`Adapter::encode`] gives back into an object (`JSON.parse`) before
//! posting it to the widget's exact origin. Every request is answered by `<TYPE>_RESPONSE`
//! with the request's `uid` and `params: {status, data | error: {code, name, message?}}`;
//! events are `ON_<EVENT>` with the handler's arguments in `params`. A widget greets its host
//! with `hello`, and takes requests only after the host's `hi`.
//!
//! Where the reference (`bright-pattern-agent-desktop-2.md`) is silent, this module chooses:
//! - **Our own instance.** Every packet we send carries our `instanceId` (G2 framing); a packet
//!   naming another instance (the page's own `AdApi`) is not ours and is left alone, as is a
//!   response whose `uid` we never sent. Packets without an `instanceId` (G1) and those for
//!   `"broadcast"` are read by both.
//! - **`hi`** answers `hello` with its `uid`, our `instanceId`, and `params` holding one
//!   `APIInstanceParams` object (`{integrationKey, instanceId}`), the G2 form; requests made
//!   before it are queued and sent after it, as the page adapter does.
//! - **Get State** is three requests (`GET_LOGIN_STATE`, `GET_AGENT_STATE`,
//!   `GET_INTERACTIONS_STATE`) whose answers make one [`FromDesktop::StateReply`]; an agent who
//!   is not logged in (the login state says so, or error 2 `not_logged_in`) is `logged_out`.
//!   The active interaction is listed first.
//! - **Terminate** is `LEAVE_INTERACTION`; **Complete** `COMPLETE_INTERACTION`; a disposition
//!   and notes go first as `SET_DISPOSITION` and `REPLACE_NOTE` (1.0's notes replace, so the
//!   same here), always with the interaction's id (never the "active interaction" default).
//! - **Recording pause** is `SET_CALL_RECORDING_MUTE [true|false, id]`; its state is read
//!   from `GET_INTERACTIONS_STATE` (`callRecording`), which says nothing of a pause.
//! - **Call events** come from interaction states: `delivery_pending` is ringing (dialling
//!   when outbound), `delivered` connected, `wrap_up`/`wrap_up_hold` the call over.
//! - **Dispositions** are asked of the widget for every interaction it tells of
//!   (`GET_DISPOSITIONS_LIST [{interactionId}]`), and the services once per channel
//!   (`GET_SERVICES_LIST`): an interaction whose service uses and requires dispositions needs
//!   one before Complete. A widget that answers neither (older, or refusing) leaves the
//!   settings' list and rule in force; nothing is said to the agent.
//! - **Events needing a reply** (`ON_REQUEST_*` and the like) are never answered: the page's
//!   adapter answers them.
//! - G0 event names (without `ON_`) are read like their G1 names.
//!
//! Must not import anything from the browser side.

use super::json::{self, Value};
use super::protocol::{scalar, AgentSnapshot, FromDesktop, InteractionInfo, ToDesktop, MAX_DATA_FIELDS, MAX_MESSAGE_LEN};
use super::CoreError;

/// At most this many requests wait for their answer (a silent widget must not grow the
/// adapter without end; the session times its own requests out).
pub const MAX_PENDING: usize = 64;
/// At most this many packets wait for the handshake.
pub const MAX_QUEUED: usize = 32;

/// A request the widget refused, or answered with an error: what the agent is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The request's `type` (`COMPLETE_INTERACTION`), or `GET_STATE` for a part of Get State.
    pub command: String,
    pub item_id: Option<String>,
    /// The documented code (15 for `not_suitable_state`), when the widget gave one.
    pub code: Option<u32>,
    /// The error's name (`not_suitable_state`), or `unknown_error` when it gave none.
    pub name: String,
    /// For a part of Get State: the session's request it answered.
    pub request_id: Option<String>,
}

/// What one packet from the widget comes to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decoded {
    pub events: Vec<FromDesktop>,
    pub failures: Vec<Failure>,
    /// Packets to post in answer (the handshake's `hi` and what waited for it), as JSON text.
    pub send: Vec<String>,
    /// The packet was for another instance, or answered a request we did not make: not ours,
    /// and not suspicious (the page's own `AdApi` talks to the same widget).
    pub neighbour: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Asked {
    Login(String),
    Agent(String),
    Interactions(String),
    Recording(String),
    /// A recording pause (`true`) or resume: its success is the confirmation.
    Mute { item_id: String, mute: bool },
    Command { command: &'static str, item_id: Option<String> },
    /// The dispositions of an interaction.
    Dispositions(String),
    Services,
}

/// At most this many dispositions are kept of one list, and services of the services list.
pub const MAX_OFFERED: usize = 64;

/// At most this many interactions are remembered (their last state, and those removed).
pub const MAX_TRACKED: usize = 64;

/// The parts of a Get State answered so far.
#[derive(Debug, Clone, Default)]
struct Snapshot {
    request_id: String,
    /// `Some(None)`: the login state failed (not known); `Some(Some(..))`: logged in or not.
    login: Option<Option<(bool, Option<String>)>>,
    agent: Option<Option<(String, String)>>,
    interactions: Option<Vec<InteractionInfo>>,
}

/// One channel's side of the 2.0 protocol: our instance, the handshake, and the requests
/// waiting for their answers.
#[derive(Debug, Clone)]
pub struct Adapter {
    instance: String,
    /// The uids' generator (xorshift, seeded per channel): not a count another sender would
    /// reuse. It is no secret (a page that read one of our packets could compute the next):
    /// what holds is that an answer must match the uid and the request's type, and that the
    /// glue reads only our own channel's window.
    rng: u64,
    connected: bool,
    /// (uid, packet) waiting for the handshake.
    queued: Vec<(String, String)>,
    /// (uid, request type, what it asked).
    pending: Vec<(String, &'static str, Asked)>,
    snapshots: Vec<Snapshot>,
    /// Each interaction's last state as reported (events come twice, and a state change is
    /// also sent when only its data changed: a call event only when the state is new).
    states: Vec<(InteractionInfo, String)>,
    /// Interactions removed: a late copy of one of their events brings nothing back.
    removed: Vec<String>,
    /// Interactions whose dispositions were asked for.
    offered: Vec<InteractionInfo>,
    /// The services as (name, whether a disposition is required), once answered; `asked`
    /// while the question is out.
    services: Option<Vec<(String, bool)>>,
    services_asked: bool,
}

impl Adapter {
    /// A new adapter; `seed` makes its instance id and uids unlike any other channel's.
    pub fn new(seed: u32) -> Self {
        Adapter {
            instance: format!("bpct-{seed:08x}"),
            rng: (u64::from(seed) << 32 | u64::from(!seed)) ^ 0x9e37_79b9_7f4a_7c15,
            connected: false,
            queued: Vec::new(),
            pending: Vec::new(),
            snapshots: Vec::new(),
            states: Vec::new(),
            removed: Vec::new(),
            offered: Vec::new(),
            services: None,
            services_asked: false,
        }
    }

    /// Our `instanceId`.
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// Whether the handshake is done (requests go out at once).
    pub fn connected(&self) -> bool {
        self.connected
    }

    /// The channel was lost or reopened: a new widget greets us again, and nothing asked of
    /// the last one will be answered.
    pub fn reset(&mut self) {
        self.connected = false;
        self.queued.clear();
        self.pending.clear();
        self.snapshots.clear();
        self.offered.clear();
        self.services = None;
        self.services_asked = false;
    }

    /// Requests still waiting for their answer.
    pub fn waiting(&self) -> usize {
        self.pending.len()
    }

    /// The packets (JSON text) that carry `cmd`: posted now, or after the handshake (then
    /// nothing is returned now; [`Decoded::send`] has them once it is done).
    pub fn encode(&mut self, cmd: &ToDesktop) -> Vec<String> {
        let packets: Vec<(&'static str, Vec<Value>, Asked)> = match cmd {
            ToDesktop::GetState { request_id } => {
                if self.snapshots.len() >= MAX_PENDING {
                    self.snapshots.remove(0);
                }
                self.snapshots.push(Snapshot { request_id: request_id.clone(), ..Default::default() });
                vec![
                    ("GET_LOGIN_STATE", vec![], Asked::Login(request_id.clone())),
                    ("GET_AGENT_STATE", vec![], Asked::Agent(request_id.clone())),
                    ("GET_INTERACTIONS_STATE", vec![], Asked::Interactions(request_id.clone())),
                ]
            }
            ToDesktop::Terminate { data } => vec![command("LEAVE_INTERACTION", vec![text(data)], Some(data))],
            ToDesktop::Complete { data } => vec![command("COMPLETE_INTERACTION", vec![text(data)], Some(data))],
            ToDesktop::CompleteWithDisposition { item_id, code, notes } => {
                let mut out = Vec::new();
                if !code.is_empty() {
                    out.push(command("SET_DISPOSITION", vec![text(code), text(item_id)], Some(item_id)));
                }
                if !notes.is_empty() {
                    out.push(command("REPLACE_NOTE", vec![text(notes), text(item_id)], Some(item_id)));
                }
                out.push(command("COMPLETE_INTERACTION", vec![text(item_id)], Some(item_id)));
                out
            }
            ToDesktop::SelectService { data } => vec![command("SET_SERVICE", vec![text(data)], None)],
            ToDesktop::Dial { number } => vec![command("START_CALL", vec![text(number)], None)],
            ToDesktop::Transfer { number } => vec![command("BLIND_TRANSFER", vec![text(number)], None)],
            ToDesktop::Conference { number } => vec![command("INVITE_TO_CALL_CONFERENCE", vec![text(number)], None)],
            ToDesktop::MuteRecording { item_id } | ToDesktop::UnmuteRecording { item_id } => {
                let mute = matches!(cmd, ToDesktop::MuteRecording { .. });
                vec![("SET_CALL_RECORDING_MUTE", vec![Value::Bool(mute), text(item_id)], Asked::Mute { item_id: item_id.clone(), mute })]
            }
            ToDesktop::RecordingStatus { item_id } => vec![("GET_INTERACTIONS_STATE", vec![], Asked::Recording(item_id.clone()))],
            ToDesktop::SetDispositionByName { item_id, name } => vec![command("SET_DISPOSITION", vec![text(name), text(item_id)], Some(item_id))],
            ToDesktop::SetNotes { item_id, notes } => vec![command("REPLACE_NOTE", vec![text(notes), text(item_id)], Some(item_id))],
            ToDesktop::ChangeState { data } => {
                let mut params = vec![text(&data.state.to_ascii_lowercase())];
                if let Some(reason) = &data.reason {
                    params.push(text(reason));
                }
                vec![command("SET_AGENT_STATE", params, None)]
            }
        };
        packets.into_iter().filter_map(|(kind, params, asked)| self.request(kind, params, asked)).collect()
    }

    /// One request: its packet to post now, or `None` when it waits for the handshake.
    fn request(&mut self, kind: &'static str, params: Vec<Value>, asked: Asked) -> Option<String> {
        // Not sent (the queue before the handshake is full): not waited for either; the
        // session's own timeout says so.
        if !self.connected && self.queued.len() >= MAX_QUEUED {
            return None;
        }
        let uid = self.uid();
        if self.pending.len() >= MAX_PENDING {
            self.pending.remove(0);
        }
        self.pending.push((uid.clone(), kind, asked));
        let packet = self.packet(&uid, kind, Value::Arr(params));
        if self.connected {
            return Some(packet);
        }
        self.queued.push((uid, packet));
        None
    }

    /// Asks for an interaction's dispositions (and the services, the first time), once; says
    /// at once whether its service requires one when the services are known.
    fn ask_offer(&mut self, info: &InteractionInfo, out: &mut Decoded) {
        if self.offered.iter().any(|i| i.item_id == info.item_id) {
            return;
        }
        if self.offered.len() >= MAX_TRACKED {
            self.offered.remove(0);
        }
        self.offered.push(info.clone());
        if self.services.is_none() && !self.services_asked {
            self.services_asked = true;
            out.send.extend(self.request("GET_SERVICES_LIST", vec![], Asked::Services));
        }
        if let Some(required) = self.required(info) {
            out.events.push(FromDesktop::DispositionsOffered { item_id: info.item_id.clone(), list: None, required: Some(required) });
        }
        let query = json::obj(vec![("interactionId", json::s(&info.item_id))]);
        out.send.extend(self.request("GET_DISPOSITIONS_LIST", vec![query], Asked::Dispositions(info.item_id.clone())));
    }

    /// Whether the interaction's service requires a disposition, once the services are known
    /// (a service not on the list, or none named: not required).
    fn required(&self, info: &InteractionInfo) -> Option<bool> {
        let services = self.services.as_ref()?;
        let name = info.service.as_deref().unwrap_or_default();
        Some(services.iter().any(|(s, required)| *required && !name.is_empty() && s.eq_ignore_ascii_case(name)))
    }

    /// Reads one packet from the widget (its JSON text).
    pub fn decode(&mut self, text: &str) -> Result<Decoded, CoreError> {
        if text.len() > MAX_MESSAGE_LEN {
            return Err(CoreError::TooLarge(text.len()));
        }
        let packet = json::parse(text).ok_or(CoreError::Malformed("not JSON"))?;
        let kind = packet.get("type").and_then(Value::as_str).ok_or(CoreError::Malformed("no type"))?.to_ascii_uppercase();
        let mut out = Decoded::default();
        match packet.get("instanceId").and_then(Value::as_str) {
            Some(id) if id != self.instance && id != "broadcast" => {
                out.neighbour = true;
                return Ok(out);
            }
            _ => {}
        }
        let uid = packet.get("uid").and_then(scalar).unwrap_or_default();
        let params = packet.get("params");
        // Only the greeting of our own channel's frame reaches here (the glue reads no other
        // window): it is answered with our instance and no integration key or widget options,
        // so nothing of the page's widget is configured from here. A greeting again is a new
        // widget: nothing asked of the last one will be answered.
        if kind == "HELLO" {
            self.connected = true;
            self.pending.retain(|(u, _, _)| self.queued.iter().any(|(q, _)| q == u));
            self.snapshots.retain(|s| self.pending.iter().any(|(_, _, a)| matches!(a, Asked::Login(r) | Asked::Agent(r) | Asked::Interactions(r) if *r == s.request_id)));
            let hi = json::obj(vec![("instanceId", json::s(&self.instance))]);
            out.send.push(self.packet(&uid, "hi", Value::Arr(vec![hi])));
            out.send.extend(self.queued.drain(..).map(|(_, p)| p));
            return Ok(out);
        }
        // 2.0's lifecycle packets: the widget is there and takes requests.
        if kind == "READY" || kind == "COMM-WIDGET-READY" {
            if !self.connected {
                self.connected = true;
                out.send.extend(self.queued.drain(..).map(|(_, p)| p));
            }
            return Ok(out);
        }
        if let Some(request) = kind.strip_suffix("_RESPONSE") {
            // By uid and by type, as the page adapter correlates.
            let Some(at) = self.pending.iter().position(|(u, k, _)| *u == uid && !uid.is_empty() && *k == request) else {
                out.neighbour = true;
                return Ok(out);
            };
            let (_, _, asked) = self.pending.remove(at);
            self.answer(request, asked, params, &mut out);
            return Ok(out);
        }
        let event = kind.strip_prefix("ON_").unwrap_or(&kind);
        let arg = |i: usize| params.and_then(Value::as_array).and_then(|p| p.get(i));
        match event {
            "AGENT_STATE_CHANGE" => out.events.push(FromDesktop::StateChanged {
                agent_id: None,
                status: arg(0).and_then(scalar).ok_or(CoreError::Malformed("ON_AGENT_STATE_CHANGE without a state"))?.to_ascii_lowercase(),
                reason: arg(1).and_then(scalar).unwrap_or_default(),
            }),
            "LOGIN" => {
                let d = arg(0);
                out.events.push(FromDesktop::LoginChanged {
                    agent_id: d.and_then(|d| d.get("agentId")).and_then(scalar).filter(|s| !s.is_empty()),
                    login: d.and_then(|d| d.get("isLoggedIn")).and_then(Value::as_bool).unwrap_or(true),
                });
            }
            "LOGOUT" => out.events.push(FromDesktop::LoginChanged { agent_id: None, login: false }),
            "NEW_INTERACTION" | "INTERACTION_STATE_CHANGE" => {
                let d = arg(0).ok_or(CoreError::Malformed("interaction event without data"))?;
                let info = interaction(d).ok_or(CoreError::Malformed("interaction event without interactionId"))?;
                let item_id = Some(info.item_id.clone());
                if self.removed.contains(&info.item_id) {
                    return Ok(out);
                }
                let state = d.get("state").and_then(scalar).unwrap_or_default();
                // The first word of an interaction (its ON_NEW_INTERACTION, or a state change
                // of one whose first event was missed) makes it known to the session, once.
                let known = self.states.iter().position(|(i, _)| i.item_id == info.item_id);
                let changed = match known {
                    Some(at) => {
                        let was = std::mem::replace(&mut self.states[at].1, state.clone());
                        self.states[at].0 = info.clone();
                        was != state
                    }
                    None => {
                        if self.states.len() >= MAX_TRACKED {
                            self.states.remove(0);
                        }
                        self.states.push((info.clone(), state.clone()));
                        out.events.push(FromDesktop::InteractionRendered(info.clone()));
                        self.ask_offer(&info, &mut out);
                        true
                    }
                };
                if changed && is_voice(d) {
                    let outbound = d.get("callDirection").and_then(Value::as_str) == Some("outbound");
                    match state.as_str() {
                        "delivery_pending" => out.events.push(FromDesktop::CallStarted {
                            command: (if outbound { "_O_CALL_DIALING" } else { "_I_CALL_OFFERED" }).to_string(),
                            item_id,
                            call_id: None,
                        }),
                        "delivered" => out.events.push(FromDesktop::CallStarted {
                            command: (if outbound { "_O_CALL_CONNECTED" } else { "_I_CALL_ANSWERED" }).to_string(),
                            item_id,
                            call_id: None,
                        }),
                        "wrap_up" | "wrap_up_hold" => out.events.push(FromDesktop::CallEnded { item_id, call_id: None }),
                        _ => {}
                    }
                }
            }
            "INTERACTION_REMOVED" => {
                let d = arg(0).ok_or(CoreError::Malformed("ON_INTERACTION_REMOVED without data"))?;
                let info = interaction(d).ok_or(CoreError::Malformed("ON_INTERACTION_REMOVED without interactionId"))?;
                if self.removed.contains(&info.item_id) {
                    return Ok(out);
                }
                self.states.retain(|(i, _)| i.item_id != info.item_id);
                if self.removed.len() >= MAX_TRACKED {
                    self.removed.remove(0);
                }
                self.removed.push(info.item_id.clone());
                out.events.push(FromDesktop::InteractionCompleted { info, disposition: disposition(d) });
            }
            _ => out.events.push(FromDesktop::Other { command: kind.chars().take(64).collect() }),
        }
        Ok(out)
    }

    /// An answer to one of our requests.
    fn answer(&mut self, request: &str, asked: Asked, params: Option<&Value>, out: &mut Decoded) {
        let ok = params.and_then(|p| p.get("status")).and_then(Value::as_str) == Some("success");
        let data = params.and_then(|p| p.get("data"));
        let error = params.and_then(|p| p.get("error"));
        let code = error.and_then(|e| e.get("code")).and_then(Value::as_f64).filter(|c| c.fract() == 0.0 && (0.0..1e6).contains(c)).map(|c| c as u32);
        let name = error.and_then(|e| e.get("name")).and_then(scalar).filter(|n| !n.is_empty() && n.len() <= 64).or_else(|| code.and_then(error_name).map(str::to_string)).unwrap_or_else(|| "unknown_error".to_string());
        let not_logged_in = code == Some(2) || name == "not_logged_in";
        // A call that did not start says so in a successful answer: `{id: null, error}`.
        let no_call = request == "START_CALL" && ok && data.is_some_and(|d| d.get("error").is_some_and(|e| !matches!(e, Value::Null)) || matches!(d.get("id"), Some(Value::Null)));
        match &asked {
            Asked::Command { command, item_id } => {
                if !ok || no_call {
                    let name = if no_call { data.and_then(|d| d.get("error")).and_then(|e| e.get("name").or(Some(e))).and_then(scalar).filter(|n| !n.is_empty() && n.len() <= 64).unwrap_or(name) } else { name };
                    out.failures.push(Failure { command: command.to_string(), item_id: item_id.clone(), code, name, request_id: None });
                }
            }
            Asked::Mute { item_id, mute } => {
                if ok {
                    out.events.push(FromDesktop::CallRecording { item_id: Some(item_id.clone()), call_id: None, recording: Some(true), muted: Some(*mute) });
                } else {
                    out.failures.push(Failure { command: request.to_string(), item_id: Some(item_id.clone()), code, name, request_id: None });
                }
            }
            Asked::Recording(item_id) => {
                if let Some(i) = ok.then(|| interactions(data)).into_iter().flatten().find(|(i, _)| i.item_id == *item_id) {
                    out.events.push(FromDesktop::CallRecording { item_id: Some(item_id.clone()), call_id: None, recording: i.1, muted: None });
                } else if !ok {
                    out.failures.push(Failure { command: request.to_string(), item_id: Some(item_id.clone()), code, name, request_id: None });
                }
            }
            Asked::Dispositions(item_id) => {
                let list: Option<Vec<(String, String)>> = data.and_then(Value::as_array).filter(|_| ok).map(|items| {
                    items
                        .iter()
                        .filter_map(|d| {
                            let name = d.get("name").and_then(scalar).filter(|n| !n.trim().is_empty() && n.len() <= 128)?;
                            let value = ["id", "code"].iter().find_map(|k| d.get(k).and_then(scalar).filter(|v| !v.is_empty() && v.len() <= 128)).unwrap_or_else(|| name.clone());
                            Some((name.trim().to_string(), value))
                        })
                        .take(MAX_OFFERED)
                        .collect()
                });
                // Refused (an older widget, a service without dispositions): the settings stand.
                if let Some(list) = list.filter(|_| !self.removed.contains(item_id)) {
                    out.events.push(FromDesktop::DispositionsOffered { item_id: item_id.clone(), list: Some(list), required: None });
                }
            }
            Asked::Services => {
                let services: Vec<(String, bool)> = data
                    .and_then(Value::as_array)
                    .filter(|_| ok)
                    .map(|items| {
                        items
                            .iter()
                            .filter_map(|d| {
                                let name = d.get("name").and_then(scalar).filter(|n| !n.is_empty() && n.len() <= 128)?;
                                let uses = d.get("useDispositions").and_then(Value::as_bool) != Some(false);
                                Some((name, uses && d.get("requireDisposition").and_then(Value::as_bool) == Some(true)))
                            })
                            .take(MAX_OFFERED)
                            .collect()
                    })
                    .unwrap_or_default();
                self.services = Some(services);
                for info in &self.offered {
                    if let Some(required) = self.required(info) {
                        out.events.push(FromDesktop::DispositionsOffered { item_id: info.item_id.clone(), list: None, required: Some(required) });
                    }
                }
            }
            Asked::Login(id) | Asked::Agent(id) | Asked::Interactions(id) => {
                let id = id.clone();
                // Interactions a Get State lists whose dispositions were not asked for yet (one
                // that outlived a reload of the page).
                let mut offer = Vec::new();
                let mut ok_part = false;
                let mut failed = !ok;
                let Some(at) = self.snapshots.iter().position(|s| s.request_id == id) else { return };
                let s = &mut self.snapshots[at];
                match asked {
                    Asked::Login(_) => {
                        s.login = Some(match (ok, data) {
                            (true, Some(d)) => Some((d.get("isLoggedIn").and_then(Value::as_bool).unwrap_or(false), d.get("agentId").and_then(scalar).filter(|a| !a.is_empty()))),
                            _ if not_logged_in => Some((false, None)),
                            _ => None,
                        })
                    }
                    Asked::Agent(_) => {
                        let agent = match (ok, data) {
                            (true, Some(d)) => d.get("state").and_then(scalar).map(|st| (st.to_ascii_lowercase(), d.get("notReadyReason").and_then(scalar).unwrap_or_default())),
                            _ if not_logged_in => Some(("logged_out".to_string(), String::new())),
                            _ => None,
                        };
                        // A success that names no state tells nothing: not a status to show.
                        failed |= agent.is_none();
                        s.agent = Some(agent);
                    }
                    _ => {
                        // A widget before 5.24 has no GET_INTERACTIONS_STATE: the interactions its
                        // events told of stand in for the list.
                        let older = code == Some(14) || name == "api_method_not_implemented";
                        s.interactions = Some(if ok {
                            let items: Vec<InteractionInfo> = interactions(data).into_iter().map(|(i, _)| i).collect();
                            offer.clone_from(&items);
                            items
                        } else if older {
                            self.states.iter().map(|(i, _)| i.clone()).collect()
                        } else {
                            Vec::new()
                        });
                        if older {
                            ok_part = true;
                        }
                    }
                }
                if failed && !ok_part && !not_logged_in {
                    self.snapshots.remove(at);
                    self.pending.retain(|(_, _, a)| !matches!(a, Asked::Login(r) | Asked::Agent(r) | Asked::Interactions(r) if *r == id));
                    out.failures.push(Failure { command: "GET_STATE".to_string(), item_id: None, code, name, request_id: Some(id) });
                    return;
                }
                if let (Some(login), Some(agent), Some(items)) = (s.login.clone(), s.agent.clone(), s.interactions.clone()) {
                    let s = self.snapshots.remove(at);
                    let logged_in = login.as_ref().is_none_or(|(l, _)| *l);
                    let (status, reason) = match agent {
                        Some(a) if logged_in => a,
                        _ => ("logged_out".to_string(), String::new()),
                    };
                    out.events.push(FromDesktop::StateReply {
                        request_id: s.request_id,
                        state: AgentSnapshot { agent_id: login.clone().and_then(|(_, a)| a), status, reason, interactions: if logged_in { items } else { Vec::new() } },
                    });
                    // The session reads a login only from its own event.
                    if !logged_in {
                        out.events.push(FromDesktop::LoginChanged { agent_id: None, login: false });
                    }
                }
                for info in offer {
                    self.ask_offer(&info, out);
                }
            }
        }
    }

    fn uid(&mut self) -> String {
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        format!("bpct{x:016x}")
    }

    fn packet(&self, uid: &str, kind: &str, params: Value) -> String {
        json::obj(vec![("uid", json::s(uid)), ("type", json::s(kind)), ("params", Some(params)), ("instanceId", json::s(&self.instance))]).write()
    }
}

fn command(kind: &'static str, params: Vec<Value>, item_id: Option<&String>) -> (&'static str, Vec<Value>, Asked) {
    (kind, params, Asked::Command { command: kind, item_id: item_id.cloned() })
}

fn text(s: &str) -> Value {
    Value::Str(s.to_string())
}

/// The documented name of a result error code.
pub fn error_name(code: u32) -> Option<&'static str> {
    Some(match code {
        1 => "not_enough_privileges",
        2 => "not_logged_in",
        3 => "invalid_args",
        4 => "logged_without_phone",
        5 => "banned",
        6 => "api_not_answer",
        7 => "invalid_request",
        8 => "timeout",
        9 => "no_chat_in_service",
        10 => "empty_number",
        11 => "no_service",
        12 => "self_call",
        13 => "no_interaction",
        14 => "api_method_not_implemented",
        15 => "not_suitable_state",
        16 => "no_disposition",
        17 => "object_not_found",
        18 => "no_permissions_did_sms",
        19 => "no_permissions_did_call",
        20 => "no_channel_in_service",
        99 => "unknown_error",
        _ => return None,
    })
}

fn is_voice(d: &Value) -> bool {
    matches!(d.get("type").and_then(Value::as_str), None | Some("voice"))
}

/// `GET_INTERACTIONS_STATE`'s interactions, the active one first, each with its `callRecording`.
fn interactions(data: Option<&Value>) -> Vec<(InteractionInfo, Option<bool>)> {
    let Some(d) = data else { return Vec::new() };
    let active = d.get("activeInteractionId").and_then(scalar);
    let mut out: Vec<(InteractionInfo, Option<bool>)> = d
        .get("interactions")
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(|i| interaction(i).map(|info| (info, i.get("callRecording").and_then(Value::as_bool)))).collect())
        .unwrap_or_default();
    if let Some(at) = active.and_then(|a| out.iter().position(|(i, _)| i.item_id == a)) {
        let first = out.remove(at);
        out.insert(0, first);
    }
    out
}

/// One `InteractionData` as the session knows interactions: `interactionId` (the docs'
/// examples say `id`), the caller's number (`phoneNumber`, else the first call party's, else
/// `ANI`), and `attachedData` for screen pops.
fn interaction(d: &Value) -> Option<InteractionInfo> {
    if !d.is_object() {
        return None;
    }
    let item_id = d.get("interactionId").or_else(|| d.get("id")).and_then(scalar).filter(|s| !s.is_empty())?;
    let party_phone = d.get("callParties").and_then(Value::as_array).and_then(|p| p.first()).and_then(|p| p.get("phone")).and_then(scalar);
    let mut data = Vec::new();
    if let Some(Value::Obj(entries)) = d.get("attachedData") {
        for (k, v) in entries {
            if let (Some(v), true) = (scalar(v), data.len() < MAX_DATA_FIELDS && !k.is_empty() && k.len() <= 64) {
                data.push((format!("attached_data.{k}"), v));
            }
        }
    }
    Some(InteractionInfo {
        item_id,
        global_id: d.get("globalInteractionId").and_then(scalar).filter(|s| !s.is_empty()),
        phone_number: d.get("phoneNumber").and_then(scalar).or(party_phone).or_else(|| d.get("ANI").and_then(scalar)).filter(|s| !s.is_empty()),
        service: d.get("service").and_then(scalar).filter(|s| !s.is_empty()),
        data,
    })
}

/// The disposition of a removed interaction: a string, or an object with a `name` or `code`.
fn disposition(d: &Value) -> Option<String> {
    let v = d.get("disposition")?;
    match v {
        Value::Obj(_) => v.get("name").or_else(|| v.get("code")).and_then(scalar),
        v => scalar(v),
    }
    .filter(|s| !s.is_empty())
}
