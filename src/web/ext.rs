//! The extension APIs, browser-neutral: `browser` (Firefox) or `chrome` (Chromium), both used
//! in their promise-returning form. Listeners are owned values removed on drop.

use js_sys::{Function, Object, Promise, Reflect};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::{WebError, WebResult};
use crate::core::messages::ToBackground;

thread_local! {
    static API: std::cell::RefCell<Option<JsValue>> = const { std::cell::RefCell::new(None) };
    /// The toolbar frame's port to its relay: reports about the page go out through it.
    static RELAY: std::cell::RefCell<Option<JsValue>> = const { std::cell::RefCell::new(None) };
}

/// In the toolbar frame: send the page's reports (log, trust requests, placement) through the
/// relay, a content script of the page's own frame, so that the background names that page.
pub fn set_relay(port: &JsValue) {
    RELAY.with(|r| *r.borrow_mut() = Some(port.clone()));
}

/// Remembers the extension API object the loader handed over. Each entry point takes it:
/// in Firefox content scripts the wasm glue's `globalThis` does not expose `browser`/`chrome`
/// (they live on the content script's sandbox), so looking them up from Rust finds nothing.
pub fn set_api(api: JsValue) {
    if api.is_object() {
        API.with(|a| *a.borrow_mut() = Some(api));
    }
}

/// The extension API: the object the loader handed over, else `globalThis.browser ?? chrome`.
pub fn api() -> WebResult<JsValue> {
    if let Some(api) = API.with(|a| a.borrow().clone()) {
        return Ok(api);
    }
    let global = js_sys::global();
    for name in ["browser", "chrome"] {
        let v = Reflect::get(&global, &JsValue::from_str(name))?;
        if v.is_object() && Reflect::get(&v, &JsValue::from_str("runtime")).map(|r| r.is_object()).unwrap_or(false) {
            return Ok(v);
        }
    }
    Err(WebError::Missing("extension API"))
}

/// `api.a.b.c`.
pub fn path(names: &[&str]) -> WebResult<JsValue> {
    let mut v = api()?;
    for n in names {
        v = Reflect::get(&v, &JsValue::from_str(n))?;
        if v.is_undefined() {
            return Err(WebError::Missing("extension API member"));
        }
    }
    Ok(v)
}

/// Calls `target.method(...args)`.
pub fn call(target: &JsValue, method: &str, args: &[&JsValue]) -> WebResult<JsValue> {
    let f: Function = Reflect::get(target, &JsValue::from_str(method))?.dyn_into()?;
    let array = js_sys::Array::new();
    for a in args {
        array.push(a);
    }
    Ok(Reflect::apply(&f, target, &array)?)
}

/// Awaits a value if it is a promise.
pub async fn settle(v: JsValue) -> WebResult<JsValue> {
    match v.dyn_into::<Promise>() {
        Ok(p) => Ok(JsFuture::from(p).await?),
        Err(v) => Ok(v),
    }
}

/// Whether this extension context is still alive (false after the extension was reloaded or
/// updated while the page stayed open).
pub fn context_alive() -> bool {
    match api() {
        // Chromium keeps `chrome.runtime` on an orphaned content script but drops its id.
        Ok(_) => path(&["runtime", "id"]).map(|id| id.is_string()).unwrap_or(false),
        // No extension API at all: a plain page (the glue's own browser tests), nothing to lose.
        Err(_) => true,
    }
}

/// A Rust value into a plain JS object (through JSON: the only shapes we store are JSON).
pub fn to_js<T: Serialize>(value: &T) -> WebResult<JsValue> {
    Ok(js_sys::JSON::parse(&serde_json::to_string(value)?)?)
}

/// A plain JS value into a Rust value (through JSON).
pub fn from_js<T: DeserializeOwned>(value: &JsValue) -> WebResult<T> {
    let text = js_sys::JSON::stringify(value)?.as_string().ok_or(WebError::Missing("JSON text"))?;
    Ok(serde_json::from_str(&text)?)
}

/// A JSON value (the content path's small reader, not serde) into a plain JS value.
pub fn json_to_js(value: &crate::core::json::Value) -> WebResult<JsValue> {
    Ok(js_sys::JSON::parse(&value.write())?)
}

