//! The popup panel: the agent's record and first aid. The log, newest first and live while
//! open, rendered as text, filtered by kind of action and searched by item_id or text; copy one
//! entry; export what is shown as JSON or CSV; Clear after a confirmation. The health of the
//! active tab; the trusted tenant origins; the shortcuts. Writes go through the background.

use std::cell::RefCell;

use gloo_events::EventListener;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use super::dom::{append, document, el, el_as, set_flag, set_text};
use super::i18n::{ta, tk};
use super::{ext, WebError, WebResult};
use crate::core::health::{current, first_frame, frame_of, lines, state_of_url, Health, TabState, HEALTH_KEY, REFUSED_KEY};
use crate::core::log::{display, entry_line, export_csv, export_json, format_latency, iso_time, redact, select, LogEntry, ACTION_GROUPS};
use crate::core::messages::{button_for_command, ToBackground, LOG_KEY, TRUSTED_KEY};

struct Popup {
    doc: Document,
    count: Element,
    rows: Element,
    trusted: Element,
    /// The whole log, oldest first, as stored.
    entries: Vec<LogEntry>,
    /// What the table shows (newest first): what Copy and the exports use.
    shown: Vec<LogEntry>,
    group: web_sys::HtmlSelectElement,
    search: web_sys::HtmlInputElement,
    confirm: Element,
    confirm_text: Element,
    cancel: web_sys::HtmlElement,
    clear: web_sys::HtmlElement,
    notice: Element,
    /// The object URL of the last export, revoked when the next one is made (or with the page).
    export_url: Option<String>,
    health: Element,
    /// The tab the health panel describes, and what is known about it.
    health_tab: Option<i32>,
    /// When the tab's top document started (older health reports are of a page that is gone).
    health_since: i64,
    health_state: Option<TabState>,
    /// Orders the background refused from the tab's content scripts.
    refused: u32,
    _health_timer: Option<gloo_timers::callback::Interval>,
    _listeners: Vec<EventListener>,
    _trusted_listeners: Vec<EventListener>,
    _storage: Vec<ext::ApiListener>,
}

thread_local! {
    static POPUP: RefCell<Option<Popup>> = const { RefCell::new(None) };
}

/// Opens the side panel: Chromium's `sidePanel.open` for the popup's window, Firefox's
/// `sidebarAction.open`.
fn open_side_panel(window: Option<i32>) {
    let opened = if let Ok(panel) = ext::path(&["sidePanel"]) {
        let options = js_sys::Object::new();
        if let Some(id) = window {
            let _ = js_sys::Reflect::set(&options, &"windowId".into(), &JsValue::from(id));
        }
        ext::call(&panel, "open", &[&options])
    } else {
        ext::path(&["sidebarAction"]).and_then(|s| ext::call(&s, "open", &[]))
    };
    match opened {
        Ok(p) => wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = ext::settle(p).await {
                super::warn("side panel", &e);
            }
        }),
        Err(e) => super::warn("side panel", &e),
    }
}

