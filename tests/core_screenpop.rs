//! Screen pop: templates checked, filled with encoded values, the first that fits chosen; the
//! toolbar asks once per interaction, on offer or on answer.

use bp_toolbar::core::detect::Trust;
use bp_toolbar::core::screenpop::{check_template, encode, expand, pop_url};
use bp_toolbar::core::session::{Effect, Input, Session};

fn f(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn values_are_encoded_so_they_cannot_change_the_url() {
    assert_eq!(encode("4155550100"), "4155550100");
    assert_eq!(encode("+1 (415) 555-0100"), "%2B1%20(415)%20555-0100");
    assert_eq!(encode("a/b?c=d&e#f"), "a%2Fb%3Fc%3Dd%26e%23f");
    assert_eq!(encode("José"), "Jos%C3%A9");
    let t = "https://crm.example.com/search?phone={phone_number}&case={screenpop_data.case_id}";
    assert_eq!(
        expand(t, &f(&[("phone_number", "+1 415"), ("screenpop_data.case_id", "../../admin?x=1")])).as_deref(),
        Some("https://crm.example.com/search?phone=%2B1%20415&case=..%2F..%2Fadmin%3Fx%3D1")
    );
    // A value of dots alone would climb the path: it counts as missing.
    let path = "https://crm.example.com/api/records/{screenpop_data.id}/view";
    assert_eq!(expand(path, &f(&[("screenpop_data.id", "..")])), None);
    assert_eq!(expand(path, &f(&[("screenpop_data.id", ".")])), None);
    assert_eq!(expand(path, &f(&[("screenpop_data.id", "a..b")])).as_deref(), Some("https://crm.example.com/api/records/a..b/view"));
    // A field the call lacks (or has empty): the template is not for this call.
    assert_eq!(expand(t, &f(&[("phone_number", "1")])), None);
    assert_eq!(expand(t, &f(&[("phone_number", "1"), ("screenpop_data.case_id", "")])), None);
}

#[test]
fn templates_fix_an_https_origin_on_the_crm_list() {
    let none: Vec<String> = vec![];
    assert!(check_template(" https://crm.example.com/case/{screenpop_data.case_id} ", &none).is_ok());
    assert!(check_template("http://localhost:8080/r?p={phone_number}", &none).is_ok(), "plain http for a loopback host only");
    for bad in [
        "http://crm.example.com/r?p={phone_number}",
        "https://{host}/x",
        "https://crm.example.com{path}",
        "javascript:alert(1)//{item_id}",
        "https://crm.example.com/x/{unclosed",
        "https://crm.example.com/x/}{item_id}",
        "https://crm.example.com/a b",
        "https://crm.example.com/{screenpop_data.a}{screenpop_data.b}/x",
        "https://crm.example.com/search?phone={phone}",
        "https://crm.example.com/x/{attached_data.}",
        "",
    ] {
        assert!(check_template(bad, &none).is_err(), "{bad} refused");
    }
    assert_eq!(check_template("http://crm.example.com/{item_id}", &none).unwrap_err().key, "opt_err_pop_https");
    let crm = vec!["*.example.com".to_string()];
    assert!(check_template("https://crm.example.com/{item_id}", &crm).is_ok());
    let e = check_template("https://evil.example.org/{item_id}", &crm).unwrap_err();
    assert_eq!((e.key, e.english()), ("opt_err_pop_not_crm", "https://evil.example.org is not one of your organization's CRM sites.".to_string()));
    // The first usable template that the call fills.
    let templates = vec!["http://crm.example.com/{item_id}".to_string(), "https://crm.example.com/case/{screenpop_data.case_id}".into(), "https://crm.example.com/search?phone={phone_number}".into()];
    assert_eq!(pop_url(&templates, &f(&[("item_id", "I"), ("phone_number", "555")]), &crm).as_deref(), Some("https://crm.example.com/search?phone=555"));
    assert_eq!(pop_url(&templates, &f(&[("item_id", "I"), ("screenpop_data.case_id", "9")]), &crm).as_deref(), Some("https://crm.example.com/case/9"));
    assert_eq!(pop_url(&templates, &f(&[("item_id", "I")]), &crm), None);
}

fn pops(fx: &[Effect]) -> Vec<String> {
    fx.iter().filter_map(|e| if let Effect::ScreenPop { item_id, .. } = e { Some(item_id.clone()) } else { None }).collect()
}

fn live(on_answer: bool) -> Session {
    let mut s = Session::new("http://localhost:1", "crm", Trust::Trusted, 3);
    s.start();
    s.apply(Input::ProxyLoaded { now: 0.0 });
    s.apply(Input::PopSettings { enabled: true, on_answer });
    s
}

fn msg(s: &mut Session, text: &str) -> Vec<Effect> {
    s.apply(Input::Message { text: text.to_string(), now: 1.0 })
}

#[test]
fn the_toolbar_asks_for_one_pop_per_interaction_on_offer_or_on_answer() {
    let rendered = r#"{"command":"INTERACTION_RENDERED","data":{"item_id":"I1","phone_number":"4155550100","screenpop_data":{"case_id":"7"}}}"#;
    let mut s = live(false);
    let fx = msg(&mut s, rendered);
    assert_eq!(pops(&fx), vec!["I1"]);
    let Some(Effect::ScreenPop { fields, .. }) = fx.iter().find(|e| matches!(e, Effect::ScreenPop { .. })) else { panic!() };
    assert!(fields.contains(&("screenpop_data.case_id".to_string(), "7".to_string())));
    assert!(pops(&msg(&mut s, rendered)).is_empty(), "a repeated report pops nothing more");
    assert!(pops(&msg(&mut s, r#"{"command":"_I_CALL_ANSWERED","data":{"call_id":"C"}}"#)).is_empty());
    // On answer: nothing at the offer, once at the answer.
    let mut s = live(true);
    assert!(pops(&msg(&mut s, rendered)).is_empty());
    assert_eq!(pops(&msg(&mut s, r#"{"command":"_I_CALL_ANSWERED","data":{"call_id":"C"}}"#)), vec!["I1"]);
    assert!(pops(&msg(&mut s, r#"{"command":"_I_CALL_ANSWERED","data":{"call_id":"C"}}"#)).is_empty());
    // Not configured: never.
    let mut s = live(false);
    s.apply(Input::PopSettings { enabled: false, on_answer: false });
    assert!(pops(&msg(&mut s, rendered)).is_empty());
}
