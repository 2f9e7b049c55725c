//! The same reducer on an Agent Desktop 2.0 page: the toolbar's flows (capture, Get State,
//! Terminate, Complete, one-click wrap-up) over the Communicator Widget's packets, and the
//! widget's error answers shown to the agent as what they mean.

use bp_toolbar::core::detect::Trust;
use bp_toolbar::core::session::{Button, Effect, Input, NoticeKind, Session};
use bp_toolbar::core::view::View;
use serde_json::{json, Value};

const T: &str = "https://acme.example.com";
const ID: &str = "5B07EFE4-0658-45E0-AA6E-23AA042C1F0E";

fn posts(fx: &[Effect]) -> Vec<Value> {
    fx.iter().filter_map(|e| if let Effect::Post(p) = e { Some(serde_json::from_str(p).unwrap()) } else { None }).collect()
}

fn logs(fx: &[Effect]) -> Vec<(String, String, String)> {
    fx.iter().filter_map(|e| if let Effect::Log(l) = e { Some((l.action.clone(), l.item_id.clone(), l.result.clone())) } else { None }).collect()
}

fn send(s: &mut Session, packet: Value, now: f64) -> Vec<Effect> {
    s.apply(Input::Message { text: packet.to_string(), now })
}

fn kinds(p: &[Value]) -> Vec<&str> {
    p.iter().map(|p| p["type"].as_str().unwrap()).collect()
}

/// The widget's answer to one of our packets.
fn answer(to: &Value, result: Value) -> Value {
    json!({ "uid": to["uid"], "type": format!("{}_RESPONSE", to["type"].as_str().unwrap()), "params": result, "instanceId": to["instanceId"] })
}

fn ok(data: Value) -> Value {
    json!({ "status": "success", "data": data })
}

fn error(code: u32, name: &str) -> Value {
    json!({ "status": "error", "error": { "code": code, "name": name } })
}

fn interaction(state: &str) -> Value {
    json!({ "interactionId": ID, "state": state, "type": "voice", "callDirection": "inbound", "phoneNumber": "4151234567", "callParties": [], "attachedData": { "case": "00042" } })
}

fn event(name: &str, params: Value) -> Value {
    json!({ "uid": "e1", "type": name, "params": params })
}

/// Answers a Get State's three requests: logged in, `state`, the interactions given.
fn answer_state(s: &mut Session, asked: &[Value], state: &str, items: Vec<Value>, now: f64) -> Vec<Effect> {
    let mut fx = Vec::new();
    for p in asked {
        let result = match p["type"].as_str().unwrap() {
            "GET_LOGIN_STATE" => ok(json!({ "isLoggedIn": true, "agentId": "jeffery.lozada" })),
            "GET_AGENT_STATE" => ok(json!({ "state": state, "reservedForIncomingInteraction": false })),
            "GET_INTERACTIONS_STATE" => ok(json!({ "activeInteractionId": items.first().map(|i| i["interactionId"].clone()), "interactions": items })),
            other => panic!("not a Get State part: {other}"),
        };
        fx.extend(send(s, answer(p, result), now));
    }
    fx
}

/// A trusted 2.0 session, greeted by its proxy, its first Get State answered (not ready).
fn live() -> (Session, String) {
    let mut s = Session::new_widget(T, "crm", Trust::Trusted, 7);
    assert!(s.is_widget());
    assert_eq!(s.start(), vec![Effect::OpenChannel]);
    // Nothing goes out before the widget greets us: the Get State waits for the handshake.
    assert!(posts(&s.apply(Input::ProxyLoaded { now: 0.0 })).is_empty());
    let p = posts(&send(&mut s, json!({ "type": "hello", "uid": "h1" }), 5.0));
    assert_eq!(kinds(&p), ["hi", "GET_LOGIN_STATE", "GET_AGENT_STATE", "GET_INTERACTIONS_STATE"]);
    assert_eq!(p[0]["uid"], "h1", "hi answers the greeting's uid");
    let instance = p[0]["instanceId"].as_str().unwrap().to_string();
    assert!(p.iter().all(|q| q["instanceId"] == instance.as_str()), "every packet names our instance");
    answer_state(&mut s, &p[1..], "not_ready", vec![], 10.0);
    assert_eq!(View::of(&s).status.english(), "Not ready");
    (s, instance)
}

