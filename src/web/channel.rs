//! Our own channel to the tenant, the way `servicepattern-sdk-v1.js` opens one: a hidden
//! `AgentDesktopSdkProxy.jsp` iframe, JSON strings posted with the exact tenant origin as
//! target, replies accepted only from that iframe's window and the tenant origin, and only as
//! the browser delivered them (`isTrusted`: a page script can build a `MessageEvent` with our
//! proxy's window as `source` and the tenant as `origin`, but not a trusted one).
//!
//! Two carriers: [`DirectChannel`] when the Rust runs in the page's content script, and
//! [`RelayChannel`] when it runs in the toolbar frame and the content script only relays.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use wasm_bindgen::{JsCast, JsValue};

use super::guard::{self, Forged};
use web_sys::{HtmlIFrameElement, MessageEvent, Node};

use super::dom::{document, window};
use super::{ext, WebError, WebResult};
use crate::core::detect::proxy_url;
use crate::core::messages::ToRelay;
use crate::core::protocol::{is_well_formed, looks_like_desktop_message, MAX_MESSAGE_LEN};
use crate::core::session::Input;

/// Where inbound inputs go (the app's dispatcher).
pub type Sink = Rc<dyn Fn(Input)>;

/// A way to reach the tenant's proxy page.
pub trait Channel {
    /// Creates the proxy iframe for the tenant (replacing any previous one).
    fn open(&mut self) -> WebResult<()>;
    /// Posts a JSON string to the proxy, target origin = the tenant.
    fn post(&self, text: &str) -> WebResult<()>;
    /// Removes the proxy iframe and stops listening.
    fn close(&mut self);
}

/// Where a trusted inbound message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum From {
    /// Our proxy's window, the tenant origin: the desktop talking to us.
    Ours,
    /// Another frame of the tenant (the page's own SDK proxy, the repeater): legitimate
    /// traffic that is not ours (a desktop may deliver to every proxy of the page).
    Tenant,
    /// Anything else.
    Elsewhere,
}

/// Classifies one trusted inbound message by its sender; `data` is `None` when it was not a
/// string. Only a string of ours is a desktop message. Counted as suspicious: a non-string on
/// our channel, a desktop-like message from elsewhere, and one that claims the tenant origin
/// but does not parse. The tenant's other well-formed traffic is counted as neutral; unrelated
/// page traffic is dropped.
pub fn classify(from: From, data: Option<String>, now: f64) -> Option<Input> {
    match (from, data) {
        (From::Ours, Some(text)) => Some(Input::Message { text, now }),
        (From::Ours, None) => Some(Input::Ignored),
        (From::Tenant, Some(text)) if looks_like_desktop_message(&text) => {
            Some(if is_well_formed(&text) { Input::Neighbour } else { Input::Ignored })
        }
        (From::Elsewhere, Some(text)) if looks_like_desktop_message(&text) => Some(Input::Ignored),
        _ => None,
    }
}

/// The proxy iframe inside our own shadow root, and the page window's `message` listener.
pub struct DirectChannel {
    root: Node,
    _watch: Option<super::dom::Observer>,
    tenant: String,
    sink: Sink,
    proxy: Option<HtmlIFrameElement>,
    proxy_window: Rc<RefCell<Option<JsValue>>>,
    _load: Option<EventListener>,
    _message: Option<EventListener>,
}

impl DirectChannel {
    pub fn new(root: Node, tenant: &str, sink: Sink) -> Self {
        DirectChannel {
            _watch: None,
            root,
            tenant: tenant.to_string(),
            sink,
            proxy: None,
            proxy_window: Rc::new(RefCell::new(None)),
            _load: None,
            _message: None,
        }
    }
}

