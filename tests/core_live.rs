//! The live report a toolbar sends for the side panel, and which report is the desktop tab:
//! only a trusted, open, answered toolbar with a logged-in agent speaks for the agent; of two,
//! the later login; the controls it offers are the toolbar's own, as it shows them.

use bp_toolbar::core::detect::Trust;
use bp_toolbar::core::live::{desktop_of, key_parts, Live};
use bp_toolbar::core::session::{Button, Effect, Input, Session};
use bp_toolbar::core::view::TrustView;
use bp_toolbar::core::view::View;

const T: &str = "http://localhost:8101";

fn posts(fx: &[Effect]) -> Vec<String> {
    fx.iter().filter_map(|e| if let Effect::Post(p) = e { Some(p.clone()) } else { None }).collect()
}

/// A session of `trust`, its channel open and the desktop's state answered with `status`.
fn answered(trust: Trust, status: &str, items: &[&str]) -> Session {
    let mut s = Session::new(T, "crm", trust, 7);
    s.start();
    let fx = s.apply(Input::ProxyLoaded { now: 0.0 });
    if let Some(first) = posts(&fx).first() {
        let v: serde_json::Value = serde_json::from_str(first).unwrap();
        let list: Vec<String> = items.iter().map(|i| format!(r#"{{"item_id":"{i}"}}"#)).collect();
        let reply = format!(
            r#"{{"command":"GET_STATE","request_id":"{}","data":{{"status":"{status}","reason":"","interactions":[{}]}}}}"#,
            v["request_id"].as_str().unwrap(),
            list.join(",")
        );
        s.apply(Input::Message { text: reply, now: 10.0 });
    }
    s
}

fn report(s: &Session, since: i64) -> Live {
    Live::of(&View::of(s), "crm.example", since, |m| m.english())
}

#[test]
fn a_logged_in_agent_on_a_trusted_open_channel_is_a_desktop_with_the_toolbars_controls() {
    let s = answered(Trust::Trusted, "busy", &["A1"]);
    let live = report(&s, 5);
    assert!(live.desktop);
    assert_eq!(live.since, 5);
    assert_eq!((live.status.as_str(), live.status_key.as_str(), live.item_id.as_str()), ("Busy", "busy", "A1"));
    let view = View::of(&s);
    let wrap = live.control("wrap-up").expect("Wrap up is offered");
    assert_eq!((wrap.enabled, wrap.busy, wrap.primary), (view.wrap_up.enabled, view.wrap_up.busy, view.wrap_up.primary));
    assert!(wrap.enabled, "a connected call can be wrapped up");
    assert!(live.control("terminate").is_some_and(|c| c.enabled));
    assert_eq!(live.control("ready").is_some(), view.status_controls);
    assert_eq!(live.page, "crm.example");
}

#[test]
fn no_desktop_while_logged_out_untrusted_or_before_the_desktop_answers() {
    let out = answered(Trust::Trusted, "logged_out", &[]);
    assert!(!report(&out, 5).desktop);
    assert_eq!(report(&out, 5).since, 0, "only a desktop has a since");
    let asking = answered(Trust::Askable, "ready", &[]);
    assert!(!report(&asking, 5).desktop, "a tenant the agent has not trusted is no desktop");
    let mut waiting = Session::new(T, "crm", Trust::Trusted, 7);
    waiting.start();
    assert!(!report(&waiting, 5).desktop, "the channel is not open yet");
    let mut lost = answered(Trust::Trusted, "ready", &[]);
    lost.apply(Input::ChannelLost { now: 20.0 });
    assert!(!report(&lost, 5).desktop, "the channel is lost");
}

#[test]
fn a_result_shows_as_the_notice_and_a_pressed_control_as_busy() {
    let mut s = answered(Trust::Trusted, "busy", &["A1"]);
    s.apply(Input::Click { button: Button::WrapUp, now: 100.0 });
    let live = report(&s, 5);
    let view = View::of(&s);
    let wrap = live.control("wrap-up").unwrap();
    assert_eq!((wrap.busy, wrap.enabled), (view.wrap_up.busy, view.wrap_up.enabled), "the toolbar's own state of the button");
    assert!(wrap.busy, "a wrap-up under way shows as busy");
    let (kind, text) = live.notice.expect("the toolbar's notice comes along");
    assert_eq!(kind, View::of(&s).notice.map(|n| format!("{:?}", n.kind).to_lowercase()).unwrap());
    assert!(text.contains("A1"), "{text}");
}

#[test]
fn the_desktop_tab_is_the_latest_login_of_the_desktops() {
    let on = report(&answered(Trust::Trusted, "ready", &[]), 100);
    let later = report(&answered(Trust::Trusted, "busy", &["B2"]), 200);
    let off = report(&answered(Trust::Trusted, "logged_out", &[]), 300);
    let reports = [("3:0".to_string(), on.clone()), ("9:0".to_string(), later.clone()), ("12:0".to_string(), off)];
    let (tab, frame, live) = desktop_of(reports.iter().map(|(k, v)| (k.as_str(), v))).unwrap();
    assert_eq!((tab, frame, live.item_id.as_str()), (9, 0, "B2"));
    // Equal logins: the lowest tab, then frame.
    let tie = [("7:2".to_string(), on.clone()), ("7:1".to_string(), on.clone()), ("8:0".to_string(), on.clone())];
    let (tab, frame, _) = desktop_of(tie.iter().map(|(k, v)| (k.as_str(), v))).unwrap();
    assert_eq!((tab, frame), (7, 1));
    // No desktop at all, or keys that name no tab.
    let none = [("4:0".to_string(), report(&answered(Trust::Trusted, "logged_out", &[]), 1)), ("x:y".to_string(), on)];
    assert!(desktop_of(none.iter().map(|(k, v)| (k.as_str(), v))).is_none());
    assert_eq!(key_parts("12:3"), Some((12, 3)));
    assert_eq!(key_parts("12"), None);
}

#[test]
fn a_report_is_cut_to_what_a_surface_shows() {
    let mut live = report(&answered(Trust::Trusted, "busy", &["A1"]), 5);
    live.item_id = "x".repeat(10_000);
    live.controls = (0..100).map(|_| live.controls[0].clone()).collect();
    live.notice = Some(("error".into(), "é".repeat(5_000)));
    let cut = live.bounded();
    assert_eq!(cut.item_id.chars().count(), 200);
    assert_eq!(cut.controls.len(), 12);
    assert_eq!(cut.notice.unwrap().1.chars().count(), 600);
}

#[test]
fn only_a_trusted_tenant_makes_a_desktop_whatever_else_the_view_says() {
    let mut view = View::of(&answered(Trust::Trusted, "ready", &[]));
    assert!(Live::is_desktop(&view));
    for trust in [TrustView::Ask, TrustView::Refused, TrustView::Checking, TrustView::NotListed] {
        view.trust = trust;
        assert!(!Live::is_desktop(&view));
    }
}

#[test]
fn a_press_from_the_side_panel_acts_only_on_the_interaction_it_showed() {
    let mut s = answered(Trust::Trusted, "busy", &["A1"]);
    // Another call became current after the panel drew A1.
    let stale = s.apply(Input::Press { button: Button::Terminate, item_id: "B2".into(), now: 100.0 });
    assert!(posts(&stale).is_empty(), "nothing is sent for a call the agent did not see");
    assert_eq!(View::of(&s).notice.map(|n| n.text.key), Some("notice_press_stale"));
    let fx = s.apply(Input::Press { button: Button::Terminate, item_id: "A1".into(), now: 200.0 });
    let sent = posts(&fx);
    assert_eq!(sent.len(), 1);
    assert!(sent[0].contains("TERMINATE_INTERACTION_FROM_API") && sent[0].contains("A1"), "{sent:?}");
}

mod mirrors {
    use bp_toolbar::core::live::{match_patterns, mirror_sites, note_seen, SEEN_MAX};
    use bp_toolbar::core::settings::{overlay, validate, Policy, Settings};

    fn sites(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_crm_sites_are_the_policys_else_the_agents_else_where_the_desktop_was_seen() {
        let seen = sites(&["crm.example.com"]);
        let none = overlay(&Settings::default(), &Policy::default());
        assert_eq!(mirror_sites(&none, &seen), seen, "by default, where the desktop was seen");
        let agent = Settings { crm_sites: sites(&["*.acme.test"]), ..Settings::default() };
        let eff = overlay(&agent, &Policy::default());
        assert_eq!(mirror_sites(&eff, &seen), sites(&["*.acme.test"]), "the agent's list replaces the default");
        let policy = Policy { crm_sites: Some(sites(&["CRM.Corp.test", "not a host"])), ..Policy::default() };
        let eff = overlay(&agent, &policy);
        assert_eq!(mirror_sites(&eff, &seen), sites(&["crm.corp.test"]), "the organisation's list replaces the agent's");
        assert!(eff.is_locked("crmSites"));
        assert_eq!(eff.problems.len(), 1, "the unusable entry is named for the administrator");
        let off = overlay(&agent, &Policy { crm_sites: Some(Vec::new()), ..Policy::default() });
        assert!(mirror_sites(&off, &seen).is_empty(), "an empty policy list turns mirrors off, whatever was seen");
    }

    #[test]
    fn a_seen_site_is_remembered_once_latest_last_and_bounded() {
        assert_eq!(note_seen(&[], "crm.example.com"), Some(sites(&["crm.example.com"])));
        assert_eq!(note_seen(&sites(&["crm.example.com"]), "crm.example.com"), None, "already the latest: nothing to write");
        assert_eq!(note_seen(&sites(&["a.test", "b.test"]), "A.test"), Some(sites(&["b.test", "a.test"])));
        assert_eq!(note_seen(&[], ""), None);
        assert_eq!(note_seen(&[], "*.wild.test"), None, "a page's host is never a pattern");
        let many: Vec<String> = (0..SEEN_MAX).map(|i| format!("s{i}.test")).collect();
        let next = note_seen(&many, "new.test").unwrap();
        assert_eq!(next.len(), SEEN_MAX);
        assert_eq!(next.first().map(String::as_str), Some("s1.test"), "the oldest goes");
        assert_eq!(next.last().map(String::as_str), Some("new.test"));
    }

    #[test]
    fn the_crm_script_matches_exactly_the_listed_sites_on_any_port() {
        assert_eq!(match_patterns(&sites(&["crm.example.com", "*.acme.test", "127.0.0.1"])), sites(&["*://crm.example.com/*", "*://*.acme.test/*", "*://127.0.0.1/*"]));
        assert!(match_patterns(&[]).is_empty());
    }

    #[test]
    fn the_agents_crm_sites_are_checked_and_normalised_like_blocked_sites() {
        let ok = validate(&Settings { crm_sites: sites(&["https://CRM.example.com/path", "crm.example.com", "*.acme.test"]), ..Settings::default() }).unwrap();
        assert_eq!(ok.crm_sites, sites(&["crm.example.com", "*.acme.test"]));
        let (key, _) = validate(&Settings { crm_sites: sites(&["not a site"]), ..Settings::default() }).unwrap_err();
        assert_eq!(key, "crmSites");
    }
}
