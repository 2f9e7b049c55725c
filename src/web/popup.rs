//! The popup panel: the log, newest first and live while open, rendered as text; Clear; the
//! trusted tenant origins with a Remove button each. Writes go through the background.

use std::cell::RefCell;

use gloo_events::EventListener;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element};

use super::dom::{append, document, el, set_text};
use super::i18n::{ta, tk};
use super::{ext, WebError, WebResult};
use crate::core::log::{display, format_latency, LogEntry};
use crate::core::messages::{button_for_command, ToBackground, LOG_KEY, TRUSTED_KEY};

struct Popup {
    doc: Document,
    count: Element,
    rows: Element,
    trusted: Element,
    _listeners: Vec<EventListener>,
    _trusted_listeners: Vec<EventListener>,
    _storage: Vec<ext::ApiListener>,
}

thread_local! {
    static POPUP: RefCell<Option<Popup>> = const { RefCell::new(None) };
}

/// Entry point of `popup.html`.
#[wasm_bindgen]
pub fn start_popup(api: JsValue) -> Result<(), JsValue> {
    ext::set_api(api);
    let doc = document()?;
    let root = doc.get_element_by_id("app").ok_or(WebError::Missing("#app"))?;
    doc.set_title(&tk("popup_title"));
    if let Some(h1) = doc.get_element_by_id("title") {
        h1.set_text_content(Some(&tk("popup_title")));
    }
    if let (Some(html), Ok(i18n)) = (doc.document_element(), ext::path(&["i18n"])) {
        if let Some(lang) = ext::call(&i18n, "getUILanguage", &[]).ok().and_then(|l| l.as_string()) {
            let _ = html.set_attribute("lang", &lang);
        }
    }

    let log_section = el(&doc, "section", &[("aria-labelledby", "log-title")], "")?;
    let head = el(&doc, "div", &[("class", "section-head")], "")?;
    let title = el(&doc, "h2", &[("id", "log-title")], &tk("log_title"))?;
    let count = el(&doc, "span", &[("class", "count")], "")?;
    let clear = el(&doc, "button", &[("type", "button")], &tk("btn_clear"))?;
    append(&head, &[&title, &count, &clear])?;
    // Scrollable: focusable so that keyboard users can scroll it too.
    let table = el(&doc, "table", &[("aria-labelledby", "log-title"), ("tabindex", "0")], "")?;
    let thead = el(&doc, "thead", &[], "")?;
    let tr = el(&doc, "tr", &[], "")?;
    for h in ["col_time", "col_action", "col_item", "col_result", "col_latency"] {
        let th = el(&doc, "th", &[("scope", "col")], &tk(h))?;
        tr.append_child(&th)?;
    }
    thead.append_child(&tr)?;
    let rows = el(&doc, "tbody", &[], "")?;
    append(&table, &[&thead, &rows])?;
    append(&log_section, &[&head, &table])?;

    let trust_section = el(&doc, "section", &[("aria-labelledby", "trust-title")], "")?;
    let trust_title = el(&doc, "h2", &[("id", "trust-title")], &tk("trusted_title"))?;
    let trust_note = el(&doc, "p", &[("class", "note")], &tk("trusted_note"))?;
    let trusted = el(&doc, "ul", &[("class", "trusted")], "")?;
    append(&trust_section, &[&trust_title, &trust_note, &trusted])?;
    let keys_section = el(&doc, "section", &[("aria-labelledby", "keys-title")], "")?;
    let keys_title = el(&doc, "h2", &[("id", "keys-title")], &tk("shortcuts_title"))?;
    let keys = el(&doc, "dl", &[("class", "shortcuts")], "")?;
    append(&keys_section, &[&keys_title, &keys])?;
    let settings_section = el(&doc, "section", &[("aria-labelledby", "settings-title")], "")?;
    let settings_title = el(&doc, "h2", &[("id", "settings-title")], &tk("settings_title"))?;
    let settings_note = el(&doc, "p", &[("class", "note")], &tk("settings_note"))?;
    let open_options = el(&doc, "button", &[("type", "button")], &tk("btn_options"))?;
    append(&settings_section, &[&settings_title, &settings_note, &open_options])?;
    append(&root, &[&log_section, &trust_section, &keys_section, &settings_section])?;
    let options_listener = EventListener::new(&open_options, "click", |_| {
        if let Ok(runtime) = ext::path(&["runtime"]) {
            if let Err(e) = ext::call(&runtime, "openOptionsPage", &[]) {
                super::warn("options", &e);
            }
        }
    });
    let keys_doc = doc.clone();
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = render_shortcuts(&keys_doc, &keys).await {
            super::warn("shortcuts", &e);
        }
    });

    let listeners = vec![EventListener::new(&clear, "click", |_| ext::post_to_background(ToBackground::ClearLog)), options_listener];
    let storage = vec![
        ext::on_storage_change(LOG_KEY, |v| render_log(&entries_of(&v)))?,
        ext::on_storage_change(TRUSTED_KEY, |v| render_trusted(&ext::from_js::<Vec<String>>(&v).unwrap_or_default()))?,
    ];
    POPUP.with(|p| {
        *p.borrow_mut() = Some(Popup { doc, count, rows, trusted, _listeners: listeners, _trusted_listeners: Vec::new(), _storage: storage })
    });
    wasm_bindgen_futures::spawn_local(async {
        let log = ext::storage_get(LOG_KEY).await.ok().flatten().map(|v| entries_of(&v)).unwrap_or_default();
        render_log(&log);
        render_trusted(&ext::trusted_origins().await);
        if let Ok(body) = document().and_then(|d| d.body().ok_or(WebError::Missing("body"))) {
            let _ = body.set_attribute("data-ready", "true");
        }
    });
    Ok(())
}