/// Entry point of `popup.html`.
#[wasm_bindgen]
pub fn start_popup(api: JsValue) -> Result<(), JsValue> {
    ext::set_api(api);
    let doc = document()?;
    let root = super::i18n::page_frame(&doc, "popup_title")?;

    let health_section = el(&doc, "section", &[("aria-labelledby", "health-title")], "")?;
    let health_title = el(&doc, "h2", &[("id", "health-title")], &tk("health_title"))?;
    let health = el(&doc, "ul", &[("class", "health")], "")?;
    // The last screen pop, with its link (shown once there is one).
    let last_pop = el(&doc, "p", &[("class", "last-pop"), ("hidden", "")], "")?;
    append(&health_section, &[&health_title, &health, &last_pop])?;
    append(&root, &[&health_section])?;
    super::chooser::build(&doc, &root)?;
    {
        let line = last_pop.clone();
        wasm_bindgen_futures::spawn_local(async move { render_last_pop(&line).await });
    }

    let log_section = el(&doc, "section", &[("aria-labelledby", "log-title")], "")?;
    let head = el(&doc, "div", &[("class", "section-head")], "")?;
    let title = el(&doc, "h2", &[("id", "log-title")], &tk("log_title"))?;
    let count = el(&doc, "span", &[("class", "count")], "")?;
    let export_json = el(&doc, "button", &[("type", "button")], &tk("btn_export_json"))?;
    let export_csv = el(&doc, "button", &[("type", "button")], &tk("btn_export_csv"))?;
    let clear: web_sys::HtmlElement = el_as(&doc, "button", &[("type", "button"), ("aria-haspopup", "true")], &tk("btn_clear"))?;
    append(&head, &[&title, &count, &export_json, &export_csv, &clear])?;
    // Clear asks first, in place (a window dialog would close the popup).
    let confirm = el(&doc, "div", &[("class", "confirm"), ("role", "group"), ("aria-labelledby", "confirm-text"), ("hidden", "")], "")?;
    let confirm_text = el(&doc, "p", &[("id", "confirm-text")], "")?;
    let confirm_yes = el(&doc, "button", &[("type", "button"), ("class", "danger")], &tk("btn_clear_confirm"))?;
    let cancel: web_sys::HtmlElement = el_as(&doc, "button", &[("type", "button")], &tk("btn_cancel"))?;
    append(&confirm, &[&confirm_text, &confirm_yes, &cancel])?;
    let filters = el(&doc, "div", &[("class", "filters")], "")?;
    let group_label = el(&doc, "label", &[("for", "log-group")], &tk("log_filter_label"))?;
    let group: web_sys::HtmlSelectElement = el_as(&doc, "select", &[("id", "log-group")], "")?;
    append(&group, &[&el(&doc, "option", &[("value", "")], &tk("log_group_all"))?])?;
    for g in ACTION_GROUPS {
        append(&group, &[&el(&doc, "option", &[("value", g)], &tk(group_key(g)))?])?;
    }
    let search_label = el(&doc, "label", &[("for", "log-search")], &tk("log_search_label"))?;
    let search: web_sys::HtmlInputElement =
        el_as(&doc, "input", &[("id", "log-search"), ("type", "search"), ("placeholder", &tk("log_search_placeholder")), ("autocomplete", "off"), ("spellcheck", "false")], "")?;
    append(&filters, &[&group_label, group.as_ref(), &search_label, search.as_ref()])?;
    let notice = el(&doc, "p", &[("class", "notice"), ("role", "status")], "")?;
    // Scrollable: focusable so that keyboard users can scroll it too.
    let table = el(&doc, "table", &[("aria-labelledby", "log-title"), ("tabindex", "0")], "")?;
    let thead = el(&doc, "thead", &[], "")?;
    let tr = el(&doc, "tr", &[], "")?;
    for h in ["col_time", "col_action", "col_item", "col_result", "col_latency", "col_copy"] {
        let th = el(&doc, "th", &[("scope", "col")], &tk(h))?;
        tr.append_child(&th)?;
    }
    thead.append_child(&tr)?;
    let rows = el(&doc, "tbody", &[], "")?;
    append(&table, &[&thead, &rows])?;
    append(&log_section, &[&head, &confirm, &filters, &notice, &table])?;

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
    // The side panel, from the popup (the panel shows this page's sections itself).
    let in_panel = doc.body().is_some_and(|b| b.class_list().contains("panel"));
    let open_panel = el(&doc, "button", &[("type", "button")], &tk("btn_side_panel"))?;
    if !in_panel {
        append(&settings_section, &[&open_panel])?;
    }
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

    // Chromium opens a side panel for a window, and only in the click's own task: the window
    // is looked up now. Firefox opens its sidebar in the window of the click.
    let window_id = std::rc::Rc::new(std::cell::Cell::new(None::<i32>));
    {
        let window_id = window_id.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let current = ext::path(&["windows"]).and_then(|w| ext::call(&w, "getCurrent", &[]));
            if let Ok(p) = current {
                if let Ok(w) = ext::settle(p).await {
                    window_id.set(js_sys::Reflect::get(&w, &"id".into()).ok().and_then(|v| v.as_f64()).map(|v| v as i32));
                }
            }
        });
    }
    let panel_listener = EventListener::new(&open_panel, "click", move |_| open_side_panel(window_id.get()));
    let mut listeners = vec![options_listener, panel_listener];
    listeners.push(EventListener::new(&clear, "click", |_| ask_clear(true)));
    listeners.push(EventListener::new(&cancel, "click", |_| ask_clear(false)));
    listeners.push(EventListener::new(&confirm, "keydown", |e| {
        if e.dyn_ref::<web_sys::KeyboardEvent>().is_some_and(|k| k.key() == "Escape") {
            ask_clear(false);
        }
    }));
    listeners.push(EventListener::new(&confirm_yes, "click", |_| {
        ext::post_to_background(ToBackground::ClearLog);
        ask_clear(false);
    }));
    listeners.push(EventListener::new(&group, "change", |_| refilter()));
    listeners.push(EventListener::new(&search, "input", |_| refilter()));
    listeners.push(EventListener::new(&export_json, "click", |_| export(false)));
    listeners.push(EventListener::new(&export_csv, "click", |_| export(true)));
    // One listener for every row's Copy button.
    listeners.push(EventListener::new(&rows, "click", |e| {
        let index = e
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("button[data-row]").ok().flatten())
            .and_then(|b| b.get_attribute("data-row"))
            .and_then(|i| i.parse::<usize>().ok());
        if let Some(i) = index {
            copy_entry(i);
        }
    }));
    let storage = vec![
        ext::on_storage_change(LOG_KEY, |v| {
            with_popup(|p| p.entries = entries_of(&v));
            refilter();
        })?,
        ext::on_area_change("session", HEALTH_KEY, |v| {
            with_popup(|p| {
                if let (Some(tab), Some(TabState::Running(_))) = (p.health_tab, &p.health_state) {
                    p.health_state = Some(TabState::Running(health_of(&v, tab, p.health_since)));
                }
            });
            render_health();
        })?,
        ext::on_area_change("session", REFUSED_KEY, |v| {
            with_popup(|p| p.refused = p.health_tab.map(|tab| refused_of(&v, tab)).unwrap_or(0));
            render_health();
        })?,
        ext::on_storage_change(TRUSTED_KEY, |v| render_trusted(&ext::from_js::<Vec<String>>(&v).unwrap_or_default()))?,
    ];
    // The side panel stays open while the agent moves between tabs and pages: "This tab" follows.
    let mut storage = storage;
    if in_panel {
        let reload = || wasm_bindgen_futures::spawn_local(async {
            if let Err(e) = load_health().await {
                super::warn("health", &e);
            }
        });
        storage.push(ext::ApiListener::new(ext::path(&["tabs", "onActivated"])?, move |_, _, _| {
            reload();
            JsValue::UNDEFINED
        })?);
        storage.push(ext::ApiListener::new(ext::path(&["tabs", "onUpdated"])?, move |_, change, _| {
            if js_sys::Reflect::get(&change, &"status".into()).ok().and_then(|s| s.as_string()).as_deref() == Some("complete") {
                reload();
            }
            JsValue::UNDEFINED
        })?);
    }
    POPUP.with(|p| {
        *p.borrow_mut() = Some(Popup {
            doc,
            count,
            rows,
            trusted,
            entries: Vec::new(),
            shown: Vec::new(),
            group,
            search,
            confirm,
            confirm_text,
            cancel,
            clear,
            notice,
            export_url: None,
            health,
            health_tab: None,
            health_since: 0,
            health_state: None,
            refused: 0,
            _health_timer: Some(gloo_timers::callback::Interval::new(5_000, render_health)),
            _listeners: listeners,
            _trusted_listeners: Vec::new(),
            _storage: storage,
        })
    });
    wasm_bindgen_futures::spawn_local(async {
        let log = ext::storage_get(LOG_KEY).await.ok().flatten().map(|v| entries_of(&v)).unwrap_or_default();
        with_popup(|p| p.entries = log);
        refilter();
        if let Err(e) = load_health().await {
            super::warn("health", &e);
        }
        render_trusted(&ext::trusted_origins().await);
        if let Ok(body) = document().and_then(|d| d.body().ok_or(WebError::Missing("body"))) {
            let _ = body.set_attribute("data-ready", "true");
        }
    });
    Ok(())
}

