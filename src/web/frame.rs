//! The toolbar frame: the fallback for pages whose Content-Security-Policy forbids WebAssembly
//! in content scripts (Chromium applies the page's CSP to them; Firefox does not). The same
//! `App` runs here, in an extension page the relay injects; the content script is reduced to a
//! relay that owns the proxy iframe and forwards messages over a private runtime port. A page
//! script can neither see nor use that port.

use std::cell::RefCell;

use js_sys::Reflect;
use wasm_bindgen::prelude::*;

use super::app::App;
use super::channel::{classify, RelayChannel};
use super::dom::document;
use super::{ext, warn, WebError, WebResult};
use crate::core::detect::repeater_origin;
use crate::core::messages::{FromRelay, ToRelay};
use crate::core::session::Input;

struct Frame {
    port: JsValue,
    app: Option<App>,
    tenant: String,
    size: (u32, u32),
    _message: ext::ApiListener,
    _disconnect: ext::ApiListener,
}

thread_local! {
    static FRAME: RefCell<Option<Frame>> = const { RefCell::new(None) };
}

/// Entry point of `toolbar.html`: `port` is the relay's runtime port, `queued` the messages
/// that arrived before the wasm was ready.
#[wasm_bindgen]
pub fn start_frame(api: JsValue, port: JsValue, queued: js_sys::Array) -> Result<(), JsValue> {
    ext::set_api(api);
    // Only our own content script can open a runtime port to us; check the sender anyway.
    let sender = Reflect::get(&port, &JsValue::from_str("sender"))?;
    let id = Reflect::get(&sender, &JsValue::from_str("id")).ok().and_then(|v| v.as_string());
    let own = ext::path(&["runtime", "id"])?.as_string();
    if id.is_none() || id != own {
        return Err(JsValue::from_str("relay port from a foreign sender"));
    }
    let message = ext::ApiListener::new(Reflect::get(&port, &JsValue::from_str("onMessage"))?, |msg, _, _| {
        on_relay_message(&msg);
        JsValue::UNDEFINED
    })?;
    let disconnect = ext::ApiListener::new(Reflect::get(&port, &JsValue::from_str("onDisconnect"))?, |_, _, _| {
        // The relay left (repeater gone, page navigating): drop everything.
        let old = FRAME.with(|f| f.borrow_mut().take());
        drop(old);
        JsValue::UNDEFINED
    })?;
    FRAME.with(|f| {
        *f.borrow_mut() = Some(Frame { port, app: None, tenant: String::new(), size: (0, 0), _message: message, _disconnect: disconnect })
    });
    for msg in queued.iter() {
        on_relay_message(&msg);
    }
    Ok(())
}

fn on_relay_message(raw: &JsValue) {
    let msg: FromRelay = match ext::from_js(raw) {
        Ok(m) => m,
        Err(e) => return warn("relay message", &e),
    };
    match msg {
        FromRelay::Repeater { src, page } => {
            let old = FRAME.with(|f| f.borrow_mut().as_mut().and_then(|fr| fr.app.take()));
            drop(old);
            if let Some(tenant) = src.as_deref().and_then(repeater_origin) {
                match mount(&tenant, &page) {
                    Ok(app) => FRAME.with(|f| {
                        if let Some(fr) = f.borrow_mut().as_mut() {
                            fr.app = Some(app);
                            fr.tenant = tenant;
                        }
                    }),
                    Err(e) => warn("frame mount", &e),
                }
            }
        }
        FromRelay::ProxyLoaded => with_app(|app, _| app.dispatch(Input::ProxyLoaded { now: super::now() })),
        FromRelay::Message { data, origin, from_proxy } => with_app(|app, tenant| {
            if let Some(input) = classify(from_proxy, &origin, tenant, data, super::now()) {
                app.dispatch(input);
            }
        }),
    }
}

fn with_app(f: impl FnOnce(&App, &str)) {
    // Take the app out while it runs, so that its own callbacks may reach FRAME.
    let taken = FRAME.with(|fr| fr.borrow_mut().as_mut().and_then(|x| x.app.take().map(|a| (a, x.tenant.clone()))));
    if let Some((app, tenant)) = taken {
        f(&app, &tenant);
        FRAME.with(|fr| {
            if let Some(x) = fr.borrow_mut().as_mut() {
                if x.app.is_none() {
                    x.app = Some(app);
                }
            }
        });
    }
}

fn port() -> Option<JsValue> {
    FRAME.with(|f| f.borrow().as_ref().map(|fr| fr.port.clone()))
}

fn mount(tenant: &str, page: &str) -> WebResult<App> {
    let doc = document()?;
    let body = doc.body().ok_or(WebError::Missing("body"))?;
    let port = port().ok_or(WebError::Missing("relay port"))?;
    let root: web_sys::Node = body.clone().into();
    App::new(
        &doc,
        &root,
        tenant,
        page,
        move |_sink| Box::new(RelayChannel::new(port, tenant)),
        Box::new(move |view, toolbar| {
            let _ = body.set_attribute("data-status", &view.status_key);
            let _ = body.set_attribute("data-live", if view.live { "true" } else { "false" });
            // Tell the relay how big the toolbar is, so its iframe fits exactly.
            let rect = toolbar.bar.get_bounding_client_rect();
            let size = (rect.width().ceil() as u32, rect.height().ceil() as u32);
            let changed = FRAME.with(|f| match f.borrow_mut().as_mut() {
                Some(fr) if fr.size != size => {
                    fr.size = size;
                    Some(fr.port.clone())
                }
                _ => None,
            });
            if let Some(port) = changed {
                if let Ok(msg) = ext::to_js(&ToRelay::Size { width: size.0, height: size.1 }) {
                    let _ = ext::call(&port, "postMessage", &[&msg]);
                }
            }
        }),
    )
}
