//! Exact JSON both ways for the Agent Desktop 1.0 wire format, and the origin/trust rules.

use bp_toolbar::core::detect::{proxy_url, repeater_origin, trust_of, Origin, Trust};
use bp_toolbar::core::messages::{FromRelay, ToBackground, ToRelay};
use bp_toolbar::core::protocol::{looks_like_desktop_message, FromDesktop, InteractionInfo, StateChange, ToDesktop, MAX_MESSAGE_LEN};
use bp_toolbar::core::requests::{Pending, PendingRequest, RequestIds, FIRST_ID};
use bp_toolbar::core::{log::LogEntry, CoreError};

#[test]
fn commands_serialise_exactly_as_the_sdk_does() {
    let table = [
        (ToDesktop::GetState { request_id: "1000000000".into() }, r#"{"command":"GET_STATE","request_id":"1000000000"}"#),
        (
            ToDesktop::Terminate { data: "5B07EFE4-0658-45E0-AA6E-23AA042C1F0E".into() },
            r#"{"command":"TERMINATE_INTERACTION_FROM_API","data":"5B07EFE4-0658-45E0-AA6E-23AA042C1F0E"}"#,
        ),
        (
            ToDesktop::Complete { data: "5B07EFE4-0658-45E0-AA6E-23AA042C1F0E".into() },
            r#"{"command":"COMPLETE_INTERACTION_FROM_API","data":"5B07EFE4-0658-45E0-AA6E-23AA042C1F0E"}"#,
        ),
        (ToDesktop::SelectService { data: "Outbound Sales".into() }, r#"{"command":"SELECT_SERVICE","data":"Outbound Sales"}"#),
        (ToDesktop::Dial { number: "14155550100".into() }, r#"{"command":"DIAL_NUMBER","number":"14155550100"}"#),
        (ToDesktop::MuteRecording { item_id: "D3FA".into() }, r#"{"command":"MUTE_CALL_RECORDING","item_id":"D3FA"}"#),
        (ToDesktop::UnmuteRecording { item_id: "D3FA".into() }, r#"{"command":"UNMUTE_CALL_RECORDING","item_id":"D3FA"}"#),
        (ToDesktop::RecordingStatus { item_id: "D3FA".into() }, r#"{"command":"CALL_RECORDING_STATUS","item_id":"D3FA"}"#),
        (
            ToDesktop::ChangeState { data: StateChange { state: "NOT_READY".into(), reason: Some("Lunch".into()) } },
            r#"{"command":"CHANGE_STATE","data":{"state":"NOT_READY","reason":"Lunch"}}"#,
        ),
        (
            ToDesktop::SetDispositionByName { item_id: "D3FA".into(), name: "Offer rejected".into() },
            r#"{"command":"SET_DISPOSITION_BY_NAME","item_id":"D3FA","name":"Offer rejected"}"#,
        ),
        (ToDesktop::SetNotes { item_id: "D3FA".into(), notes: "call back".into() }, r#"{"command":"SET_NOTES","item_id":"D3FA","notes":"call back"}"#),
        // setStatus('READY'): the SDK's JSON.stringify leaves the undefined reason out.
        (ToDesktop::ChangeState { data: StateChange { state: "READY".into(), reason: None } }, r#"{"command":"CHANGE_STATE","data":{"state":"READY"}}"#),
    ];
    for (cmd, json) in table {
        assert_eq!(cmd.to_wire(), json);
        assert_eq!(cmd.command(), json.split('"').nth(3).unwrap());
    }
}

#[test]
fn screenpop_and_attached_data_become_flat_fields_for_screen_pops() {
    let text = r#"{"command":"INTERACTION_RENDERED","data":{"item_id":"I1","phone_number":"4155550100","screenpop_data":{"case_id":"00123","vip":true,"score":7,"ratio":0.5,"nested":{"a":1}},"attached_data":{"account":"ACME & Co"}}}"#;
    let FromDesktop::InteractionRendered(info) = FromDesktop::parse(text).unwrap() else { panic!() };
    assert_eq!(
        info.fields(),
        [("item_id", "I1"), ("phone_number", "4155550100"), ("screenpop_data.case_id", "00123"), ("screenpop_data.vip", "true"), ("screenpop_data.score", "7"), ("attached_data.account", "ACME & Co")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .to_vec(),
        "fractional numbers and nested objects are left out"
    );
    // The docs type screenpop_data as a string: kept whole.
    let text = r#"{"command":"INTERACTION_RENDERED","data":{"item_id":"I2","screenpop_data":"case=9"}}"#;
    let FromDesktop::InteractionRendered(info) = FromDesktop::parse(text).unwrap() else { panic!() };
    assert_eq!(info.data, vec![("screenpop_data".to_string(), "case=9".to_string())]);
    // Bounded: a desktop (or a forgery) with a thousand fields keeps 32.
    let many: Vec<String> = (0..1000).map(|i| format!(r#""k{i}":"v""#)).collect();
    let text = format!(r#"{{"command":"INTERACTION_RENDERED","data":{{"item_id":"I3","attached_data":{{{}}}}}}}"#, many.join(","));
    let FromDesktop::InteractionRendered(info) = FromDesktop::parse(&text).unwrap() else { panic!() };
    assert_eq!(info.data.len(), 32);
}

#[test]
fn get_state_reply_from_the_docs_parses() {
    let text = r#"{"command":"GET_STATE","data":{"agent_id":"jeffery.lozada","interactions":[{"item_id":"5B07EFE4-0658-45E0-AA6E-23AA042C1F0E","screenpop_data":{}}],"status":"ready","reason":""},"request_id":"2"}"#;
    let FromDesktop::StateReply { request_id, state } = FromDesktop::parse(text).unwrap() else { panic!() };
    assert_eq!(request_id, "2");
    assert_eq!(state.agent_id.as_deref(), Some("jeffery.lozada"));
    assert_eq!(state.status, "ready");
    assert_eq!(state.interactions.len(), 1);
    assert_eq!(state.interactions[0].item_id, "5B07EFE4-0658-45E0-AA6E-23AA042C1F0E");
    assert_eq!(state.interactions[0].phone_number, None);
}

#[test]
fn events_parse_leniently() {
    let cases: Vec<(&str, FromDesktop)> = vec![
        (
            r#"{"command":"STATE_CHANGED","data":{"agent_id":"jeffery.lozada","status":"not_ready","reason":"Not ready"}}"#,
            FromDesktop::StateChanged { agent_id: Some("jeffery.lozada".into()), status: "not_ready".into(), reason: "Not ready".into() },
        ),
        (
            // Upper-case status and command names in lower case are accepted.
            r#"{"command":"state_changed","data":{"status":"AFTER_CALL_WORK"}}"#,
            FromDesktop::StateChanged { agent_id: None, status: "after_call_work".into(), reason: String::new() },
        ),
        (
            r#"{"command":"INTERACTION_RENDERED","data":{"item_id":"5AA90906-ECB9-4597-8F98-5A9D859AB3D9","global_id":"G","service":"Maintenance Renewal_MS","phone_number":"19294599406","screenpop_data":{},"extra":[1,2]}}"#,
            FromDesktop::InteractionRendered(InteractionInfo {
                item_id: "5AA90906-ECB9-4597-8F98-5A9D859AB3D9".into(),
                global_id: Some("G".into()),
                phone_number: Some("19294599406".into()),
                service: Some("Maintenance Renewal_MS".into()),
                data: vec![],
            }),
        ),
        (
            r#"{"command":"INTERACTION_COMPLETED","data":{"item_id":"A","disposition":"Silence","recording_url":"\/msgplayback?x=1"}}"#,
            FromDesktop::InteractionCompleted {
                info: InteractionInfo { item_id: "A".into(), ..Default::default() },
                disposition: Some("Silence".into()),
            },
        ),
        (
            r#"{"command":"LOGIN_CHANGED","data":{"agent_id":"christy.borden","login":false}}"#,
            FromDesktop::LoginChanged { agent_id: Some("christy.borden".into()), login: false },
        ),
        (
            r#"{"item_id":"D3FA","call_id":"7A74\/211","command":"call_recording_status","recording":"1","muted":"0"}"#,
            FromDesktop::CallRecording { item_id: Some("D3FA".into()), call_id: Some("7A74/211".into()), recording: Some(true), muted: Some(false) },
        ),
        (
            // The 2019 draft: nested, a JSON boolean.
            r#"{"command":"CALL_RECORDING_STATUS","data":{"item_id":"D3FA","recording":false}}"#,
            FromDesktop::CallRecording { item_id: Some("D3FA".into()), call_id: None, recording: Some(false), muted: None },
        ),
        (
            // A paused recording, as the desktop reports it after MUTE_CALL_RECORDING.
            r#"{"item_id":"D3FA","call_id":"7A74/211","command":"call_recording_status","recording":"1","muted":"1"}"#,
            FromDesktop::CallRecording { item_id: Some("D3FA".into()), call_id: Some("7A74/211".into()), recording: Some(true), muted: Some(true) },
        ),
        (
            // A numeric item_id is kept as its decimal text.
            r#"{"command":"INTERACTION_RENDERED","data":{"item_id":42}}"#,
            FromDesktop::InteractionRendered(InteractionInfo { item_id: "42".into(), ..Default::default() }),
        ),
    ];
    for (text, want) in cases {
        assert_eq!(FromDesktop::parse(text).unwrap(), want, "{text}");
    }
}

#[test]
fn malformed_messages_are_errors_not_panics() {
    for text in [
        "",
        "not json",
        "[]",
        "42",
        r#""a string""#,
        r#"{"data":{}}"#,
        r#"{"command":7}"#,
        r#"{"command":"STATE_CHANGED","data":"busy"}"#,
        r#"{"command":"INTERACTION_RENDERED","data":{"item_id":""}}"#,
        r#"{"command":"INTERACTION_RENDERED","data":{"item_id":{"x":1}}}"#,
        r#"{"command":"LOGIN_CHANGED","data":{}}"#,
    ] {
        assert!(matches!(FromDesktop::parse(text), Err(CoreError::Malformed(_))), "{text}");
    }
    let huge = format!(r#"{{"command":"X","pad":"{}"}}"#, "a".repeat(MAX_MESSAGE_LEN));
    assert!(matches!(FromDesktop::parse(&huge), Err(CoreError::TooLarge(_))));
    assert!(!looks_like_desktop_message(&huge));
    assert!(looks_like_desktop_message(r#" {"command":"STATE_CHANGED"}"#));
    assert!(!looks_like_desktop_message("hello"));
}

#[test]
fn repeater_urls_and_origins() {
    let yes = [
        ("https://acme.brightpattern.com/agentdesktop/UniversalRepeater.jsp", "https://acme.brightpattern.com"),
        ("https://ACME.BrightPattern.com:443/agentdesktop/UniversalRepeater.jsp?x=1#y", "https://acme.brightpattern.com"),
        ("http://localhost:8101/agentdesktop/UniversalRepeater.jsp", "http://localhost:8101"),
        ("https://cc.example.ru:8443/agentdesktop/UniversalRepeater.jsp#frag", "https://cc.example.ru:8443"),
        ("http://[::1]:9000/agentdesktop/UniversalRepeater.jsp", "http://[::1]:9000"),
    ];
    for (src, origin) in yes {
        assert_eq!(repeater_origin(src).as_deref(), Some(origin), "{src}");
    }
    for src in [
        "https://acme.brightpattern.com/agentdesktop/UniversalRepeater.jspx",
        "https://acme.brightpattern.com/other/agentdesktop/UniversalRepeater.jsp",
        "https://acme.brightpattern.com/?u=/agentdesktop/UniversalRepeater.jsp",
        "https://evil@acme.brightpattern.com/agentdesktop/UniversalRepeater.jsp",
        "javascript:alert(1)//agentdesktop/UniversalRepeater.jsp",
        "about:blank",
        "",
        "https://acme.brightpattern.com:99999/agentdesktop/UniversalRepeater.jsp",
        // Found by the fuzzer: an authority of colons only.
        "http://::/agentdesktop/UniversalRepeater.jsp#",
        "http://[]/agentdesktop/UniversalRepeater.jsp",
        "http://[::1/agentdesktop/UniversalRepeater.jsp",
        "http://a:+80/agentdesktop/UniversalRepeater.jsp",
    ] {
        assert_eq!(repeater_origin(src), None, "{src}");
    }
    assert_eq!(proxy_url("https://a.brightpattern.com"), "https://a.brightpattern.com/agentdesktop/AgentDesktopSdkProxy.jsp");
    assert_eq!(Origin::parse("http://localhost:80/x").unwrap().serialize(), "http://localhost");
}

#[test]
fn trust_rules() {
    let none: Vec<String> = vec![];
    let mine = vec!["https://cc.example.ru".to_string(), "http://localhost:8101".to_string()];
    let table = [
        ("https://acme.brightpattern.com", &none, Trust::Trusted),
        ("https://brightpattern.com", &none, Trust::Askable),
        ("https://acme.brightpattern.com.evil.io", &none, Trust::Askable),
        ("http://acme.brightpattern.com", &none, Trust::Refused),
        ("https://cc.example.ru", &none, Trust::Askable),
        ("https://cc.example.ru", &mine, Trust::Trusted),
        ("https://cc.example.ru:8443", &mine, Trust::Askable),
        ("http://localhost:8101", &mine, Trust::Trusted),
        ("http://localhost:8101", &none, Trust::Askable),
        ("http://10.0.0.5", &none, Trust::Refused),
        ("ftp://x", &none, Trust::Refused),
    ];
    for (origin, list, want) in table {
        assert_eq!(trust_of(origin, list), want, "{origin}");
    }
}

#[test]
fn request_ids_never_collide_with_the_page_counter() {
    for seed in [0, 1, 999_999, u32::MAX] {
        let mut ids = RequestIds::new(seed);
        let a: u64 = ids.next_id().parse().unwrap();
        let b: u64 = ids.next_id().parse().unwrap();
        assert!(a >= FIRST_ID);
        assert_eq!(b, a + 1);
    }
    let mut p = Pending::default();
    p.insert(PendingRequest { id: "1000000001".into(), origin: bp_toolbar::core::requests::Origin::Agent, sent_at: 0.0, deadline: 3000.0 });
    assert_eq!(p.earliest_deadline(), Some(3000.0));
    assert!(p.take("1").is_none());
    assert!(p.expire(2999.0).is_empty());
    assert_eq!(p.expire(3000.0).len(), 1);
    assert!(p.take("1000000001").is_none());
}

#[test]
fn extension_messages_are_pinned() {
    let entry = LogEntry {
        ts: 1.0,
        action: "Terminate".into(),
        item_id: "A".into(),
        result: "sent".into(),
        latency_ms: None,
        tenant: "https://t.brightpattern.com".into(),
        page: "crm.example".into(),
    };
    assert_eq!(
        serde_json::to_string(&ToBackground::Log { entries: vec![entry] }).unwrap(),
        r#"{"type":"log","entries":[{"ts":1,"action":"Terminate","item_id":"A","result":"sent","tenant":"https://t.brightpattern.com","page":"crm.example"}]}"#
    );
    assert_eq!(serde_json::to_string(&ToBackground::ClearLog).unwrap(), r#"{"type":"clearLog"}"#);
    assert_eq!(serde_json::to_string(&ToBackground::Trust { origin: "o".into() }).unwrap(), r#"{"type":"trust","origin":"o"}"#);
    assert_eq!(serde_json::to_string(&ToRelay::Post { text: "{}".into() }).unwrap(), r#"{"t":"post","text":"{}"}"#);
    assert_eq!(
        serde_json::to_string(&ToRelay::Open { origin: "https://o".into(), url: "https://o/p".into() }).unwrap(),
        r#"{"t":"open","origin":"https://o","url":"https://o/p"}"#
    );
    let m: FromRelay = serde_json::from_str(r#"{"t":"message","data":"x"}"#).unwrap();
    assert_eq!(m, FromRelay::Message { data: Some("x".into()) });
    let m: FromRelay = serde_json::from_str(r#"{"t":"message","data":null}"#).unwrap();
    assert_eq!(m, FromRelay::Message { data: None });
    let m: FromRelay = serde_json::from_str(r#"{"t":"counted","ignored":2,"forged":1}"#).unwrap();
    assert_eq!(m, FromRelay::Counted { ignored: 2, forged: 1, neighbours: 0 });
    let m: FromRelay = serde_json::from_str(r#"{"t":"repeater","src":null,"page":"p"}"#).unwrap();
    assert_eq!(m, FromRelay::Repeater { src: None, page: "p".into() });
}
