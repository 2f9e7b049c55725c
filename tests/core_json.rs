//! The content path's JSON reader and writer: strict parsing, and every message shape written
//! or read without serde agrees with serde's form of the same type (which the background and
//! the extension's pages use).

use bp_toolbar::core::health::Health;
use bp_toolbar::core::live::{Live, LiveControl};
use bp_toolbar::core::json::{parse, Value, MAX_DEPTH};
use bp_toolbar::core::log::LogEntry;
use bp_toolbar::core::messages::{FromRelay, Placement, ToBackground, ToContent, ToRelay};
use bp_toolbar::core::settings::{Policy, Settings};
use bp_toolbar::core::wire::strings;

/// Our value as serde_json sees it.
fn as_serde(v: &Value) -> serde_json::Value {
    serde_json::from_str(&v.write()).expect("our writer writes JSON")
}

#[test]
fn parses_what_json_allows_and_nothing_else() {
    let ok = [
        ("null", Value::Null),
        (" true ", Value::Bool(true)),
        ("-0.5e1", Value::Num(-5.0)),
        ("12345678901234", Value::Num(12_345_678_901_234.0)),
        (r#""a\"b\\c\/d\n\u00e9\ud83d\ude00""#, Value::Str("a\"b\\c/d\né😀".into())),
        (r#""\ud800x""#, Value::Str("\u{fffd}x".into())),
        ("[1,[2,[]],{}]", Value::Arr(vec![Value::Num(1.0), Value::Arr(vec![Value::Num(2.0), Value::Arr(vec![])]), Value::Obj(vec![])])),
        (r#"{"a":1,"a":2}"#, Value::Obj(vec![("a".into(), Value::Num(1.0)), ("a".into(), Value::Num(2.0))])),
    ];
    for (text, want) in ok {
        assert_eq!(parse(text), Some(want), "{text}");
    }
    assert_eq!(parse(r#"{"a":1,"a":2}"#).unwrap().get("a"), Some(&Value::Num(2.0)), "the last key wins, as in JSON.parse");
    for bad in ["", "nul", "01", "1.", ".5", "1e", "+1", "[1,]", "{\"a\" 1}", "{'a':1}", "\"a", "1e400", "-1e999", "\"\t\"", "[1] x", "\"\\x\"", "{\"a\":}", "NaN"] {
        assert_eq!(parse(bad), None, "{bad:?}");
    }
    let deep = "[".repeat(MAX_DEPTH + 2) + &"]".repeat(MAX_DEPTH + 2);
    assert_eq!(parse(&deep), None, "nesting is bounded");
    let fine = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
    assert!(parse(&fine).is_some());
}

#[test]
fn numbers_read_close_to_serde() {
    for text in ["0", "-1", "42", "9007199254740991", "0.03", "1.5", "-2.25e2", "1e-3", "123.456", "1E22", "5e-324"] {
        let ours = parse(text).and_then(|v| v.as_f64()).unwrap();
        let theirs: f64 = serde_json::from_str(text).unwrap();
        assert!((ours - theirs).abs() <= theirs.abs() * 1e-15, "{text}: {ours} vs {theirs}");
    }
}

#[test]
fn strings_round_trip_through_serde() {
    for text in ["plain", "quote \" and \\ slash", "ctl \u{1}\u{1f}\u{7f}", "tab\tnl\ncr\r", "émoji 😀", "</script><b>x</b>"] {
        let written = Value::Str(text.into()).write();
        assert_eq!(serde_json::from_str::<String>(&written).unwrap(), text);
        assert_eq!(parse(&serde_json::to_string(text).unwrap()), Some(Value::Str(text.into())));
    }
}

fn entry(latency: Option<u32>) -> LogEntry {
    LogEntry { ts: 1_795_000_000_123.0, action: "Terminate".into(), item_id: "A\"1".into(), result: "sent".into(), latency_ms: latency, tenant: "https://t".into(), page: "p".into() }
}

fn health() -> Health {
    Health {
        tenant: "https://t".into(),
        page: "p".into(),
        trust: "trusted".into(),
        channel_since: Some(5),
        logged_in: None,
        last_heard: None,
        ignored: 3,
        forged: 2,
        neighbours: 4,
        frame_mode: true,
        document_start: 7,
        stopped: false,
    }
}

fn live(notice: Option<(String, String)>, acw_since: Option<i64>) -> Live {
    Live {
        tenant: "https://t".into(),
        page: "crm.example".into(),
        desktop: true,
        since: 1_795_000_000_000,
        status: "Busy".into(),
        status_key: "busy".into(),
        agent_id: "agent \"7\"".into(),
        item_id: "I1".into(),
        acw_since,
        controls: vec![
            LiveControl { command: "wrap-up".into(), enabled: true, busy: false, primary: true, pressed: None },
            LiveControl { command: "recording".into(), enabled: false, busy: true, primary: false, pressed: Some(true) },
        ],
        notice,
    }
}

#[test]
fn messages_to_the_background_match_serde() {
    let all = vec![
        ToBackground::Log { entries: vec![entry(None), entry(Some(12))] },
        ToBackground::ClearLog,
        ToBackground::Trust { origin: "https://o".into() },
        ToBackground::Untrust { origin: "https://o".into() },
        ToBackground::AskTrust { origin: "https://o".into() },
        ToBackground::Badge { text: "RDY".into(), color: "#fff".into(), title: "Ready".into(), acw_ms: None },
        ToBackground::Badge { text: "1:00".into(), color: "#fff".into(), title: "ACW".into(), acw_ms: Some(60_000.0) },
        ToBackground::Placement { site: "crm".into(), placement: Placement { x: 10.0, y: 20.0, collapsed: true } },
        ToBackground::Health { health: Some(health()) },
        ToBackground::Health { health: None },
        ToBackground::Command { name: "wrap-up".into(), tab: Some(2) },
        ToBackground::Command { name: "wrap-up".into(), tab: None },
        ToBackground::ScreenPop { item_id: "I1".into(), fields: vec![("item_id".into(), "I1".into()), ("screenpop_data.case_id".into(), "a\"b".into())] },
        ToBackground::ScreenPop { item_id: "I2".into(), fields: vec![] },
        ToBackground::Live { live: Some(Box::new(live(Some(("error".into(), "No \"reply\".".into())), Some(9)))) },
        ToBackground::Live { live: Some(Box::new(live(None, None))) },
        ToBackground::Live { live: None },
        ToBackground::Desktop { command: "wrap-up".into(), key: "3:0".into(), item_id: "I\"1".into() },
        ToBackground::ChooseDesktop { key: "4:0".into() },
    ];
    for msg in all {
        let ours = msg.to_json().expect("a writer for every message the content script sends");
        assert_eq!(as_serde(&ours), serde_json::to_value(&msg).unwrap(), "{msg:?}");
        // And the background reads it back as the same message.
        assert_eq!(serde_json::from_str::<ToBackground>(&ours.write()).unwrap(), msg);
    }
    assert!(ToBackground::Settings { settings: Settings::default() }.to_json().is_none(), "settings go through serde");
}

#[test]
fn relay_messages_match_serde() {
    for msg in [
        ToRelay::Open { origin: "https://o".into(), url: "https://o/p".into() },
        ToRelay::Post { text: "{\"command\":\"GET_STATE\"}".into() },
        ToRelay::Close,
        ToRelay::Size { width: 400, height: 150 },
        ToRelay::Move { dx: -3.0, dy: 4.0, end: true },
        ToRelay::Place { x: 1.0, y: 2.0 },
        ToRelay::Background { msg: ToBackground::AskTrust { origin: "https://o".into() } },
    ] {
        assert_eq!(as_serde(&msg.to_json()), serde_json::to_value(&msg).unwrap(), "{msg:?}");
    }
    for text in [
        r#"{"t":"repeater","src":"https://t/agentdesktop/UniversalRepeater.jsp","page":"crm:8080"}"#,
        r#"{"t":"repeater","src":null,"page":"crm"}"#,
        r#"{"t":"proxyLoaded"}"#,
        r#"{"t":"lost"}"#,
        r#"{"t":"placed","x":10,"y":20.5}"#,
        r#"{"t":"message","data":"{}"}"#,
        r#"{"t":"message","data":null}"#,
        r#"{"t":"counted","ignored":3,"forged":0}"#,
        r#"{"t":"counted","ignored":0,"forged":1,"neighbours":12}"#,
    ] {
        let theirs: FromRelay = serde_json::from_str(text).unwrap();
        assert_eq!(FromRelay::from_json(&parse(text).unwrap()), Some(theirs), "{text}");
    }
    for bad in [r#"{"t":"nope"}"#, r#"{"t":"message","data":7}"#, r#"{"t":"counted","ignored":-1,"forged":0}"#, r#"{"t":"placed","x":"1","y":2}"#, "[]"] {
        assert_eq!(FromRelay::from_json(&parse(bad).unwrap()), None, "{bad}");
        assert!(serde_json::from_str::<FromRelay>(bad).is_err(), "serde refuses {bad} too");
    }
    for text in [r#"{"type":"hotkey","command":"complete"}"#, r#"{"type":"dial","text":"+1 415 555 0100"}"#, r#"{"type":"press","command":"wrap-up","item_id":"A\"1"}"#] {
        assert_eq!(ToContent::from_json(&parse(text).unwrap()), Some(serde_json::from_str::<ToContent>(text).unwrap()), "{text}");
    }
    for bad in [r#"{"type":"dial"}"#, r#"{"type":"dial","text":5}"#, r#"{"type":"hangup"}"#, r#"{"type":"press","command":"wrap-up"}"#] {
        assert_eq!(ToContent::from_json(&parse(bad).unwrap()), None, "{bad}");
    }
    // A long selection is cut and marked as cut: what is left never reads as a number.
    use bp_toolbar::core::messages::{menu_text, MENU_TEXT_MAX};
    let long = format!("{}415555010099", " ".repeat(54));
    assert_eq!(menu_text(&long).chars().count(), MENU_TEXT_MAX + 1);
    assert!(menu_text(&long).ends_with('…'));
    assert_eq!(menu_text(" 415.555.0188 "), " 415.555.0188 ");
}

#[test]
fn stored_settings_policy_and_lists_read_as_serde_reads_them() {
    for text in [
        "{}",
        r#"{"acwAlertMinutes":0.03}"#,
        r#"{"acwAlertMinutes":5,"logLimit":3000,"logRetentionDays":30,"redact":true,"requireDisposition":true,"blockedSites":["a.example","*.b.example"]}"#,
        r#"{"notReadyReasons":["Lunch"],"dispositions":["A | 1"],"allowFreeDisposition":true,"speedDial":["Billing | 1020"],"acwLimitSeconds":90,"acwExtendSeconds":0,"defaultDisposition":"A"}"#,
    ] {
        let theirs: Settings = serde_json::from_str(text).unwrap();
        assert_eq!(Settings::from_json(&parse(text).unwrap()), theirs, "{text}");
    }
    for text in [
        "{}",
        r#"{"trustedTenants":["https://a"],"disableTrustPrompt":true,"blockedSites":["x"],"acwAlertMinutes":7,"logLimit":5000,"logRetentionDays":3,"redact":false,"requireDisposition":true}"#,
        r#"{"notReadyReasons":["Lunch"],"dispositions":["A | 1"],"allowFreeDisposition":false,"speedDial":["Billing | 1020"],"acwLimitSeconds":90,"acwExtendSeconds":30,"defaultDisposition":"A"}"#,
    ] {
        let theirs: Policy = serde_json::from_str(text).unwrap();
        assert_eq!(Policy::from_json(&parse(text).unwrap()), theirs, "{text}");
    }
    assert_eq!(Placement::from_json(&parse(r#"{"x":1,"y":2}"#).unwrap()), Some(Placement { x: 1.0, y: 2.0, collapsed: false }));
    assert_eq!(strings(&parse(r#"["https://a","https://b"]"#).unwrap()), vec!["https://a".to_string(), "https://b".to_string()]);
    assert!(strings(&parse("{}").unwrap()).is_empty());
}

#[test]
fn mirror_tokens_are_short_plain_and_long_enough() {
    use bp_toolbar::core::messages::valid_token;
    assert!(valid_token("0b9c6a52-3f0e-4b7e-9d8a-1c2e3f4a5b6c"));
    assert!(!valid_token(""), "no token");
    assert!(!valid_token("abc"), "too short to be unguessable");
    assert!(!valid_token(&"a".repeat(65)), "too long");
    assert!(!valid_token("0b9c6a52-3f0e-4b7e-9d8a-1c2e3f4a5b6c#x"), "only the token, nothing after it");
    assert!(!valid_token("0b9c6a52:3f0e:4b7e:9d8a:1c2e3f4a5b6c"), "no port-name separators");
}
