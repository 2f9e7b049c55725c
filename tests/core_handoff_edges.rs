//! Transfer and the after-call-work limit at their edges: several calls, events for other
//! calls, settings that change between two presses, trust withdrawn mid-episode, a call that
//! leaves the desktop altogether.

use bp_toolbar::core::detect::Trust;
use bp_toolbar::core::session::{Button, Effect, Input, Session};
use bp_toolbar::core::settings::{overlay, Policy, Settings};
use bp_toolbar::core::view::View;

const T: &str = "http://localhost:8101";

fn posts(fx: &[Effect]) -> Vec<String> {
    fx.iter().filter_map(|e| if let Effect::Post(p) = e { Some(p.clone()) } else { None }).collect()
}
fn logs(fx: &[Effect]) -> Vec<(String, String, String)> {
    fx.iter().filter_map(|e| if let Effect::Log(l) = e { Some((l.action.clone(), l.item_id.clone(), l.result.clone())) } else { None }).collect()
}
fn msg(s: &mut Session, text: &str, now: f64) -> Vec<Effect> {
    s.apply(Input::Message { text: text.to_string(), now })
}
fn click(s: &mut Session, b: Button, now: f64) -> Vec<Effect> {
    s.apply(Input::Click { button: b, now })
}
fn state_changed(status: &str) -> String {
    format!(r#"{{"command":"STATE_CHANGED","data":{{"status":"{status}","reason":""}}}}"#)
}
fn live(status: &str, items: &[&str]) -> Session {
    let mut s = Session::new(T, "crm", Trust::Trusted, 7);
    s.start();
    let fx = s.apply(Input::ProxyLoaded { now: 0.0 });
    let v: serde_json::Value = serde_json::from_str(&posts(&fx)[0]).unwrap();
    let list: Vec<String> = items.iter().map(|i| format!(r#"{{"item_id":"{i}"}}"#)).collect();
    let reply = format!(
        r#"{{"command":"GET_STATE","request_id":"{}","data":{{"status":"{status}","reason":"","interactions":[{}]}}}}"#,
        v["request_id"].as_str().unwrap(),
        list.join(",")
    );
    msg(&mut s, &reply, 10.0);
    s
}
fn transfer_a1(s: &mut Session) {
    s.apply(Input::DialEdited("1020".into()));
    click(s, Button::Transfer, 1_000.0);
    let fx = click(s, Button::Transfer, 2_000.0);
    assert!(posts(&fx).iter().any(|p| p.contains("SINGLE_STEP_TRANSFER")));
}

#[test]
fn with_two_calls_on_no_transfer_is_offered() {
    let mut s = live("busy", &["A1", "B1"]);
    s.apply(Input::ItemPicked("A1".into()));
    s.apply(Input::DialEdited("1020".into()));
    assert!(!View::of(&s).handoff, "the desktop transfers its active call, which it does not name");
    assert!(click(&mut s, Button::Transfer, 1_000.0).is_empty() && click(&mut s, Button::Transfer, 2_000.0).is_empty());
    assert!(s.transfer.is_none());
}

#[test]
fn a_blind_transfer_event_for_another_call_confirms_nothing() {
    let mut s = live("busy", &["A1"]);
    msg(&mut s, r#"{"command":"_I_CALL_ANSWERED","data":{"call_id":"C1/1"}}"#, 20.0);
    transfer_a1(&mut s);
    let fx = msg(&mut s, r#"{"command":"_BLIND_TRANSFER","data":{"call_id":"OTHER/9"}}"#, 2_500.0);
    assert!(!logs(&fx).iter().any(|l| l.2 == "confirmed: call transferred"), "another call's event confirmed our transfer: {:?}", logs(&fx));
}

#[test]
fn a_blind_transfer_event_without_a_transfer_of_ours_ends_no_call() {
    let mut s = live("busy", &["A1"]);
    msg(&mut s, r#"{"command":"_BLIND_TRANSFER","data":{"item_id":"A1"}}"#, 2_500.0);
    assert!(s.call_live("A1"), "the toolbar now treats a connected call as over");
}

#[test]
fn the_limit_sends_no_default_disposition_the_organisations_list_does_not_allow() {
    let user = Settings { acw_limit_seconds: 1, default_disposition: "Anything I like".into(), ..Settings::default() };
    let policy: Policy = serde_json::from_str(r#"{"dispositions":["Resolved | 100"],"allowFreeDisposition":false}"#).unwrap();
    let e = overlay(&user, &policy);
    assert!(!e.is_locked("defaultDisposition"));
    let mut s = live("busy", &["A1"]);
    s.apply(Input::AcwLimit { limit_s: e.settings.acw_limit_seconds, extend_s: 0, default_disposition: e.settings.default_disposition.clone() });
    s.apply(Input::Dispositions { list: e.settings.dispositions.clone(), free: e.settings.allow_free_disposition });
    msg(&mut s, &state_changed("after_call_work"), 1_000.0);
    // The agent's manual Complete with this text would be refused (disposition_unlisted):
    s.apply(Input::DispositionEdited("Anything I like".into()));
    assert!(posts(&click(&mut s, Button::Complete, 1_100.0)).is_empty(), "manual Complete refused: unlisted");
    s.apply(Input::DispositionEdited("".into()));
    let fx = s.apply(Input::Tick { now: 2_000.0 });
    assert!(!posts(&fx).iter().any(|p| p.contains("Anything I like")), "sent: {:?}", posts(&fx));
}

#[test]
fn a_limit_that_cannot_complete_leaves_what_the_agent_typed() {
    let mut s = live("busy", &["A1"]);
    s.apply(Input::AcwLimit { limit_s: 1, extend_s: 0, default_disposition: String::new() });
    s.apply(Input::Dispositions { list: vec!["Resolved | 100".into()], free: false });
    s.apply(Input::RequireDisposition(true));
    msg(&mut s, &state_changed("after_call_work"), 1_000.0);
    s.apply(Input::DispositionEdited("Resolv".into()));
    let fx = s.apply(Input::Tick { now: 2_000.0 });
    assert!(posts(&fx).is_empty());
    assert_eq!(s.fields_of("A1").disposition, "Resolv", "the agent's text was erased");
}

#[test]
fn trust_withdrawn_while_the_channel_waits_stops_the_limit_and_the_reopening() {
    let mut s = live("busy", &["A1"]);
    s.apply(Input::AcwLimit { limit_s: 5, extend_s: 0, default_disposition: String::new() });
    msg(&mut s, &state_changed("after_call_work"), 1_000.0);
    s.apply(Input::ChannelLost { now: 1_100.0 });
    s.apply(Input::ChannelLost { now: 1_200.0 }); // second loss: closed, reopen in 1 s
    s.apply(Input::TrustChanged { trust: Trust::Askable, now: 1_300.0 });
    let fx = s.apply(Input::Tick { now: 6_000.0 });
    let fired = logs(&fx).iter().any(|l| l.0 == "ACW limit");
    let reopened = fx.iter().any(|e| matches!(e, Effect::OpenChannel));
    assert!(!fired && !reopened, "untrusted, yet: limit fired={fired}, channel reopened={reopened}, {:?}", logs(&fx));
}

#[test]
fn a_call_offered_during_a_call_takes_the_transfer_buttons_away() {
    let mut s = live("busy", &["A1"]);
    s.apply(Input::DialEdited("1020".into()));
    click(&mut s, Button::Transfer, 1_000.0);
    msg(&mut s, r#"{"command":"INTERACTION_RENDERED","data":{"item_id":"B1"}}"#, 1_500.0);
    let v = View::of(&s);
    assert!(!v.handoff && v.handoff_armed.is_none());
    assert!(posts(&click(&mut s, Button::Transfer, 2_000.0)).is_empty(), "the confirmation asked for A1 sends nothing for B1");
    assert!(s.transfer.is_none());
}

#[test]
fn a_speed_dial_change_between_the_two_presses_confirms_nothing() {
    let mut s = live("busy", &["A1"]);
    s.apply(Input::SpeedDial(vec!["Billing | 1020".into()]));
    s.apply(Input::DialEdited("Billing".into()));
    click(&mut s, Button::Transfer, 1_000.0);
    let shown = View::of(&s).notice.unwrap().text.english();
    s.apply(Input::SpeedDial(vec!["Billing | 5555".into()]));
    let fx = click(&mut s, Button::Transfer, 2_000.0);
    assert!(posts(&fx).is_empty(), "confirmed '{shown}' but sent {:?}", posts(&fx));
}

#[test]
fn the_agents_complete_of_one_interaction_leaves_the_limit_for_another() {
    let mut s = live("busy", &["A1", "B1"]);
    s.apply(Input::AcwLimit { limit_s: 30, extend_s: 0, default_disposition: String::new() });
    s.apply(Input::ItemPicked("A1".into()));
    click(&mut s, Button::Terminate, 100.0);
    msg(&mut s, r#"{"command":"_CALL_ENDED","data":{"item_id":"A1"}}"#, 200.0);
    s.apply(Input::ItemPicked("B1".into()));
    click(&mut s, Button::Terminate, 300.0);
    msg(&mut s, r#"{"command":"_CALL_ENDED","data":{"item_id":"B1"}}"#, 400.0);
    msg(&mut s, &state_changed("after_call_work"), 1_000.0);
    s.apply(Input::ItemPicked("A1".into()));
    click(&mut s, Button::Complete, 2_000.0);
    msg(&mut s, r#"{"command":"INTERACTION_COMPLETED","data":{"item_id":"A1"}}"#, 2_100.0);
    // Desktop stays in ACW for B1.
    assert!(s.agent.in_acw());
    assert!(View::of(&s).acw_deadline.is_some(), "B1 is still in ACW but no limit counts for it");
}

#[test]
fn nothing_from_the_limit_goes_out_when_trust_returns() {
    let mut s = live("busy", &["A1"]);
    s.apply(Input::AcwLimit { limit_s: 5, extend_s: 0, default_disposition: String::new() });
    msg(&mut s, &state_changed("after_call_work"), 1_000.0);
    s.apply(Input::ChannelLost { now: 1_100.0 });
    s.apply(Input::ChannelLost { now: 1_200.0 });
    s.apply(Input::TrustChanged { trust: Trust::Askable, now: 1_300.0 });
    s.apply(Input::Tick { now: 6_000.0 });
    s.apply(Input::TrustChanged { trust: Trust::Trusted, now: 60_000.0 });
    let fx = s.apply(Input::ProxyLoaded { now: 60_100.0 });
    assert!(!posts(&fx).iter().any(|p| p.contains("COMPLETE")), "sent on reconnect, before any fresh state: {:?}", posts(&fx));
}

#[test]
fn a_transferred_call_gone_from_the_desktops_state_counts_as_transferred() {
    let mut s = live("busy", &["A1"]);
    transfer_a1(&mut s);
    let fx = click(&mut s, Button::GetState, 3_000.0);
    let v: serde_json::Value = serde_json::from_str(posts(&fx).last().unwrap()).unwrap();
    let id = v["request_id"].as_str().unwrap().to_string();
    msg(&mut s, &format!(r#"{{"command":"GET_STATE","request_id":"{id}","data":{{"status":"ready","reason":"","interactions":[]}}}}"#), 3_100.0);
    let fx = s.apply(Input::Tick { now: 12_000.0 });
    assert!(!logs(&fx).iter().any(|l| l.2 == "not confirmed in 10 s"), "{:?} / notice {:?}", logs(&fx), View::of(&s).notice.map(|n| n.text.english()));
}
