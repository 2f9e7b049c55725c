//! Property-based fuzzing of the wire parser, the origin rules and the toolbar's reducer.
//! CI runs the default number of cases; the long run sets PROPTEST_CASES (see the README):
//!   PROPTEST_CASES=400000 cargo test --release --test fuzz
//! Each reducer case feeds up to 60 inputs (30 on average), so 400,000 cases are over 10
//! million inputs.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashSet;

use bp_toolbar::core::detect::{repeater_origin, trust_of, Origin, Trust};
use bp_toolbar::core::protocol::FromDesktop;
use bp_toolbar::core::session::{Button, Effect, Input, Session};
use bp_toolbar::core::view::View;
use proptest::prelude::*;

/// JSON-ish messages near the real ones: known and unknown commands, fields of every type.
fn message() -> impl Strategy<Value = String> {
    let command = prop_oneof![
        Just("GET_STATE"), Just("STATE_CHANGED"), Just("INTERACTION_RENDERED"), Just("INTERACTION_COMPLETED"),
        Just("LOGIN_CHANGED"), Just("call_recording_status"), Just("_CALL_ENDED"), Just("state_changed"), Just(""), Just("X")
    ];
    let scalar = prop_oneof![
        Just("null".to_string()), Just("true".to_string()), Just("false".to_string()), any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| if f.is_finite() { f.to_string() } else { "0".into() }),
        "[A-Z0-9-]{0,8}".prop_map(|s| format!("\"{s}\"")),
        prop_oneof![Just("ready"), Just("busy"), Just("after_call_work"), Just("not_ready"), Just("")].prop_map(|s| format!("\"{s}\"")),
        Just("{}".to_string()), Just("[]".to_string()), Just("[{\"item_id\":\"A\"},{\"item_id\":7},null]".to_string()),
    ];
    let key = prop_oneof![
        Just("item_id"), Just("status"), Just("reason"), Just("login"), Just("interactions"), Just("agent_id"), Just("disposition"), Just("phone_number")
    ];
    (command, prop::collection::vec((key, scalar.clone()), 0..6), prop::option::of(scalar), any::<bool>()).prop_map(|(c, fields, rid, wrap)| {
        let data: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
        let rid = rid.map(|r| format!(",\"request_id\":{r}")).unwrap_or_default();
        if wrap {
            format!("{{\"command\":\"{c}\",\"data\":{{{}}}{rid}}}", data.join(","))
        } else {
            format!("{{\"command\":\"{c}\",{}{rid}}}", data.join(","))
        }
    })
}

/// Equal as JSON values, numbers compared by value (-0 equals 0).
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as V;
    match (a, b) {
        (V::Number(x), V::Number(y)) => x.as_f64() == y.as_f64(),
        (V::Array(x), V::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (V::Object(x), V::Object(y)) => x.len() == y.len() && x.iter().all(|(k, p)| y.get(k).is_some_and(|q| same(p, q))),
        _ => a == b,
    }
}

fn small_numbers(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Number(n) => n.as_f64().is_some_and(|f| f.abs() <= 9_007_199_254_740_992.0),
        serde_json::Value::Array(a) => a.iter().all(small_numbers),
        serde_json::Value::Object(o) => o.values().all(small_numbers),
        _ => true,
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
    /// its limit), and reads strings and structure the same.
    #[test]
    fn json_reader_agrees_with_serde(s in prop_oneof![message(), any::<String>()]) {
        let ours = bp_toolbar::core::json::parse(&s);
        let theirs = serde_json::from_str::<serde_json::Value>(&s);
        prop_assert_eq!(ours.is_some(), theirs.is_ok(), "{:?}", s);
        if let (Some(v), Ok(t)) = (ours, theirs) {
            // Our writer writes numbers whole, and integers are exact up to 2^53 (ids on the wire
            // are strings); compare the rest exactly.
            if !s.contains(['.', 'e', 'E']) && small_numbers(&t) {
                let back = serde_json::from_str::<serde_json::Value>(&v.write()).ok();
                prop_assert!(back.as_ref().is_some_and(|b| same(b, &t)), "{:?} vs {:?}", back, t);
            }
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

#[derive(Debug, Clone)]
enum Step {
    Msg(String),
    Click(u8),
    Edit(String),
    Pick(String),
    Tick(u16),
    Load,
    Ignored,
    Trust(bool),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => message().prop_map(Step::Msg),
        3 => (0u8..5).prop_map(Step::Click),
        1 => "[A-C]{0,2}".prop_map(Step::Edit),
        1 => "[A-C]".prop_map(Step::Pick),
        3 => any::<u16>().prop_map(Step::Tick),
        1 => Just(Step::Load),
        1 => Just(Step::Ignored),
        1 => any::<bool>().prop_map(Step::Trust),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: ProptestConfig::default().cases, ..ProptestConfig::default() })]
    #[test]
    fn reducer_keeps_its_invariants(steps in prop::collection::vec(step(), 1..60)) {
        let mut s = Session::new("https://t.brightpattern.com", "crm", Trust::Trusted, 9);
        s.start();
        let mut now = 0.0;
        let mut ids = HashSet::new();
        for st in steps {
            let input = match st {
                Step::Msg(text) => Input::Message { text, now },
                Step::Click(b) => Input::Click { button: [Button::GetState, Button::Terminate, Button::Complete, Button::WrapUp, Button::Trust][b as usize], now },
                Step::Edit(t) => Input::ItemEdited(t),
                Step::Pick(t) => Input::ItemPicked(t),
                Step::Tick(ms) => { now += f64::from(ms); Input::Tick { now } }
                Step::Load => Input::ProxyLoaded { now },
                Step::Ignored => Input::Ignored,
                Step::Trust(on) => Input::TrustChanged { trust: if on { Trust::Trusted } else { Trust::Askable }, now },
            };
            let pending_before: Vec<(String, String)> = s.commands.iter().map(|c| (format!("{:?}", c.kind), c.item_id.clone())).collect();
            for e in s.apply(input) {
                if let Effect::Post(p) = e {
                    let v: serde_json::Value = serde_json::from_str(&p).expect("posts are JSON");
                    let cmd = v["command"].as_str().expect("posts name a command");
                    if cmd == "GET_STATE" {
                        let id = v["request_id"].as_str().expect("string request_id").to_string();
                        prop_assert!(id.parse::<u64>().expect("decimal") >= 1_000_000_000);
                        prop_assert!(ids.insert(id), "request ids are never reused");
                    } else {
                        // Never a second Terminate/Complete for an item while one awaits confirmation.
                        let item = v["data"].as_str().or(v["item_id"].as_str()).unwrap_or_default().to_string();
                        let kind = if cmd.starts_with("TERMINATE") { "Terminate" } else { "Complete" };
                        prop_assert!(!item.is_empty());
                        prop_assert!(!pending_before.contains(&(kind.to_string(), item)), "duplicate {}", cmd);
                    }
                }
            }
            if let Some(d) = s.next_deadline() {
                prop_assert!(d.is_finite());
            }
            let _ = View::of(&s);
        }
    }
}