/// A call offered and answered: captured, Busy.
fn on_call(s: &mut Session) {
    let fx = send(s, event("ON_NEW_INTERACTION", json!([interaction("delivery_pending")])), 20.0);
    assert!(logs(&fx).iter().any(|(a, i, r)| a == "event INTERACTION_RENDERED" && i == ID && r == "item_id captured"));
    send(s, event("ON_AGENT_STATE_CHANGE", json!(["ringing"])), 21.0);
    send(s, event("ON_INTERACTION_STATE_CHANGE", json!([interaction("delivered")])), 30.0);
    send(s, event("ON_AGENT_STATE_CHANGE", json!(["busy"])), 31.0);
    assert_eq!(s.current_item(), ID, "the item_id is there without copy and paste");
    assert_eq!(View::of(s).status.english(), "Busy");
}

#[test]
fn terminate_and_complete_go_as_leave_and_complete_with_the_id_and_are_confirmed_by_events() {
    let (mut s, _) = live();
    on_call(&mut s);
    let fx = s.apply(Input::Click { button: Button::Terminate, now: 100.0 });
    let p = posts(&fx);
    assert_eq!(kinds(&p), ["LEAVE_INTERACTION"]);
    assert_eq!(p[0]["params"], json!([ID]), "always the id, never the active-interaction default");
    // A double click sends one.
    assert!(posts(&s.apply(Input::Click { button: Button::Terminate, now: 150.0 })).is_empty());
    send(&mut s, answer(&p[0], ok(Value::Null)), 160.0);
    send(&mut s, event("ON_INTERACTION_STATE_CHANGE", json!([interaction("wrap_up")])), 170.0);
    send(&mut s, event("ON_AGENT_STATE_CHANGE", json!(["after_call_work"])), 171.0);
    assert!(s.commands.is_empty(), "Terminate confirmed by the wrap_up state");
    assert_eq!(View::of(&s).status.english(), "After-call work");

    let p = posts(&s.apply(Input::Click { button: Button::Complete, now: 200.0 }));
    assert_eq!(kinds(&p), ["COMPLETE_INTERACTION"]);
    send(&mut s, answer(&p[0], ok(Value::Null)), 210.0);
    let mut removed = interaction("completed");
    removed["disposition"] = json!({ "name": "Resolved" });
    let fx = send(&mut s, event("ON_INTERACTION_REMOVED", json!([removed])), 220.0);
    assert!(logs(&fx).iter().any(|(_, i, r)| i == ID && r == "completed, disposition Resolved"), "{:?}", logs(&fx));
    send(&mut s, event("ON_AGENT_STATE_CHANGE", json!(["ready"])), 221.0);
    assert!(s.commands.is_empty());
    assert_eq!(s.current_item(), "", "the field empties once the call is completed");
    assert_eq!(View::of(&s).notice.unwrap().text.english(), format!("Completed {ID}."));
}

#[test]
fn a_refused_complete_says_what_the_error_means_and_stops_waiting() {
    let (mut s, _) = live();
    on_call(&mut s);
    send(&mut s, event("ON_INTERACTION_STATE_CHANGE", json!([interaction("wrap_up")])), 40.0);
    send(&mut s, event("ON_AGENT_STATE_CHANGE", json!(["after_call_work"])), 41.0);
    let p = posts(&s.apply(Input::Click { button: Button::Complete, now: 100.0 }));
    let fx = send(&mut s, answer(&p[0], error(16, "no_disposition")), 130.0);
    assert_eq!(logs(&fx), [("Complete".to_string(), ID.to_string(), "refused: no_disposition (16)".to_string())]);
    let notice = View::of(&s).notice.unwrap();
    assert_eq!(notice.kind, NoticeKind::Error);
    assert_eq!(notice.text.english(), format!("The desktop refused Complete for {ID}: the service requires a disposition first: choose one, then Complete."));
    assert!(s.commands.is_empty(), "not left waiting for a confirmation that will not come");
    // Five seconds later nothing says "not confirmed": the agent already knows why.
    let fx = s.apply(Input::Tick { now: 6_000.0 });
    assert!(!logs(&fx).iter().any(|(_, _, r)| r.starts_with("not confirmed")));
    // And Complete can be pressed again at once (the refusal ended the command).
    assert_eq!(kinds(&posts(&s.apply(Input::Click { button: Button::Complete, now: 6_100.0 }))), ["COMPLETE_INTERACTION"]);
}

