//! Property-based fuzzing of the wire parser, the origin rules and the toolbar's reducer.
//! CI runs the default number of cases; the long run sets PROPTEST_CASES (see the README):
//!   PROPTEST_CASES=400000 cargo test --release --test fuzz
//! Each reducer case feeds up to 60 inputs (30 on average), so 400,000 cases are over 10
//! million inputs.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{HashMap, HashSet};

use bp_toolbar::core::detect::{repeater_origin, trust_of, Origin, Trust};
use bp_toolbar::core::json;
use bp_toolbar::core::protocol::FromDesktop;
use bp_toolbar::core::session::{Button, Effect, Input, Session, CONFIRM_TIMEOUT_MS};
use bp_toolbar::core::view::View;
use proptest::prelude::*;

/// A JSON string literal: plain text, every escape JSON has, `\u` escapes of any code unit
/// (surrogate pairs, lone surrogates of both halves), and now and then a raw control character
/// or a bad escape (which make the whole text invalid).
fn string_literal() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => "[a-zA-Z0-9 ./:_-]{0,6}".prop_map(|s| s),
        2 => "[\u{e9}\u{4e2d}\u{1f600}\u{ff1d}]".prop_map(|s| s),
        2 => prop_oneof![Just("\\\""), Just("\\\\"), Just("\\/"), Just("\\b"), Just("\\f"), Just("\\n"), Just("\\r"), Just("\\t")].prop_map(String::from),
        2 => any::<u16>().prop_map(|u| format!("\\u{u:04x}")),
        2 => (0xD800u16..0xDC00).prop_map(|u| format!("\\u{u:04X}")),
        2 => (0xDC00u16..0xE000).prop_map(|u| format!("\\u{u:04x}")),
        1 => ((0xD800u16..0xDC00), (0xDC00u16..0xE000)).prop_map(|(h, l)| format!("\\u{h:04x}\\u{l:04X}")),
        1 => prop_oneof![Just("\u{1}"), Just("\n"), Just("\\x"), Just("\\u12"), Just("\\uZZZZ"), Just("\\")].prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..5).prop_map(|p| format!("\"{}\"", p.concat()))
}

/// JSON numbers of every shape the grammar allows, and some it does not.
fn number_literal() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<i64>().prop_map(|n| n.to_string()),
        2 => any::<f64>().prop_map(|f| if f.is_finite() { f.to_string() } else { "0".into() }),
        2 => any::<f64>().prop_map(|f| if f.is_finite() { format!("{f:e}") } else { "1e0".into() }),
        3 => ("-?", "(0|[1-9][0-9]{0,25})", "(\\.[0-9]{1,25})?", "([eE][+-]?[0-9]{1,3})?").prop_map(|(s, i, f, e)| format!("{s}{i}{f}{e}")),
        // Many digits that cancel out: 1000…0e-400 is 1.
        1 => (1usize..420).prop_map(|n| format!("1{}e-{n}", "0".repeat(n))),
        1 => prop_oneof![Just("01"), Just("1."), Just(".5"), Just("1e"), Just("-"), Just("+1"), Just("1e400"), Just("-1e-400"), Just("0x10")].prop_map(String::from),
    ]
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("null".to_string()), Just("true".to_string()), Just("false".to_string()),
        number_literal(), string_literal(),
        prop_oneof![Just("ready"), Just("busy"), Just("after_call_work"), Just("not_ready"), Just("")].prop_map(|s| format!("\"{s}\"")),
        Just("{}".to_string()), Just("[]".to_string()), Just("[{\"item_id\":\"A\"},{\"item_id\":7},null]".to_string()),
    ]
}

/// JSON-ish messages near the real ones: known and unknown commands, fields of every type.
fn message() -> impl Strategy<Value = String> {
    let command = prop_oneof![
        Just("GET_STATE"), Just("STATE_CHANGED"), Just("INTERACTION_RENDERED"), Just("INTERACTION_COMPLETED"),
        Just("LOGIN_CHANGED"), Just("call_recording_status"), Just("_CALL_ENDED"), Just("_I_CALL_OFFERED"), Just("state_changed"), Just(""), Just("X")
    ];
    let key = prop_oneof![
        Just("item_id"), Just("status"), Just("reason"), Just("login"), Just("interactions"), Just("agent_id"), Just("disposition"),
        Just("phone_number"), Just("call_id"), Just("recording"), Just("screenpop_data")
    ];
    (command, prop::collection::vec((key, scalar()), 0..6), prop::option::of(scalar()), any::<bool>()).prop_map(|(c, fields, rid, wrap)| {
        let data: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
        let rid = rid.map(|r| format!(",\"request_id\":{r}")).unwrap_or_default();
        if wrap {
            format!("{{\"command\":\"{c}\",\"data\":{{{}}}{rid}}}", data.join(","))
        } else {
            format!("{{\"command\":\"{c}\",{}{rid}}}", data.join(","))
        }
    })
}