/// The shortcuts as the browser has bound them (the agent may have changed the defaults).
async fn render_shortcuts(doc: &Document, list: &Element) -> WebResult<()> {
    let commands = ext::path(&["commands"])?;
    let all = ext::settle(ext::call(&commands, "getAll", &[])?).await?;
    let mut rows: Vec<(String, String, String)> = js_sys::Array::from(&all)
        .iter()
        .map(|c| {
            let get = |k: &str| js_sys::Reflect::get(&c, &JsValue::from_str(k)).ok().and_then(|v| v.as_string()).unwrap_or_default();
            (get("name"), get("description"), get("shortcut"))
        })
        .filter(|(name, _, _)| button_for_command(name).is_some())
        .collect();
    // In the toolbar's order, whatever order the browser lists them in.
    let order = ["get-state", "wrap-up", "terminate", "complete"];
    rows.sort_by_key(|(name, _, _)| order.iter().position(|o| o == name));
    for (name, description, shortcut) in rows {
        let dt = el(doc, "dt", &[("data-command", &name)], if shortcut.is_empty() { "" } else { &shortcut })?;
        if shortcut.is_empty() {
            dt.set_text_content(Some(&tk("shortcut_unset")));
        }
        let dd = el(doc, "dd", &[], &description)?;
        append(list, &[&dt, &dd])?;
    }
    Ok(())
}

fn entries_of(v: &JsValue) -> Vec<LogEntry> {
    if v.is_undefined() {
        return Vec::new();
    }
    ext::from_js(v).unwrap_or_default()
}

/// "14:03:07.120" in local time.
fn clock(ts: f64) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(ts));
    format!("{:02}:{:02}:{:02}.{:03}", d.get_hours(), d.get_minutes(), d.get_seconds(), d.get_milliseconds())
}

fn render_log(entries: &[LogEntry]) {
    POPUP.with(|p| {
        let p = p.borrow();
        let Some(p) = p.as_ref() else { return };
        let result: WebResult<()> = (|| {
            set_text(&p.count, &if entries.len() == 1 { tk("log_count_one") } else { ta("log_count_many", &[&entries.len().to_string()]) });
            while let Some(c) = p.rows.first_child() {
                p.rows.remove_child(&c)?;
            }
            if entries.is_empty() {
                let tr = el(&p.doc, "tr", &[], "")?;
                let td = el(&p.doc, "td", &[("colspan", "5"), ("class", "empty")], &tk("log_empty"))?;
                tr.append_child(&td)?;
                p.rows.append_child(&tr)?;
            }
            for e in entries.iter().rev() {
                let tr = el(&p.doc, "tr", &[("title", &ta("log_entry_title", &[&e.tenant, &e.page]))], "")?;
                for (class, text) in [
                    ("time", clock(e.ts)),
                    ("action", super::i18n::t(&display::action(&e.action))),
                    ("item", e.item_id.clone()),
                    ("result", super::i18n::t(&display::result(&e.result))),
                    ("latency", format_latency(e.latency_ms)),
                ] {
                    let td = el(&p.doc, "td", &[("class", class)], "")?;
                    td.set_text_content(Some(&text));
                    tr.append_child(&td)?;
                }
                p.rows.append_child(&tr)?;
            }
            Ok(())
        })();
        if let Err(e) = result {
            super::warn("popup log", &e);
        }
    });
}

fn render_trusted(list: &[String]) {
    POPUP.with(|p| {
        let mut p = p.borrow_mut();
        let Some(p) = p.as_mut() else { return };
        let result: WebResult<Vec<EventListener>> = (|| {
            while let Some(c) = p.trusted.first_child() {
                p.trusted.remove_child(&c)?;
            }
            let mut listeners = Vec::new();
            if list.is_empty() {
                let li = el(&p.doc, "li", &[("class", "empty")], &tk("trusted_empty"))?;
                p.trusted.append_child(&li)?;
            }
            for origin in list {
                let li = el(&p.doc, "li", &[], "")?;
                let name = el(&p.doc, "span", &[], origin)?;
                let remove = el(&p.doc, "button", &[("type", "button"), ("aria-label", &ta("btn_remove_origin", &[origin]))], &tk("btn_remove"))?;
                let o = origin.clone();
                listeners.push(EventListener::new(&remove, "click", move |_| {
                    ext::post_to_background(ToBackground::Untrust { origin: o.clone() })
                }));
                append(&li, &[&name, &remove])?;
                p.trusted.append_child(&li)?;
            }
            Ok(listeners)
        })();
        match result {
            Ok(l) => p._trusted_listeners = l,
            Err(e) => super::warn("popup trusted", &e),
        }
    });
}