/// "Last screen pop: <link> (12:04:05, item …)" from the background's pop state. The link is
/// only ever an https (or loopback http) address the background opened; anything else stored
/// there is not shown.
async fn render_last_pop(line: &Element) {
    use crate::core::screenpop::{PopState, POP_KEY};
    let Ok(Some(v)) = ext::session_get(POP_KEY).await else { return };
    let Some(last) = ext::from_js::<PopState>(&v).ok().and_then(|s| s.last) else { return };
    let safe = crate::core::detect::Origin::parse(&last.url).is_ok_and(|o| o.scheme == "https" || o.is_loopback());
    let Some(doc) = line.owner_document() else { return };
    if !safe {
        return;
    }
    let built = (|| -> WebResult<()> {
        let label = el(&doc, "span", &[], &tk("last_pop_label"))?;
        let link = el(&doc, "a", &[("href", &last.url), ("target", "_blank"), ("rel", "noopener noreferrer")], &last.url)?;
        let when = el(&doc, "span", &[("class", "note")], &ta("last_pop_when", &[&clock(last.ts), &last.item_id]))?;
        append(line, &[&label, &link, &when])?;
        Ok(())
    })();
    match built {
        Ok(()) => set_flag(line, "hidden", false),
        Err(e) => super::warn("last pop", &e),
    }
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
    let order = ["get-state", "wrap-up", "terminate", "complete", "recording", "ready", "not-ready"];
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

/// The tab the panel describes: `?tab=<id>` when given (the popup opened in a tab of its own),
/// else the active tab of the current window.
async fn target_tab() -> WebResult<Option<JsValue>> {
    let tabs = ext::path(&["tabs"])?;
    let wanted = document()?
        .location()
        .and_then(|l| l.search().ok())
        .and_then(|q| q.strip_prefix("?tab=").and_then(|t| t.parse::<i32>().ok()));
    let found = match wanted {
        Some(id) => ext::settle(ext::call(&tabs, "get", &[&JsValue::from(id)])?).await?,
        None => {
            let query = js_sys::Object::new();
            js_sys::Reflect::set(&query, &"active".into(), &JsValue::TRUE)?;
            js_sys::Reflect::set(&query, &"currentWindow".into(), &JsValue::TRUE)?;
            let list = ext::settle(ext::call(&tabs, "query", &[&query])?).await?;
            js_sys::Reflect::get(&list, &JsValue::from(0))?
        }
    };
    Ok(found.is_object().then_some(found))
}

/// Whether this copy of the extension's content script runs in the tab's top frame (a script run
/// in the extension's isolated world there sees the loader's marker), and when that document
/// started. Asking costs the popup one call; a listener in every page would cost every page.
async fn script_running(tab: i32) -> Option<i64> {
    let check = async {
        let scripting = ext::path(&["scripting"])?;
        let target = js_sys::Object::new();
        js_sys::Reflect::set(&target, &"tabId".into(), &JsValue::from(tab))?;
        // Defined by popup.js (no eval in extension pages); executeScript sends its source.
        let func = js_sys::Reflect::get(&js_sys::global(), &"bpToolbarProbe".into())?;
        let details = js_sys::Object::new();
        js_sys::Reflect::set(&details, &"target".into(), &target)?;
        js_sys::Reflect::set(&details, &"func".into(), &func)?;
        let results = ext::settle(ext::call(&scripting, "executeScript", &[&details])?).await?;
        let first = js_sys::Reflect::get(&results, &JsValue::from(0))?;
        let result = js_sys::Reflect::get(&first, &"result".into())?;
        Ok::<Option<i64>, super::WebError>(result.as_f64().map(|t| t as i64))
    };
    check.await.ok().flatten()
}

/// The report that describes the tab's current page: of its frames' reports that are not older
/// than the tab's top document, the top frame's first.
fn health_of(all: &JsValue, tab: i32, top_document_start: i64) -> Option<Health> {
    let all = all.dyn_ref::<js_sys::Object>()?;
    let keys = js_sys::Object::keys(all);
    let reports = keys.iter().filter_map(|k| {
        let key = k.as_string()?;
        let frame = frame_of(&key, tab)?;
        let report: Health = ext::from_js(&js_sys::Reflect::get(all, &k).ok()?).ok()?;
        Some((frame, current(Some(report), top_document_start)?))
    });
    first_frame(reports).map(|(_, h)| h)
}

/// How many orders the background refused from the tab.
fn refused_of(all: &JsValue, tab: i32) -> u32 {
    js_sys::Reflect::get(all, &JsValue::from_str(&tab.to_string())).ok().and_then(|v| v.as_f64()).map(|n| n as u32).unwrap_or(0)
}

/// Works out the tab's state: a web page or not, our script running there or not, and the
/// toolbar's last health report.
async fn load_health() -> WebResult<()> {
    let Some(tab) = target_tab().await? else {
        with_popup(|p| p.health_state = Some(TabState::NotWeb));
        render_health();
        return Ok(());
    };
    let id = js_sys::Reflect::get(&tab, &"id".into())?.as_f64().map(|v| v as i32);
    let url = js_sys::Reflect::get(&tab, &"url".into())?.as_string().unwrap_or_default();
    let mut since = 0;
    let state = match (id, state_of_url(&url)) {
        (_, Some(decided)) => decided,
        (Some(id), None) => match script_running(id).await {
            Some(started) => {
                since = started;
                let all = ext::session_get(HEALTH_KEY).await.ok().flatten().unwrap_or(JsValue::UNDEFINED);
                TabState::Running(health_of(&all, id, started))
            }
            None => TabState::ScriptMissing,
        },
        (None, None) => TabState::NotWeb,
    };
    with_popup(|p| {
        p.health_tab = id;
        p.health_since = since;
        p.health_state = Some(state);
    });
    let refused = match id {
        Some(tab) => ext::session_get(REFUSED_KEY).await.ok().flatten().map(|v| refused_of(&v, tab)).unwrap_or(0),
        None => 0,
    };
    with_popup(|p| {
        p.refused = refused;
    });
    render_health();
    Ok(())
}

fn render_health() {
    POPUP.with(|p| {
        let p = p.borrow();
        let Some(p) = p.as_ref() else { return };
        let Some(state) = &p.health_state else { return };
        let result: WebResult<()> = (|| {
            while let Some(c) = p.health.first_child() {
                p.health.remove_child(&c)?;
            }
            for l in lines(state, p.refused, super::now() as i64, |t| clock(t as f64).chars().take(8).collect()) {
                let li = el(&p.doc, "li", &[("class", l.level.key()), ("data-level", l.level.key())], "")?;
                let what = el(&p.doc, "span", &[("class", "what")], &super::i18n::t(&l.what))?;
                li.append_child(&what)?;
                if let Some(todo) = &l.todo {
                    let hint = el(&p.doc, "span", &[("class", "todo")], &super::i18n::t(todo))?;
                    li.append_child(&hint)?;
                }
                p.health.append_child(&li)?;
            }
            Ok(())
        })();
        if let Err(e) = result {
            super::warn("popup health", &e);
        }
    });
}

fn with_popup<R>(f: impl FnOnce(&mut Popup) -> R) -> Option<R> {
    POPUP.with(|p| p.try_borrow_mut().ok()?.as_mut().map(f))
}

fn group_key(group: &str) -> &'static str {
    match group {
        "commands" => "log_group_commands",
        "wrap_up" => "log_group_wrap_up",
        "get_state" => "log_group_get_state",
        "events" => "log_group_events",
        "alerts" => "log_group_alerts",
        _ => "log_group_channel",
    }
}

