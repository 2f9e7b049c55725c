//! One-click wrap-up: the pure machine's table, then the whole sequence through `Session`
//! (timeouts, out-of-order events, the customer hanging up first, a desktop that ignores a
//! step, several interactions, double clicks, disposition and notes).

use bp_toolbar::core::detect::Trust;
use bp_toolbar::core::session::{Button, CommandKind, Effect, Input, NoticeKind, Session};
use bp_toolbar::core::view::View;
use bp_toolbar::core::wrapup::{Phase, WrapAction, WrapEvent, WrapUp, POLL_AFTER_MS};

#[test]
fn machine_table() {
    use CommandKind::{Complete, Terminate};
    use WrapAction::*;
    use WrapEvent::*;
    // (call over at start, events in order, expected actions in order)
    let table: Vec<(bool, Vec<WrapEvent>, Vec<Option<WrapAction>>)> = vec![
        (false, vec![Confirmed(Terminate), Confirmed(Complete)], vec![Some(SendComplete), Some(Finished)]),
        (true, vec![Confirmed(Complete)], vec![Some(Finished)]),
        (false, vec![TimedOut(Terminate)], vec![Some(Failed(Phase::Terminating))]),
        (false, vec![Confirmed(Terminate), TimedOut(Complete)], vec![Some(SendComplete), Some(Failed(Phase::Completing))]),
        // Out of order / duplicates: a Complete confirmation while terminating changes nothing.
        (false, vec![Confirmed(Complete), Confirmed(Terminate), Confirmed(Terminate)], vec![None, Some(SendComplete), None]),
        (false, vec![CompletedElsewhere], vec![Some(Finished)]),
        (true, vec![Aborted], vec![Some(Failed(Phase::Completing))]),
        (false, vec![TimedOut(Complete)], vec![None]),
    ];
    for (over, events, want) in table {
        let (mut w, first) = WrapUp::start("A", over, 0.0);
        assert_eq!(first, if over { Complete } else { Terminate });
        let got: Vec<_> = events.iter().map(|e| w.on(*e, 10.0)).collect();
        assert_eq!(got, want, "over={over} events={events:?}");
    }
}

#[test]
fn machine_polls_once_per_phase() {
    let (mut w, _) = WrapUp::start("A", false, 0.0);
    assert_eq!(w.deadline(), Some(POLL_AFTER_MS));
    assert_eq!(w.tick(POLL_AFTER_MS - 1.0), None);
    assert_eq!(w.tick(POLL_AFTER_MS), Some(WrapAction::Poll));
    assert_eq!(w.tick(POLL_AFTER_MS * 2.0), None);
    w.on(WrapEvent::Confirmed(CommandKind::Terminate), 2000.0);
    assert_eq!(w.deadline(), Some(2000.0 + POLL_AFTER_MS));
}

const T: &str = "https://acme.brightpattern.com";

fn posts(fx: &[Effect]) -> Vec<String> {
    fx.iter().filter_map(|e| if let Effect::Post(p) = e { Some(p.clone()) } else { None }).collect()
}

fn commands(fx: &[Effect]) -> Vec<String> {
    posts(fx).into_iter().filter(|p| !p.contains("GET_STATE")).collect()
}

