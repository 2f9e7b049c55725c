//! Transfer, conference and the after-call-work limit, through the toolbar's reducer: the
//! confirmation step, what counts as done, the double click, the timeouts, and the limit that
//! completes once with the default disposition and never after the agent's own Complete.

use bp_toolbar::core::acw::AcwLimit;
use bp_toolbar::core::detect::Trust;
use bp_toolbar::core::phone::DialRules;
use bp_toolbar::core::session::{Button, Effect, Input, Session};
use bp_toolbar::core::settings::{overlay, Policy, Settings};
use bp_toolbar::core::transfer::{resolve, HandOff};
use bp_toolbar::core::view::View;

const T: &str = "http://localhost:8101";

fn posts(fx: &[Effect]) -> Vec<String> {
    fx.iter().filter_map(|e| if let Effect::Post(p) = e { Some(p.clone()) } else { None }).collect()
}

fn logs(fx: &[Effect]) -> Vec<(String, String, String)> {
    fx.iter()
        .filter_map(|e| if let Effect::Log(l) = e { Some((l.action.clone(), l.item_id.clone(), l.result.clone())) } else { None })
        .collect()
}

fn log(action: &str, item: &str, result: &str) -> (String, String, String) {
    (action.into(), item.into(), result.into())
}

fn msg(s: &mut Session, text: &str, now: f64) -> Vec<Effect> {
    s.apply(Input::Message { text: text.to_string(), now })
}

fn click(s: &mut Session, b: Button, now: f64) -> Vec<Effect> {
    s.apply(Input::Click { button: b, now })
}

fn notice(s: &Session) -> String {
    View::of(s).notice.map(|n| n.text.english()).unwrap_or_default()
}