/// Applies the filter and the search to the log and renders the table.
fn refilter() {
    with_popup(|p| {
        let group = p.group.value();
        let group = (!group.is_empty()).then_some(group.as_str());
        p.shown = select(&p.entries, group, &p.search.value()).into_iter().cloned().collect();
    });
    render_log();
}

fn render_log() {
    POPUP.with(|p| {
        let p = p.borrow();
        let Some(p) = p.as_ref() else { return };
        let result: WebResult<()> = (|| {
            let (n, total) = (p.shown.len(), p.entries.len());
            let count = if n != total {
                ta("log_count_filtered", &[&n.to_string(), &total.to_string()])
            } else if n == 1 {
                tk("log_count_one")
            } else {
                ta("log_count_many", &[&n.to_string()])
            };
            set_text(&p.count, &count);
            while let Some(c) = p.rows.first_child() {
                p.rows.remove_child(&c)?;
            }
            if p.shown.is_empty() {
                let tr = el(&p.doc, "tr", &[], "")?;
                let text = if total == 0 { tk("log_empty") } else { tk("log_no_match") };
                let td = el(&p.doc, "td", &[("colspan", "6"), ("class", "empty")], &text)?;
                tr.append_child(&td)?;
                p.rows.append_child(&tr)?;
            }
            for (i, e) in p.shown.iter().enumerate() {
                let tr = el(&p.doc, "tr", &[("title", &ta("log_entry_title", &[&e.tenant, &e.page]))], "")?;
                let time = clock(e.ts);
                let action = super::i18n::t(&display::action(&e.action));
                for (class, text) in [
                    ("time", time.clone()),
                    ("action", action.clone()),
                    ("item", e.item_id.clone()),
                    ("result", super::i18n::t(&display::result(&e.result))),
                    ("latency", format_latency(e.latency_ms)),
                ] {
                    let td = el(&p.doc, "td", &[("class", class)], "")?;
                    td.set_text_content(Some(&text));
                    tr.append_child(&td)?;
                }
                let td = el(&p.doc, "td", &[("class", "copy")], "")?;
                let b = el(&p.doc, "button", &[("type", "button"), ("data-row", &i.to_string()), ("aria-label", &ta("btn_copy_entry", &[&time, &action]))], &tk("btn_copy"))?;
                td.append_child(&b)?;
                tr.append_child(&td)?;
                p.rows.append_child(&tr)?;
            }
            Ok(())
        })();
        if let Err(e) = result {
            super::warn("popup log", &e);
        }
    });
}