/// Arbitrary JSON documents, nested, with whitespace: what the reader must agree on.
fn document() -> impl Strategy<Value = String> {
    let leaf = scalar();
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(|v| format!("[{}]", v.join(" , "))),
            prop::collection::vec((string_literal(), inner), 0..5)
                .prop_map(|v| format!("{{ {} }}", v.iter().map(|(k, v)| format!("{k}:{v}")).collect::<Vec<_>>().join(","))),
        ]
    })
}

/// What serde_json would read if lone surrogate escapes were U+FFFD, as browsers' JSON.parse
/// and our reader treat them (serde_json refuses them). Walks escapes only: the rest is copied.
fn lone_surrogates_replaced(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |at: usize| -> Option<u32> {
        let h = b.get(at..at + 4)?;
        std::str::from_utf8(h).ok().filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit())).and_then(|h| u32::from_str_radix(h, 16).ok())
    };
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            let ch = s[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        match (b.get(i + 1), hex(i + 2)) {
            (Some(b'u'), Some(hi)) if (0xD800..0xDC00).contains(&hi) => {
                let paired = b.get(i + 6) == Some(&b'\\') && b.get(i + 7) == Some(&b'u') && hex(i + 8).is_some_and(|lo| (0xDC00..0xE000).contains(&lo));
                if paired {
                    out.push_str(&s[i..i + 12]);
                    i += 12;
                } else {
                    out.push_str("\\uFFFD");
                    i += 6;
                }
            }
            (Some(b'u'), Some(lo)) if (0xDC00..0xE000).contains(&lo) => {
                out.push_str("\\uFFFD");
                i += 6;
            }
            (Some(_), _) => {
                let ch = s[i + 1..].chars().next().unwrap();
                out.push('\\');
                out.push(ch);
                i += 1 + ch.len_utf8();
            }
            (None, _) => {
                out.push('\\');
                i += 1;
            }
        }
    }
    out
}

/// Our reader's value against serde_json's: the same structure, the same strings, the last of
/// repeated keys, integers up to 2^53 exactly, other numbers to within one part in 10^14 (ours
/// scales by powers of ten in f64 arithmetic, a few units in the last place off for large
/// exponents; serde_json's default parser is not correctly rounded either) or, below 1e-300,
/// to within 1e-300.
fn agree(ours: &json::Value, theirs: &serde_json::Value) -> Result<(), String> {
    use json::Value as O;
    use serde_json::Value as T;
    match (ours, theirs) {
        (O::Null, T::Null) => Ok(()),
        (O::Bool(a), T::Bool(b)) if a == b => Ok(()),
        (O::Str(a), T::String(b)) if a == b => Ok(()),
        (O::Num(a), T::Number(b)) => {
            let b = b.as_f64().ok_or("not an f64")?;
            let whole = |x: f64| x.fract() == 0.0 && x.abs() <= 9_007_199_254_740_992.0;
            let close = if whole(*a) && whole(b) {
                a == &b
            } else {
                (a - b).abs() <= 1e-14 * a.abs().max(b.abs()) || (a.abs() < 1e-300 && b.abs() < 1e-300)
            };
            if close { Ok(()) } else { Err(format!("{a:e} vs {b:e}")) }
        }
        (O::Arr(a), T::Array(b)) if a.len() == b.len() => a.iter().zip(b).try_for_each(|(p, q)| agree(p, q)),
        (O::Obj(a), T::Object(b)) => {
            let keys: HashSet<&str> = a.iter().map(|(k, _)| k.as_str()).collect();
            if keys.len() != b.len() {
                return Err(format!("{} keys vs {}", keys.len(), b.len()));
            }
            for (k, q) in b {
                agree(ours.get(k).ok_or_else(|| format!("no {k:?}"))?, q)?;
            }
            Ok(())
        }
        _ => Err(format!("{ours:?} vs {theirs}")),
    }
}

