//! The Agent Desktop 2.0 adapter against the packets of the reference
//! (`bright-pattern-agent-desktop-2.md`): the handshake, our instance only, every command's
//! packets, events mapped to the session's vocabulary, answers correlated by `uid`, and errors
//! with their documented names.

use bp_toolbar::core::json::{self, Value};
use bp_toolbar::core::protocol::{FromDesktop, StateChange, ToDesktop};
use bp_toolbar::core::protocol2::{error_name, Adapter, Failure};

fn parse(text: &str) -> Value {
    json::parse(text).expect("a packet is JSON")
}

/// An adapter past its handshake.
fn connected() -> Adapter {
    let mut a = Adapter::new(7);
    a.decode(r#"{"type":"hello","uid":"w1"}"#).unwrap();
    assert!(a.connected());
    a
}

/// The one packet `cmd` comes to, parsed.
fn one(a: &mut Adapter, cmd: &ToDesktop) -> Value {
    let out = a.encode(cmd);
    assert_eq!(out.len(), 1, "{cmd:?} is one packet: {out:?}");
    parse(&out[0])
}

fn uid(p: &Value) -> String {
    p.get("uid").and_then(Value::as_str).unwrap().to_string()
}

fn kind(p: &Value) -> String {
    p.get("type").and_then(Value::as_str).unwrap().to_string()
}

fn params(p: &Value) -> Vec<Value> {
    p.get("params").and_then(Value::as_array).unwrap().to_vec()
}

fn s(v: &str) -> Value {
    Value::Str(v.into())
}

#[test]
fn hello_is_answered_with_hi_and_what_waited_for_it() {
    let mut a = Adapter::new(0x2a);
    assert!(!a.connected());
    assert!(a.encode(&ToDesktop::Complete { data: "I1".into() }).is_empty(), "nothing goes out before the handshake");
    let d = a.decode(r#"{"type":"hello","uid":"abc123"}"#).unwrap();
    assert_eq!(d.send.len(), 2, "hi, then the queued request");
    let hi = parse(&d.send[0]);
    assert_eq!(kind(&hi), "hi");
    assert_eq!(uid(&hi), "abc123", "hi carries hello's uid");
    assert_eq!(hi.get("instanceId").and_then(Value::as_str), Some(a.instance()));
    let p = params(&hi);
    assert_eq!(p[0], json::obj(vec![("instanceId", json::s(a.instance()))]), "our instance, and none of the widget's options or keys");
    let queued = parse(&d.send[1]);
    assert_eq!(kind(&queued), "COMPLETE_INTERACTION");
    assert_eq!(params(&queued), vec![s("I1")]);
    // Now requests go out at once.
    assert_eq!(a.encode(&ToDesktop::Terminate { data: "I1".into() }).len(), 1);
}

#[test]
fn every_command_has_its_packets_with_the_interaction_named() {
    let mut a = connected();
    let cases: Vec<(ToDesktop, &str, Vec<Value>)> = vec![
        (ToDesktop::Terminate { data: "I1".into() }, "LEAVE_INTERACTION", vec![s("I1")]),
        (ToDesktop::Complete { data: "I1".into() }, "COMPLETE_INTERACTION", vec![s("I1")]),
        (ToDesktop::SelectService { data: "Sales".into() }, "SET_SERVICE", vec![s("Sales")]),
        (ToDesktop::Dial { number: "+15551234".into() }, "START_CALL", vec![s("+15551234")]),
        (ToDesktop::Transfer { number: "200".into() }, "BLIND_TRANSFER", vec![s("200")]),
        (ToDesktop::Conference { number: "201".into() }, "INVITE_TO_CALL_CONFERENCE", vec![s("201")]),
        (ToDesktop::MuteRecording { item_id: "I1".into() }, "SET_CALL_RECORDING_MUTE", vec![Value::Bool(true), s("I1")]),
        (ToDesktop::UnmuteRecording { item_id: "I1".into() }, "SET_CALL_RECORDING_MUTE", vec![Value::Bool(false), s("I1")]),
        (ToDesktop::SetDispositionByName { item_id: "I1".into(), name: "Sale".into() }, "SET_DISPOSITION", vec![s("Sale"), s("I1")]),
        (ToDesktop::SetNotes { item_id: "I1".into(), notes: "called back".into() }, "REPLACE_NOTE", vec![s("called back"), s("I1")]),
        (ToDesktop::ChangeState { data: StateChange { state: "NOT_READY".into(), reason: Some("Lunch".into()) } }, "SET_AGENT_STATE", vec![s("not_ready"), s("Lunch")]),
        (ToDesktop::ChangeState { data: StateChange { state: "READY".into(), reason: None } }, "SET_AGENT_STATE", vec![s("ready")]),
        (ToDesktop::RecordingStatus { item_id: "I1".into() }, "GET_INTERACTIONS_STATE", vec![]),
    ];
    let mut uids = Vec::new();
    for (cmd, want, want_params) in cases {
        let p = one(&mut a, &cmd);
        assert_eq!(kind(&p), want, "{cmd:?}");
        assert_eq!(params(&p), want_params, "{cmd:?}");
        assert_eq!(p.get("instanceId").and_then(Value::as_str), Some(a.instance()), "every packet names our instance");
        uids.push(uid(&p));
    }
    let mut unique = uids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), uids.len(), "a uid per request");
    // A disposition and notes go first, then the completion, each naming the interaction.
    let out = a.encode(&ToDesktop::CompleteWithDisposition { item_id: "I2".into(), code: "SALE".into(), notes: "n".into() });
    let kinds: Vec<(String, Vec<Value>)> = out.iter().map(|t| parse(t)).map(|p| (kind(&p), params(&p))).collect();
    assert_eq!(
        kinds,
        vec![
            ("SET_DISPOSITION".into(), vec![s("SALE"), s("I2")]),
            ("REPLACE_NOTE".into(), vec![s("n"), s("I2")]),
            ("COMPLETE_INTERACTION".into(), vec![s("I2")]),
        ]
    );
}

