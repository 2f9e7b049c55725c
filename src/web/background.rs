//! The background (Chrome service worker, Firefox event page): the only writer of extension
//! storage. Two tabs logging at once lose nothing because every write goes through this one
//! serial queue; the log is re-read from storage whenever the worker starts afresh.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use wasm_bindgen::prelude::*;

use super::{ext, warn, WebResult};
use crate::core::health::{Health, HEALTH_KEY};
use crate::core::log::{LogEntry, LogRing};
use crate::core::messages::{Placement, Settings, ToBackground, LOG_KEY, PLACEMENTS_KEY, SETTINGS_KEY, TRUSTED_KEY};

/// At most this many tabs' health reports are kept.
const MAX_HEALTH: usize = 100;

/// At most this many sites keep a remembered toolbar placement.
const MAX_PLACEMENTS: usize = 500;

#[derive(Default)]
struct Store {
    log: Option<LogRing>,
    trusted: Option<Vec<String>>,
    placements: Option<Vec<(String, Placement)>>,
    /// The health of each tab's toolbar (tab id, report), mirrored in `storage.session`.
    health: Option<Vec<(i32, Health)>>,
}

thread_local! {
    static QUEUE: RefCell<VecDeque<ToBackground>> = const { RefCell::new(VecDeque::new()) };
    static RUNNING: Cell<bool> = const { Cell::new(false) };
    static STORE: RefCell<Store> = RefCell::new(Store::default());
    /// Tabs already alerted in their current after-call-work episode.
    static ALERTED: RefCell<Vec<i32>> = const { RefCell::new(Vec::new()) };
    static SETTINGS: RefCell<Option<Settings>> = const { RefCell::new(None) };
    /// The settings changed: trim, age and (if on) redact what is stored at the next write.
    static RESHAPE: Cell<bool> = const { Cell::new(false) };
}

/// The settings in force (the agent's with the policy over them), read once per worker life
/// and refreshed when either changes.
async fn settings() -> Settings {
    if let Some(s) = SETTINGS.with(|s| s.borrow().clone()) {
        return s;
    }
    let s = ext::effective().await.settings;
    SETTINGS.with(|c| *c.borrow_mut() = Some(s.clone()));
    s
}

/// Forgets the cached settings (storage or policy changed); the next write of the queue applies
/// the log's size limit, retention and redaction anew.
fn settings_changed() {
    SETTINGS.with(|c| *c.borrow_mut() = None);
    RESHAPE.with(|r| r.set(true));
    enqueue(ToBackground::Log { entries: Vec::new() });
}

/// The optional after-call-work alert: once per episode per tab, past the agent's threshold.
fn acw_alert(tab: i32, acw_ms: Option<f64>) {
    let Some(ms) = acw_ms else {
        ALERTED.with(|a| a.borrow_mut().retain(|t| *t != tab));
        return;
    };
    if ALERTED.with(|a| a.borrow().contains(&tab)) {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        if !settings().await.acw_alert_due(ms) || ALERTED.with(|a| a.borrow().contains(&tab)) {
            return;
        }
        ALERTED.with(|a| a.borrow_mut().push(tab));
        let time = crate::core::view::format_elapsed(ms);
        let options = serde_json::json!({
            "type": "basic",
            "iconUrl": "icons/icon128.png",
            "title": crate::web::i18n::tk("notify_acw_title"),
            "message": crate::web::i18n::ta("notify_acw_body", &[&time]),
        });
        let result = ext::path(&["notifications"])
            .and_then(|n| Ok((n, ext::to_js(&options)?)))
            .and_then(|(n, o)| ext::call(&n, "create", &[&JsValue::from_str(&format!("acw-{tab}")), &o]));
        let outcome = match result {
            Ok(_) => format!("notification shown after {time}"),
            Err(e) => {
                warn("notification", &e);
                format!("notification failed after {time}")
            }
        };
        // The alert is part of the record, like every action.
        let entry = LogEntry {
            ts: super::now(),
            action: "ACW alert".into(),
            item_id: String::new(),
            result: outcome,
            latency_ms: None,
            tenant: String::new(),
            page: String::new(),
        };
        enqueue(ToBackground::Log { entries: vec![entry] });
    });
}

