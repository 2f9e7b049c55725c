//! What happens when the Rust traps. The release build aborts on panic, and a trapped module's
//! memory cannot be trusted (a borrow left open, a queue half drained), so nothing goes on as if
//! it had not happened:
//! - on a CRM page (the content module) the toolbar takes itself off the page, every guarded
//!   listener goes quiet, and the health panel says so; reloading the page brings it back;
//! - in the background (the pages module) the next call runs on a fresh instance of the module
//!   (wasm-bindgen's reinit): what was only in memory is gone, what is stored stays, and writes
//!   go on instead of waiting forever behind a flag the trap left set.
//!
//! The hooks do plain DOM and extension calls only: the app's own state may be what broke.

use std::sync::Once;

#[cfg(feature = "content")]
thread_local! {
    /// The toolbar frame's runtime port to its relay (strict-CSP pages): disconnecting it makes
    /// the relay take the frame off the page.
    static RELAY_PORT: std::cell::RefCell<Option<wasm_bindgen::JsValue>> = const { std::cell::RefCell::new(None) };
}

/// Installs the content module's hook (once per instance).
#[cfg(feature = "content")]
pub fn install_content() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            on_content_trap();
            previous(info);
        }))
    });
}

/// Remembers the toolbar frame's port for the hook.
#[cfg(feature = "content")]
pub fn set_relay_port(port: &wasm_bindgen::JsValue) {
    RELAY_PORT.with(|p| *p.borrow_mut() = Some(port.clone()));
}

/// The content module trapped: silence it, take the toolbar off the page, tell the health panel.
#[cfg(feature = "content")]
pub fn on_content_trap() {
    use wasm_bindgen::JsValue;
    super::guard::stop();
    web_sys::console::error_1(&JsValue::from_str("[Call Toolbar] internal error: the toolbar removed itself; reload the page to get it back"));
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    for tag in [super::content::HOST_TAG, super::channel::CHANNEL_TAG] {
        let hosts = doc.get_elements_by_tag_name(tag);
        while let Some(h) = hosts.item(0) {
            h.remove();
        }
    }
    let page = web_sys::window().and_then(|w| w.location().host().ok()).unwrap_or_default();
    let start = web_sys::window().and_then(|w| w.performance()).map(|p| p.time_origin() as i64).unwrap_or(0);
    let health = crate::core::health::Health::stopped(&page, start);
    let msg = crate::core::messages::ToBackground::Health { health: Some(health) };
    // Sent at once, not through a future: the module's task queue may be what broke.
    if let (Some(json), Ok(runtime)) = (msg.to_json(), super::ext::path(&["runtime"])) {
        if let Ok(value) = super::ext::json_to_js(&json) {
            let _ = super::ext::call(&runtime, "sendMessage", &[&value]);
        }
    }
    // Last: the relay takes the toolbar frame (this document) off the page when its port goes.
    if let Some(port) = RELAY_PORT.with(|p| p.try_borrow().ok().and_then(|p| p.clone())) {
        let _ = super::ext::call(&port, "disconnect", &[]);
    }
}

/// Installs the background's hook (once per instance: a fresh instance installs it again).
#[cfg(feature = "pages")]
pub fn install_background() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            web_sys::console::error_1(&wasm_bindgen::JsValue::from_str("[Call Toolbar] internal error in the background: it restarts with its next event"));
            wasm_bindgen::handler::schedule_reinit();
            previous(info);
        }))
    });
}