impl Channel for DirectChannel {
    fn open(&mut self) -> WebResult<()> {
        self.close();
        let doc = document()?;
        let frame: HtmlIFrameElement = doc.create_element("iframe")?.dyn_into().map_err(|_| WebError::Missing("iframe"))?;
        frame.set_src(&proxy_url(&self.tenant));
        frame.set_title("Agent Desktop SDK channel");
        frame.set_attribute("aria-hidden", "true")?;
        frame.set_attribute("tabindex", "-1")?;
        // Off-screen like the SDK's own proxy (not display:none, which some engines throttle).
        let style = frame.style();
        for (k, v) in [("position", "absolute"), ("top", "-1000px"), ("left", "-1000px"), ("width", "1px"), ("height", "1px"), ("border", "0")] {
            style.set_property(k, v)?;
        }
        let forged: Forged = {
            let sink = self.sink.clone();
            Rc::new(move || sink(Input::Forged))
        };
        let (sink, loaded, proxy_window) = (self.sink.clone(), frame.clone(), self.proxy_window.clone());
        self._load = Some(guard::on(&frame, "load", &forged, move |_| {
            // An iframe taken out of the document and put back gets a new window: follow it.
            *proxy_window.borrow_mut() = loaded.content_window().map(JsValue::from);
            sink(Input::ProxyLoaded { now: super::now() })
        }));
        self.root.append_child(&frame)?;
        *self.proxy_window.borrow_mut() = frame.content_window().map(JsValue::from);
        // Notice when the proxy is taken out of our shadow root, to open a new one.
        let (sink, watched) = (self.sink.clone(), frame.clone());
        let init = web_sys::MutationObserverInit::new();
        init.set_child_list(true);
        self._watch = Some(super::dom::Observer::new(&self.root, &init, move || {
            if !watched.is_connected() {
                sink(Input::ChannelLost { now: super::now() });
            }
        })?);

        let sink = self.sink.clone();
        let tenant = self.tenant.clone();
        let proxy_window = self.proxy_window.clone();
        self._message = Some(guard::on(&window()?.into(), "message", &forged, move |e| {
            let Some(e) = e.dyn_ref::<MessageEvent>() else { return };
            let from_proxy = match (e.source(), proxy_window.borrow().as_ref()) {
                (Some(src), Some(ours)) => JsValue::from(src) == *ours,
                _ => false,
            };
            let data = e.data();
            let now = super::now();
            let from = match (from_proxy, e.origin() == tenant) {
                (true, true) => From::Ours,
                (_, true) => From::Tenant,
                _ => From::Elsewhere,
            };
            let input = match data.dyn_ref::<js_sys::JsString>() {
                // Unrelated page traffic is dropped without copying it into wasm memory.
                Some(s) if from != From::Ours && !s.includes("\"command\"", 0) => None,
                Some(s) if (s.length() as usize) <= MAX_MESSAGE_LEN => classify(from, s.as_string(), now),
                // Oversized strings are never copied: counted as ignored.
                Some(_) => Some(Input::Ignored),
                None => classify(from, None, now),
            };
            if let Some(input) = input {
                sink(input);
            }
        }));
        self.proxy = Some(frame);
        Ok(())
    }

    fn post(&self, text: &str) -> WebResult<()> {
        let win = self.proxy.as_ref().and_then(|f| f.content_window()).ok_or(WebError::Missing("proxy window"))?;
        win.post_message(&JsValue::from_str(text), &self.tenant)?;
        Ok(())
    }

    fn close(&mut self) {
        self._watch = None;
        self._message = None;
        self._load = None;
        *self.proxy_window.borrow_mut() = None;
        if let Some(f) = self.proxy.take() {
            f.remove();
        }
    }
}

impl Drop for DirectChannel {
    fn drop(&mut self) {
        self.close();
    }
}

/// The toolbar frame's channel: commands go over the runtime port to the content-script
/// relay, which owns the proxy iframe and posts to the exact origin we name.
pub struct RelayChannel {
    port: JsValue,
    tenant: String,
}

impl RelayChannel {
    pub fn new(port: JsValue, tenant: &str) -> Self {
        RelayChannel { port, tenant: tenant.to_string() }
    }

    fn send(&self, msg: &ToRelay) -> WebResult<()> {
        ext::call(&self.port, "postMessage", &[&ext::json_to_js(&msg.to_json())?])?;
        Ok(())
    }
}

impl Channel for RelayChannel {
    fn open(&mut self) -> WebResult<()> {
        self.send(&ToRelay::Open { origin: self.tenant.clone(), url: proxy_url(&self.tenant) })
    }

    fn post(&self, text: &str) -> WebResult<()> {
        self.send(&ToRelay::Post { text: text.to_string() })
    }

    fn close(&mut self) {
        let _ = self.send(&ToRelay::Close);
    }
}
