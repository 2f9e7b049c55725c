//! The toolbar frame: the fallback for pages whose Content-Security-Policy forbids WebAssembly
//! in content scripts (Chromium applies the page's CSP to them; Firefox does not). The same
//! `App` runs here, in an extension page the relay injects; the content script is reduced to a
//! relay that owns the proxy iframe and forwards messages over a private runtime port. A page
//! script can neither see nor use that port.

use std::cell::RefCell;

use js_sys::Reflect;
use wasm_bindgen::prelude::*;

use super::app::{App, Host};
use super::toolbar::Toolbar;
use crate::core::messages::{Placement, ToBackground};
use crate::core::view::View;
use std::cell::Cell;
use super::channel::{classify, From, RelayChannel};
use super::dom::document;
use super::{ext, warn, WebError, WebResult};
use crate::core::detect::{desktop_of, Desktop};
use crate::core::messages::{FromRelay, ToContent, ToRelay};
use crate::core::session::Input;

struct Frame {
    port: JsValue,
    app: Option<App>,
    site: String,
    collapsed: bool,
    _message: ext::ApiListener,
    _disconnect: ext::ApiListener,
    _hotkeys: Option<ext::ApiListener>,
}

thread_local! {
    static FRAME: RefCell<Option<Frame>> = const { RefCell::new(None) };
}

/// Entry point of `toolbar.html`: `port` is the relay's runtime port, `queued` the messages
/// that arrived before the wasm was ready.
#[wasm_bindgen]
pub fn start_frame(api: JsValue, port: JsValue, queued: js_sys::Array) -> Result<(), JsValue> {
    ext::set_api(api);
    super::trap::install_content();
    // Only our own content script can open a runtime port to us; check the sender anyway.
    let sender = Reflect::get(&port, &JsValue::from_str("sender"))?;
    let id = Reflect::get(&sender, &JsValue::from_str("id")).ok().and_then(|v| v.as_string());
    let own = ext::path(&["runtime", "id"])?.as_string();
    if id.is_none() || id != own {
        return Err(JsValue::from_str("relay port from a foreign sender"));
    }
    super::trap::set_relay_port(&port);
    ext::set_relay(&port);
    let message = ext::ApiListener::new(Reflect::get(&port, &JsValue::from_str("onMessage"))?, |msg, _, _| {
        on_relay_message(&msg);
        JsValue::UNDEFINED
    })?;
    // Keyboard shortcuts: the background sends them to this frame (it knows which frame shows
    // the tab's toolbar). As an extension page this frame also hears what content scripts send
    // to the extension: only a message from outside any tab (the background) is a shortcut.
    let hotkeys = ext::path(&["runtime", "onMessage"]).and_then(|event| {
        ext::ApiListener::new(event, |msg, sender, respond| {
            let from_tab = Reflect::get(&sender, &JsValue::from_str("tab")).map(|t| !t.is_undefined()).unwrap_or(true);
            if from_tab {
                return JsValue::UNDEFINED;
            }
            if let Some(input) = ext::json_of(&msg).as_ref().and_then(ToContent::from_json).and_then(|m| crate::core::messages::content_input(m, super::now())) {
                with_app(|app| app.dispatch(input));
                ext::answer(&respond, true);
            }
            JsValue::UNDEFINED
        })
    });
    let disconnect = ext::ApiListener::new(Reflect::get(&port, &JsValue::from_str("onDisconnect"))?, |_, _, _| {
        // The relay left (repeater gone, page navigating): drop everything.
        let old = FRAME.with(|f| f.borrow_mut().take());
        drop(old);
        JsValue::UNDEFINED
    })?;
    FRAME.with(|f| {
        *f.borrow_mut() = Some(Frame {
            port,
            app: None,
            site: String::new(),
            collapsed: false,
            _message: message,
            _disconnect: disconnect,
            _hotkeys: hotkeys.ok(),
        })
    });
    for msg in queued.iter() {
        on_relay_message(&msg);
    }
    Ok(())
}

