//! The toolbar's reducer: item_id selection, confirmations, timeouts, double clicks, trust.
//! Every test drives `Session` with inputs and checks effects and the derived `View`.

use bp_toolbar::core::detect::Trust;
use bp_toolbar::core::log::{LogEntry, LogRing, MIN_LIMIT};
use bp_toolbar::core::session::{Button, Effect, Input, NoticeKind, Session, MAX_AUTO_ATTEMPTS};
use bp_toolbar::core::view::View;

const T: &str = "http://localhost:8101";

fn posts(fx: &[Effect]) -> Vec<String> {
    fx.iter().filter_map(|e| if let Effect::Post(p) = e { Some(p.clone()) } else { None }).collect()
}

fn logs(fx: &[Effect]) -> Vec<(String, String)> {
    fx.iter()
        .filter_map(|e| if let Effect::Log(l) = e { Some((l.action.clone(), l.result.clone())) } else { None })
        .collect()
}

fn rid(post: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(post).unwrap();
    v["request_id"].as_str().unwrap().to_string()
}

fn reply(id: &str, status: &str, items: &[&str]) -> String {
    let list: Vec<String> = items.iter().map(|i| format!(r#"{{"item_id":"{i}","phone_number":"555{i}"}}"#)).collect();
    format!(r#"{{"command":"GET_STATE","request_id":"{id}","data":{{"agent_id":"a","status":"{status}","reason":"","interactions":[{}]}}}}"#, list.join(","))
}

fn ev(command: &str, data: &str) -> String {
    format!(r#"{{"command":"{command}","data":{data}}}"#)
}

fn msg(s: &mut Session, text: String, now: f64) -> Vec<Effect> {
    s.apply(Input::Message { text, now })
}

fn click(s: &mut Session, b: Button, now: f64) -> Vec<Effect> {
    s.apply(Input::Click { button: b, now })
}

/// A trusted session whose proxy loaded at t=0 and whose first GET_STATE was answered.
fn live(status: &str, items: &[&str]) -> Session {
    let mut s = Session::new(T, "crm", Trust::Trusted, 7);
    assert_eq!(s.start(), vec![Effect::OpenChannel]);
    let fx = s.apply(Input::ProxyLoaded { now: 0.0 });
    let p = posts(&fx);
    assert_eq!(p.len(), 1);
    msg(&mut s, reply(&rid(&p[0]), status, items), 10.0);
    s
}

#[test]
fn untrusted_sends_nothing_until_trust_is_given() {
    let mut s = Session::new(T, "crm", Trust::Askable, 1);
    assert!(s.start().is_empty());
    assert!(s.apply(Input::ProxyLoaded { now: 0.0 }).is_empty());
    assert!(click(&mut s, Button::GetState, 1.0).is_empty());
    assert_eq!(View::of(&s).status.english(), "Not trusted");
    // The toolbar's Trust button only asks for the trust window: nothing opens, nothing is sent.
    let fx = click(&mut s, Button::Trust, 2.0);
    assert!(fx.contains(&Effect::AskTrust(T.into())));
    assert!(!fx.iter().any(|e| matches!(e, Effect::OpenChannel | Effect::Post(_))));
    assert_eq!(s.trust, Trust::Askable);
    assert_eq!(View::of(&s).notice.map(|n| n.text.english()), Some(format!("Confirm in the Call Toolbar window that opened to connect to {T}.")));
    // The agent confirmed there: the trusted list changed, the channel opens.
    let fx = s.apply(Input::TrustChanged { trust: Trust::Trusted, now: 2.5 });
    assert!(fx.contains(&Effect::OpenChannel));
    // Trust withdrawn elsewhere: the channel closes and state is forgotten.
    s.apply(Input::ProxyLoaded { now: 3.0 });
    let fx = s.apply(Input::TrustChanged { trust: Trust::Askable, now: 4.0 });
    assert!(fx.contains(&Effect::CloseChannel));
    assert_eq!(View::of(&s).status.english(), "Not trusted");
}

#[test]
fn pending_trust_becomes_trusted_without_a_prompt_or_a_log_line() {
    let mut s = Session::new(T, "crm", Trust::Pending, 1);
    assert!(s.start().is_empty());
    assert_eq!(View::of(&s).status_key, "connecting");
    let fx = s.apply(Input::TrustChanged { trust: Trust::Trusted, now: 1.0 });
    assert_eq!(fx, vec![Effect::OpenChannel]);
    let mut s = Session::new(T, "crm", Trust::Pending, 1);
    assert!(s.apply(Input::TrustChanged { trust: Trust::Askable, now: 1.0 }).is_empty());
}

#[test]
fn commands_before_the_proxy_loads_are_sent_on_load() {
    let mut s = Session::new(T, "crm", Trust::Trusted, 1);
    s.start();
    assert!(click(&mut s, Button::GetState, 0.0).is_empty(), "queued, not posted");
    assert!(View::of(&s).get_state.busy);
    let fx = s.apply(Input::ProxyLoaded { now: 500.0 });
    let p = posts(&fx);
    assert_eq!(p.len(), 1, "the agent's request is sent; no extra automatic one: {p:?}");
    assert_eq!(s.next_deadline(), Some(3500.0));
}

#[test]
fn silent_desktop_auto_retries_then_says_so() {
    let mut s = Session::new(T, "crm", Trust::Trusted, 1);
    s.start();
    let mut sent = posts(&s.apply(Input::ProxyLoaded { now: 0.0 })).len();
    let mut now = 0.0;
    for _ in 0..10 {
        now += 3000.0;
        sent += posts(&s.apply(Input::Tick { now })).len();
    }
    assert_eq!(sent as u32, MAX_AUTO_ATTEMPTS);
    assert_eq!(s.next_deadline(), None);
    let n = View::of(&s).notice.unwrap();
    assert_eq!(n.kind, NoticeKind::Waiting);
    assert!(n.text.english().contains("not answering"), "{}", n.text.english());
    // The agent logs in: the desktop speaks, we ask again, the notice goes.
    let fx = msg(&mut s, ev("LOGIN_CHANGED", r#"{"agent_id":"a","login":true}"#), now + 1.0);
    assert_eq!(posts(&fx).len(), 1);
    assert_eq!(View::of(&s).notice, None);
}

#[test]
fn logging_in_asks_at_once_even_while_a_request_to_the_logged_out_desktop_waits() {
    let mut s = Session::new(T, "crm", Trust::Trusted, 1);
    s.start();
    let first = posts(&s.apply(Input::ProxyLoaded { now: 0.0 }));
    assert_eq!(first.len(), 1);
    // 400 ms later, long before that request times out, the agent logs in.
    let fx = msg(&mut s, ev("LOGIN_CHANGED", r#"{"agent_id":"a","login":true}"#), 400.0);
    let p = posts(&fx);
    assert_eq!(p.len(), 1, "asked again at once: {p:?}");
    assert_ne!(rid(&p[0]), rid(&first[0]));
    msg(&mut s, reply(&rid(&p[0]), "not_ready", &[]), 420.0);
    assert_eq!(View::of(&s).status.english(), "Not ready");
    // The forgotten request never times out into a notice or a retry.
    let fx = s.apply(Input::Tick { now: 3500.0 });
    assert!(posts(&fx).is_empty() && logs(&fx).is_empty(), "{fx:?}");
    assert_eq!(View::of(&s).notice, None);
    // A late reply to it is recognised as ours, not counted as foreign.
    let fx = msg(&mut s, reply(&rid(&first[0]), "not_ready", &[]), 3600.0);
    assert_eq!(logs(&fx), vec![("Get State (late reply)".into(), "status not_ready, 0 interactions".into())]);
}

#[test]
fn a_login_repeated_while_logged_in_leaves_the_request_in_flight_alone() {
    let mut s = Session::new(T, "crm", Trust::Trusted, 1);
    s.start();
    posts(&s.apply(Input::ProxyLoaded { now: 0.0 }));
    let first = posts(&msg(&mut s, ev("LOGIN_CHANGED", r#"{"agent_id":"a","login":true}"#), 100.0));
    assert_eq!(first.len(), 1);
    // The desktop says it again before answering: nothing more is asked, and the answer to the
    // first request is applied as on time.
    assert!(posts(&msg(&mut s, ev("LOGIN_CHANGED", r#"{"agent_id":"a","login":true}"#), 150.0)).is_empty());
    let fx = msg(&mut s, reply(&rid(&first[0]), "ready", &[]), 200.0);
    assert_eq!(logs(&fx), vec![("Get State (auto)".into(), "status ready, 0 interactions".into())]);
}

#[test]
fn manual_get_state_times_out_in_3_s_with_words() {
    let mut s = live("ready", &[]);
    let fx = click(&mut s, Button::GetState, 100.0);
    assert_eq!(posts(&fx).len(), 1);
    assert!(click(&mut s, Button::GetState, 150.0).is_empty(), "double click sends one");
    assert!(s.apply(Input::Tick { now: 3099.0 }).is_empty());
    let fx = s.apply(Input::Tick { now: 3100.0 });
    assert_eq!(logs(&fx), vec![("Get State".into(), "no reply in 3 s".into())]);
    let v = View::of(&s);
    assert_eq!(v.notice.unwrap().text.english(), "No reply from the Agent Desktop in 3 s. Is the agent logged in?");
    assert!(v.get_state.enabled);
}

#[test]
fn another_clients_reply_is_not_ours_and_our_own_after_its_timeout_is_late() {
    // A desktop may deliver the page SDK's reply ("5", its own counter) to our proxy too.
    let mut s = live("ready", &[]);
    let fx = msg(&mut s, reply("5", "busy", &["X"]), 20.0);
    assert!(logs(&fx).is_empty(), "nothing logged for another client's reply");
    assert_eq!((s.current_item(), s.agent.status.as_deref()), ("", Some("ready")), "nor acted on");
    // Our own request, answered after we gave up on it: applied, and logged as late.
    let p = posts(&click(&mut s, Button::GetState, 100.0));
    s.apply(Input::Tick { now: 3_200.0 });
    let fx = msg(&mut s, reply(&rid(&p[0]), "busy", &["X"]), 3_300.0);
    assert_eq!(logs(&fx)[0], ("Get State (late reply)".into(), "status busy, 1 interaction".into()));
    assert_eq!(s.current_item(), "X");
}

#[test]
fn terminate_is_confirmed_for_the_call_that_ended_even_when_the_status_does_not_change() {
    // A in after-call work; B, taken meanwhile, is terminated: the desktop stays in after-call
    // work, so only B's _CALL_ENDED (by item, or by call id) can confirm it, and only B.
    for (ended, by) in [(r#"{"item_id":"B"}"#, "item"), (r#"{"call_id":"C-B"}"#, "call id")] {
        let mut s = live("busy", &["A"]);
        msg(&mut s, ev("STATE_CHANGED", r#"{"status":"after_call_work"}"#), 20.0);
        msg(&mut s, ev("INTERACTION_RENDERED", r#"{"item_id":"B"}"#), 30.0);
        msg(&mut s, ev("_I_CALL_ANSWERED", r#"{"call_id":"C-B"}"#), 40.0);
        assert_eq!(s.current_item(), "B");
        let fx = click(&mut s, Button::Terminate, 50.0);
        assert_eq!(posts(&fx), vec![r#"{"command":"TERMINATE_INTERACTION_FROM_API","data":"B"}"#.to_string()]);
        // A desktop that repeats the status confirms nothing by that.
        let fx = msg(&mut s, ev("STATE_CHANGED", r#"{"status":"after_call_work"}"#), 60.0);
        assert!(!logs(&fx).iter().any(|(_, r)| r.starts_with("confirmed")), "{by}: {fx:?}");
        let fx = msg(&mut s, ev("_CALL_ENDED", ended), 70.0);
        assert_eq!(
            logs(&fx),
            vec![("event _CALL_ENDED".into(), "received".into()), ("Terminate".into(), "confirmed: after-call work".into())],
            "{by}"
        );
        assert!(s.agent.find("B").unwrap().ended);
        assert!(s.commands.is_empty());
    }
}

#[test]
fn a_call_offered_before_its_interaction_is_rendered_belongs_to_that_interaction() {
    // The desktop's order: _I_CALL_OFFERED (call_id only), then INTERACTION_RENDERED. A, in
    // after-call work, has its own call; B's call must not be taken for A's.
    for a_call in [r#"{"call_id":"C-A"}"#, r#"{"item_id":"A","call_id":"C-A"}"#] {
        let mut s = live("ready", &[]);
        msg(&mut s, ev("_I_CALL_OFFERED", r#"{"call_id":"C-A"}"#), 5.0);
        msg(&mut s, ev("INTERACTION_RENDERED", r#"{"item_id":"A"}"#), 6.0);
        if a_call.contains("item_id") {
            msg(&mut s, ev("CALL_RECORDING_STATUS", a_call), 10.0);
        } else {
            msg(&mut s, ev("_I_CALL_ANSWERED", a_call), 10.0);
        }
        msg(&mut s, ev("_CALL_ENDED", r#"{"call_id":"C-A"}"#), 15.0);
        msg(&mut s, ev("STATE_CHANGED", r#"{"status":"after_call_work"}"#), 20.0);
        msg(&mut s, ev("_I_CALL_OFFERED", r#"{"call_id":"C-B"}"#), 30.0);
        msg(&mut s, ev("INTERACTION_RENDERED", r#"{"item_id":"B"}"#), 31.0);
        msg(&mut s, ev("_I_CALL_ANSWERED", r#"{"call_id":"C-B"}"#), 32.0);
        assert_eq!(s.agent.find("A").unwrap().call_id.as_deref(), Some("C-A"), "{a_call}");
        assert_eq!(s.agent.find("B").unwrap().call_id.as_deref(), Some("C-B"), "{a_call}");
        click(&mut s, Button::Terminate, 50.0);
        let fx = msg(&mut s, ev("_CALL_ENDED", r#"{"call_id":"C-B"}"#), 70.0);
        assert_eq!(logs(&fx)[1], ("Terminate".into(), "confirmed: after-call work".into()), "{a_call}");
        assert!(!s.agent.find("A").unwrap().call_id.as_deref().is_some_and(|c| c == "C-B"));
    }
}

#[test]
fn the_flat_recording_status_names_the_call_of_an_interaction() {
    let mut s = live("busy", &["A", "B"]);
    let flat = r#"{"item_id":"A","call_id":"C-A","command":"call_recording_status","recording":"1","muted":"0"}"#;
    let fx = msg(&mut s, flat.to_string(), 10.0);
    assert_eq!(logs(&fx), vec![("event CALL_RECORDING_STATUS".into(), "recording".into())]);
    assert_eq!(s.agent.find("A").unwrap().call_id.as_deref(), Some("C-A"));
    assert_eq!(s.agent.find("B").unwrap().call_id, None);
    let fx = msg(&mut s, ev("_CALL_ENDED", r#"{"call_id":"C-A"}"#), 30.0);
    assert!(s.agent.find("A").unwrap().ended, "{fx:?}");
    assert!(!s.agent.find("B").unwrap().ended);
}

#[test]
fn item_id_is_captured_from_interaction_rendered_and_get_state() {
    let mut s = live("ready", &[]);
    msg(&mut s, ev("INTERACTION_RENDERED", r#"{"item_id":"A","phone_number":"1"}"#), 20.0);
    assert_eq!(View::of(&s).item_value, "A");
    // A second call renders: it becomes current; the agent gets a picker.
    msg(&mut s, ev("INTERACTION_RENDERED", r#"{"item_id":"B"}"#), 30.0);
    let v = View::of(&s);
    assert_eq!(v.item_value, "B");
    assert_eq!(v.choices.iter().map(|c| c.item_id.as_str()).collect::<Vec<_>>(), ["A", "B"]);
    assert_eq!(v.choices[0].label.english(), "1 (A)");
    s.apply(Input::ItemPicked("A".into()));
    assert_eq!(s.current_item(), "A");
    // GET_STATE with one interaction and an empty field selects it.
    let mut s = live("busy", &["Q"]);
    assert_eq!(s.current_item(), "Q");
    // With several and nothing rendered, the agent chooses: the field stays empty.
    let s2 = live("busy", &["Q", "R"]);
    assert_eq!(s2.current_item(), "");
    assert!(!View::of(&s2).terminate.enabled);
    // An edited field is left alone by GET_STATE, replaced by a new rendered call.
    s.apply(Input::ItemEdited("typed".into()));
    click(&mut s, Button::GetState, 40.0);
    let id = s.next_deadline();
    assert!(id.is_some());
    msg(&mut s, reply("x", "busy", &["Q"]), 50.0);
    assert_eq!(s.current_item(), "typed");
    msg(&mut s, ev("INTERACTION_RENDERED", r#"{"item_id":"N"}"#), 60.0);
    assert_eq!(s.current_item(), "N");
}

#[test]
fn terminate_then_complete_with_confirmations_and_latencies() {
    let mut s = live("busy", &["A"]);
    let v = View::of(&s);
    assert!(v.terminate.enabled && !v.terminate.primary && v.wrap_up.primary && v.complete.enabled && !v.complete.primary);
    let fx = click(&mut s, Button::Terminate, 100.0);
    assert_eq!(posts(&fx), vec![r#"{"command":"TERMINATE_INTERACTION_FROM_API","data":"A"}"#]);
    assert_eq!(logs(&fx), vec![("Terminate".into(), "sent".into())]);
    assert!(click(&mut s, Button::Terminate, 120.0).is_empty(), "double click sends one");
    assert!(View::of(&s).terminate.busy);
    let fx = msg(&mut s, ev("STATE_CHANGED", r#"{"status":"after_call_work","reason":""}"#), 180.0);
    let done = fx.iter().find_map(|e| match e {
        Effect::Log(LogEntry { action, result, latency_ms, .. }) if action == "Terminate" => Some((result.clone(), *latency_ms)),
        _ => None,
    });
    assert_eq!(done, Some(("confirmed: after-call work".into(), Some(80))));
    let v = View::of(&s);
    assert_eq!(v.status.english(), "After-call work");
    assert!(!v.terminate.enabled, "the call is over");
    assert!(v.complete.enabled && v.complete.primary);
    let fx = click(&mut s, Button::Complete, 200.0);
    assert_eq!(posts(&fx), vec![r#"{"command":"COMPLETE_INTERACTION_FROM_API","data":"A"}"#]);
    let fx = msg(&mut s, ev("INTERACTION_COMPLETED", r#"{"item_id":"A","disposition":"Sale"}"#), 260.0);
    assert!(logs(&fx).contains(&("Complete".into(), "confirmed: completed".into())));
    assert!(logs(&fx).contains(&("event INTERACTION_COMPLETED".into(), "completed, disposition Sale".into())));
    msg(&mut s, ev("STATE_CHANGED", r#"{"status":"ready","reason":""}"#), 270.0);
    let v = View::of(&s);
    assert_eq!((v.status.english().as_str(), v.item_value.as_str()), ("Ready", ""));
    assert!(!v.terminate.enabled && !v.complete.enabled);
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn customer_hangs_up_first_complete_becomes_the_next_step() {
    let mut s = live("busy", &["A"]);
    msg(&mut s, ev("STATE_CHANGED", r#"{"status":"after_call_work"}"#), 50.0);
    let v = View::of(&s);
    assert!(!v.terminate.enabled);
    assert!(v.complete.primary);
}

#[test]
fn complete_confirmed_by_the_item_leaving_get_state() {
    let mut s = live("after_call_work", &["A"]);
    click(&mut s, Button::Complete, 100.0);
    let fx = click(&mut s, Button::GetState, 150.0);
    let id = rid(&posts(&fx)[0]);
    let fx = msg(&mut s, reply(&id, "ready", &[]), 200.0);
    assert!(logs(&fx).contains(&("Complete".into(), "confirmed: completed".into())));
}

#[test]
fn unconfirmed_commands_time_out_visibly_and_can_be_retried() {
    let mut s = live("busy", &["A"]);
    s.apply(Input::ItemEdited("WRONG".into()));
    click(&mut s, Button::Complete, 0.0);
    let fx = s.apply(Input::Tick { now: 5000.0 });
    assert_eq!(logs(&fx), vec![("Complete".into(), "not confirmed in 5 s".into())]);
    let n = View::of(&s).notice.unwrap();
    assert_eq!(n.kind, NoticeKind::Error);
    assert!(n.text.english().contains("did not confirm Complete of WRONG"));
    assert_eq!(posts(&click(&mut s, Button::Complete, 5001.0)).len(), 1, "a deliberate retry is sent");
}

#[test]
fn unknown_state_never_leaves_the_agent_stuck() {
    let mut s = Session::new(T, "crm", Trust::Trusted, 1);
    s.start();
    s.apply(Input::ProxyLoaded { now: 0.0 });
    s.apply(Input::ItemEdited("ABC".into()));
    let v = View::of(&s);
    assert_eq!(v.status.english(), "Unknown");
    assert!(v.terminate.enabled && v.complete.enabled && v.get_state.enabled);
}

#[test]
fn logout_clears_interactions_and_pending_commands() {
    let mut s = live("busy", &["A"]);
    click(&mut s, Button::Terminate, 0.0);
    msg(&mut s, ev("LOGIN_CHANGED", r#"{"login":false}"#), 10.0);
    let v = View::of(&s);
    assert_eq!(v.status.english(), "Logged out");
    assert_eq!(v.item_value, "");
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn malformed_messages_are_counted_and_change_nothing() {
    let mut s = live("ready", &[]);
    for bad in ["", "{", r#"{"command":"STATE_CHANGED"}"#, "[1]"] {
        assert!(msg(&mut s, bad.into(), 1.0).is_empty());
    }
    s.apply(Input::Ignored);
    assert_eq!(View::of(&s).ignored, 5);
    assert_eq!(View::of(&s).status.english(), "Ready");
}

#[test]
fn status_text_and_reason() {
    let mut s = live("ready", &[]);
    msg(&mut s, ev("STATE_CHANGED", r#"{"status":"not_ready","reason":"Lunch"}"#), 1.0);
    assert_eq!(View::of(&s).status.english(), "Not ready: Lunch");
    msg(&mut s, ev("STATE_CHANGED", r#"{"status":"not_ready","reason":"Not ready"}"#), 2.0);
    assert_eq!(View::of(&s).status.english(), "Not ready");
    msg(&mut s, ev("STATE_CHANGED", r#"{"status":"supervising_call"}"#), 3.0);
    assert_eq!(View::of(&s).status.english(), "Supervising call");
}

#[test]
fn proxy_reload_asks_again() {
    let mut s = live("busy", &["A"]);
    let fx = s.apply(Input::ProxyLoaded { now: 100.0 });
    assert_eq!(posts(&fx).len(), 1);
    assert!(logs(&fx).contains(&("Channel".into(), "proxy reloaded".into())));
}

#[test]
fn log_ring_is_bounded_oldest_first_out() {
    let entry = |i: usize| LogEntry {
        ts: i as f64,
        action: format!("a{i}"),
        item_id: String::new(),
        result: String::new(),
        latency_ms: None,
        tenant: String::new(),
        page: String::new(),
    };
    let mut ring = LogRing::new(10);
    assert_eq!(ring.limit(), MIN_LIMIT, "never below the minimum");
    for i in 0..MIN_LIMIT + 5 {
        ring.push(entry(i));
    }
    assert_eq!(ring.len(), MIN_LIMIT);
    assert_eq!(ring.iter().next().unwrap().action, "a5");
    assert_eq!(ring.iter().last().unwrap().action, format!("a{}", MIN_LIMIT + 4));
    let ring = LogRing::from_entries((0..3000).map(entry).collect(), 2000);
    assert_eq!((ring.len(), ring.iter().next().unwrap().ts), (2000, 1000.0));
}

#[test]
fn a_removed_proxy_is_reopened_and_nothing_is_sent_twice() {
    let mut s = live("busy", &["A"]);
    let fx = click(&mut s, Button::Terminate, 100.0);
    assert_eq!(posts(&fx).len(), 1);
    let fx = s.apply(Input::ChannelLost { now: 150.0 });
    assert!(fx.contains(&Effect::OpenChannel));
    assert!(posts(&fx).is_empty());
    assert_eq!(View::of(&s).status_key, "connecting");
    // The new proxy loads: the state is asked for again; the Terminate is not re-sent.
    let fx = s.apply(Input::ProxyLoaded { now: 300.0 });
    let p = posts(&fx);
    assert_eq!(p.len(), 1);
    assert!(p[0].contains("GET_STATE"));
    // Its confirmation still counts.
    let fx = msg(&mut s, ev("STATE_CHANGED", r#"{"status":"after_call_work"}"#), 400.0);
    assert!(logs(&fx).contains(&("Terminate".into(), "confirmed: after-call work".into())));
}

#[test]
fn forged_events_are_counted_apart_and_change_nothing() {
    let mut s = live("busy", &["A"]);
    let before = View::of(&s);
    assert!(s.apply(Input::Forged).is_empty());
    assert!(s.apply(Input::Counted { ignored: 3, forged: 2, neighbours: 0 }).is_empty());
    let v = View::of(&s);
    assert_eq!((v.forged, v.ignored), (3, before.ignored + 3));
    assert_eq!((v.item_value, v.status), (before.item_value, before.status));
}

#[test]
fn at_most_64_interactions_are_tracked() {
    use bp_toolbar::core::session::MAX_INTERACTIONS;
    let mut s = live("busy", &["A"]);
    for i in 0..1_000 {
        msg(&mut s, ev("INTERACTION_RENDERED", &format!(r#"{{"item_id":"X{i}"}}"#)), 20.0 + f64::from(i));
    }
    assert_eq!(s.agent.interactions.len(), MAX_INTERACTIONS);
    // The newest is current, the oldest went first.
    assert_eq!(s.current_item(), "X999");
    assert!(s.agent.find("A").is_none() && s.agent.find("X999").is_some());
    // A GET_STATE listing more keeps the first 64.
    let p = posts(&click(&mut s, Button::GetState, 5_000.0));
    let many: Vec<String> = (0..200).map(|i| format!("Y{i}")).collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    msg(&mut s, reply(&rid(&p[0]), "busy", &refs), 5_010.0);
    assert_eq!(s.agent.interactions.len(), MAX_INTERACTIONS);
}

#[test]
fn a_channel_lost_again_and_again_reopens_with_a_growing_delay_and_logs_once() {
    let mut s = live("busy", &["A"]);
    let mut opened = Vec::new();
    let mut logged = Vec::new();
    let mut now = 100.0;
    for _ in 0..8 {
        let fx = s.apply(Input::ChannelLost { now });
        logged.extend(logs(&fx));
        if fx.contains(&Effect::OpenChannel) {
            opened.push(now);
        }
        // Wake up when asked to, until the channel is reopened.
        while !matches!(s.channel, bp_toolbar::core::session::Channel::Opening) {
            now = s.next_deadline().expect("a reopen is scheduled");
            let fx = s.apply(Input::Tick { now });
            if fx.contains(&Effect::OpenChannel) {
                opened.push(now);
            }
        }
        logged.extend(logs(&s.apply(Input::ProxyLoaded { now })));
        now += 10.0;
    }
    let gaps: Vec<f64> = opened.windows(2).map(|w| (w[1] - w[0] - 10.0).round()).collect();
    assert_eq!(gaps, vec![1_000.0, 2_000.0, 4_000.0, 8_000.0, 16_000.0, 30_000.0, 30_000.0], "{opened:?}");
    assert_eq!(logged.iter().filter(|(a, _)| a == "Channel").count(), 2, "one loss and one open logged per episode: {logged:?}");
    // Quiet for longer than an episode: the next loss reopens at once and is logged again.
    now += 61_000.0;
    let fx = s.apply(Input::ChannelLost { now });
    assert!(fx.contains(&Effect::OpenChannel));
    assert_eq!(logs(&fx), vec![("Channel".to_string(), "proxy removed, reopening".to_string())]);
}

#[test]
fn a_proxy_that_keeps_reloading_is_dropped_and_reopened_with_backoff_and_logged_once() {
    let mut s = live("busy", &["A"]);
    // The tenant's page may reload itself once: taken, logged, the state asked again.
    let fx = s.apply(Input::ProxyLoaded { now: 100.0 });
    assert_eq!(logs(&fx), vec![("Channel".to_string(), "proxy reloaded".to_string())]);
    assert_eq!(posts(&fx).len(), 1, "the state asked again");
    // Again and again (something navigates our proxy): the proxy is dropped, reopened later.
    let fx = s.apply(Input::ProxyLoaded { now: 200.0 });
    assert!(logs(&fx).is_empty() && posts(&fx).is_empty(), "{fx:?}");
    assert!(fx.contains(&Effect::CloseChannel) && !fx.contains(&Effect::OpenChannel));
    let at = s.next_deadline().expect("a reopen is scheduled");
    assert!(at >= 1_200.0, "after a delay: {at}");
    assert!(s.apply(Input::Tick { now: at }).contains(&Effect::OpenChannel));
}

#[test]
fn a_get_state_the_agent_waits_for_is_asked_again_when_the_channel_comes_back() {
    let mut s = live("busy", &["A"]);
    let p = posts(&click(&mut s, Button::GetState, 100.0));
    assert_eq!(p.len(), 1);
    s.apply(Input::ChannelLost { now: 200.0 });
    assert!(s.get_state_busy(), "still waiting");
    let fx = s.apply(Input::ProxyLoaded { now: 300.0 });
    let again = posts(&fx);
    assert!(again.iter().any(|m| m.contains("GET_STATE") && rid(m) != rid(&p[0])), "{again:?}");
    let id = again.iter().find(|m| m.contains("GET_STATE")).map(|m| rid(m)).unwrap();
    msg(&mut s, reply(&id, "busy", &["A"]), 350.0);
    assert_eq!(View::of(&s).notice.unwrap().text.english(), "Desktop state: Busy, 1 interaction.");
}

#[test]
fn with_the_confirmation_step_a_dial_waits_for_a_second_press_not_a_double_click() {
    use bp_toolbar::core::phone::DialRules;
    use bp_toolbar::core::session::{DIAL_CONFIRM_GUARD_MS, DIAL_CONFIRM_MS};
    let mut s = live("ready", &[]);
    s.apply(Input::DialSettings { rules: DialRules::default(), service: String::new(), confirm: true });
    // A number chosen on the page: into the field, Call asks for confirmation, nothing sent.
    let fx = s.apply(Input::Dial { text: "(415) 555-0100".into(), now: 100.0 });
    assert!(posts(&fx).is_empty());
    let v = View::of(&s);
    assert!(v.call_confirm && v.call.enabled);
    assert_eq!(v.dial_value, "(415) 555-0100");
    assert_eq!(v.notice.unwrap().text.english(), "Press Confirm call to dial +14155550100.");
    // The page's control clicked again (a double click, or later) confirms nothing.
    assert!(posts(&s.apply(Input::Dial { text: "(415) 555-0100".into(), now: 150.0 })).is_empty());
    assert!(posts(&s.apply(Input::Dial { text: "(415) 555-0100".into(), now: 2_000.0 })).is_empty());
    assert!(View::of(&s).call_confirm);
    // The toolbar's Call confirms, once; not within the guard time of the request (the page's
    // control may have sat over it: the second click of that double click).
    let mut quick = s.clone();
    assert!(posts(&click(&mut quick, Button::Call, 100.0 + DIAL_CONFIRM_GUARD_MS - 1.0)).is_empty());
    let fx = click(&mut s, Button::Call, 2_100.0);
    assert_eq!(posts(&fx), vec![r#"{"command":"DIAL_NUMBER","number":"14155550100"}"#.to_string()]);
    assert!(!View::of(&s).call_confirm);
    assert!(posts(&click(&mut s, Button::Call, 2_900.0)).is_empty(), "dialling: no second call");
    // A typed number: Call asks, the second click of its double click is no decision, a later
    // press dials.
    let mut s = live("ready", &[]);
    s.apply(Input::DialSettings { rules: DialRules::default(), service: String::new(), confirm: true });
    s.apply(Input::DialEdited("415 555 0100".into()));
    assert!(posts(&click(&mut s, Button::Call, 0.0)).is_empty());
    assert!(posts(&click(&mut s, Button::Call, DIAL_CONFIRM_GUARD_MS - 1.0)).is_empty());
    assert!(View::of(&s).call_confirm);
    assert_eq!(posts(&click(&mut s, Button::Call, DIAL_CONFIRM_GUARD_MS + 100.0)).len(), 1);
    // A request that is not confirmed lapses; an edited number asks again.
    let mut s = live("ready", &[]);
    s.apply(Input::DialSettings { rules: DialRules::default(), service: String::new(), confirm: true });
    s.apply(Input::DialEdited("+44 20 7946 0018".into()));
    assert!(posts(&click(&mut s, Button::Call, 0.0)).is_empty());
    assert_eq!(s.next_deadline(), Some(DIAL_CONFIRM_MS));
    s.apply(Input::Tick { now: DIAL_CONFIRM_MS });
    assert!(!View::of(&s).call_confirm && View::of(&s).notice.is_none());
    assert!(posts(&click(&mut s, Button::Call, 20_000.0)).is_empty(), "asks again");
    s.apply(Input::DialEdited("+44 20 7946 0019".into()));
    assert!(!View::of(&s).call_confirm, "another number: another decision");
    // Turned off: one press dials.
    s.apply(Input::DialSettings { rules: DialRules::default(), service: String::new(), confirm: false });
    assert_eq!(posts(&click(&mut s, Button::Call, 21_000.0)).len(), 1);
}

#[test]
fn a_typed_number_is_dialled_once_after_the_service_and_counts_when_the_call_starts() {
    use bp_toolbar::core::phone::DialRules;
    let mut s = live("ready", &[]);
    s.apply(Input::DialSettings { rules: DialRules::default(), service: "Outbound Sales".into(), confirm: false });
    assert!(!View::of(&s).call.enabled, "nothing typed yet");
    s.apply(Input::DialEdited("(415) 555-0100".into()));
    let v = View::of(&s);
    assert!(v.call.enabled && v.call_block.is_none());
    let fx = click(&mut s, Button::Call, 100.0);
    assert_eq!(
        posts(&fx),
        vec![r#"{"command":"SELECT_SERVICE","data":"Outbound Sales"}"#.to_string(), r#"{"command":"DIAL_NUMBER","number":"14155550100"}"#.to_string()]
    );
    assert!(logs(&fx).contains(&("Dial +14155550100".into(), "sent".into())));
    assert_eq!(View::of(&s).notice.unwrap().text.english(), "Calling +14155550100…");
    // A double click (or Enter pressed twice) dials once.
    assert!(posts(&click(&mut s, Button::Call, 150.0)).is_empty());
    assert!(View::of(&s).call.busy);
    assert_eq!(s.next_deadline(), Some(10_100.0));
    // The desktop's events say the call started: confirmed, and its item_id captured as usual.
    let fx = msg(&mut s, ev("_O_CALL_DIALING", r#"{"call_id":"C1/1"}"#), 400.0);
    assert!(logs(&fx).contains(&("Dial +14155550100".into(), "call started (dialing)".into())));
    assert_eq!(View::of(&s).notice.unwrap().kind, NoticeKind::Success);
    msg(&mut s, ev("INTERACTION_RENDERED", r#"{"item_id":"OUT-1","screenpop_data":{}}"#), 420.0);
    msg(&mut s, ev("STATE_CHANGED", r#"{"status":"busy","reason":""}"#), 430.0);
    let v = View::of(&s);
    assert_eq!(v.item_value, "OUT-1");
    // On a call: Call is off and says why.
    assert!(!v.call.enabled);
    assert_eq!(v.call_block, Some("dial_block_on_call"));
    assert!(posts(&click(&mut s, Button::Call, 500.0)).is_empty());
    assert_eq!(View::of(&s).notice.unwrap().kind, NoticeKind::Error);
}

#[test]
fn a_dial_the_desktop_never_starts_times_out_visibly() {
    let mut s = live("ready", &[]);
    let fx = s.apply(Input::Dial { text: "+44 20 7946 0018 ext. 12".into(), now: 1000.0 });
    assert_eq!(posts(&fx), vec![r#"{"command":"DIAL_NUMBER","number":"442079460018"}"#.to_string()], "no service set: no SELECT_SERVICE");
    assert_eq!(View::of(&s).notice.unwrap().text.english(), "Calling +442079460018… Extension 12: key it in once connected.");
    let fx = s.apply(Input::Tick { now: 11_000.0 });
    assert!(logs(&fx).contains(&("Dial +442079460018".into(), "no call started in 10 s".into())));
    let n = View::of(&s).notice.unwrap();
    assert_eq!((n.kind, n.text.english()), (NoticeKind::Error, "The Agent Desktop did not start the call to +442079460018 within 10 s.".into()));
    assert!(View::of(&s).call_block.is_none(), "the agent can try again");
}

#[test]
fn no_dial_while_logged_out_or_for_text_that_is_not_a_number() {
    let mut s = live("ready", &[]);
    assert!(posts(&s.apply(Input::Dial { text: "call me".into(), now: 1.0 })).is_empty());
    assert_eq!(View::of(&s).notice.unwrap().text.english(), "“call me” is not a phone number.");
    msg(&mut s, ev("LOGIN_CHANGED", r#"{"agent_id":"a","login":false}"#), 2.0);
    s.apply(Input::DialEdited("4155550100".into()));
    let v = View::of(&s);
    assert!(!v.call.enabled);
    assert_eq!(v.call_block, Some("dial_block_logged_out"));
    assert!(posts(&s.apply(Input::Dial { text: "4155550100".into(), now: 3.0 })).is_empty());
    assert_eq!(View::of(&s).notice.unwrap().text.english(), "Log in to the Agent Desktop to place calls.");
    // Untrusted: nothing is sent at all.
    let mut u = Session::new(T, "crm", Trust::Askable, 1);
    u.start();
    assert!(u.apply(Input::Dial { text: "4155550100".into(), now: 1.0 }).is_empty());
}

#[test]
fn a_dial_is_never_queued_and_another_call_does_not_confirm_it() {
    // The proxy has not loaded yet: Call is off, and nothing waits to go out later.
    let mut s = Session::new(T, "crm", Trust::Trusted, 1);
    s.start();
    s.apply(Input::DialEdited("4155550100".into()));
    assert_eq!(View::of(&s).call_block, None, "connecting shows in the status, not under Call");
    assert!(!View::of(&s).call.enabled);
    assert!(s.apply(Input::Dial { text: "4155550100".into(), now: 1.0 }).is_empty());
    let fx = s.apply(Input::ProxyLoaded { now: 2.0 });
    assert!(!posts(&fx).iter().any(|p| p.contains("DIAL_NUMBER")), "nothing dialled on load: {fx:?}");
    // Live: a dial, then an inbound call with another number arrives first.
    let mut s = live("ready", &[]);
    s.apply(Input::Dial { text: "415 555 0100".into(), now: 100.0 });
    let fx = msg(&mut s, ev("INTERACTION_RENDERED", r#"{"item_id":"IN-1","phone_number":"2125550199"}"#), 200.0);
    assert!(!logs(&fx).iter().any(|(a, _)| a.starts_with("Dial")), "not our call");
    assert!(s.dial.is_some());
    // Ours, reported with the number as the desktop writes it.
    let fx = msg(&mut s, ev("INTERACTION_RENDERED", r#"{"item_id":"OUT-1","phone_number":"4155550100"}"#), 300.0);
    assert!(logs(&fx).contains(&("Dial +14155550100".into(), "call started".into())));
    // After a timeout the toolbar asks the desktop what it did.
    let mut s = live("ready", &[]);
    s.apply(Input::Dial { text: "415 555 0100".into(), now: 100.0 });
    let fx = s.apply(Input::Tick { now: 10_100.0 });
    assert!(posts(&fx).iter().any(|p| p.contains("GET_STATE")), "{fx:?}");
}

fn rec_status(item: &str, recording: &str, muted: &str) -> String {
    format!(r#"{{"item_id":"{item}","call_id":"C-{item}","command":"call_recording_status","recording":"{recording}","muted":"{muted}"}}"#)
}

#[test]
fn recording_pause_and_resume_count_only_when_the_desktop_says_so_and_a_double_click_sends_one() {
    let mut s = live("busy", &["A"]);
    msg(&mut s, rec_status("A", "1", "0"), 20.0);
    let v = View::of(&s);
    assert_eq!(v.recording, Some("rec_on"));
    assert!(v.rec_button.enabled && !v.rec_paused);
    let fx = click(&mut s, Button::Recording, 100.0);
    assert_eq!(posts(&fx), vec![r#"{"command":"MUTE_CALL_RECORDING","item_id":"A"}"#.to_string()]);
    assert_eq!(logs(&fx), vec![("Pause recording".into(), "sent".into())]);
    // The second click of a double click: nothing more is sent.
    assert!(posts(&click(&mut s, Button::Recording, 180.0)).is_empty());
    let v = View::of(&s);
    assert!(v.rec_button.busy && !v.rec_button.enabled);
    assert_eq!(v.recording, Some("rec_on"), "not paused until the desktop says so");
    let fx = msg(&mut s, rec_status("A", "1", "1"), 400.0);
    assert!(logs(&fx).contains(&("Pause recording".into(), "confirmed: paused".into())), "{fx:?}");
    let v = View::of(&s);
    assert_eq!(v.recording, Some("rec_paused"));
    assert!(v.rec_paused && v.rec_button.enabled);
    assert_eq!(s.notice.as_ref().map(|n| n.text.key), Some("notice_rec_paused"));
    // Pressed again: resume.
    let fx = click(&mut s, Button::Recording, 1_000.0);
    assert_eq!(posts(&fx), vec![r#"{"command":"UNMUTE_CALL_RECORDING","item_id":"A"}"#.to_string()]);
    msg(&mut s, rec_status("A", "1", "0"), 1_200.0);
    assert_eq!(View::of(&s).recording, Some("rec_on"));
    assert!(s.rec_pending.is_none());
}

#[test]
fn a_pause_the_desktop_never_confirms_says_the_recording_may_not_be_paused_and_asks() {
    let mut s = live("busy", &["A"]);
    msg(&mut s, rec_status("A", "1", "0"), 20.0);
    click(&mut s, Button::Recording, 100.0);
    assert_eq!(s.next_deadline(), Some(100.0 + bp_toolbar::core::session::RECORDING_CONFIRM_MS));
    let fx = s.apply(Input::Tick { now: 5_200.0 });
    assert!(logs(&fx).contains(&("Pause recording".into(), "not confirmed in 5 s".into())), "{fx:?}");
    assert!(posts(&fx).contains(&r#"{"command":"CALL_RECORDING_STATUS","item_id":"A"}"#.to_string()), "asks the desktop: {fx:?}");
    assert_eq!(s.notice.as_ref().map(|n| (n.kind, n.text.key)), Some((NoticeKind::Error, "notice_rec_unconfirmed_pause")));
    let v = View::of(&s);
    assert_eq!(v.recording, Some("rec_doubt_pause"));
    assert!(!v.rec_paused && v.rec_button.enabled, "the agent can press again");
    // The desktop's answer ends the doubt.
    msg(&mut s, rec_status("A", "1", "1"), 6_000.0);
    assert_eq!(View::of(&s).recording, Some("rec_paused"));
}

#[test]
fn with_resume_required_wrap_up_and_complete_wait_while_the_recording_is_paused_or_may_be() {
    let mut s = live("busy", &["A"]);
    s.apply(Input::RequireResume(true));
    msg(&mut s, rec_status("A", "1", "0"), 20.0);
    assert!(View::of(&s).wrap_up.enabled);
    click(&mut s, Button::Recording, 100.0);
    msg(&mut s, rec_status("A", "1", "1"), 300.0);
    let v = View::of(&s);
    assert!(v.resume_required && !v.wrap_up.enabled && !v.complete.enabled, "{v:?}");
    // The shortcut too.
    let fx = click(&mut s, Button::WrapUp, 400.0);
    assert!(posts(&fx).is_empty(), "{fx:?}");
    assert_eq!(s.notice.as_ref().map(|n| n.text.key), Some("hint_resume_required"));
    // A resume the desktop never confirms: it may still be paused, so still no wrap-up.
    click(&mut s, Button::Recording, 700.0);
    s.apply(Input::Tick { now: 5_800.0 });
    assert_eq!(View::of(&s).recording, Some("rec_doubt_resume"));
    assert!(!View::of(&s).wrap_up.enabled);
    msg(&mut s, rec_status("A", "1", "0"), 6_000.0);
    assert!(View::of(&s).wrap_up.enabled);
    // Paused again, then the call ends: a call that is over has nothing left to resume.
    click(&mut s, Button::Recording, 7_000.0);
    msg(&mut s, rec_status("A", "1", "1"), 7_100.0);
    assert!(!View::of(&s).wrap_up.enabled);
    msg(&mut s, ev("_CALL_ENDED", r#"{"item_id":"A"}"#), 8_000.0);
    let v = View::of(&s);
    assert!(v.complete.enabled && v.recording.is_none(), "{v:?}");
}

#[test]
fn no_pause_without_a_live_call_or_for_a_call_not_recorded() {
    let mut s = live("ready", &[]);
    assert!(posts(&click(&mut s, Button::Recording, 100.0)).is_empty());
    assert_eq!(View::of(&s).recording, None);
    let mut s = live("busy", &["A"]);
    assert_eq!(View::of(&s).recording, Some("rec_unknown"), "shown during the call even before any status");
    msg(&mut s, rec_status("A", "0", "0"), 20.0);
    let v = View::of(&s);
    assert_eq!(v.recording, Some("rec_off"));
    assert!(!v.rec_button.enabled);
    assert!(posts(&click(&mut s, Button::Recording, 100.0)).is_empty());
}

#[test]
fn a_double_click_on_the_recording_toggle_does_not_resume_what_it_paused() {
    let mut s = live("busy", &["A"]);
    msg(&mut s, rec_status("A", "1", "0"), 20.0);
    click(&mut s, Button::Recording, 100.0);
    // The desktop confirms between the two clicks of a double click.
    msg(&mut s, rec_status("A", "1", "1"), 150.0);
    assert!(posts(&click(&mut s, Button::Recording, 250.0)).is_empty());
    assert_eq!(View::of(&s).recording, Some("rec_paused"));
    assert_eq!(posts(&click(&mut s, Button::Recording, 700.0)), vec![r#"{"command":"UNMUTE_CALL_RECORDING","item_id":"A"}"#.to_string()]);
}

#[test]
fn a_status_for_another_call_or_naming_no_call_does_not_confirm_our_pause() {
    let mut s = live("busy", &["A", "B"]);
    // A is the latest call rendered: a status naming no call would be taken for A's.
    msg(&mut s, ev("INTERACTION_RENDERED", r#"{"item_id":"A"}"#), 15.0);
    msg(&mut s, rec_status("A", "1", "0"), 20.0);
    click(&mut s, Button::Recording, 100.0);
    msg(&mut s, rec_status("B", "1", "1"), 200.0);
    let unnamed = r#"{"command":"CALL_RECORDING_STATUS","data":{"recording":"1","muted":"1"}}"#;
    msg(&mut s, unnamed.to_string(), 250.0);
    assert!(s.rec_pending.is_some(), "still waiting for A's own status");
    assert_eq!(View::of(&s).recording, Some("rec_on"));
    msg(&mut s, rec_status("A", "1", "1"), 300.0);
    assert!(s.rec_pending.is_none());
    assert_eq!(View::of(&s).recording, Some("rec_paused"));
}

#[test]
fn a_call_offered_during_a_recorded_call_does_not_take_the_pause() {
    let mut s = live("busy", &["A"]);
    msg(&mut s, rec_status("A", "1", "0"), 20.0);
    // A second call is offered: it becomes the current item, its recording has not started.
    msg(&mut s, ev("INTERACTION_RENDERED", r#"{"item_id":"B"}"#), 50.0);
    assert_eq!(s.current_item(), "B");
    assert_eq!(View::of(&s).recording, Some("rec_on"), "the head still describes the recorded call");
    let fx = click(&mut s, Button::Recording, 100.0);
    assert_eq!(posts(&fx), vec![r#"{"command":"MUTE_CALL_RECORDING","item_id":"A"}"#.to_string()]);
}

#[test]
fn logout_and_completion_drop_the_recording_state_and_a_pending_pause() {
    let mut s = live("busy", &["A"]);
    s.apply(Input::RequireResume(true));
    msg(&mut s, rec_status("A", "1", "0"), 20.0);
    click(&mut s, Button::Recording, 100.0);
    msg(&mut s, ev("LOGIN_CHANGED", r#"{"login":false}"#), 200.0);
    assert!(s.rec_pending.is_none() && s.recordings.is_empty());
    let fx = s.apply(Input::Tick { now: 6_000.0 });
    assert!(posts(&fx).is_empty() && logs(&fx).is_empty(), "no timeout for a session that is gone: {fx:?}");
    // A call that is not recorded has nothing paused: nothing to resume, nothing blocked.
    let mut s = live("busy", &["A"]);
    s.apply(Input::RequireResume(true));
    msg(&mut s, rec_status("A", "0", "1"), 20.0);
    let v = View::of(&s);
    assert!(v.wrap_up.enabled && !v.rec_paused && v.recording == Some("rec_off"), "{v:?}");
}

fn state_changed(status: &str, reason: &str) -> String {
    ev("STATE_CHANGED", &format!(r#"{{"agent_id":"a","status":"{status}","reason":"{reason}"}}"#))
}

fn changes(fx: &[Effect]) -> Vec<String> {
    posts(fx).into_iter().filter(|p| p.contains("CHANGE_STATE")).collect()
}

fn notice(s: &Session) -> String {
    View::of(s).notice.map(|n| n.text.english()).unwrap_or_default()
}

#[test]
fn ready_and_not_ready_count_only_when_the_desktop_says_so_and_a_double_click_sends_one() {
    let mut s = live("not_ready", &[]);
    s.apply(Input::StatusReasons(vec!["Lunch".into(), "Break".into()]));
    assert_eq!(View::of(&s).reason_choice, "Lunch", "the first reason until the agent chooses");
    s.apply(Input::ReasonPicked("Break".into()));
    let fx = click(&mut s, Button::Ready, 100.0);
    assert_eq!(changes(&fx), [r#"{"command":"CHANGE_STATE","data":{"state":"READY"}}"#]);
    assert!(logs(&fx).contains(&("Ready".into(), "sent".into())));
    assert!(click(&mut s, Button::Ready, 200.0).is_empty(), "the double click's second press");
    let v = View::of(&s);
    assert!(v.ready.busy && !v.ready.enabled && !v.not_ready.enabled, "one change at a time");
    assert_eq!(View::of(&s).status.english(), "Not ready", "not changed until the desktop says so");
    let fx = msg(&mut s, state_changed("ready", ""), 300.0);
    assert!(logs(&fx).contains(&("Ready".into(), "confirmed".into())));
    assert_eq!(notice(&s), "You are Ready.");
    assert!(!View::of(&s).ready.enabled, "already Ready");
    // Another button straight after is not a double click.
    let fx = click(&mut s, Button::NotReady, 400.0);
    assert_eq!(changes(&fx), [r#"{"command":"CHANGE_STATE","data":{"state":"NOT_READY","reason":"Break"}}"#]);
    let fx = msg(&mut s, state_changed("not_ready", "break"), 450.0);
    assert!(logs(&fx).contains(&("Not Ready: Break".into(), "confirmed".into())), "reasons compare case-insensitively");
    assert!(!View::of(&s).not_ready.enabled, "already Not Ready for that reason");
    s.apply(Input::ReasonPicked("Lunch".into()));
    assert!(View::of(&s).not_ready.enabled, "another reason is a change");
}

#[test]
fn without_reasons_not_ready_goes_without_one() {
    let mut s = live("ready", &[]);
    let fx = click(&mut s, Button::NotReady, 100.0);
    assert_eq!(changes(&fx), [r#"{"command":"CHANGE_STATE","data":{"state":"NOT_READY"}}"#]);
    msg(&mut s, state_changed("not_ready", "Not ready"), 200.0);
    assert_eq!(notice(&s), "You are Not Ready.");
}

#[test]
fn a_status_change_the_desktop_never_confirms_times_out_visibly_after_asking_once() {
    let mut s = live("ready", &[]);
    s.apply(Input::StatusReasons(vec!["Lunch".into()]));
    click(&mut s, Button::NotReady, 100.0);
    assert_eq!(s.next_deadline(), Some(1_600.0));
    let fx = s.apply(Input::Tick { now: 1_600.0 });
    assert_eq!(posts(&fx).len(), 1, "asks for the state once");
    assert!(posts(&fx)[0].contains("GET_STATE"));
    assert!(s.apply(Input::Tick { now: 3_000.0 }).iter().all(|e| !matches!(e, Effect::Post(p) if p.contains("GET_STATE") || p.contains("CHANGE_STATE"))));
    let fx = s.apply(Input::Tick { now: 5_100.0 });
    assert!(logs(&fx).contains(&("Not Ready: Lunch".into(), "not confirmed in 5 s".into())));
    assert_eq!(notice(&s), "The desktop did not confirm Not Ready (Lunch): your status may not have changed.");
    assert_eq!(View::of(&s).notice.unwrap().kind, NoticeKind::Error);
    let v = View::of(&s);
    assert!(v.not_ready.enabled && !v.not_ready.busy, "the agent can try again");
}

#[test]
fn a_desktop_that_only_shows_the_change_in_its_state_confirms_it_there() {
    let mut s = live("ready", &[]);
    click(&mut s, Button::NotReady, 100.0);
    let fx = s.apply(Input::Tick { now: 1_600.0 });
    let id = rid(&posts(&fx)[0]);
    let fx = msg(&mut s, reply(&id, "not_ready", &[]), 1_700.0);
    assert!(logs(&fx).contains(&("Not Ready".into(), "confirmed".into())));
    assert!(s.status_pending.is_none());
}

#[test]
fn a_reason_the_tenant_does_not_have_is_said_plainly() {
    let mut s = live("ready", &[]);
    s.apply(Input::StatusReasons(vec!["Coffee".into(), "Lunch".into()]));
    click(&mut s, Button::NotReady, 100.0);
    let fx = msg(&mut s, state_changed("not_ready", "Not ready"), 200.0);
    assert!(logs(&fx).contains(&("Not Ready: Coffee".into(), "desktop set no reason".into())));
    assert_eq!(notice(&s), "The desktop set Not Ready without the reason “Coffee”.");
    s.apply(Input::ReasonPicked("Lunch".into()));
    click(&mut s, Button::NotReady, 900.0);
    let fx = msg(&mut s, state_changed("not_ready", "Break"), 1_000.0);
    assert!(logs(&fx).contains(&("Not Ready: Lunch".into(), "desktop set reason Break".into())));
    assert_eq!(notice(&s), "The desktop set Not Ready with the reason “Break”, not “Lunch”.");
}

#[test]
fn on_a_call_not_ready_waits_for_the_completion_and_a_second_press_drops_it() {
    let mut s = live("busy", &["I1"]);
    s.apply(Input::StatusReasons(vec!["Lunch".into(), "Break".into()]));
    assert_eq!(View::of(&s).not_ready_after_call, Some(false));
    assert!(!View::of(&s).ready.enabled, "the desktop makes the agent Ready on completion");
    let fx = click(&mut s, Button::NotReady, 100.0);
    assert!(changes(&fx).is_empty(), "nothing sent during the call");
    assert!(logs(&fx).contains(&("Not Ready: Lunch".into(), "after this call".into())));
    assert!(click(&mut s, Button::NotReady, 300.0).is_empty(), "the double click's second press");
    assert_eq!(View::of(&s).not_ready_after_call, Some(true));
    assert_eq!(notice(&s), "Not Ready (Lunch) once this call is completed.");
    // A reason chosen meanwhile is the one that goes.
    s.apply(Input::ReasonPicked("Break".into()));
    assert!(changes(&msg(&mut s, state_changed("after_call_work", ""), 1_000.0)).is_empty(), "after-call work is still the call");
    assert!(changes(&msg(&mut s, ev("INTERACTION_COMPLETED", r#"{"item_id":"I1"}"#), 2_000.0)).is_empty(), "still in after-call work");
    let fx = msg(&mut s, state_changed("ready", ""), 2_100.0);
    assert_eq!(changes(&fx), [r#"{"command":"CHANGE_STATE","data":{"state":"NOT_READY","reason":"Break"}}"#]);
    assert_eq!(View::of(&s).not_ready_after_call, None);
    msg(&mut s, state_changed("not_ready", "Break"), 2_200.0);
    assert_eq!(notice(&s), "You are Not Ready (Break).");

    // Asked for, then taken back (by Not Ready again, or by Ready): nothing after the call.
    for undo in [Button::NotReady, Button::Ready] {
        let mut s = live("busy", &["I1"]);
        click(&mut s, Button::NotReady, 100.0);
        assert!(View::of(&s).ready.enabled, "Ready takes it back");
        let fx = click(&mut s, undo, 700.0);
        assert!(logs(&fx).contains(&("Not Ready".into(), "after this call: cancelled".into())));
        assert_eq!(notice(&s), "No status change after this call.");
        msg(&mut s, ev("INTERACTION_COMPLETED", r#"{"item_id":"I1"}"#), 2_000.0);
        assert!(changes(&msg(&mut s, state_changed("ready", ""), 2_100.0)).is_empty());
    }
}

#[test]
fn a_desktop_that_applies_not_ready_after_the_call_itself_is_not_asked_again() {
    let mut s = live("busy", &["I1"]);
    click(&mut s, Button::NotReady, 100.0);
    msg(&mut s, ev("INTERACTION_COMPLETED", r#"{"item_id":"I1"}"#), 2_000.0);
    assert!(changes(&msg(&mut s, state_changed("not_ready", "Not ready"), 2_100.0)).is_empty());
    assert!(s.status_next.is_none());
}

#[test]
fn no_status_change_while_logged_out_and_logout_drops_what_was_asked() {
    let mut s = live("busy", &["I1"]);
    click(&mut s, Button::NotReady, 100.0);
    msg(&mut s, ev("LOGIN_CHANGED", r#"{"agent_id":"a","login":false}"#), 200.0);
    assert!(s.status_next.is_none());
    assert!(!View::of(&s).status_controls);
    assert!(click(&mut s, Button::Ready, 1_000.0).is_empty());
    assert!(click(&mut s, Button::NotReady, 2_000.0).is_empty());
}

fn dispositions(s: &mut Session, free: bool) {
    s.apply(Input::Dispositions { list: vec!["Resolved | 100".into(), "Offer rejected".into()], free });
}

#[test]
fn a_listed_disposition_goes_by_its_code_or_by_its_name_as_the_sdk_sends_them() {
    let mut s = live("after_call_work", &["I1"]);
    dispositions(&mut s, false);
    assert_eq!(View::of(&s).disposition_options, ["Resolved", "Offer rejected"]);
    s.apply(Input::DispositionEdited("resolved".into()));
    s.apply(Input::NotesEdited(" card declined ".into()));
    let fx = click(&mut s, Button::Complete, 100.0);
    assert_eq!(posts(&fx), [r#"{"command":"COMPLETE_INTERACTION_WITH_DISPOSITION","item_id":"I1","code":"100","notes":"card declined"}"#]);
    assert!(logs(&fx).contains(&("Complete".into(), "sent with disposition/notes".into())));

    let mut s = live("after_call_work", &["I1"]);
    dispositions(&mut s, false);
    s.apply(Input::DispositionEdited("offer REJECTED".into()));
    s.apply(Input::NotesEdited("call back".into()));
    let fx = click(&mut s, Button::Complete, 100.0);
    assert_eq!(
        posts(&fx),
        [
            r#"{"command":"SET_DISPOSITION_BY_NAME","item_id":"I1","name":"Offer rejected"}"#,
            r#"{"command":"SET_NOTES","item_id":"I1","notes":"call back"}"#,
            r#"{"command":"COMPLETE_INTERACTION_FROM_API","data":"I1"}"#,
        ],
        "the list's spelling, then the notes, then Complete"
    );
    assert!(logs(&fx).contains(&("Complete".into(), "sent with disposition/notes".into())));
    // Without notes, no SET_NOTES; the wrap-up's Complete is sent the same way.
    let mut s = live("busy", &["I1"]);
    dispositions(&mut s, false);
    s.apply(Input::DispositionEdited("Offer rejected".into()));
    click(&mut s, Button::WrapUp, 100.0);
    let fx = msg(&mut s, ev("STATE_CHANGED", r#"{"status":"after_call_work","reason":""}"#), 200.0);
    assert_eq!(posts(&fx), [r#"{"command":"SET_DISPOSITION_BY_NAME","item_id":"I1","name":"Offer rejected"}"#, r#"{"command":"COMPLETE_INTERACTION_FROM_API","data":"I1"}"#]);
}

#[test]
fn only_the_list_unless_the_admin_allows_free_text() {
    let mut s = live("after_call_work", &["I1"]);
    dispositions(&mut s, false);
    s.apply(Input::DispositionEdited("Whatever".into()));
    let v = View::of(&s);
    assert!(v.disposition_unlisted && !v.complete.enabled && !v.wrap_up.enabled);
    assert!(posts(&click(&mut s, Button::Complete, 100.0)).is_empty(), "the shortcut is held too");
    assert_eq!(notice(&s), "Choose a disposition from your organization's list to complete.");
    assert!(posts(&click(&mut s, Button::WrapUp, 200.0)).is_empty());
    // Cleared, Complete goes without one (unless one is required).
    s.apply(Input::DispositionEdited(" ".into()));
    assert!(View::of(&s).complete.enabled);
    // Allowed: typed text goes as the SDK's code, as without a list.
    dispositions(&mut s, true);
    s.apply(Input::DispositionEdited("Whatever".into()));
    assert!(!View::of(&s).disposition_unlisted);
    let fx = click(&mut s, Button::Complete, 300.0);
    assert_eq!(posts(&fx), [r#"{"command":"COMPLETE_INTERACTION_WITH_DISPOSITION","item_id":"I1","code":"Whatever","notes":""}"#]);
    // No list: free text, whatever the setting.
    let mut s = live("after_call_work", &["I1"]);
    s.apply(Input::Dispositions { list: vec![], free: false });
    s.apply(Input::DispositionEdited("Whatever".into()));
    assert!(View::of(&s).complete.enabled);
}
