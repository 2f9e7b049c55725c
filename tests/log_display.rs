//! The popup shows stored (English) log texts in the agent's language: every text the code
//! logs maps to a message, and in English the message renders the stored text exactly.

use bp_toolbar::core::detect::Trust;
use bp_toolbar::core::log::display;
use bp_toolbar::core::session::{Button, Effect, Input, Session};

fn collect(s: &mut Session, input: Input, out: &mut Vec<(String, String)>) {
    for e in s.apply(input) {
        if let Effect::Log(l) = e {
            out.push((l.action, l.result));
        }
    }
}

#[test]
fn every_logged_text_has_a_message_and_renders_back_exactly() {
    let mut logged = Vec::new();
    let mut s = Session::new("http://localhost:1", "crm", Trust::Askable, 1);
    s.start();
    let m = |t: &str| Input::Message { text: t.to_string(), now: 1.0 };
    for input in [
        Input::Click { button: Button::Trust, now: 0.0 },
        Input::TrustChanged { trust: Trust::Trusted, now: 0.0 },
        Input::ProxyLoaded { now: 0.0 },
        Input::ProxyLoaded { now: 0.5 },
        m(r#"{"command":"GET_STATE","request_id":"x","data":{"status":"busy","reason":"","interactions":[{"item_id":"A"}]}}"#),
        m(r#"{"command":"GET_STATE","request_id":"y","data":{"status":"not_ready","reason":"Lunch (long), really","interactions":[{"item_id":"A"},{"item_id":"B"}]}}"#),
        m(r#"{"command":"STATE_CHANGED","data":{"status":"not_ready","reason":"Break"}}"#),
        m(r#"{"command":"STATE_CHANGED","data":{"status":"ready","reason":""}}"#),
        m(r#"{"command":"INTERACTION_RENDERED","data":{"item_id":"C"}}"#),
        m(r#"{"command":"_I_CALL_OFFERED","data":{}}"#),
        m(r#"{"command":"LOGIN_CHANGED","data":{"login":true}}"#),
        Input::Click { button: Button::Terminate, now: 2.0 },
        Input::DispositionEdited("Sale".into()),
        Input::Click { button: Button::Complete, now: 2.0 },
        Input::Click { button: Button::GetState, now: 2.0 },
        Input::Tick { now: 10_000.0 },
        Input::Click { button: Button::WrapUp, now: 20_000.0 },
        Input::Tick { now: 40_000.0 },
        m(r#"{"command":"INTERACTION_COMPLETED","data":{"item_id":"C","disposition":"Sale"}}"#),
        m(r#"{"command":"INTERACTION_COMPLETED","data":{"item_id":"B"}}"#),
        m(r#"{"command":"LOGIN_CHANGED","data":{"login":false}}"#),
        Input::TrustChanged { trust: Trust::Askable, now: 50_000.0 },
    ] {
        collect(&mut s, input, &mut logged);
    }
    // The background's own entries.
    logged.push(("Trust".into(), "tenant trusted by the agent".into()));
    logged.push(("ACW alert".into(), "notification shown after 2:05".into()));
    logged.push(("ACW alert".into(), "notification failed after 0:03".into()));
    assert!(logged.len() > 25, "{logged:?}");
    for (action, result) in &logged {
        let (a, r) = (display::action(action), display::result(result));
        assert_ne!(a.key, "log_verbatim", "action without a message: {action}");
        assert_ne!(r.key, "log_verbatim", "result without a message: {result}");
        assert_eq!(&a.english(), action);
        assert_eq!(&r.english(), result);
    }
    // Unknown texts are shown as they are.
    assert_eq!(display::result("something new").english(), "something new");
}