/// Shows or hides the Clear confirmation; focus goes to Cancel, and back to Clear after.
fn ask_clear(open: bool) {
    with_popup(|p| {
        set_flag(&p.confirm, "hidden", !open);
        if open {
            let n = p.entries.len();
            set_text(&p.confirm_text, &if n == 1 { tk("log_clear_ask_one") } else { ta("log_clear_ask_many", &[&n.to_string()]) });
            let _ = p.cancel.focus();
        } else {
            let _ = p.clear.focus();
        }
    });
}

/// Copies one shown entry as a line of text.
fn copy_entry(index: usize) {
    let Some(line) = with_popup(|p| p.shown.get(index).map(entry_line)).flatten() else { return };
    let clipboard = web_sys::window().map(|w| w.navigator().clipboard());
    wasm_bindgen_futures::spawn_local(async move {
        let ok = match clipboard {
            Some(c) => wasm_bindgen_futures::JsFuture::from(c.write_text(&line)).await.is_ok(),
            None => false,
        };
        with_popup(|p| set_text(&p.notice, &tk(if ok { "log_copied" } else { "log_copy_failed" })));
    });
}

/// Downloads the shown entries as a file (redacted first when redaction is on).
fn export(csv: bool) {
    let Some(entries) = with_popup(|p| p.shown.clone()) else { return };
    wasm_bindgen_futures::spawn_local(async move {
        let redacting = ext::effective().await.settings.redact;
        let entries: Vec<LogEntry> = if redacting { entries.iter().map(redact).collect() } else { entries };
        let refs: Vec<&LogEntry> = entries.iter().collect();
        let (text, mime, ext_name) = if csv { (export_csv(&refs), "text/csv", "csv") } else { (export_json(&refs), "application/json", "json") };
        let stamp: String = iso_time(super::now()).chars().filter(|c| c.is_ascii_digit()).take(14).collect();
        let name = format!("call-toolbar-log-{stamp}.{ext_name}");
        let result = download(&name, mime, &text);
        with_popup(|p| match result {
            Ok(url) => {
                if let Some(old) = p.export_url.replace(url) {
                    let _ = web_sys::Url::revoke_object_url(&old);
                }
                set_text(&p.notice, &ta("log_exported", &[&entries.len().to_string(), &name]))
            }
            Err(e) => {
                super::warn("export", &e);
                set_text(&p.notice, &tk("log_export_failed"));
            }
        });
    });
}

/// Starts the download of `text` as a file; returns the object URL, which the caller keeps
/// until the next download (revoking it at once could cut the download short).
fn download(name: &str, mime: &str, text: &str) -> WebResult<String> {
    let doc = document()?;
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&js_sys::Array::of1(&JsValue::from_str(text)), &bag)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let a: web_sys::HtmlElement = el_as(&doc, "a", &[("href", &url), ("download", name), ("hidden", "")], "")?;
    doc.body().ok_or(WebError::Missing("body"))?.append_child(&a)?;
    a.click();
    a.remove();
    Ok(url)
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
