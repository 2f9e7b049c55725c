//! Settings, policy overlay and validation: pure rules, table tests.

use bp_toolbar::core::detect::{trust_under, Trust};
use bp_toolbar::core::settings::{is_blocked, overlay, parse_site, parse_tenant, validate, Policy, Settings};

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn stored_settings_read_with_defaults() {
    let d: Settings = serde_json::from_str("{}").unwrap();
    assert_eq!(d, Settings::default());
    assert_eq!(d.log_limit, 2000);
    // An object written by an older version (one field) keeps the other defaults.
    let old: Settings = serde_json::from_str(r#"{"acwAlertMinutes":2}"#).unwrap();
    assert_eq!(old.acw_alert_minutes, 2.0);
    assert_eq!(old.log_limit, 2000);
    assert!(!old.require_disposition);
}

#[test]
fn policy_values_win_and_are_locked() {
    let user = Settings { acw_alert_minutes: 3.0, log_limit: 5000, redact: false, require_disposition: false, ..Settings::default() };
    let policy: Policy = serde_json::from_str(r#"{"acwAlertMinutes":10,"redact":true,"requireDisposition":true}"#).unwrap();
    let e = overlay(&user, &policy);
    assert_eq!(e.settings.acw_alert_minutes, 10.0);
    assert!(e.settings.redact);
    assert!(e.settings.require_disposition);
    assert_eq!(e.settings.log_limit, 5000, "not managed: the agent's value");
    assert!(e.is_locked("acwAlertMinutes") && e.is_locked("redact") && e.is_locked("requireDisposition"));
    assert!(!e.is_locked("logLimit"));
    assert!(e.trust_prompt);
    assert!(e.problems.is_empty());
}

#[test]
fn no_policy_changes_nothing() {
    let user = Settings { acw_alert_minutes: 1.0, blocked_sites: s(&["a.example"]), ..Settings::default() };
    let e = overlay(&user, &Policy::default());
    assert_eq!(e.settings, user);
    assert!(e.locked.is_empty() && e.policy_tenants.is_empty() && e.policy_sites.is_empty());
    assert!(e.trust_prompt);
}

#[test]
fn lists_add_up_policy_first_without_duplicates() {
    let user = Settings { blocked_sites: s(&["mine.example", "shared.example"]), ..Settings::default() };
    let policy = Policy {
        blocked_sites: Some(s(&["shared.example", "*.Corp.Example", "not a host!"])),
        trusted_tenants: Some(s(&["https://acme.example.com/", "acme.example.com", "http://evil.example", "ftp://x"])),
        ..Policy::default()
    };
    let e = overlay(&user, &policy);
    assert_eq!(e.settings.blocked_sites, s(&["shared.example", "*.corp.example", "mine.example"]));
    assert_eq!(e.policy_sites, s(&["shared.example", "*.corp.example"]));
    assert_eq!(e.policy_tenants, s(&["https://acme.example.com"]));
    assert_eq!(e.problems.len(), 3, "{:?}", e.problems);
}

#[test]
fn out_of_range_policy_values_are_clamped_and_reported() {
    let policy = Policy { log_limit: Some(5), log_retention_days: Some(9999), acw_alert_minutes: Some(-1.0), ..Policy::default() };
    let e = overlay(&Settings::default(), &policy);
    assert_eq!(e.settings.log_limit, 1000);
    assert_eq!(e.settings.log_retention_days, 365);
    assert_eq!(e.settings.acw_alert_minutes, 0.0);
    assert_eq!(e.problems.len(), 3);
    assert!(e.is_locked("logLimit") && e.is_locked("logRetentionDays") && e.is_locked("acwAlertMinutes"));
}

#[test]
fn trust_under_policy() {
    let user = s(&["https://mine.example"]);
    let listed = s(&["https://acme.example"]);
    // Prompt allowed: built-in rule, agent's list, policy list, else askable.
    assert_eq!(trust_under("https://x.brightpattern.com", &user, &listed, true, true), Trust::Trusted);
    assert_eq!(trust_under("https://mine.example", &user, &listed, true, true), Trust::Trusted);
    assert_eq!(trust_under("https://acme.example", &user, &listed, true, true), Trust::Trusted);
    assert_eq!(trust_under("https://other.example", &user, &listed, true, true), Trust::Askable);
    assert_eq!(trust_under("http://other.example", &user, &listed, true, true), Trust::Refused);
    // Prompt off: only the built-in rule and the organisation's list; the agent's own list
    // no longer counts, and the rest cannot be trusted from the toolbar.
    assert_eq!(trust_under("https://x.brightpattern.com", &user, &listed, false, true), Trust::Trusted);
    assert_eq!(trust_under("https://acme.example", &user, &listed, false, true), Trust::Trusted);
    assert_eq!(trust_under("https://mine.example", &user, &listed, false, true), Trust::NotListed);
    assert_eq!(trust_under("https://other.example", &user, &listed, false, true), Trust::NotListed);
    assert_eq!(trust_under("http://other.example", &user, &listed, false, true), Trust::Refused);
}

#[test]
fn the_built_in_rule_is_the_default_port_only_and_a_policy_turns_it_off() {
    let (user, listed) = (s(&["https://mine.example"]), s(&["https://acme.brightpattern.com"]));
    // The built-in rule: https on the default port (443 written out is the same origin).
    assert_eq!(trust_under("https://x.brightpattern.com", &user, &listed, true, true), Trust::Trusted);
    assert_eq!(trust_under("https://x.brightpattern.com:443", &user, &listed, true, true), Trust::Trusted);
    assert_eq!(trust_under("https://x.brightpattern.com:8443", &user, &listed, true, true), Trust::Askable);
    assert_eq!(trust_under("https://x.brightpattern.com:8443", &user, &listed, false, true), Trust::NotListed);
    // Off: a brightpattern.com tenant needs a list like any other.
    assert_eq!(trust_under("https://x.brightpattern.com", &user, &listed, true, false), Trust::Askable);
    assert_eq!(trust_under("https://x.brightpattern.com", &user, &listed, false, false), Trust::NotListed);
    assert_eq!(trust_under("https://acme.brightpattern.com", &user, &listed, false, false), Trust::Trusted);
    assert_eq!(trust_under("https://mine.example", &user, &listed, true, false), Trust::Trusted);
    // Through the policy key.
    let on = overlay(&Settings::default(), &Policy::default());
    assert!(on.builtin_trust);
    let off = overlay(&Settings::default(), &Policy { disable_built_in_trust: Some(true), ..Policy::default() });
    assert!(!off.builtin_trust);
    assert!(off.is_locked("disableBuiltInTrust"));
    assert_eq!(off.trust("https://x.brightpattern.com", &[]), Trust::Askable);
    assert_eq!(on.trust("https://x.brightpattern.com", &[]), Trust::Trusted);
}

#[test]
fn tenant_origins_as_typed() {
    let ok = [
        ("https://acme.example.com", "https://acme.example.com"),
        ("  https://ACME.example.com/ ", "https://acme.example.com"),
        ("acme.example.com", "https://acme.example.com"),
        ("https://acme.example.com:8443", "https://acme.example.com:8443"),
        ("http://localhost:8101", "http://localhost:8101"),
        ("http://127.0.0.1:9000/", "http://127.0.0.1:9000"),
    ];
    for (input, want) in ok {
        assert_eq!(parse_tenant(input).as_deref(), Ok(want), "{input}");
    }
    let bad = [
        ("", "opt_err_empty"),
        ("http://acme.example.com", "opt_err_http"),
        ("https://acme.example.com/agentdesktop/", "opt_err_origin_path"),
        ("https://acme.example.com?x", "opt_err_origin_path"),
        ("https://user@acme.example.com", "opt_err_origin_path"),
        ("https://", "opt_err_origin"),
        ("https://a b", "opt_err_origin"),
        ("ftp://acme.example.com", "opt_err_origin"),
    ];
    for (input, key) in bad {
        assert_eq!(parse_tenant(input).map_err(|m| m.key), Err(key), "{input}");
    }
}

#[test]
fn site_patterns_and_matching() {
    assert_eq!(parse_site("CRM.Example.com").as_deref(), Ok("crm.example.com"));
    assert_eq!(parse_site("https://crm.example.com:8443/path?q").as_deref(), Ok("crm.example.com"));
    assert_eq!(parse_site("*.example.com").as_deref(), Ok("*.example.com"));
    for bad in ["", "*.", "exa mple.com", "-a.example", "a..b", "*.*.example.com", "example.com/*"] {
        assert!(parse_site(bad).is_err(), "{bad:?}");
    }
    let p = s(&["crm.example.com", "*.corp.example"]);
    assert!(is_blocked("crm.example.com", &p));
    assert!(is_blocked("CRM.example.com.", &p));
    assert!(!is_blocked("other.example.com", &p));
    assert!(is_blocked("corp.example", &p));
    assert!(is_blocked("a.b.corp.example", &p));
    assert!(!is_blocked("evilcorp.example", &p), "a suffix match must stop at a dot");
}

#[test]
fn validation_is_all_or_nothing() {
    let good = Settings { acw_alert_minutes: 5.0, log_limit: 3000, log_retention_days: 30, blocked_sites: s(&["A.example", "a.example"]), ..Settings::default() };
    assert_eq!(validate(&good).unwrap().blocked_sites, s(&["a.example"]));
    let cases = [
        (Settings { log_limit: 50, ..good.clone() }, "logLimit"),
        (Settings { log_retention_days: 400, ..good.clone() }, "logRetentionDays"),
        (Settings { acw_alert_minutes: f64::NAN, ..good.clone() }, "acwAlertMinutes"),
        (Settings { acw_alert_minutes: -1.0, ..good.clone() }, "acwAlertMinutes"),
        (Settings { blocked_sites: s(&["ok.example", "bad site"]), ..good.clone() }, "blockedSites"),
    ];
    for (input, field) in cases {
        assert_eq!(validate(&input).map_err(|(k, _)| k), Err(field));
    }
}

#[test]
fn redaction_masks_phone_numbers_and_typed_text_only() {
    use bp_toolbar::core::log::{mask_phones, redact, LogEntry};
    assert_eq!(mask_phones("call from +1 (555) 010-9999 ended"), "call from [redacted] ended");
    assert_eq!(mask_phones("555.010.9999."), "[redacted].");
    assert_eq!(mask_phones("status not_ready (Lunch)"), "status not_ready (Lunch)");
    assert_eq!(mask_phones("no reply in 3 s, 2 interactions"), "no reply in 3 s, 2 interactions");
    assert_eq!(mask_phones("order 123456"), "order 123456", "six digits are not a phone number");
    let e = LogEntry {
        ts: 5.0,
        action: "Complete".into(),
        item_id: "A1B2C3D4E5".into(),
        result: "completed, disposition Called back on 5550109999".into(),
        latency_ms: Some(12),
        tenant: "https://t.example".into(),
        page: "crm.example".into(),
    };
    let r = redact(&e);
    assert_eq!(r.result, "completed, disposition [redacted]");
    assert_eq!((r.ts, r.item_id.as_str(), r.latency_ms, r.tenant.as_str(), r.page.as_str()), (5.0, "A1B2C3D4E5", Some(12), "https://t.example", "crm.example"));
}

#[test]
fn dial_rules_come_from_the_settings_or_the_policy_and_are_checked() {
    use bp_toolbar::core::json;
    use bp_toolbar::core::phone::{DialFormat, DialRules};
    // Defaults: US numbers, country code and number, no outside line, no service.
    let d = Settings::default();
    assert_eq!(d.dial_rules(), DialRules::default());
    assert_eq!(d.outbound_service, "");
    // The content script's reader and serde agree on the stored form.
    let stored = r#"{"dialCountry":"ES","dialNational":true,"dialPrefix":"9","outboundService":"Ventas"}"#;
    let ours = Settings::from_json(&json::parse(stored).unwrap());
    let theirs: Settings = serde_json::from_str(stored).unwrap();
    assert_eq!(ours, theirs);
    assert_eq!(ours.dial_rules(), DialRules { country: "ES".into(), format: DialFormat::National, outside_prefix: "9".into(), internal_max: 6 });
    // The policy wins and locks; a bad value is reported and leaves the agent's.
    let policy = Policy::from_json(&json::parse(r#"{"dialCountry":"mx","dialPrefix":"99999","outboundService":"Cobranza"}"#).unwrap());
    let eff = overlay(&ours, &policy);
    assert_eq!(eff.settings.dial_country, "MX");
    assert_eq!(eff.settings.dial_prefix, "9");
    assert_eq!(eff.settings.outbound_service, "Cobranza");
    assert!(eff.is_locked("dialCountry") && eff.is_locked("dialPrefix") && eff.is_locked("outboundService"));
    assert!(!eff.is_locked("dialNational"));
    assert_eq!(eff.problems, vec!["dialPrefix: \"99999\" is not up to 4 digits".to_string()]);
    let eff = overlay(&ours, &Policy::from_json(&json::parse(r#"{"dialCountry":"Narnia"}"#).unwrap()));
    assert_eq!(eff.settings.dial_country, "ES");
    assert_eq!(eff.problems.len(), 1);
    // The options page: normalised, or refused with the field named.
    let typed = Settings { dial_country: " gb ".into(), dial_prefix: " 9 ".into(), outbound_service: "  Sales ".into(), ..Settings::default() };
    let ok = validate(&typed).unwrap();
    assert_eq!((ok.dial_country.as_str(), ok.dial_prefix.as_str(), ok.outbound_service.as_str()), ("GB", "9", "Sales"));
    assert_eq!(validate(&Settings { dial_country: "XX".into(), ..Settings::default() }).unwrap_err().0, "dialCountry");
    assert_eq!(validate(&Settings { dial_prefix: "9a".into(), ..Settings::default() }).unwrap_err().0, "dialPrefix");
    assert_eq!(validate(&Settings { outbound_service: "x".repeat(101), ..Settings::default() }).unwrap_err().0, "outboundService");
}

#[test]
fn reasons_and_dispositions_are_read_checked_and_the_policy_s_replace_the_agent_s() {
    use bp_toolbar::core::settings::{entry_parts, parse_disposition, parse_reason};
    assert_eq!(parse_reason("  Lunch "), Ok("Lunch".to_string()));
    assert!(parse_reason(" ").is_err() && parse_reason("a\nb").is_err() && parse_reason(&"x".repeat(101)).is_err());
    assert_eq!(parse_disposition(" Sale|12345 "), Ok("Sale | 12345".to_string()));
    assert_eq!(parse_disposition("Offer rejected"), Ok("Offer rejected".to_string()));
    assert!(parse_disposition("Sale | ").is_err() && parse_disposition(" | 1").is_err());
    assert_eq!(entry_parts("Sale | 12345"), ("Sale", "12345"));
    assert_eq!(entry_parts("Offer rejected"), ("Offer rejected", ""));

    // The agent's lists: checked, each entry once whatever its case.
    let mut user = Settings { not_ready_reasons: s(&["Lunch", "lunch", " Break"]), dispositions: s(&["Sale|1"]), ..Settings::default() };
    let v = validate(&user).unwrap();
    assert_eq!((v.not_ready_reasons, v.dispositions), (s(&["Lunch", "Break"]), s(&["Sale | 1"])));
    user.dispositions.push("Bad | ".into());
    assert_eq!(validate(&user).unwrap_err().0, "dispositions");
    user.dispositions.pop();
    user.not_ready_reasons = (0..51).map(|i| format!("R{i}")).collect();
    assert_eq!(validate(&user).unwrap_err().0, "notReadyReasons");

    // The organisation's replace them, locked; what is unusable is reported.
    let user = Settings { not_ready_reasons: s(&["Mine"]), dispositions: s(&["Mine"]), allow_free_disposition: true, ..Settings::default() };
    let policy: Policy =
        serde_json::from_str(r#"{"notReadyReasons":["Lunch"," ","Lunch"],"dispositions":["Resolved | 100","Callback"],"allowFreeDisposition":false}"#).unwrap();
    let e = overlay(&user, &policy);
    assert_eq!(e.settings.not_ready_reasons, s(&["Lunch"]));
    assert_eq!(e.settings.dispositions, s(&["Resolved | 100", "Callback"]));
    assert!(!e.settings.allow_free_disposition);
    assert!(e.is_locked("notReadyReasons") && e.is_locked("dispositions") && e.is_locked("allowFreeDisposition"));
    assert_eq!(e.problems, s(&[r#"notReadyReasons: " " cannot be used (empty, too long, on several lines, or not in the form the list takes)"#]));
    // Stored and managed JSON read the same keys.
    let stored = bp_toolbar::core::settings::Settings::from_json(&bp_toolbar::core::json::parse(r#"{"dispositions":["A | 1"],"allowFreeDisposition":true,"notReadyReasons":["B"]}"#).unwrap());
    assert_eq!((stored.dispositions, stored.allow_free_disposition, stored.not_ready_reasons), (s(&["A | 1"]), true, s(&["B"])));
}

#[test]
fn speed_dial_and_the_after_call_work_limit_are_read_checked_and_the_policy_s_locked() {
    use bp_toolbar::core::settings::parse_speed_dial;
    assert_eq!(parse_speed_dial(" Billing|1020 "), Ok("Billing | 1020".to_string()));
    assert_eq!(parse_speed_dial("Head office | +44 (20) 7946-0018"), Ok("Head office | +44 (20) 7946-0018".to_string()));
    for bad in ["Billing", "Billing | ", " | 1020", "Billing | ext", "Billing | 1020 x12", &format!("B | {}", "1".repeat(41))] {
        assert!(parse_speed_dial(bad).is_err(), "{bad}");
    }
    let user = Settings { speed_dial: s(&["Billing|1020", "billing | 1021"]), acw_limit_seconds: 120, default_disposition: " Resolved ".into(), ..Settings::default() };
    let v = validate(&user).unwrap();
    assert_eq!(v.speed_dial, s(&["Billing | 1020"]), "each name once");
    assert_eq!((v.acw_limit_seconds, v.acw_extend_seconds, v.default_disposition.as_str()), (120, 60, "Resolved"));
    assert_eq!(validate(&Settings { acw_limit_seconds: 3_601, ..Settings::default() }).unwrap_err().0, "acwLimitSeconds");
    assert_eq!(validate(&Settings { acw_extend_seconds: 601, ..Settings::default() }).unwrap_err().0, "acwExtendSeconds");
    assert_eq!(validate(&Settings { default_disposition: "a\nb".into(), ..Settings::default() }).unwrap_err().0, "defaultDisposition");

    let policy: Policy =
        serde_json::from_str(r#"{"speedDial":["Billing | 1020","Payroll"],"acwLimitSeconds":5000,"acwExtendSeconds":30,"defaultDisposition":"Callback"}"#).unwrap();
    let e = overlay(&user, &policy);
    assert_eq!(e.settings.speed_dial, s(&["Billing | 1020"]), "the organisation's replace the agent's");
    assert_eq!((e.settings.acw_limit_seconds, e.settings.acw_extend_seconds, e.settings.default_disposition.as_str()), (3_600, 30, "Callback"));
    for key in ["speedDial", "acwLimitSeconds", "acwExtendSeconds", "defaultDisposition"] {
        assert!(e.is_locked(key), "{key}");
    }
    assert_eq!(
        e.problems,
        s(&[r#"speedDial: "Payroll" cannot be used (empty, too long, on several lines, or not in the form the list takes)"#, "acwLimitSeconds: 5000 is over 3600"])
    );
    let stored = Settings::from_json(&bp_toolbar::core::json::parse(r#"{"speedDial":["A | 1"],"acwLimitSeconds":30,"defaultDisposition":"X"}"#).unwrap());
    assert_eq!((stored.speed_dial, stored.acw_limit_seconds, stored.acw_extend_seconds, stored.default_disposition), (s(&["A | 1"]), 30, 60, "X".to_string()));
}