/// A plain JS value into a JSON value; `None` for `undefined` or anything JSON cannot hold.
pub fn json_of(value: &JsValue) -> Option<crate::core::json::Value> {
    if value.is_undefined() {
        return None;
    }
    crate::core::json::parse(&js_sys::JSON::stringify(value).ok()?.as_string()?)
}

/// Reads one key of `storage.local`; `None` if unset.
pub async fn storage_get(key: &str) -> WebResult<Option<JsValue>> {
    let local = path(&["storage", "local"])?;
    let all = settle(call(&local, "get", &[&JsValue::from_str(key)])?).await?;
    let v = Reflect::get(&all, &JsValue::from_str(key))?;
    Ok((!v.is_undefined()).then_some(v))
}

/// Reads one key of `storage.session` (memory that outlives the background's restarts but
/// not the browser's).
pub async fn session_get(key: &str) -> WebResult<Option<JsValue>> {
    let area = path(&["storage", "session"])?;
    let all = settle(call(&area, "get", &[&JsValue::from_str(key)])?).await?;
    let v = Reflect::get(&all, &JsValue::from_str(key))?;
    Ok((!v.is_undefined()).then_some(v))
}

/// Writes one key of `storage.session`.
pub async fn session_set(key: &str, value: &JsValue) -> WebResult<()> {
    let area = path(&["storage", "session"])?;
    let obj = js_sys::Object::new();
    Reflect::set(&obj, &JsValue::from_str(key), value)?;
    settle(call(&area, "set", &[&obj])?).await?;
    Ok(())
}

/// Writes one key of `storage.local`.
pub async fn storage_set(key: &str, value: &JsValue) -> WebResult<()> {
    let local = path(&["storage", "local"])?;
    let obj = Object::new();
    Reflect::set(&obj, &JsValue::from_str(key), value)?;
    settle(call(&local, "set", &[&obj])?).await?;
    Ok(())
}

/// Sends a message to the background and waits for its answer.
pub async fn send_to_background(msg: &JsValue) -> WebResult<JsValue> {
    let runtime = path(&["runtime"])?;
    settle(call(&runtime, "sendMessage", &[msg])?).await
}

fn post(msg: WebResult<JsValue>) {
    wasm_bindgen_futures::spawn_local(async move {
        let sent = match msg {
            Ok(m) => send_to_background(&m).await,
            Err(e) => Err(e),
        };
        if let Err(e) = sent {
            super::warn("message to background", &e);
        }
    });
}

/// Sends without waiting; failures go to the console. Written with the content path's JSON
/// writer (no serde on CRM pages); settings go through [`post_settings`].
pub fn post_to_background(msg: ToBackground) {
    let report = matches!(msg, ToBackground::Log { .. } | ToBackground::AskTrust { .. } | ToBackground::Placement { .. });
    if let (true, Some(port)) = (report, RELAY.with(|r| r.borrow().clone())) {
        let sent = json_to_js(&crate::core::messages::ToRelay::Background { msg }.to_json()).and_then(|m| call(&port, "postMessage", &[&m]));
        if let Err(e) = sent {
            super::warn("report through the relay", &e);
        }
        return;
    }
    match msg.to_json() {
        Some(v) => post(json_to_js(&v)),
        None => super::warn("message to background", &WebError::Missing("a writer for this message")),
    }
}

/// Sends the agent's settings (the options page; serde, for fractional minutes).
#[cfg(feature = "pages")]
pub fn post_settings(settings: crate::core::settings::Settings) {
    post(to_js(&ToBackground::Settings { settings }));
}

/// An `addListener`-style registration (`storage.onChanged`, `runtime.onMessage`,
/// `port.onMessage`…), removed when dropped.
pub struct ApiListener {
    event: JsValue,
    closure: Closure<dyn FnMut(JsValue, JsValue, JsValue) -> JsValue>,
}