proptest! {
    #[test]
    fn parser_never_panics_on_any_string(s in any::<String>()) {
        let _ = FromDesktop::parse(&s);
    }

    #[test]
    fn parser_never_panics_on_near_miss_json(s in message()) {
        let _ = FromDesktop::parse(&s);
    }

    /// The content path's JSON reader accepts exactly what serde_json accepts (nesting within
    /// its limit, lone surrogates read as U+FFFD) and reads the same values.
    #[test]
    fn json_reader_agrees_with_serde(s in prop_oneof![3 => message(), 3 => document(), 1 => any::<String>()]) {
        let ours = json::parse(&s);
        let theirs = serde_json::from_str::<serde_json::Value>(&lone_surrogates_replaced(&s));
        prop_assert_eq!(ours.is_some(), theirs.is_ok(), "{:?}: {:?}", s, theirs);
        if let (Some(v), Ok(t)) = (ours, theirs) {
            let verdict = agree(&v, &t);
            prop_assert!(verdict.is_ok(), "{:?}: {:?}", s, verdict);
        }
    }

    #[test]
    fn substring_split_agrees_with_std(text in "[a-c:/\u{e9}\u{1f600}]{0,12}", pat in "[a-c:/\u{e9}\u{1f600}]{0,3}") {
        // The core's own substring search (kept out of the standard searcher to keep the
        // content module small) must be `str::find` / `str::split_once` exactly.
        prop_assert_eq!(bp_toolbar::core::find_str(&text, &pat), text.find(pat.as_str()));
        prop_assert_eq!(bp_toolbar::core::split_str(&text, &pat), text.split_once(pat.as_str()));
    }

    #[test]
    fn page_numbers_are_in_bounds_ordered_and_dialable(text in "[0-9 ()+.\\-/a-x#\u{a0}\u{e9}\u{1f4de}]{0,40}", country in "(US|GB|ES|MX|DE)") {
        let rules = bp_toolbar::core::phone::DialRules { country, ..Default::default() };
        let units: Vec<u16> = text.encode_utf16().collect();
        let mut last = 0;
        for f in bp_toolbar::core::scan::numbers(&text, &rules) {
            let (a, b) = (f.start, f.end);
            prop_assert!(last <= a && a < b && (b as usize) <= units.len());
            last = b;
            let number = String::from_utf16(&units[a as usize..b as usize]).ok();
            prop_assert_eq!(number.as_deref(), Some(f.text), "the UTF-16 range and the text differ");
            let dial = bp_toolbar::core::phone::normalise(f.text, &rules);
            prop_assert!(dial.is_ok_and(|d| d.e164.is_some()));
        }
    }

    #[test]
    fn origin_rules_never_panic_and_agree(s in any::<String>(), t in "(https?|ftp)://[a-zA-Z0-9.:@\\[\\]-]{0,30}(/agentdesktop/UniversalRepeater.jsp)?[?#]?.{0,5}") {
        for u in [&s, &t] {
            let _ = Origin::parse(u);
            if let Some(origin) = repeater_origin(u) {
                // Whatever origin a repeater URL yields parses back to itself.
                prop_assert_eq!(Origin::parse(&origin).map(|o| o.serialize()).ok(), Some(origin.clone()));
                prop_assert!(trust_of(&origin, &[]) != Trust::Pending);
            }
        }
    }
}

const ITEMS: [&str; 3] = ["A", "B", "C"];
const STATUSES: [&str; 5] = ["ready", "not_ready", "busy", "after_call_work", "ringing"];

