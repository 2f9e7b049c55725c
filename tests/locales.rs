//! Every user-visible string goes through `_locales`: English and Spanish have the same keys and
//! placeholders, and every message key the code names exists.

use std::collections::BTreeMap;
use std::fs;

use bp_toolbar::core::text::{has_key, keys, Msg};

fn load(lang: &str) -> BTreeMap<String, serde_json::Value> {
    let text = fs::read_to_string(format!("extension/_locales/{lang}/messages.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn spanish_is_complete_and_consistent_with_english() {
    let (en, es) = (load("en"), load("es"));
    assert_eq!(en.keys().collect::<Vec<_>>(), es.keys().collect::<Vec<_>>());
    for (key, m) in &en {
        assert_eq!(m.get("placeholders"), es[key].get("placeholders"), "placeholders of {key}");
        let text = es[key]["message"].as_str().unwrap();
        if let Some(ph) = m.get("placeholders").and_then(|p| p.as_object()) {
            for name in ph.keys() {
                assert!(text.contains(&format!("${}$", name.to_uppercase())), "es {key} lacks ${name}$");
            }
        }
    }
    assert_eq!(keys().count(), en.len());
}

#[test]
fn every_key_named_in_the_code_exists() {
    const PREFIXES: &[&str] = &[
        "notice_", "status_", "btn_", "col_", "log_", "trusted_", "choice_", "trust_", "ignored_", "item_", "pick_",
        "fields_", "disposition_", "notes_", "toolbar_", "popup_", "live_",
    ];
    let mut missing = Vec::new();
    let mut stack = vec![std::path::PathBuf::from("src")];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = fs::read_to_string(&path).unwrap();
            for literal in text.split('"').skip(1).step_by(2) {
                // Wire field names that merely look like keys.
                let wire = ["item_id", "status_key"].contains(&literal);
                let is_key = !wire
                    && PREFIXES.iter().any(|p| literal.starts_with(p))
                    && literal.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                if is_key && !has_key(literal) {
                    missing.push(format!("{}: {literal}", path.display()));
                }
            }
        }
    }
    assert!(missing.is_empty(), "keys missing from _locales/en: {missing:?}");
}

#[test]
fn english_rendering_substitutes_arguments() {
    assert_eq!(Msg::with("notice_wrapped", &["A-1"]).english(), "Wrapped up A-1.");
    assert_eq!(Msg::with("btn_trust_confirm", &["https://x"]).english(), "Trust https://x");
    assert_eq!(Msg::with("trustpage_ask", &["crm.example", "https://x"]).english(), "The page crm.example embeds an Agent Desktop from https://x.");
    // An argument that itself contains $1 is not substituted again.
    assert_eq!(Msg::with("notice_completed", &["$1$$"]).english(), "Completed $1$$.");
}
