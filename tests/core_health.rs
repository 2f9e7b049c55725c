//! The health panel's lines: plain words and what to do next, for each state of a tab.

use bp_toolbar::core::detect::Trust;
use bp_toolbar::core::health::{age, lines, Health, Level, TabState};
use bp_toolbar::core::session::{Input, Session};

fn keys(state: &TabState, now: i64) -> Vec<(&'static str, Level, Option<&'static str>)> {
    lines(state, 0, now, |t| format!("t{t}")).into_iter().map(|l| (l.what.key, l.level, l.todo.map(|m| m.key))).collect()
}

fn healthy() -> Health {
    Health {
        tenant: "https://t.example".into(),
        page: "crm.example".into(),
        trust: "trusted".into(),
        channel_since: Some(1_000),
        logged_in: Some(true),
        last_heard: Some(50_000),
        ignored: 0,
        forged: 0,
        neighbours: 0,
        frame_mode: false,
        document_start: 900,
        stopped: false,
    }
}

#[test]
fn tabs_without_a_toolbar_say_what_to_do() {
    assert_eq!(keys(&TabState::NotWeb, 0), vec![("health_not_web", Level::Warn, Some("health_not_web_todo"))]);
    assert_eq!(keys(&TabState::ScriptMissing, 0), vec![("health_script_missing", Level::Problem, Some("health_script_missing_todo"))]);
    assert_eq!(keys(&TabState::Running(None), 0), vec![("health_no_repeater", Level::Warn, Some("health_no_repeater_todo"))]);
}

#[test]
fn urls_that_decide_alone() {
    use bp_toolbar::core::health::state_of_url;
    assert_eq!(state_of_url("chrome://extensions/"), Some(TabState::NotWeb));
    assert_eq!(state_of_url("about:blank"), Some(TabState::NotWeb));
    assert_eq!(state_of_url("https://t.example/agentdesktop/UniversalRepeater.jsp"), Some(TabState::Desktop));
    assert_eq!(state_of_url("https://crm.example/case/1"), None);
    assert_eq!(state_of_url("http://crm.example"), None);
    assert_eq!(keys(&TabState::Desktop, 0), vec![("health_desktop", Level::Warn, Some("health_desktop_todo"))]);
}

#[test]
fn a_healthy_toolbar_is_all_ok() {
    let l = keys(&TabState::Running(Some(healthy())), 60_000);
    assert!(l.iter().all(|(_, level, todo)| *level == Level::Ok && todo.is_none()), "{l:?}");
    let text = lines(&TabState::Running(Some(healthy())), 0, 60_000, |t| format!("t{t}"));
    assert_eq!(text[2].what.args[0], bp_toolbar::core::text::Arg::Text("t1000".into()), "channel since, as a clock time");
    assert_eq!(text[4].what.args[0], bp_toolbar::core::text::Arg::Text("10 s".into()), "last reply age");
}

#[test]
fn problems_come_with_advice() {
    let mut h = healthy();
    h.trust = "askable".into();
    h.ignored = 3;
    h.frame_mode = true;
    let l = keys(&TabState::Running(Some(h.clone())), 60_000);
    assert_eq!(l[1], ("health_untrusted", Level::Problem, Some("health_untrusted_todo")));
    assert!(!l.iter().any(|(k, _, _)| *k == "health_channel_open"), "an untrusted tenant has no channel lines");
    assert!(l.contains(&("health_ignored", Level::Warn, Some("health_ignored_todo"))));
    assert!(l.contains(&("health_frame_mode", Level::Ok, None)));
    h.trust = "trusted".into();
    h.channel_since = None;
    h.logged_in = Some(false);
    h.last_heard = None;
    let l = keys(&TabState::Running(Some(h.clone())), 60_000);
    assert!(l.contains(&("health_channel_closed", Level::Problem, Some("health_channel_closed_todo"))));
    assert!(l.contains(&("health_logged_out", Level::Warn, Some("health_logged_out_todo"))));
    assert!(l.contains(&("health_no_reply", Level::Warn, Some("health_no_reply_todo"))));
    h.last_heard = Some(0);
    let l = keys(&TabState::Running(Some(h)), 10 * 60_000);
    assert!(l.contains(&("health_last_reply", Level::Warn, Some("health_quiet_todo"))), "quiet for 10 min");
    for t in ["not_listed", "refused", "pending"] {
        let mut h = healthy();
        h.trust = t.into();
        assert_ne!(keys(&TabState::Running(Some(h)), 0)[1].1, Level::Ok, "{t}");
    }
}

#[test]
fn health_follows_the_session() {
    let mut s = Session::new("https://t.brightpattern.com", "crm.example", Trust::Trusted, 1);
    s.start();
    s.apply(Input::ProxyLoaded { now: 5_000.0 });
    s.apply(Input::Ignored);
    s.apply(Input::Message { text: r#"{"command":"LOGIN_CHANGED","data":{"login":true}}"#.into(), now: 6_000.0 });
    let h = Health::of(&s, true, 123);
    assert_eq!(h.document_start, 123);
    assert_eq!(h.trust, "trusted");
    assert_eq!(h.channel_since, Some(5_000));
    assert_eq!(h.ignored, 1);
    assert_eq!(h.last_heard, Some(6_000));
    assert!(h.frame_mode);
    assert_eq!(age(61_000), "1 min");
    assert_eq!(age(7_200_000), "2 h");
}

#[test]
fn reports_of_a_page_that_is_gone_are_not_shown() {
    use bp_toolbar::core::health::current;
    assert_eq!(current(Some(healthy()), 900), Some(healthy()), "the page's own report");
    assert_eq!(current(Some(healthy()), 500), Some(healthy()), "a subframe's report starts later");
    assert_eq!(current(Some(healthy()), 1_000), None, "the tab has navigated since");
    assert_eq!(current(None, 0), None);
}
