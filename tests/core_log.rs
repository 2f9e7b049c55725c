//! The log panel's pure parts: filter groups, search, ISO time, exports.

use bp_toolbar::core::log::{action_group, entry_line, export_csv, export_json, iso_time, select, LogEntry};

fn entry(ts: f64, action: &str, item: &str, result: &str) -> LogEntry {
    LogEntry { ts, action: action.into(), item_id: item.into(), result: result.into(), latency_ms: None, tenant: "https://t.example".into(), page: "crm.example".into() }
}

#[test]
fn groups_cover_every_action() {
    assert_eq!(action_group("Terminate"), "commands");
    assert_eq!(action_group("Complete"), "commands");
    assert_eq!(action_group("Wrap up"), "wrap_up");
    assert_eq!(action_group("Get State (auto)"), "get_state");
    assert_eq!(action_group("event STATE_CHANGED"), "events");
    assert_eq!(action_group("ACW alert"), "alerts");
    assert_eq!(action_group("Trust removed"), "channel");
    assert_eq!(action_group("Channel"), "channel");
}

#[test]
fn select_filters_searches_and_puts_newest_first() {
    let log = vec![
        entry(1.0, "Terminate", "ITEM-1", "sent"),
        entry(2.0, "event INTERACTION_RENDERED", "ITEM-2", "item_id captured"),
        entry(3.0, "Complete", "ITEM-2", "confirmed: completed"),
    ];
    let ts = |v: Vec<&LogEntry>| v.iter().map(|e| e.ts as i32).collect::<Vec<_>>();
    assert_eq!(ts(select(&log, None, "")), vec![3, 2, 1]);
    assert_eq!(ts(select(&log, Some("commands"), "")), vec![3, 1]);
    assert_eq!(ts(select(&log, None, "item-2")), vec![3, 2]);
    assert_eq!(ts(select(&log, Some("commands"), " item-2 ")), vec![3]);
    assert_eq!(ts(select(&log, None, "CAPTURED")), vec![2]);
    assert_eq!(ts(select(&log, Some("alerts"), "")), Vec::<i32>::new());
}

#[test]
fn iso_time_is_utc_with_milliseconds() {
    assert_eq!(iso_time(0.0), "1970-01-01T00:00:00.000Z");
    assert_eq!(iso_time(1_795_000_000_123.0), "2026-11-18T11:06:40.123Z");
    assert_eq!(iso_time(951_782_400_000.0), "2000-02-29T00:00:00.000Z");
}

#[test]
fn csv_quotes_escapes_and_defuses_formulas() {
    let mut e = entry(0.0, "Complete", "A", "completed, disposition \"x\"");
    e.latency_ms = Some(42);
    let f = entry(0.0, "event =HYPERLINK(\"http://evil\")", "", "received");
    let csv = export_csv(&[&e, &f]);
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(lines[0], "time,action,item_id,result,latency_ms,tenant,page");
    assert_eq!(lines[1], "1970-01-01T00:00:00.000Z,Complete,A,\"completed, disposition \"\"x\"\"\",42,https://t.example,crm.example");
    // Quotes inside make it a quoted cell; it does not start with "=" so it stays as it is.
    assert_eq!(lines[2], "1970-01-01T00:00:00.000Z,\"event =HYPERLINK(\"\"http://evil\"\")\",,received,,https://t.example,crm.example");
    let g = entry(0.0, "=cmd", "", "-1+2");
    assert!(export_csv(&[&g]).contains(",'=cmd,,'-1+2,"));
    assert_eq!(lines.len(), 4, "CRLF after every row");
}

#[test]
fn json_export_parses_back() {
    let e = entry(1_000.0, "Terminate", "A<b>", "sent");
    let v: serde_json::Value = serde_json::from_str(&export_json(&[&e])).unwrap();
    assert_eq!(v[0]["time"], "1970-01-01T00:00:01.000Z");
    assert_eq!(v[0]["item_id"], "A<b>");
    assert_eq!(v[0]["latency_ms"], serde_json::Value::Null);
    assert_eq!(entry_line(&e), "1970-01-01T00:00:01.000Z | Terminate | A<b> | sent | crm.example");
}

#[test]
fn the_ring_follows_the_settings() {
    use bp_toolbar::core::log::LogRing;
    let mut ring = LogRing::new(2000);
    for i in 0..1500 {
        ring.push(entry(f64::from(i), "Terminate", "A", "sent"));
    }
    ring.set_limit(1000);
    assert_eq!(ring.len(), 1000, "the oldest fall off at once");
    assert_eq!(ring.iter().next().map(|e| e.ts), Some(500.0));
    assert!(ring.drop_older_than(1200.0));
    assert_eq!(ring.len(), 300);
    assert!(!ring.drop_older_than(1200.0), "nothing more to drop");
    ring.push(entry(2000.0, "event STATE_CHANGED", "", "status not_ready (Call 555 010 9999)"));
    assert!(ring.redact_all());
    assert_eq!(ring.iter().last().map(|e| e.result.as_str()), Some("status not_ready (Call [redacted])"));
    assert!(!ring.redact_all(), "already redacted");
}

#[test]
fn csv_quotes_every_list_separator_and_defuses_every_formula_start() {
    // `;` is the list separator of many locales: a cell holding it is quoted like one with `,`.
    let e = entry(0.0, "event A;B", "", "status not_ready (Lunch; long)");
    let row = export_csv(&[&e]).split("\r\n").nth(1).unwrap().to_string();
    assert_eq!(row, "1970-01-01T00:00:00.000Z,\"event A;B\",,\"status not_ready (Lunch; long)\",,https://t.example,crm.example");
    // Every formula trigger, in every column, gets the apostrophe (and the quoting it needs).
    for start in ["=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠"] {
        let text = format!("{start}1+1");
        let e = LogEntry { item_id: text.clone(), tenant: text.clone(), page: text.clone(), ..entry(0.0, &text, "", &text) };
        let csv = export_csv(&[&e]);
        let body = csv.split_once("\r\n").unwrap().1;
        assert_eq!(body.matches(&format!("'{start}1+1")).count(), 5, "{start:?}: {body:?}");
    }
}

#[test]
fn logged_fields_are_capped_and_the_log_keeps_under_its_byte_budget() {
    use bp_toolbar::core::log::{cap, LogRing, CUT_MARK, FIELD_MAX, MAX_LOG_BYTES};
    let long = "é".repeat(FIELD_MAX); // two bytes a character: the cut must fall between them
    let capped = cap(&long);
    assert!(capped.len() <= FIELD_MAX && capped.ends_with(CUT_MARK), "{}", capped.len());
    assert_eq!(cap("short"), "short");
    let e = entry(0.0, &long, &long, &long).capped();
    assert!(e.action.len() <= FIELD_MAX && e.item_id.len() <= FIELD_MAX && e.result.len() <= FIELD_MAX);
    // 20,000 entries of capped 1 KiB fields would be ~100 MB: the ring keeps to its byte budget.
    let mut ring = LogRing::new(20_000);
    for i in 0..20_000 {
        ring.push(entry(f64::from(i), &long, &long, &long));
    }
    assert!(ring.bytes() <= MAX_LOG_BYTES, "{}", ring.bytes());
    assert!(ring.len() < 20_000 && ring.len() > 1_000, "{}", ring.len());
    assert_eq!(ring.iter().last().unwrap().ts, 19_999.0, "the newest stay");
    let before = ring.len();
    ring.halve();
    assert_eq!(ring.len(), before - before / 2);
    assert_eq!(ring.bytes(), ring.iter().map(LogEntry::weight).sum::<usize>());
}