/// The desktop's own messages, as a real one sends them, about a few items.
fn desktop_event() -> impl Strategy<Value = String> {
    let item = prop::sample::select(&ITEMS[..]);
    let status = prop::sample::select(&STATUSES[..]);
    prop_oneof![
        3 => status.prop_map(|s| format!(r#"{{"command":"STATE_CHANGED","data":{{"agent_id":"a","status":"{s}","reason":""}}}}"#)),
        3 => item.clone().prop_map(|i| format!(r#"{{"command":"INTERACTION_RENDERED","data":{{"item_id":"{i}","screenpop_data":{{}}}}}}"#)),
        2 => (item.clone(), prop::option::of("[a-z]{1,3}")).prop_map(|(i, d)| match d {
            Some(d) => format!(r#"{{"command":"INTERACTION_COMPLETED","data":{{"item_id":"{i}","disposition":"{d}"}}}}"#),
            None => format!(r#"{{"command":"INTERACTION_COMPLETED","data":{{"item_id":"{i}"}}}}"#),
        }),
        1 => (item.clone(), any::<bool>()).prop_map(|(i, by_item)| if by_item {
            format!(r#"{{"command":"_CALL_ENDED","data":{{"item_id":"{i}"}}}}"#)
        } else {
            format!(r#"{{"command":"_CALL_ENDED","data":{{"call_id":"C-{i}/1"}}}}"#)
        }),
        1 => (prop::sample::select(&["_I_CALL_OFFERED", "_I_CALL_ANSWERED", "_O_CALL_DIALING"][..]), item.clone())
            .prop_map(|(c, i)| format!(r#"{{"command":"{c}","data":{{"call_id":"C-{i}/1"}}}}"#)),
        1 => (item.clone(), any::<bool>()).prop_map(|(i, on)| format!(
            r#"{{"item_id":"{i}","call_id":"C-{i}/1","command":"call_recording_status","recording":"{}","muted":"0"}}"#, u8::from(on))),
        1 => any::<bool>().prop_map(|l| format!(r#"{{"command":"LOGIN_CHANGED","data":{{"agent_id":"a","login":{l}}}}}"#)),
    ]
}

#[derive(Debug, Clone)]
enum Step {
    Event(String),
    Noise(String),
    /// A GET_STATE reply to our latest request (`ours`) or to another client's.
    Reply { ours: bool, status: &'static str, items: Vec<&'static str> },
    Click(u8),
    Edit(String),
    Pick(String),
    Disposition(String),
    Notes(String),
    RequireDisposition(bool),
    Tick(u16),
    Load,
    Lost,
    Ignored,
    Forged,
    Neighbour,
    Trust(bool),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        5 => desktop_event().prop_map(Step::Event),
        1 => message().prop_map(Step::Noise),
        3 => (any::<bool>(), prop::sample::select(&STATUSES[..]), prop::sample::subsequence(&ITEMS[..], 0..=3))
            .prop_map(|(ours, status, items)| Step::Reply { ours: ours || status != "ringing", status, items }),
        5 => (0u8..5).prop_map(Step::Click),
        1 => "[A-C]{0,2}".prop_map(Step::Edit),
        1 => "[A-C]".prop_map(Step::Pick),
        1 => "[a-z]{0,3}".prop_map(Step::Disposition),
        1 => "[a-z ]{0,5}".prop_map(Step::Notes),
        1 => any::<bool>().prop_map(Step::RequireDisposition),
        4 => prop_oneof![0u16..200, 0u16..7000, any::<u16>()].prop_map(Step::Tick),
        1 => Just(Step::Load),
        1 => Just(Step::Lost),
        1 => Just(Step::Ignored),
        1 => Just(Step::Forged),
        1 => Just(Step::Neighbour),
        1 => any::<bool>().prop_map(Step::Trust),
    ]
}

/// May this desktop message settle a Terminate or Complete, so that sending it again is not a
/// duplicate? Decided from the text, not from the reducer's state.
fn may_settle(text: &str) -> bool {
    ["STATE_CHANGED", "GET_STATE", "INTERACTION_COMPLETED", "_CALL_ENDED", "LOGIN_CHANGED"].iter().any(|c| text.contains(&format!("\"command\":\"{c}\"")))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: ProptestConfig::default().cases, ..ProptestConfig::default() })]
    /// Driven like a real session (the desktop's own events, replies to our own requests and to
    /// other clients', the channel coming and going, the agent clicking, typing, picking), the
    /// reducer keeps what the agent relies on, checked against a model of its own:
    /// - a command is sent at most once until the desktop answers, it times out or the channel
    ///   changes (a double click, a held hotkey, Wrap up pressed twice send one);
    /// - nothing is posted while the tenant is not trusted;
    /// - request ids are fresh, never reused;
    /// - a reply to our request is applied (status and interactions as the desktop said);
    /// - a reply to another client's request changes nothing and logs nothing.
    #[test]
    fn reducer_keeps_its_invariants(steps in prop::collection::vec(step(), 1..60)) {
        let mut s = Session::new("https://t.brightpattern.com", "crm", Trust::Trusted, 9);
        s.start();
        s.apply(Input::ProxyLoaded { now: 0.0 });
        let mut now = 0.0;
        let mut ids = HashSet::new();
        let mut last_id: Option<String> = None;
        let mut trusted = true;
        // (command kind, item) → when it was sent, while unsettled.
        let mut sent: HashMap<(&'static str, String), f64> = HashMap::new();
        for st in steps {
            let mut expect_applied = None;
            let mut expect_nothing = false;
            let input = match st {
                Step::Event(text) | Step::Noise(text) => {
                    if may_settle(&text) { sent.clear(); }
                    Input::Message { text, now }
                }
                Step::Reply { ours, status, items } => {
                    let rid = if ours { last_id.clone().unwrap_or_else(|| "1".into()) } else { "42".into() };
                    let list: Vec<String> = items.iter().map(|i| format!(r#"{{"item_id":"{i}"}}"#)).collect();
                    let text = format!(r#"{{"command":"GET_STATE","request_id":"{rid}","data":{{"agent_id":"a","status":"{status}","reason":"","interactions":[{}]}}}}"#, list.join(","));
                    if ours && last_id.is_some() {
                        expect_applied = Some((status, items));
                        sent.clear();
                    } else if !ours {
                        expect_nothing = true;
                    }
                    Input::Message { text, now }
                }
                Step::Click(b) => Input::Click { button: [Button::GetState, Button::Terminate, Button::Complete, Button::WrapUp, Button::Trust][b as usize], now },
                Step::Edit(t) => Input::ItemEdited(t),
                Step::Pick(t) => Input::ItemPicked(t),
                Step::Disposition(t) => Input::DispositionEdited(t),
                Step::Notes(t) => Input::NotesEdited(t),
                Step::RequireDisposition(on) => Input::RequireDisposition(on),
                Step::Tick(ms) => {
                    now += f64::from(ms);
                    sent.retain(|_, at| now < *at + CONFIRM_TIMEOUT_MS);
                    Input::Tick { now }
                }
                Step::Load => { sent.clear(); Input::ProxyLoaded { now } }
                Step::Lost => { sent.clear(); Input::ChannelLost { now } }
                Step::Ignored => Input::Ignored,
                Step::Forged => Input::Forged,
                Step::Neighbour => Input::Neighbour,
                Step::Trust(on) => {
                    trusted = on;
                    sent.clear();
                    Input::TrustChanged { trust: if on { Trust::Trusted } else { Trust::Askable }, now }
                }
            };
            let agent_before = s.agent.clone();
            let item_before = s.current_item().to_string();
            let fx = s.apply(input);
            for e in &fx {
                if let Effect::Post(p) = e {
                    prop_assert!(trusted, "posted while not trusted: {}", p);
                    let v: serde_json::Value = serde_json::from_str(p).expect("posts are JSON");
                    let cmd = v["command"].as_str().expect("posts name a command");
                    if cmd == "GET_STATE" {
                        let id = v["request_id"].as_str().expect("string request_id").to_string();
                        prop_assert!(id.parse::<u64>().expect("decimal") >= 1_000_000_000);
                        prop_assert!(ids.insert(id.clone()), "request ids are never reused");
                        last_id = Some(id);
                    } else {
                        let item = v["data"].as_str().or(v["item_id"].as_str()).unwrap_or_default().to_string();
                        prop_assert!(!item.is_empty(), "{} without an item", cmd);
                        let kind = if cmd.starts_with("TERMINATE") { "Terminate" } else if cmd.starts_with("COMPLETE") { "Complete" } else { "other" };
                        prop_assert!(kind != "other", "unexpected {}", cmd);
                        let again = sent.insert((kind, item.clone()), now);
                        prop_assert!(again.is_none(), "{} of {} sent twice before it was settled (first at {:?}, now {})", kind, item, again, now);
                    }
                }
            }
            if let Some((status, items)) = expect_applied {
                prop_assert_eq!(s.agent.status.as_deref(), Some(status));
                let got: Vec<&str> = s.agent.interactions.iter().map(|i| i.info.item_id.as_str()).collect();
                prop_assert_eq!(got, items);
            }
            if expect_nothing {
                prop_assert!(fx.is_empty(), "another client's reply: {:?}", fx);
                prop_assert_eq!(&s.agent, &agent_before);
                prop_assert_eq!(s.current_item(), item_before.as_str());
            }
            if let Some(d) = s.next_deadline() {
                prop_assert!(d.is_finite());
            }
            let _ = View::of(&s);
        }
    }
}