/// Handles one `runtime.onMessage` message (the loader registers the listener synchronously and
/// forwards here once the wasm is ready). Returns whether the message was ours.
#[wasm_bindgen]
pub fn background_handle(api: JsValue, msg: JsValue, sender: JsValue) -> bool {
    ext::set_api(api);
    let Ok(msg) = ext::from_js::<ToBackground>(&msg) else { return false };
    if let ToBackground::Settings { settings } = &msg {
        // The options page validated them; a message that fails the same check saves nothing.
        let Ok(s) = crate::core::settings::validate(settings) else { return true };
        wasm_bindgen_futures::spawn_local(async move {
            let result = match ext::to_js(&s) {
                Ok(v) => ext::storage_set(SETTINGS_KEY, &v).await,
                Err(e) => Err(e),
            };
            if let Err(e) = result {
                warn("settings", &e);
            }
            settings_changed();
        });
        return true;
    }
    if let ToBackground::Health { health, .. } = msg {
        // Keyed by the sending tab; queued with the other writes so reports stay in order.
        let tab = js_sys::Reflect::get(&sender, &JsValue::from_str("tab"))
            .ok()
            .and_then(|t| js_sys::Reflect::get(&t, &JsValue::from_str("id")).ok())
            .and_then(|v| v.as_f64());
        if let Some(tab) = tab {
            enqueue(ToBackground::Health { health, tab: Some(tab as i32) });
        }
        return true;
    }
    if let ToBackground::Command { name, tab } = &msg {
        wasm_bindgen_futures::spawn_local(run_command(name.clone(), *tab));
        return true;
    }
    if let ToBackground::Badge { text, color, title, acw_ms } = &msg {
        // Per tab, so every tab's icon tells its own desktop's state.
        let tab = js_sys::Reflect::get(&sender, &JsValue::from_str("tab")).ok();
        let tab_id = tab.and_then(|t| js_sys::Reflect::get(&t, &JsValue::from_str("id")).ok()).filter(|v| v.as_f64().is_some());
        if let Some(tab_id) = tab_id {
            if let Err(e) = set_badge(&tab_id, text, color, title) {
                warn("badge", &e);
            }
            acw_alert(tab_id.as_f64().unwrap_or_default() as i32, *acw_ms);
        }
        return true;
    }
    enqueue(msg);
    true
}

/// `storage.onChanged` for the settings or the managed policy (registered by the loader).
#[wasm_bindgen]
pub fn background_settings_changed(api: JsValue) {
    ext::set_api(api);
    settings_changed();
}

/// `commands.onCommand`: a shortcut goes to the toolbar of the active tab.
#[wasm_bindgen]
pub fn background_command(api: JsValue, name: String) {
    ext::set_api(api);
    wasm_bindgen_futures::spawn_local(run_command(name, None));
}