fn on_relay_message(raw: &JsValue) {
    let Some(msg) = ext::json_of(raw).as_ref().and_then(FromRelay::from_json) else {
        return warn("relay message", &super::WebError::Missing("a relay message"));
    };
    match msg {
        FromRelay::Repeater { src, page } => {
            let old = FRAME.with(|f| f.borrow_mut().as_mut().and_then(|fr| fr.app.take()));
            drop(old);
            let Some((tenant, desktop)) = src.as_deref().and_then(desktop_of).filter(|(_, d)| d.proxy_url("").is_some()) else { return };
            // A site the agent or the organisation blocked: leave, and the relay removes the
            // frame (it does not retry a repeater whose frame went away).
            wasm_bindgen_futures::spawn_local(async move {
                let eff = ext::effective().await;
                let host = page.rsplit_once(':').filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit())).map_or(page.as_str(), |(h, _)| h);
                if crate::core::settings::is_blocked(host, &eff.settings.blocked_sites) {
                    if let Some(port) = port() {
                        let _ = ext::call(&port, "disconnect", &[]);
                    }
                    let old = FRAME.with(|f| f.borrow_mut().take());
                    drop(old);
                    return;
                }
                let trusted = ext::trusted_origins().await;
                match mount(&tenant, desktop, &page, (eff, trusted, false)) {
                    Ok(app) => {
                        FRAME.with(|f| {
                            if let Some(fr) = f.borrow_mut().as_mut() {
                                fr.app = Some(app);
                                fr.site = page.clone();
                            }
                        });
                        restore_placement(page);
                    }
                    Err(e) => warn("frame mount", &e),
                }
            });
        }
        FromRelay::ProxyLoaded => with_app(|app| app.dispatch(Input::ProxyLoaded { now: super::now() })),
        FromRelay::Lost => with_app(|app| app.dispatch(Input::ChannelLost { now: super::now() })),
        FromRelay::Placed { x, y } => {
            let remembered = FRAME.with(|f| f.borrow().as_ref().map(|fr| (fr.site.clone(), fr.collapsed)));
            if let Some((site, collapsed)) = remembered {
                ext::post_to_background(ToBackground::Placement { site, placement: Placement { x, y, collapsed } });
            }
        }
        // The relay forwards only trusted messages from our proxy's window and the tenant origin.
        FromRelay::Message { data } => with_app(|app| {
            if let Some(input) = classify(From::Ours, data, super::now()) {
                app.dispatch(input);
            }
        }),
        FromRelay::Counted { ignored, forged, neighbours } => with_app(|app| app.dispatch(Input::Counted { ignored, forged, neighbours })),
    }
}

fn with_app(f: impl FnOnce(&App)) {
    // Take the app out while it runs, so that its own callbacks may reach FRAME.
    let taken = FRAME.with(|fr| fr.borrow_mut().as_mut().and_then(|x| x.app.take()));
    if let Some(app) = taken {
        f(&app);
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

fn send(msg: &ToRelay) {
    if let (Some(port), Ok(m)) = (port(), ext::json_to_js(&msg.to_json())) {
        let _ = ext::call(&port, "postMessage", &[&m]);
    }
}

/// Applies the placement the agent left on this site (the relay moves its host).
fn restore_placement(site: String) {
    wasm_bindgen_futures::spawn_local(async move {
        let Some(p) = ext::placement(&site).await else { return };
        if p.collapsed {
            FRAME.with(|f| f.borrow_mut().as_mut().map(|fr| fr.collapsed = true));
            with_app(|app| app.set_collapsed(true));
        }
        send(&ToRelay::Place { x: p.x, y: p.y });
    });
}

/// The relay's side of the page, reached over the port.
struct FrameHost {
    body: web_sys::HtmlElement,
    last_size: Cell<(u32, u32)>,
}

impl Host for FrameHost {
    fn rendered(&self, view: &View, toolbar: &Toolbar) {
        let _ = self.body.set_attribute("data-status", &view.status_key);
        let _ = self.body.set_attribute("data-live", if view.live { "true" } else { "false" });
        // Tell the relay how big the toolbar is, so its iframe fits exactly.
        let rect = toolbar.bar.get_bounding_client_rect();
        let size = (rect.width().ceil() as u32, rect.height().ceil() as u32);
        if self.last_size.replace(size) != size {
            send(&ToRelay::Size { width: size.0, height: size.1 });
        }
    }

    fn frame_mode(&self) -> bool {
        true
    }

    fn moved(&self, dx: f64, dy: f64, end: bool, _collapsed: bool) {
        send(&ToRelay::Move { dx, dy, end });
    }

    fn collapsed(&self, on: bool) {
        FRAME.with(|f| f.borrow_mut().as_mut().map(|fr| fr.collapsed = on));
        send(&ToRelay::Move { dx: 0.0, dy: 0.0, end: true });
    }
}

fn mount(tenant: &str, desktop: Desktop, page: &str, prefs: (crate::core::settings::Effective, Vec<String>, bool)) -> WebResult<App> {
    let doc = document()?;
    let body = doc.body().ok_or(WebError::Missing("body"))?;
    let port = port().ok_or(WebError::Missing("relay port"))?;
    let root: web_sys::Node = body.clone().into();
    App::new(
        &doc,
        &root,
        tenant,
        desktop,
        page,
        prefs,
        move |_sink| Box::new(RelayChannel::new(port, tenant, desktop)),
        Box::new(FrameHost { body, last_size: Cell::new((0, 0)) }),
    )
}