impl ApiListener {
    pub fn new(event: JsValue, f: impl FnMut(JsValue, JsValue, JsValue) -> JsValue + 'static) -> WebResult<Self> {
        let closure = Closure::<dyn FnMut(JsValue, JsValue, JsValue) -> JsValue>::new(f);
        call(&event, "addListener", &[closure.as_ref()])?;
        Ok(ApiListener { event, closure })
    }
}

/// Answers a `runtime.onMessage` message through the listener's `sendResponse`.
pub fn answer(send_response: &JsValue, value: bool) {
    if let Some(f) = send_response.dyn_ref::<js_sys::Function>() {
        let _ = f.call1(&JsValue::UNDEFINED, &JsValue::from_bool(value));
    }
}

impl Drop for ApiListener {
    fn drop(&mut self) {
        // The context may already be gone (extension reloaded): nothing to remove then.
        let _ = call(&self.event, "removeListener", &[self.closure.as_ref()]);
    }
}

/// Listens to changes of one `storage.local` key; `f` gets the new value (undefined if removed).
pub fn on_storage_change(key: &'static str, f: impl FnMut(JsValue) + 'static) -> WebResult<ApiListener> {
    on_area_change("local", key, f)
}

/// Calls `f` with the new value whenever `key` of storage area `area` changes.
pub fn on_area_change(area_name: &'static str, key: &'static str, mut f: impl FnMut(JsValue) + 'static) -> WebResult<ApiListener> {
    ApiListener::new(path(&["storage", "onChanged"])?, move |changes, area, _| {
        if area.as_string().as_deref() == Some(area_name) {
            if let Ok(change) = Reflect::get(&changes, &JsValue::from_str(key)) {
                if change.is_object() {
                    f(Reflect::get(&change, &JsValue::from_str("newValue")).unwrap_or(JsValue::UNDEFINED));
                }
            }
        }
        JsValue::UNDEFINED
    })
}

/// Calls `show` with `key` of `storage.session` as it is now (once read) and on every change.
pub fn follow_session(key: &'static str, show: fn(&JsValue)) -> WebResult<ApiListener> {
    let listener = on_area_change("session", key, move |v| show(&v))?;
    wasm_bindgen_futures::spawn_local(async move {
        if let Ok(Some(v)) = session_get(key).await {
            show(&v);
        }
    });
    Ok(listener)
}

/// The trusted-origins list from storage (empty if unset or unreadable).
pub async fn trusted_origins() -> Vec<String> {
    match storage_get(crate::core::messages::TRUSTED_KEY).await {
        Ok(Some(v)) => json_of(&v).map(|j| crate::core::wire::strings(&j)).unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The agent's settings from storage (defaults if unset or unreadable).
pub async fn settings() -> crate::core::settings::Settings {
    match storage_get(crate::core::messages::SETTINGS_KEY).await {
        Ok(Some(v)) => json_of(&v).map(|j| crate::core::settings::Settings::from_json(&j)).unwrap_or_default(),
        _ => Default::default(),
    }
}

/// The organisation's policy from `storage.managed` (empty where none is set: Firefox rejects
/// the read when no policy names the extension, Chrome answers with an empty object).
pub async fn policy() -> crate::core::settings::Policy {
    json_of(&managed_policy().await).map(|j| crate::core::settings::Policy::from_json(&j)).unwrap_or_default()
}

/// `storage.managed` as it is: an empty object where no policy is set.
pub async fn managed_policy() -> JsValue {
    let read = async {
        let managed = path(&["storage", "managed"])?;
        settle(call(&managed, "get", &[&JsValue::NULL])?).await
    };
    read.await.ok().filter(|v| v.is_object()).unwrap_or_else(|| Object::new().into())
}

/// The settings in force: the agent's, with the organisation's policy laid over them.
pub async fn effective() -> crate::core::settings::Effective {
    let (user, policy) = (settings().await, policy().await);
    crate::core::settings::overlay(&user, &policy)
}

/// The toolbar placement the agent left on a site, if any.
pub async fn placement(site: &str) -> Option<crate::core::messages::Placement> {
    let all = json_of(&storage_get(crate::core::messages::PLACEMENTS_KEY).await.ok()??)?;
    crate::core::messages::Placement::from_json(all.get(site)?)
}