#[test]
fn one_click_wrap_up_stops_at_a_refused_leave_with_its_meaning() {
    let (mut s, _) = live();
    on_call(&mut s);
    let p = posts(&s.apply(Input::Click { button: Button::WrapUp, now: 100.0 }));
    assert_eq!(kinds(&p), ["LEAVE_INTERACTION"]);
    let fx = send(&mut s, answer(&p[0], error(15, "not_suitable_state")), 120.0);
    let l = logs(&fx);
    assert!(l.contains(&("Terminate".into(), ID.into(), "refused: not_suitable_state (15)".into())), "{l:?}");
    assert!(l.contains(&("Wrap up".into(), ID.into(), "stopped: no after-call work".into())), "{l:?}");
    assert!(s.wrap.is_none());
    assert_eq!(
        View::of(&s).notice.unwrap().text.english(),
        format!("The desktop refused Terminate for {ID}: the interaction is not in a state that allows it (press Get State to see where it is).")
    );
    assert!(posts(&fx).is_empty(), "nothing more is sent");
}

#[test]
fn one_click_wrap_up_leaves_then_completes_once_in_wrap_up() {
    let (mut s, _) = live();
    on_call(&mut s);
    let p = posts(&s.apply(Input::Click { button: Button::WrapUp, now: 100.0 }));
    send(&mut s, answer(&p[0], ok(Value::Null)), 110.0);
    let fx = send(&mut s, event("ON_INTERACTION_STATE_CHANGE", json!([interaction("wrap_up")])), 120.0);
    let p = posts(&fx);
    assert_eq!(kinds(&p), ["COMPLETE_INTERACTION"], "Complete follows the wrap_up state");
    assert_eq!(p[0]["params"], json!([ID]));
    // The same state change again (2.0 may send an event twice) sends nothing more.
    assert!(posts(&send(&mut s, event("ON_INTERACTION_STATE_CHANGE", json!([interaction("wrap_up")])), 121.0)).is_empty());
    send(&mut s, answer(&p[0], ok(Value::Null)), 130.0);
    let fx = send(&mut s, event("ON_INTERACTION_REMOVED", json!([interaction("completed")])), 140.0);
    assert!(logs(&fx).iter().any(|(a, i, r)| a == "Wrap up" && i == ID && r == "done"), "{:?}", logs(&fx));
}

#[test]
fn a_refused_get_state_asked_by_the_agent_is_shown_at_once() {
    let (mut s, _) = live();
    let p = posts(&s.apply(Input::Click { button: Button::GetState, now: 100.0 }));
    assert_eq!(kinds(&p), ["GET_LOGIN_STATE", "GET_AGENT_STATE", "GET_INTERACTIONS_STATE"]);
    let fx = send(&mut s, answer(&p[1], error(1, "not_enough_privileges")), 120.0);
    assert_eq!(logs(&fx), [("Get State".to_string(), String::new(), "refused: not_enough_privileges (1)".to_string())]);
    assert_eq!(View::of(&s).notice.unwrap().text.english(), "The desktop refused Get State: the agent does not have the permission for it.");
    // No "no reply in 3 s" afterwards: the request is over.
    let fx = s.apply(Input::Tick { now: 4_000.0 });
    assert!(!logs(&fx).iter().any(|(_, _, r)| r == "no reply in 3 s"));
}

#[test]
fn the_page_adapters_traffic_is_a_neighbour_and_forged_or_foreign_packets_change_nothing() {
    let (mut s, instance) = live();
    let before = (s.ignored, s.neighbours);
    // The page's own instance: its answers and its copy of the events.
    send(&mut s, json!({ "uid": "p1", "type": "GET_AGENT_STATE_RESPONSE", "params": ok(json!({ "state": "busy" })), "instanceId": "page-instance" }), 50.0);
    send(&mut s, json!({ "uid": "p2", "type": "ON_NEW_INTERACTION", "params": [interaction("delivery_pending")], "instanceId": "page-instance" }), 51.0);
    // An answer with a uid we never sent, for our instance.
    send(&mut s, json!({ "uid": "bpct0000000000000001", "type": "COMPLETE_INTERACTION_RESPONSE", "params": ok(Value::Null), "instanceId": instance }), 52.0);
    assert_eq!(s.neighbours, before.1 + 3);
    assert_eq!(s.current_item(), "", "another instance's event captures nothing");
    assert_eq!(View::of(&s).status.english(), "Not ready");
    send(&mut s, json!("not a packet"), 53.0);
    s.apply(Input::Message { text: "{\"type\":".into(), now: 54.0 });
    assert_eq!(s.ignored, before.0 + 2, "malformed packets are counted as ignored");
}