fn state_changed(status: &str) -> String {
    format!(r#"{{"command":"STATE_CHANGED","data":{{"status":"{status}","reason":""}}}}"#)
}

/// A trusted session on an open channel, the desktop's state answered: `status` with `items`.
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

fn on_call() -> Session {
    let mut s = live("busy", &["A1"]);
    s.apply(Input::SpeedDial(vec!["Billing | 1020".into(), "Head office | +44 20 7946 0018".into()]));
    s
}

#[test]
fn numbers_and_speed_dial_names_go_through_the_dial_rules() {
    let speed = vec![("Billing".to_string(), "1020".to_string()), ("Head office".to_string(), "+44 20 7946 0018".to_string())];
    let us = DialRules::default();
    let t = resolve("billing", &speed, &us).unwrap();
    assert_eq!((t.shown.as_str(), t.digits.as_str()), ("Billing (1020)", "1020"), "by name, whatever its case");
    let t = resolve("Head office", &speed, &us).unwrap();
    assert_eq!((t.shown.as_str(), t.digits.as_str()), ("Head office (+442079460018)", "442079460018"));
    let t = resolve("(415) 555-0100", &speed, &us).unwrap();
    assert_eq!((t.shown.as_str(), t.digits.as_str()), ("+14155550100", "14155550100"));
    let prefixed = DialRules { outside_prefix: "9".into(), ..DialRules::default() };
    assert_eq!(resolve("(415) 555-0100", &speed, &prefixed).unwrap().digits, "914155550100", "the outside-line prefix as for a dial");
    assert_eq!(resolve("1020", &speed, &prefixed).unwrap().digits, "1020", "an extension needs none");
    assert_eq!(resolve("555-0100", &speed, &us).unwrap_err().0, "dial_err_short");
    assert_eq!(resolve("+1 415 555 0100 ext. 12", &speed, &us).unwrap_err().0, "notice_transfer_extension");
    assert_eq!(HandOff::Transfer.action("Billing (1020)"), "Transfer to Billing (1020)");
}

#[test]
fn a_transfer_waits_for_its_confirmation_and_a_double_click_sends_nothing_more() {
    let mut s = on_call();
    let v = View::of(&s);
    assert!(v.handoff && !v.transfer.enabled, "shown on the call, off with no number");
    s.apply(Input::DialEdited("Billing".into()));
    assert!(View::of(&s).transfer.enabled);
    let fx = click(&mut s, Button::Transfer, 1_000.0);
    assert!(posts(&fx).is_empty() && logs(&fx).is_empty(), "the first press only asks");
    assert_eq!(View::of(&s).handoff_armed, Some(HandOff::Transfer));
    assert_eq!(notice(&s), "Press Confirm transfer to transfer this call to Billing (1020).");
    assert!(click(&mut s, Button::Transfer, 1_200.0).is_empty(), "the double click's second press confirms nothing");
    let fx = click(&mut s, Button::Transfer, 2_000.0);
    assert_eq!(posts(&fx), [r#"{"command":"SINGLE_STEP_TRANSFER","number":"1020"}"#]);
    assert_eq!(logs(&fx), [log("Transfer to Billing (1020)", "A1", "sent")]);
    assert!(click(&mut s, Button::Transfer, 2_200.0).is_empty(), "a double click on Confirm sends one");
    assert!(click(&mut s, Button::Conference, 3_000.0).is_empty(), "nothing else while the transfer is on its way");
    let v = View::of(&s);
    assert!(v.transfer.busy && !v.transfer.enabled && v.handoff_armed.is_none());
    // The call leaves the agent: after-call work, as a blind transfer does.
    let fx = msg(&mut s, &state_changed("after_call_work"), 3_500.0);
    assert!(logs(&fx).contains(&log("Transfer to Billing (1020)", "A1", "confirmed: call transferred")));
    assert_eq!(notice(&s), "Call transferred to Billing (1020).");
    let v = View::of(&s);
    assert!(!v.handoff, "nothing left to transfer");
    assert!(v.complete.primary, "the transferred call is wrapped up as any other");
}

#[test]
fn the_confirmation_lapses_and_another_number_or_button_asks_again() {
    let mut s = on_call();
    s.apply(Input::DialEdited("1020".into()));
    click(&mut s, Button::Transfer, 1_000.0);
    // Another number is another decision.
    s.apply(Input::DialEdited("1021".into()));
    assert_eq!(View::of(&s).handoff_armed, None);
    assert_eq!(notice(&s), "", "the question no longer stands");
    assert!(posts(&click(&mut s, Button::Transfer, 2_000.0)).is_empty(), "asks again");
    // Conference pressed after Transfer asks for the conference: it confirms nothing.
    assert!(posts(&click(&mut s, Button::Conference, 3_000.0)).is_empty());
    assert_eq!(View::of(&s).handoff_armed, Some(HandOff::Conference));
    // Ten seconds without an answer: the question goes.
    assert!(s.next_deadline().is_some_and(|d| d <= 13_000.0));
    s.apply(Input::Tick { now: 13_000.0 });
    assert_eq!(View::of(&s).handoff_armed, None);
    assert!(posts(&click(&mut s, Button::Conference, 14_000.0)).is_empty(), "a lapsed confirmation confirms nothing");
}

#[test]
fn a_transfer_the_call_never_leaves_for_times_out_and_says_the_call_may_still_be_here() {
    let mut s = on_call();
    s.apply(Input::DialEdited("+1 415 555 0100".into()));
    click(&mut s, Button::Transfer, 1_000.0);
    click(&mut s, Button::Transfer, 2_000.0);
    assert_eq!(s.next_deadline(), Some(12_000.0));
    let fx = s.apply(Input::Tick { now: 12_000.0 });
    assert!(logs(&fx).contains(&log("Transfer to +14155550100", "A1", "not confirmed in 10 s")));
    assert!(posts(&fx).iter().any(|p| p.contains("GET_STATE")), "asks where the call is");
    assert_eq!(notice(&s), "The desktop did not confirm the transfer to +14155550100: the call may still be with you.");
    let v = View::of(&s);
    assert!(v.handoff && v.transfer.enabled, "the agent can try again");
}

#[test]
fn blind_transfer_or_call_ended_confirm_the_transfer_of_that_call_only() {
    let mut s = on_call();
    msg(&mut s, r#"{"command":"_I_CALL_ANSWERED","data":{"item_id":"A1","call_id":"C1/1"}}"#, 20.0);
    s.apply(Input::DialEdited("1020".into()));
    click(&mut s, Button::Transfer, 1_000.0);
    click(&mut s, Button::Transfer, 2_000.0);
    let fx = msg(&mut s, r#"{"command":"_CALL_ENDED","data":{"call_id":"OTHER/1"}}"#, 2_500.0);
    assert!(!logs(&fx).iter().any(|l| l.2 == "confirmed: call transferred"), "another call's end says nothing");
    let fx = msg(&mut s, r#"{"command":"_BLIND_TRANSFER","data":{"call_id":"C1/1"}}"#, 2_600.0);
    assert!(logs(&fx).contains(&log("event _BLIND_TRANSFER", "A1", "received")));
    assert!(logs(&fx).contains(&log("Transfer to 1020", "A1", "confirmed: call transferred")));
    assert!(!View::of(&s).handoff, "the call has left");
    assert!(s.apply(Input::Tick { now: 20_000.0 }).iter().all(|e| !matches!(e, Effect::Log(l) if l.result.contains("not confirmed"))));
}

#[test]
fn a_conference_is_sent_once_and_said_to_be_unreported() {
    let mut s = on_call();
    s.apply(Input::DialEdited("head OFFICE".into()));
    click(&mut s, Button::Conference, 1_000.0);
    assert_eq!(notice(&s), "Press Confirm conference to add Head office (+442079460018) to this call.");
    let fx = click(&mut s, Button::Conference, 1_600.0);
    assert_eq!(posts(&fx), [r#"{"command":"SINGLE_STEP_CONFERENCE","number":"442079460018"}"#]);
    assert_eq!(logs(&fx), [log("Conference Head office (+442079460018)", "A1", "sent (not reported by the desktop)")]);
    assert!(notice(&s).contains("The desktop does not report conferences"));
    assert!(click(&mut s, Button::Conference, 1_800.0).is_empty(), "the double click's second press");
    let v = View::of(&s);
    assert!(v.handoff && v.conference.enabled, "still on the call: another party can be added");
}

#[test]
fn no_hand_off_while_ringing_or_after_the_call_and_a_bad_number_says_why() {
    let mut s = live("ringing", &["A1"]);
    s.apply(Input::DialEdited("1020".into()));
    assert!(!View::of(&s).handoff, "an offered call is not the agent's to hand over");
    assert!(click(&mut s, Button::Transfer, 1_000.0).is_empty());
    let mut s = live("after_call_work", &["A1"]);
    s.apply(Input::DialEdited("1020".into()));
    assert!(!View::of(&s).handoff);
    let mut s = on_call();
    s.apply(Input::DialEdited("Payroll".into()));
    assert!(click(&mut s, Button::Transfer, 1_000.0).is_empty());
    assert_eq!(notice(&s), "“Payroll” is not a phone number.");
    s.apply(Input::DialEdited("+1 415 555 0100 x12".into()));
    click(&mut s, Button::Transfer, 2_000.0);
    assert_eq!(View::of(&s).handoff_armed, None);
    assert!(notice(&s).starts_with("A transfer or conference cannot key in an extension"));
}

#[test]
fn a_speed_dial_name_dials_its_number_off_a_call() {
    let mut s = live("ready", &[]);
    s.apply(Input::SpeedDial(vec!["Billing | 1020".into()]));
    s.apply(Input::DialEdited("Billing".into()));
    let fx = click(&mut s, Button::Call, 1_000.0);
    assert_eq!(posts(&fx), [r#"{"command":"DIAL_NUMBER","number":"1020"}"#]);
}

// The after-call-work limit.

fn in_acw(limit_s: u32, extend_s: u32, default: &str) -> Session {
    let mut s = live("busy", &["A1"]);
    s.apply(Input::AcwLimit { limit_s, extend_s, default_disposition: default.into() });
    s.apply(Input::Dispositions { list: vec!["Resolved | 100".into(), "Callback".into()], free: false });
    msg(&mut s, &state_changed("after_call_work"), 1_000.0);
    s
}

#[test]
fn the_limit_counts_down_and_completes_once_with_the_default_disposition_and_the_notes() {
    let mut s = in_acw(30, 60, "Resolved");
    s.apply(Input::NotesEdited("called back later".into()));
    let v = View::of(&s);
    assert_eq!(v.acw_deadline, Some(31_000.0), "from entering after-call work");
    assert_eq!(v.acw_extend.map(|(secs, b)| (secs, b.enabled)), Some((60, true)));
    assert!(s.apply(Input::Tick { now: 30_999.0 }).is_empty(), "not before");
    let fx = s.apply(Input::Tick { now: 31_000.0 });
    assert_eq!(posts(&fx), [r#"{"command":"COMPLETE_INTERACTION_WITH_DISPOSITION","item_id":"A1","code":"100","notes":"called back later"}"#]);
    assert!(logs(&fx).contains(&log("ACW limit", "A1", "reached: completing")));
    assert_eq!(notice(&s), "After-call work time is up: completing A1 with the disposition and notes so far.");
    assert_eq!(View::of(&s).acw_deadline, None, "spent");
    // The desktop has not completed yet: the limit does not act again.
    let fx = s.apply(Input::Tick { now: 34_000.0 });
    assert!(!posts(&fx).iter().any(|p| p.contains("COMPLETE")));
    let fx = msg(&mut s, r#"{"command":"INTERACTION_COMPLETED","data":{"item_id":"A1","disposition":"Resolved"}}"#, 35_000.0);
    assert!(logs(&fx).contains(&log("Complete", "A1", "confirmed: completed")));
}

#[test]
fn the_agents_own_disposition_wins_and_one_not_on_the_list_gives_way_to_the_default() {
    let mut s = in_acw(30, 0, "Resolved");
    s.apply(Input::DispositionEdited("callback".into()));
    let fx = s.apply(Input::Tick { now: 31_000.0 });
    assert_eq!(
        posts(&fx),
        [r#"{"command":"SET_DISPOSITION_BY_NAME","item_id":"A1","name":"Callback"}"#, r#"{"command":"COMPLETE_INTERACTION_FROM_API","data":"A1"}"#]
    );
    let mut s = in_acw(30, 0, "Resolved");
    s.apply(Input::DispositionEdited("Whatever".into()));
    let fx = s.apply(Input::Tick { now: 31_000.0 });
    assert!(posts(&fx)[0].contains(r#""code":"100""#), "the default, not text the list does not allow: {:?}", posts(&fx));
}

#[test]
fn nothing_is_sent_after_the_agents_own_complete() {
    let mut s = in_acw(30, 60, "Resolved");
    click(&mut s, Button::Complete, 5_000.0);
    // The agent took over: no countdown, and nothing sent at the limit, even after the
    // agent's Complete went unconfirmed (theirs to retry).
    assert_eq!(View::of(&s).acw_deadline, None);
    s.apply(Input::Tick { now: 10_000.0 });
    let fx = s.apply(Input::Tick { now: 31_000.0 });
    assert!(!posts(&fx).iter().any(|p| p.contains("COMPLETE")), "{:?}", posts(&fx));
    // A wrap-up begun during the call is completing when the limit comes: it sends nothing.
    let mut s = live("busy", &["A1"]);
    s.apply(Input::AcwLimit { limit_s: 1, extend_s: 0, default_disposition: String::new() });
    click(&mut s, Button::WrapUp, 500.0);
    msg(&mut s, &state_changed("after_call_work"), 1_000.0);
    let fx = s.apply(Input::Tick { now: 2_000.0 });
    assert!(logs(&fx).contains(&log("ACW limit", "A1", "reached: already completing")), "{:?}", logs(&fx));
    // Completed: after-call work is over and the limit has nothing to count.
    let mut s = in_acw(30, 60, "Resolved");
    click(&mut s, Button::Complete, 5_000.0);
    msg(&mut s, r#"{"command":"INTERACTION_COMPLETED","data":{"item_id":"A1"}}"#, 5_100.0);
    msg(&mut s, &state_changed("ready"), 5_200.0);
    assert_eq!(View::of(&s).acw_deadline, None);
    assert!(posts(&s.apply(Input::Tick { now: 31_000.0 })).is_empty());
}

#[test]
fn extend_once_moves_the_limit_and_a_double_click_extends_once() {
    let mut s = in_acw(30, 60, "Resolved");
    let fx = click(&mut s, Button::ExtendAcw, 10_000.0);
    assert_eq!(logs(&fx), [log("ACW limit", "A1", "extended by 60 s")]);
    assert!(click(&mut s, Button::ExtendAcw, 10_100.0).is_empty(), "once");
    let v = View::of(&s);
    assert_eq!(v.acw_deadline, Some(91_000.0));
    assert_eq!(v.acw_extend.map(|(_, b)| b.enabled), Some(false));
    assert!(posts(&s.apply(Input::Tick { now: 31_000.0 })).is_empty());
    assert!(posts(&s.apply(Input::Tick { now: 91_000.0 })).iter().any(|p| p.contains("COMPLETE")));
}

#[test]
fn without_a_disposition_where_one_is_required_the_limit_says_so_and_sends_nothing() {
    let mut s = in_acw(30, 0, "");
    s.apply(Input::RequireDisposition(true));
    let fx = s.apply(Input::Tick { now: 31_000.0 });
    assert!(posts(&fx).is_empty());
    assert!(logs(&fx).contains(&log("ACW limit", "A1", "reached: no disposition to complete with")));
    assert!(notice(&s).contains("no disposition to complete with"));
    // Without the requirement, a plain Complete.
    let mut s = in_acw(30, 0, "");
    assert_eq!(posts(&s.apply(Input::Tick { now: 31_000.0 })), [r#"{"command":"COMPLETE_INTERACTION_FROM_API","data":"A1"}"#]);
}

#[test]
fn a_new_episode_of_after_call_work_has_its_own_limit_and_extension() {
    let mut l = AcwLimit::new(30, 60, "");
    let a1 = Some("A1");
    assert!(l.extend(Some(0.0), a1));
    assert!(!l.extend(Some(0.0), a1));
    assert!(l.reached(Some(0.0), a1, 90_000.0));
    assert!(!l.reached(Some(0.0), a1, 100_000.0), "once for each interaction");
    assert_eq!(l.deadline(Some(0.0), Some("B1")), Some(90_000.0), "another interaction of the episode still has it");
    assert_eq!(l.deadline(Some(0.0), None), None, "nothing to complete");
    assert_eq!(l.deadline(Some(200_000.0), a1), Some(230_000.0));
    assert!(l.can_extend(Some(200_000.0), a1));
    // New settings keep what happened in the episode.
    l.configure(AcwLimit::new(40, 60, "Resolved"));
    assert_eq!(l.deadline(Some(0.0), a1), None);
    assert_eq!(AcwLimit::new(0, 60, "").deadline(Some(0.0), a1), None, "0: no limit");
    assert!(!AcwLimit::new(30, 0, "").can_extend(Some(0.0), a1), "0: no extension");
}

// At their edges: several calls, events for other calls, settings that change between two
// presses, trust withdrawn mid-episode, a call that leaves the desktop altogether.

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