fn live(items: &[&str]) -> Session {
    let mut s = Session::new(T, "crm", Trust::Trusted, 3);
    s.start();
    let fx = s.apply(Input::ProxyLoaded { now: 0.0 });
    let v: serde_json::Value = serde_json::from_str(&posts(&fx)[0]).unwrap();
    let id = v["request_id"].as_str().unwrap().to_string();
    let list: Vec<String> = items.iter().map(|i| format!(r#"{{"item_id":"{i}"}}"#)).collect();
    s.apply(Input::Message {
        text: format!(r#"{{"command":"GET_STATE","request_id":"{id}","data":{{"status":"busy","interactions":[{}]}}}}"#, list.join(",")),
        now: 5.0,
    });
    s
}

fn event(s: &mut Session, json: &str, now: f64) -> Vec<Effect> {
    s.apply(Input::Message { text: json.to_string(), now })
}

fn click(s: &mut Session, now: f64) -> Vec<Effect> {
    s.apply(Input::Click { button: Button::WrapUp, now })
}

const ACW: &str = r#"{"command":"STATE_CHANGED","data":{"status":"after_call_work"}}"#;

fn completed(id: &str) -> String {
    format!(r#"{{"command":"INTERACTION_COMPLETED","data":{{"item_id":"{id}"}}}}"#)
}

#[test]
fn one_click_terminates_waits_for_acw_then_completes() {
    let mut s = live(&["A"]);
    let fx = click(&mut s, 100.0);
    assert_eq!(commands(&fx), vec![r#"{"command":"TERMINATE_INTERACTION_FROM_API","data":"A"}"#]);
    assert!(click(&mut s, 110.0).is_empty(), "a second click while it runs sends nothing");
    let v = View::of(&s);
    assert!(v.wrap_up.busy && !v.terminate.enabled && !v.complete.enabled);
    let fx = event(&mut s, ACW, 200.0);
    assert_eq!(commands(&fx), vec![r#"{"command":"COMPLETE_INTERACTION_FROM_API","data":"A"}"#]);
    assert_eq!(s.notice.as_ref().unwrap().text.english(), "Wrapping up A: after-call work confirmed, completing…");
    let fx = event(&mut s, &completed("A"), 260.0);
    assert!(commands(&fx).is_empty());
    assert!(s.wrap.is_none());
    assert_eq!(s.notice.as_ref().unwrap().text.english(), "Wrapped up A.");
    let done = fx.iter().any(|e| matches!(e, Effect::Log(l) if l.action == "Wrap up" && l.result == "done" && l.latency_ms == Some(160)));
    assert!(done);
}

#[test]
fn desktop_that_never_confirms_acw_stops_the_sequence_without_completing() {
    let mut s = live(&["A"]);
    click(&mut s, 0.0);
    // The poll goes out once; the desktop stays busy.
    let fx = s.apply(Input::Tick { now: POLL_AFTER_MS });
    assert_eq!(posts(&fx).len(), 1);
    assert!(posts(&fx)[0].contains("GET_STATE"));
    let mut sent = Vec::new();
    let mut now = POLL_AFTER_MS;
    while now < 10_000.0 {
        now += 250.0;
        sent.extend(commands(&s.apply(Input::Tick { now })));
    }
    assert!(sent.is_empty(), "no Complete after an unconfirmed Terminate: {sent:?}");
    let n = s.notice.clone().unwrap();
    assert_eq!(n.kind, NoticeKind::Error);
    assert_eq!(n.text.english(), "Wrap-up of A stopped: the desktop did not confirm after-call work. Nothing more was sent; check the desktop.");
    assert!(s.wrap.is_none());
    assert!(View::of(&s).wrap_up.enabled, "the agent can try again");
}

#[test]
fn acw_seen_only_through_the_poll_still_completes() {
    let mut s = live(&["A"]);
    click(&mut s, 0.0);
    let fx = s.apply(Input::Tick { now: POLL_AFTER_MS });
    let v: serde_json::Value = serde_json::from_str(&posts(&fx)[0]).unwrap();
    let id = v["request_id"].as_str().unwrap();
    let fx = event(&mut s, &format!(r#"{{"command":"GET_STATE","request_id":"{id}","data":{{"status":"after_call_work","interactions":[{{"item_id":"A"}}]}}}}"#), 1600.0);
    assert_eq!(commands(&fx), vec![r#"{"command":"COMPLETE_INTERACTION_FROM_API","data":"A"}"#]);
    // Completion seen through the next poll (item gone).
    let fx = s.apply(Input::Tick { now: 1600.0 + POLL_AFTER_MS });
    let v: serde_json::Value = serde_json::from_str(&posts(&fx)[0]).unwrap();
    let id = v["request_id"].as_str().unwrap();
    event(&mut s, &format!(r#"{{"command":"GET_STATE","request_id":"{id}","data":{{"status":"ready","interactions":[]}}}}"#), 3200.0);
    assert_eq!(s.notice.as_ref().unwrap().text.english(), "Wrapped up A.");
}

#[test]
fn customer_hung_up_first_goes_straight_to_complete() {
    let mut s = live(&["A"]);
    event(&mut s, ACW, 50.0);
    let fx = click(&mut s, 100.0);
    assert_eq!(commands(&fx), vec![r#"{"command":"COMPLETE_INTERACTION_FROM_API","data":"A"}"#]);
    event(&mut s, &completed("A"), 150.0);
    assert!(s.wrap.is_none());
}

#[test]
fn completion_events_before_acw_finish_the_wrap_up() {
    let mut s = live(&["A"]);
    click(&mut s, 0.0);
    // The desktop completes the item on its own (for example an ACW timeout) before any ACW event.
    let fx = event(&mut s, &completed("A"), 100.0);
    assert!(commands(&fx).is_empty());
    assert!(s.wrap.is_none());
    assert_eq!(s.notice.as_ref().unwrap().text.english(), "Wrapped up A.");
    // A late ACW event afterwards sends nothing.
    assert!(commands(&event(&mut s, ACW, 200.0)).is_empty());
}

#[test]
fn complete_unconfirmed_stops_with_a_message() {
    let mut s = live(&["A"]);
    click(&mut s, 0.0);
    event(&mut s, ACW, 100.0);
    let mut now = 100.0;
    while now < 6000.0 {
        now += 250.0;
        assert!(commands(&s.apply(Input::Tick { now })).is_empty());
    }
    assert_eq!(s.notice.as_ref().unwrap().text.english(), "Wrap-up of A stopped: the desktop did not confirm Complete. Nothing more was sent; check the desktop.");
}

#[test]
fn disposition_and_notes_go_with_complete_and_stay_per_item() {
    let mut s = live(&["A", "B"]);
    s.apply(Input::ItemPicked("A".into()));
    s.apply(Input::DispositionEdited("Sale".into()));
    s.apply(Input::NotesEdited("  upgrade to plan B  ".into()));
    s.apply(Input::ItemPicked("B".into()));
    assert_eq!(View::of(&s).disposition, "");
    s.apply(Input::ItemPicked("A".into()));
    assert_eq!(View::of(&s).disposition, "Sale");
    click(&mut s, 0.0);
    let fx = event(&mut s, ACW, 10.0);
    assert_eq!(
        commands(&fx),
        vec![r#"{"command":"COMPLETE_INTERACTION_WITH_DISPOSITION","item_id":"A","code":"Sale","notes":"upgrade to plan B"}"#]
    );
    event(&mut s, &completed("A"), 20.0);
    assert!(s.fields_of("A").disposition.is_empty(), "forgotten once the item completes");
    // The other interaction is untouched and still there to wrap up.
    assert!(s.agent.find("B").is_some());
}

#[test]
fn a_terminate_already_on_its_way_is_not_sent_twice() {
    let mut s = live(&["A"]);
    let fx = s.apply(Input::Click { button: Button::Terminate, now: 0.0 });
    assert_eq!(commands(&fx).len(), 1);
    let fx = click(&mut s, 10.0);
    assert!(commands(&fx).is_empty(), "the pending Terminate counts as the first step");
    let fx = event(&mut s, ACW, 50.0);
    assert_eq!(commands(&fx), vec![r#"{"command":"COMPLETE_INTERACTION_FROM_API","data":"A"}"#]);
}

#[test]
fn logout_aborts_the_wrap_up() {
    let mut s = live(&["A"]);
    click(&mut s, 0.0);
    event(&mut s, r#"{"command":"LOGIN_CHANGED","data":{"login":false}}"#, 10.0);
    assert!(s.wrap.is_none());
    assert_eq!(s.notice.as_ref().unwrap().kind, NoticeKind::Error);
}