/// The three requests of a Get State, by type.
fn get_state(a: &mut Adapter, id: &str) -> Vec<(String, String)> {
    a.encode(&ToDesktop::GetState { request_id: id.into() }).iter().map(|t| parse(t)).map(|p| (kind(&p), uid(&p))).collect()
}

fn answer(uid: &str, kind: &str, params: &str) -> String {
    format!(r#"{{"uid":"{uid}","type":"{kind}_RESPONSE","params":{params}}}"#)
}

#[test]
fn get_state_is_one_reply_from_three_answers_the_active_interaction_first() {
    let mut a = connected();
    let asked = get_state(&mut a, "r1");
    let kinds: Vec<&str> = asked.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds, ["GET_LOGIN_STATE", "GET_AGENT_STATE", "GET_INTERACTIONS_STATE"]);
    let d = a.decode(&answer(&asked[1].1, "GET_AGENT_STATE", r#"{"status":"success","data":{"state":"busy","reservedForIncomingInteraction":false}}"#)).unwrap();
    assert!(d.events.is_empty(), "not until all three are in");
    a.decode(&answer(&asked[0].1, "GET_LOGIN_STATE", r#"{"status":"success","data":{"isLoggedIn":true,"agentId":"jeff"}}"#)).unwrap();
    let d = a
        .decode(&answer(
            &asked[2].1,
            "GET_INTERACTIONS_STATE",
            r#"{"status":"success","data":{"activeInteractionId":"B","interactions":[
                {"interactionId":"A","state":"hold","type":"voice"},
                {"interactionId":"B","state":"delivered","type":"voice","globalInteractionId":"G-B","callParties":[{"id":"p","name":"Ann","phone":"+15550100"}],"service":"Support","attachedData":{"case":"42","tier":7}}]}}"#,
        ))
        .unwrap();
    let [FromDesktop::StateReply { request_id, state }] = d.events.as_slice() else { panic!("{d:?}") };
    assert_eq!(request_id, "r1");
    assert_eq!(state.agent_id.as_deref(), Some("jeff"));
    assert_eq!(state.status, "busy");
    let ids: Vec<&str> = state.interactions.iter().map(|i| i.item_id.as_str()).collect();
    assert_eq!(ids, ["B", "A"], "the active interaction first");
    let b = &state.interactions[0];
    assert_eq!(b.global_id.as_deref(), Some("G-B"));
    assert_eq!(b.phone_number.as_deref(), Some("+15550100"));
    assert_eq!(b.service.as_deref(), Some("Support"));
    assert_eq!(b.data, vec![("attached_data.case".to_string(), "42".to_string()), ("attached_data.tier".to_string(), "7".to_string())]);
}

#[test]
fn an_agent_not_logged_in_is_logged_out_and_other_errors_fail_the_get_state() {
    let mut a = connected();
    let asked = get_state(&mut a, "r2");
    a.decode(&answer(&asked[0].1, "GET_LOGIN_STATE", r#"{"status":"success","data":{"isLoggedIn":false}}"#)).unwrap();
    a.decode(&answer(&asked[1].1, "GET_AGENT_STATE", r#"{"status":"error","error":{"code":2,"name":"not_logged_in"}}"#)).unwrap();
    let d = a.decode(&answer(&asked[2].1, "GET_INTERACTIONS_STATE", r#"{"status":"error","error":{"code":2}}"#)).unwrap();
    let [FromDesktop::StateReply { state, .. }, FromDesktop::LoginChanged { login: false, .. }] = d.events.as_slice() else { panic!("{d:?}") };
    assert_eq!(state.status, "logged_out");
    assert!(state.interactions.is_empty());
    assert!(d.failures.is_empty(), "not logged in is a state, not a failure");

    let asked = get_state(&mut a, "r3");
    let d = a.decode(&answer(&asked[1].1, "GET_AGENT_STATE", r#"{"status":"error","error":{"code":8}}"#)).unwrap();
    assert_eq!(d.failures, vec![Failure { command: "GET_STATE".into(), item_id: None, code: Some(8), name: "timeout".into(), request_id: Some("r3".into()) }], "the name from the code when the widget gave none");
    // The other two answers of that Get State then make nothing.
    let late = a.decode(&answer(&asked[0].1, "GET_LOGIN_STATE", r#"{"status":"success","data":{"isLoggedIn":true}}"#)).unwrap();
    assert!(late.events.is_empty() && late.failures.is_empty());
}

#[test]
fn a_refused_command_is_a_failure_with_its_interaction_and_a_success_says_nothing() {
    let mut a = connected();
    let p = one(&mut a, &ToDesktop::Complete { data: "5B07EFE4".into() });
    let d = a.decode(&answer(&uid(&p), "COMPLETE_INTERACTION", r#"{"status":"error","error":{"code":15,"name":"not_suitable_state"}}"#)).unwrap();
    assert_eq!(d.failures, vec![Failure { command: "COMPLETE_INTERACTION".into(), item_id: Some("5B07EFE4".into()), code: Some(15), name: "not_suitable_state".into(), request_id: None }]);
    let p = one(&mut a, &ToDesktop::Terminate { data: "X".into() });
    let d = a.decode(&answer(&uid(&p), "LEAVE_INTERACTION", r#"{"status":"success","data":null}"#)).unwrap();
    assert!(d.events.is_empty() && d.failures.is_empty(), "the events say what happened");
    // A second answer with the same uid is not ours any more.
    let d = a.decode(&answer(&uid(&p), "LEAVE_INTERACTION", r#"{"status":"error","error":{"code":13}}"#)).unwrap();
    assert!(d.neighbour && d.failures.is_empty());
    assert_eq!(error_name(16), Some("no_disposition"));
    assert_eq!(error_name(99), Some("unknown_error"));
    assert_eq!(error_name(21), None);
}

#[test]
fn the_page_adapters_traffic_is_left_alone() {
    let mut a = connected();
    // Another instance's event, and an answer to a request we never made.
    let d = a.decode(r#"{"uid":"p1","type":"ON_AGENT_STATE_CHANGE","params":["ready"],"instanceId":"page-1"}"#).unwrap();
    assert!(d.neighbour && d.events.is_empty());
    let d = a.decode(&answer("page-uid-9", "GET_AGENT_STATE", r#"{"status":"success","data":{"state":"ready"}}"#)).unwrap();
    assert!(d.neighbour && d.events.is_empty());
    // Broadcast and unframed (G1) events are everyone's.
    let d = a.decode(r#"{"uid":"b","type":"ON_AGENT_STATE_CHANGE","params":["not_ready","Lunch"],"instanceId":"broadcast"}"#).unwrap();
    assert_eq!(d.events, vec![FromDesktop::StateChanged { agent_id: None, status: "not_ready".into(), reason: "Lunch".into() }]);
    let d = a.decode(r#"{"uid":"c","type":"ON_AGENT_STATE_CHANGE","params":["READY"]}"#).unwrap();
    assert!(!d.neighbour);
    assert_eq!(d.events, vec![FromDesktop::StateChanged { agent_id: None, status: "ready".into(), reason: String::new() }]);
}

#[test]
fn interaction_events_are_the_sessions_call_events() {
    let mut a = connected();
    let d = a.decode(r#"{"uid":"e1","type":"ON_NEW_INTERACTION","params":[{"interactionId":"I9","state":"delivery_pending","type":"voice","callDirection":"inbound","ANI":"+15550199"}]}"#).unwrap();
    let [FromDesktop::InteractionRendered(info), FromDesktop::CallStarted { command, item_id, .. }] = d.events.as_slice() else { panic!("{d:?}") };
    assert_eq!(info.item_id, "I9");
    assert_eq!(info.phone_number.as_deref(), Some("+15550199"), "the caller from ANI when nothing else names one");
    assert_eq!((command.as_str(), item_id.as_deref()), ("_I_CALL_OFFERED", Some("I9")));
    let d = a.decode(r#"{"uid":"e2","type":"ON_INTERACTION_STATE_CHANGE","params":[{"interactionId":"I9","state":"delivered","type":"voice"}]}"#).unwrap();
    assert_eq!(d.events, vec![FromDesktop::CallStarted { command: "_I_CALL_ANSWERED".into(), item_id: Some("I9".into()), call_id: None }]);
    let d = a.decode(r#"{"uid":"e3","type":"ON_INTERACTION_STATE_CHANGE","params":[{"interactionId":"I9","state":"wrap_up","type":"voice"}]}"#).unwrap();
    assert_eq!(d.events, vec![FromDesktop::CallEnded { item_id: Some("I9".into()), call_id: None }]);
    let d = a.decode(r#"{"uid":"e4","type":"ON_INTERACTION_REMOVED","params":[{"interactionId":"I9","state":"completed","disposition":"Sale"}]}"#).unwrap();
    let [FromDesktop::InteractionCompleted { info, disposition }] = d.events.as_slice() else { panic!("{d:?}") };
    assert_eq!((info.item_id.as_str(), disposition.as_deref()), ("I9", Some("Sale")));
    // Outbound, and a chat (no call events), and G0 names without the prefix.
    let d = a.decode(r#"{"uid":"e5","type":"ON_NEW_INTERACTION","params":[{"interactionId":"O1","state":"delivery_pending","type":"voice","callDirection":"outbound"}]}"#).unwrap();
    assert!(matches!(&d.events[1], FromDesktop::CallStarted { command, .. } if command == "_O_CALL_DIALING"));
    let d = a.decode(r#"{"uid":"e6","type":"ON_NEW_INTERACTION","params":[{"interactionId":"C1","state":"delivered","type":"chat"}]}"#).unwrap();
    assert_eq!(d.events.len(), 1, "a chat has no call: {d:?}");
    let d = a.decode(r#"{"uid":"e7","type":"LOGOUT","params":[]}"#).unwrap();
    assert_eq!(d.events, vec![FromDesktop::LoginChanged { agent_id: None, login: false }]);
    let d = a.decode(r#"{"uid":"e8","type":"ON_LOGIN","params":[{"isLoggedIn":true,"agentId":"jeff"}]}"#).unwrap();
    assert_eq!(d.events, vec![FromDesktop::LoginChanged { agent_id: Some("jeff".into()), login: true }]);
    let d = a.decode(r#"{"uid":"e9","type":"ON_SERVER_ERROR","params":[{"code":100,"name":"forced_logout_by_other_client"}]}"#).unwrap();
    assert_eq!(d.events, vec![FromDesktop::Other { command: "ON_SERVER_ERROR".into() }]);
}

#[test]
fn recording_state_comes_from_the_interactions_list() {
    let mut a = connected();
    let p = one(&mut a, &ToDesktop::RecordingStatus { item_id: "I1".into() });
    let d = a.decode(&answer(&uid(&p), "GET_INTERACTIONS_STATE", r#"{"status":"success","data":{"activeInteractionId":"I1","interactions":[{"interactionId":"I1","callRecording":true}]}}"#)).unwrap();
    assert_eq!(d.events, vec![FromDesktop::CallRecording { item_id: Some("I1".into()), call_id: None, recording: Some(true), muted: None }]);
}

#[test]
fn malformed_packets_are_errors_and_bounds_hold() {
    let mut a = connected();
    for bad in ["", "[]", "\"hello\"", r#"{"uid":"x"}"#, r#"{"type":7}"#, r#"{"type":"ON_AGENT_STATE_CHANGE","params":[]}"#, r#"{"type":"ON_NEW_INTERACTION","params":[{"state":"delivered"}]}"#] {
        assert!(a.decode(bad).is_err(), "{bad:?}");
    }
    let huge = format!(r#"{{"type":"ON_LOGOUT","pad":"{}"}}"#, "x".repeat(300 * 1024));
    assert!(a.decode(&huge).is_err());
    // A silent widget: the requests waiting stay bounded, and the handshake queue too.
    for i in 0..500 {
        a.encode(&ToDesktop::Complete { data: format!("I{i}") });
    }
    assert_eq!(a.waiting(), bp_toolbar::core::protocol2::MAX_PENDING);
    let mut b = Adapter::new(1);
    for i in 0..500 {
        b.encode(&ToDesktop::Complete { data: format!("I{i}") });
    }
    let d = b.decode(r#"{"type":"hello","uid":"h"}"#).unwrap();
    assert!(d.send.len() <= 1 + bp_toolbar::core::protocol2::MAX_QUEUED);
    // After a reset the widget must greet us again, and nothing is waited for.
    b.reset();
    assert!(!b.connected());
    assert_eq!(b.waiting(), 0);
}

#[test]
fn repeated_and_late_events_and_an_interaction_first_seen_changing() {
    let mut a = connected();
    let state = |id: &str, st: &str| format!(r#"{{"uid":"x","type":"ON_INTERACTION_STATE_CHANGE","params":[{{"interactionId":"{id}","state":"{st}","type":"voice"}}]}}"#);
    // Its new-interaction event was missed: the first state change makes it known, once.
    let d = a.decode(&state("M1", "delivered")).unwrap();
    assert!(matches!(d.events.as_slice(), [FromDesktop::InteractionRendered(i), FromDesktop::CallStarted { .. }] if i.item_id == "M1"), "{d:?}");
    // The same state again (a duplicate, or only its data changed): nothing.
    assert!(a.decode(&state("M1", "delivered")).unwrap().events.is_empty());
    let d = a.decode(&state("M1", "hold")).unwrap();
    assert!(d.events.is_empty(), "hold is no call event: {d:?}");
    let d = a.decode(&state("M1", "delivered")).unwrap();
    assert_eq!(d.events.len(), 1, "back from hold is a new state: {d:?}");
    let removed = r#"{"uid":"r","type":"ON_INTERACTION_REMOVED","params":[{"interactionId":"M1","state":"completed"}]}"#;
    assert_eq!(a.decode(removed).unwrap().events.len(), 1);
    assert!(a.decode(removed).unwrap().events.is_empty(), "removed once");
    assert!(a.decode(&state("M1", "wrap_up")).unwrap().events.is_empty(), "a late copy brings nothing back");
}

#[test]
fn answers_must_match_type_and_uid_and_say_what_happened() {
    let mut a = connected();
    // A pause confirmed by its answer (the session waits for `muted`).
    let p = one(&mut a, &ToDesktop::MuteRecording { item_id: "I1".into() });
    let d = a.decode(&answer(&uid(&p), "SET_CALL_RECORDING_MUTE", r#"{"status":"success","data":null}"#)).unwrap();
    assert_eq!(d.events, vec![FromDesktop::CallRecording { item_id: Some("I1".into()), call_id: None, recording: Some(true), muted: Some(true) }]);
    // An answer of another type under our uid (a page that saw it) is not ours.
    let p = one(&mut a, &ToDesktop::Complete { data: "I1".into() });
    let d = a.decode(&answer(&uid(&p), "LEAVE_INTERACTION", r#"{"status":"error","error":{"code":15}}"#)).unwrap();
    assert!(d.neighbour && d.failures.is_empty());
    // A dial the widget could not start, in a successful answer.
    let p = one(&mut a, &ToDesktop::Dial { number: "123".into() });
    let d = a.decode(&answer(&uid(&p), "START_CALL", r#"{"status":"success","data":{"id":null,"error":"no_service"}}"#)).unwrap();
    assert_eq!(d.failures.len(), 1, "{d:?}");
    assert_eq!(d.failures[0].name, "no_service");
    // A widget before 5.24 (no interactions list): the events' interactions stand in.
    a.decode(r#"{"uid":"n","type":"ON_NEW_INTERACTION","params":[{"interactionId":"K1","state":"delivered","type":"voice"}]}"#).unwrap();
    let asked = get_state(&mut a, "r9");
    a.decode(&answer(&asked[0].1, "GET_LOGIN_STATE", r#"{"status":"success","data":{"isLoggedIn":true}}"#)).unwrap();
    a.decode(&answer(&asked[1].1, "GET_AGENT_STATE", r#"{"status":"success","data":{"state":"busy"}}"#)).unwrap();
    let d = a.decode(&answer(&asked[2].1, "GET_INTERACTIONS_STATE", r#"{"status":"error","error":{"code":14,"name":"api_method_not_implemented"}}"#)).unwrap();
    let [FromDesktop::StateReply { state, .. }] = d.events.as_slice() else { panic!("{d:?}") };
    assert_eq!(state.interactions.iter().map(|i| i.item_id.as_str()).collect::<Vec<_>>(), ["K1"]);
    // A success that names no state is no status.
    let asked = get_state(&mut a, "r10");
    let d = a.decode(&answer(&asked[1].1, "GET_AGENT_STATE", r#"{"status":"success","data":{}}"#)).unwrap();
    assert_eq!(d.failures.len(), 1, "{d:?}");
}

#[test]
fn which_desktop_a_frame_is_and_where_its_channel_opens() {
    use bp_toolbar::core::detect::{desktop_of, Desktop};
    let yes = [
        ("https://acme.brightpattern.com/agentdesktop/UniversalRepeater.jsp", "https://acme.brightpattern.com", Desktop::Legacy),
        ("https://acme.brightpattern.com/agent/crmembedded/", "https://acme.brightpattern.com", Desktop::Widget),
        ("https://cc.example.ru:8443/agent/crmembedded/?adcUrl=x&case=1", "https://cc.example.ru:8443", Desktop::Widget),
        ("https://acme.brightpattern.com/agent/crmembedded/no-ui/", "https://acme.brightpattern.com", Desktop::Widget),
        ("http://localhost:8101/agent/communicator/", "http://localhost:8101", Desktop::Communicator),
    ];
    for (src, origin, desktop) in yes {
        assert_eq!(desktop_of(src), Some((origin.to_string(), desktop)), "{src}");
    }
    for src in [
        // 1.0 shares the prefix without the slash; the full 2.0 app is not embedded.
        "https://acme.brightpattern.com/agentdesktop/",
        "https://acme.brightpattern.com/agent/",
        "https://acme.brightpattern.com/agent",
        "https://acme.brightpattern.com/agent/crmembedded",
        // The page adapter's own hidden endpoint, and its scripts, are not the desktop.
        "https://acme.brightpattern.com/agent/crmembedded/adapters/api-proxy.html",
        "https://acme.brightpattern.com/agent/communicator/adapters/api.js",
        // A path that names one thing and reaches another.
        "https://acme.brightpattern.com/agent/crmembedded/../../crm/page",
        "https://acme.brightpattern.com/agent/crmembedded/%2e%2e/x",
        "https://crm.example.com/x/agent/crmembedded/",
        "https://crm.example.com/?u=/agent/crmembedded/",
        "https://evil@acme.brightpattern.com/agent/crmembedded/",
        "javascript:1//agent/crmembedded/",
    ] {
        assert_eq!(desktop_of(src), None, "{src}");
    }
    let o = "https://a.brightpattern.com";
    assert_eq!(Desktop::Widget.proxy_url(o).as_deref(), Some("https://a.brightpattern.com/agent/crmembedded/adapters/api-proxy.html"));
    assert_eq!(Desktop::Legacy.proxy_url(o).as_deref(), Some("https://a.brightpattern.com/agentdesktop/AgentDesktopSdkProxy.jsp"));
    assert_eq!(Desktop::Communicator.proxy_url(o), None);
    assert!(Desktop::Widget.objects() && !Desktop::Legacy.objects());
}

/// The requests a decoded packet sends (type, uid, params).
fn sent(d: &bp_toolbar::core::protocol2::Decoded) -> Vec<(String, String, Vec<Value>)> {
    d.send.iter().map(|t| parse(t)).map(|p| (kind(&p), uid(&p), params(&p))).collect()
}

fn offered(item: &str, list: Option<&[(&str, &str)]>, required: Option<bool>) -> FromDesktop {
    FromDesktop::DispositionsOffered { item_id: item.into(), list: list.map(|l| l.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()), required }
}

#[test]
fn dispositions_are_asked_for_every_interaction_once_and_the_service_says_whether_one_is_required() {
    let mut a = connected();
    let d = a.decode(r#"{"uid":"e1","type":"ON_NEW_INTERACTION","params":[{"interactionId":"I1","state":"delivery_pending","type":"voice","service":"Support"}]}"#).unwrap();
    let asked = sent(&d);
    let kinds: Vec<&str> = asked.iter().map(|(k, _, _)| k.as_str()).collect();
    assert_eq!(kinds, ["GET_SERVICES_LIST", "GET_DISPOSITIONS_LIST"], "the services once, then the interaction's list");
    assert_eq!(asked[1].2, vec![json::obj(vec![("interactionId", json::s("I1"))])], "asked by the interaction's id");
    assert!(!d.events.iter().any(|e| matches!(e, FromDesktop::DispositionsOffered { .. })), "nothing known yet");
    // The same interaction again (events come twice): not asked again.
    let d = a.decode(r#"{"uid":"e2","type":"ON_NEW_INTERACTION","params":[{"interactionId":"I1","state":"delivery_pending","type":"voice","service":"Support"}]}"#).unwrap();
    assert!(d.send.is_empty(), "{d:?}");

    // The list: each by its id (else code, else name); an entry without a name is no entry.
    let d = a
        .decode(&answer(
            &asked[1].1,
            "GET_DISPOSITIONS_LIST",
            r#"{"status":"success","data":[{"id":"D1","code":"100","name":"Resolved","type":"SUCCESS"},{"code":"200","name":" Callback "},{"name":"Spam"},{"id":"D9"},{"id":"D8","name":""}]}"#,
        ))
        .unwrap();
    assert_eq!(d.events, vec![offered("I1", Some(&[("Resolved", "D1"), ("Callback", "200"), ("Spam", "Spam")]), None)]);
    // The services: Support requires one (unless it uses none), which the interaction learns.
    let d = a
        .decode(&answer(
            &asked[0].1,
            "GET_SERVICES_LIST",
            r#"{"status":"success","data":[{"id":"s1","name":"Support","useDispositions":true,"requireDisposition":true},{"id":"s2","name":"Sales","useDispositions":false,"requireDisposition":true}]}"#,
        ))
        .unwrap();
    assert_eq!(d.events, vec![offered("I1", None, Some(true))]);
    // A later interaction: its service's rule at once, its list asked; the services not again.
    let d = a.decode(r#"{"uid":"e3","type":"ON_NEW_INTERACTION","params":[{"interactionId":"I2","state":"delivered","type":"chat","service":"Sales"}]}"#).unwrap();
    assert_eq!(sent(&d).iter().map(|(k, _, _)| k.as_str()).collect::<Vec<_>>(), ["GET_DISPOSITIONS_LIST"]);
    assert_eq!(d.events[1..], [offered("I2", None, Some(false))], "a service that uses no dispositions requires none");

    // A widget that refuses the list (older, or a service without dispositions): nothing is said.
    let list_uid = sent(&d)[0].1.clone();
    let d = a.decode(&answer(&list_uid, "GET_DISPOSITIONS_LIST", r#"{"status":"error","error":{"code":14,"name":"api_method_not_implemented"}}"#)).unwrap();
    assert!(d.events.is_empty() && d.failures.is_empty(), "{d:?}");

    // An interaction that a Get State lists (one that outlived a reload) is asked for too.
    let gs = get_state(&mut a, "r1");
    for (k, u) in &gs[..2] {
        let data = if k == "GET_LOGIN_STATE" { r#"{"isLoggedIn":true}"# } else { r#"{"state":"busy"}"# };
        a.decode(&answer(u, k, &format!(r#"{{"status":"success","data":{data}}}"#))).unwrap();
    }
    let d = a
        .decode(&answer(&gs[2].1, "GET_INTERACTIONS_STATE", r#"{"status":"success","data":{"activeInteractionId":"I3","interactions":[{"interactionId":"I3","state":"wrap_up","type":"voice","service":"Support"},{"interactionId":"I1","state":"delivered","type":"voice"}]}}"#))
        .unwrap();
    assert!(matches!(d.events[0], FromDesktop::StateReply { .. }));
    assert_eq!(d.events[1..], [offered("I3", None, Some(true))]);
    let asked = sent(&d);
    assert_eq!(asked.len(), 1, "only the interaction not asked for yet: {asked:?}");
    assert_eq!(asked[0].2, vec![json::obj(vec![("interactionId", json::s("I3"))])]);
    // Its list arriving after it was removed tells nothing.
    a.decode(r#"{"uid":"e4","type":"ON_INTERACTION_REMOVED","params":[{"interactionId":"I3","state":"completed"}]}"#).unwrap();
    let d = a.decode(&answer(&asked[0].1, "GET_DISPOSITIONS_LIST", r#"{"status":"success","data":[{"id":"D1","name":"Resolved"}]}"#)).unwrap();
    assert!(d.events.is_empty(), "{d:?}");
}