async fn run_command(name: String, tab: Option<i32>) {
    let result: WebResult<()> = async {
        let tabs = ext::path(&["tabs"])?;
        let id = match tab {
            Some(id) => JsValue::from(id),
            None => {
                let query = ext::to_js(&serde_json::json!({ "active": true, "lastFocusedWindow": true }))?;
                let found = ext::settle(ext::call(&tabs, "query", &[&query])?).await?;
                let tab = js_sys::Reflect::get(&found, &JsValue::from_f64(0.0))?;
                js_sys::Reflect::get(&tab, &JsValue::from_str("id"))?
            }
        };
        if id.as_f64().is_some() {
            let msg = ext::to_js(&crate::core::messages::ToContent::Hotkey { command: name })?;
            // Pages without the toolbar have no listener: that rejection is expected.
            let _ = ext::settle(ext::call(&tabs, "sendMessage", &[&id, &msg])?).await;
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        warn("command", &e);
    }
}

fn set_badge(tab_id: &JsValue, text: &str, color: &str, title: &str) -> WebResult<()> {
    let action = ext::path(&["action"])?;
    let details = |key: &str, value: &str| -> WebResult<JsValue> {
        let o = js_sys::Object::new();
        js_sys::Reflect::set(&o, &JsValue::from_str("tabId"), tab_id)?;
        js_sys::Reflect::set(&o, &JsValue::from_str(key), &JsValue::from_str(value))?;
        Ok(o.into())
    };
    ext::call(&action, "setBadgeText", &[&details("text", text)?])?;
    ext::call(&action, "setBadgeBackgroundColor", &[&details("color", color)?])?;
    let tooltip = if title.is_empty() { crate::web::i18n::tk("actionTitle") } else { format!("{} · {title}", crate::web::i18n::tk("toolbar_title")) };
    ext::call(&action, "setTitle", &[&details("title", &tooltip)?])?;
    Ok(())
}

/// Queues a storage write for the one serial writer, starting it if it is idle.
fn enqueue(msg: ToBackground) {
    QUEUE.with(|q| q.borrow_mut().push_back(msg));
    if !RUNNING.with(|r| r.replace(true)) {
        wasm_bindgen_futures::spawn_local(drain());
    }
}

async fn drain() {
    loop {
        let batch: Vec<ToBackground> = QUEUE.with(|q| q.borrow_mut().drain(..).collect());
        if batch.is_empty() {
            break;
        }
        if let Err(e) = apply(batch).await {
            warn("storage", &e);
        }
    }
    RUNNING.with(|r| r.set(false));
}

async fn apply(batch: Vec<ToBackground>) -> WebResult<()> {
    let (mut log_dirty, mut trust_dirty, mut place_dirty, mut health_dirty) = (false, false, false, false);
    let (retention_days, redacting, limit) = {
        let s = settings().await;
        (s.log_retention_days, s.redact, s.log_limit as usize)
    };
    if STORE.with(|s| s.borrow().log.is_none()) {
        let entries: Vec<LogEntry> = match ext::storage_get(LOG_KEY).await? {
            Some(v) => ext::from_js(&v).unwrap_or_default(),
            None => Vec::new(),
        };
        STORE.with(|s| s.borrow_mut().log = Some(LogRing::from_entries(entries, limit)));
    }
    if STORE.with(|s| s.borrow().trusted.is_none()) {
        let list = ext::trusted_origins().await;
        STORE.with(|s| s.borrow_mut().trusted = Some(list));
    }
    if STORE.with(|s| s.borrow().placements.is_none()) {
        let map: Vec<(String, Placement)> = match ext::storage_get(PLACEMENTS_KEY).await? {
            Some(v) => ext::from_js::<std::collections::BTreeMap<String, Placement>>(&v).unwrap_or_default().into_iter().collect(),
            None => Vec::new(),
        };
        STORE.with(|s| s.borrow_mut().placements = Some(map));
    }
    if STORE.with(|s| s.borrow().health.is_none()) {
        let list: Vec<(i32, Health)> = match ext::session_get(HEALTH_KEY).await {
            Ok(Some(v)) => ext::from_js::<std::collections::BTreeMap<String, Health>>(&v)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|(k, h)| Some((k.parse().ok()?, h)))
                .collect(),
            _ => Vec::new(),
        };
        STORE.with(|s| s.borrow_mut().health = Some(list));
    }
    STORE.with(|s| {
        let mut s = s.borrow_mut();
        let Store { log, trusted, placements, health } = &mut *s;
        let health = health.get_or_insert_with(Vec::new);
        let (Some(log), Some(trusted), Some(placements)) = (log.as_mut(), trusted.as_mut(), placements.as_mut()) else { return };
        for msg in batch {
            match msg {
                ToBackground::Log { entries } => {
                    for e in entries {
                        log.push(if redacting { crate::core::log::redact(&e) } else { e });
                    }
                    log_dirty = true;
                }
                ToBackground::ClearLog => {
                    log.clear();
                    log_dirty = true;
                }
                ToBackground::Trust { origin } => {
                    if !trusted.contains(&origin) {
                        trusted.push(origin);
                        trust_dirty = true;
                    }
                }
                ToBackground::Untrust { origin } => {
                    let before = trusted.len();
                    trusted.retain(|o| *o != origin);
                    trust_dirty |= trusted.len() != before;
                }
                ToBackground::Placement { site, placement } => {
                    // Most recent last; the oldest sites fall off past the limit.
                    placements.retain(|(s, _)| *s != site);
                    placements.push((site, placement));
                    if placements.len() > MAX_PLACEMENTS {
                        placements.remove(0);
                    }
                    place_dirty = true;
                }
                ToBackground::Health { health: report, tab: Some(tab) } => {
                    let before = health.len();
                    health.retain(|(t, _)| *t != tab);
                    match report {
                        Some(h) => {
                            health.push((tab, h));
                            // Reports of pages long gone (the popup ignores those by their
                            // document time) are not kept without end.
                            if health.len() > MAX_HEALTH {
                                health.remove(0);
                            }
                            health_dirty = true;
                        }
                        None => health_dirty |= health.len() != before,
                    }
                }
                ToBackground::Health { tab: None, .. }
                | ToBackground::Badge { .. }
                | ToBackground::Command { .. }
                | ToBackground::Settings { .. } => {}
            }
        }
    });
    if RESHAPE.with(|r| r.replace(false)) {
        STORE.with(|s| {
            if let Some(log) = s.borrow_mut().log.as_mut() {
                log.set_limit(limit);
                if redacting {
                    log.redact_all();
                }
            }
        });
        log_dirty = true;
    }
    if log_dirty && retention_days > 0 {
        let cutoff = super::now() - f64::from(retention_days) * 86_400_000.0;
        STORE.with(|s| s.borrow_mut().log.as_mut().map(|l| l.drop_older_than(cutoff)));
    }
    if log_dirty {
        let entries: Vec<LogEntry> = STORE.with(|s| s.borrow().log.as_ref().map(|l| l.iter().cloned().collect()).unwrap_or_default());
        ext::storage_set(LOG_KEY, &ext::to_js(&entries)?).await?;
    }
    if place_dirty {
        let obj = js_sys::Object::new();
        STORE.with(|s| {
            for (site, p) in s.borrow().placements.iter().flatten() {
                if let Ok(v) = ext::to_js(p) {
                    let _ = js_sys::Reflect::set(&obj, &JsValue::from_str(site), &v);
                }
            }
        });
        ext::storage_set(PLACEMENTS_KEY, &obj).await?;
    }
    if health_dirty {
        let obj = js_sys::Object::new();
        STORE.with(|s| {
            for (tab, h) in s.borrow().health.iter().flatten() {
                if let Ok(v) = ext::to_js(h) {
                    let _ = js_sys::Reflect::set(&obj, &JsValue::from_str(&tab.to_string()), &v);
                }
            }
        });
        // Session memory: gone with the browser, like the tabs it describes.
        if let Err(e) = ext::session_set(HEALTH_KEY, &obj).await {
            warn("health", &e);
        }
    }
    if trust_dirty {
        let list = STORE.with(|s| s.borrow().trusted.clone().unwrap_or_default());
        ext::storage_set(TRUSTED_KEY, &ext::to_js(&list)?).await?;
    }
    Ok(())
}