#[test]
fn a_new_proxy_greets_again_and_what_the_old_one_was_asked_is_not_waited_for() {
    let (mut s, _) = live();
    on_call(&mut s);
    let p = posts(&s.apply(Input::Click { button: Button::Terminate, now: 100.0 }));
    // The page removed our proxy: a new one opens and greets us.
    assert!(s.apply(Input::ChannelLost { now: 110.0 }).contains(&Effect::OpenChannel));
    assert!(posts(&s.apply(Input::ProxyLoaded { now: 120.0 })).is_empty());
    let again = posts(&send(&mut s, json!({ "type": "hello", "uid": "h2" }), 125.0));
    assert_eq!(kinds(&again)[0], "hi");
    assert!(!kinds(&again).contains(&"LEAVE_INTERACTION"), "a command already sent is never sent again");
    // The old proxy's answer, late: not ours any more.
    let n = s.neighbours;
    send(&mut s, answer(&p[0], ok(Value::Null)), 130.0);
    assert_eq!(s.neighbours, n + 1);
}

#[test]
fn the_desktops_dispositions_replace_the_settings_list_and_its_service_can_require_one() {
    let (mut s, _) = live();
    s.apply(Input::Dispositions { list: vec!["Settings only | 9".into()], free: true });
    let mut item = interaction("delivered");
    item["service"] = json!("Support");
    let p = posts(&send(&mut s, event("ON_NEW_INTERACTION", json!([item])), 20.0));
    assert_eq!(kinds(&p), ["GET_SERVICES_LIST", "GET_DISPOSITIONS_LIST"]);
    assert_eq!(p[1]["params"], json!([{ "interactionId": ID }]));
    // Until the desktop answers, the settings' list is offered and anything may be typed.
    assert_eq!(View::of(&s).disposition_options, ["Settings only"]);
    let fx = send(&mut s, answer(&p[1], ok(json!([{ "id": "D1", "code": "100", "name": "Resolved", "type": "SUCCESS" }, { "id": "D2", "code": "200", "name": "Callback", "type": "CONTINUE" }]))), 25.0);
    assert!(logs(&fx).contains(&("Dispositions".into(), ID.into(), "2 offered by the desktop".into())), "{:?}", logs(&fx));
    send(&mut s, answer(&p[0], ok(json!([{ "id": "S1", "name": "Support", "useDispositions": true, "requireDisposition": true }]))), 26.0);
    let v = View::of(&s);
    assert_eq!(v.disposition_options, ["Resolved", "Callback"], "the desktop's own list for this call");
    assert!(v.disposition_required && !v.complete.enabled && !v.wrap_up.enabled, "its service requires one: {v:?}");
    // Nothing goes out when pressed anyway.
    assert!(posts(&s.apply(Input::Click { button: Button::Complete, now: 30.0 })).is_empty());

    // Only the desktop's list: another name is not on it (the widget would refuse it).
    s.apply(Input::DispositionEdited("Settings only".into()));
    let v = View::of(&s);
    assert!(v.disposition_unlisted && !v.complete.enabled, "{v:?}");
    s.apply(Input::DispositionEdited("callback".into()));
    let v = View::of(&s);
    assert!(!v.disposition_unlisted && !v.disposition_required && v.wrap_up.enabled);

    send(&mut s, event("ON_INTERACTION_STATE_CHANGE", json!([interaction("wrap_up")])), 40.0);
    let p = posts(&s.apply(Input::Click { button: Button::Complete, now: 50.0 }));
    assert_eq!(kinds(&p), ["SET_DISPOSITION", "COMPLETE_INTERACTION"]);
    assert_eq!(p[0]["params"], json!(["D2", ID]), "the disposition by the desktop's id, with the interaction's");
    let mut removed = interaction("completed");
    removed["disposition"] = json!("Callback");
    send(&mut s, event("ON_INTERACTION_REMOVED", json!([removed])), 60.0);
    assert!(s.offers.is_empty(), "what was offered goes with the call");
    assert_eq!(View::of(&s).disposition_options, ["Settings only"]);
}
