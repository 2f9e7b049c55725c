//! Our own channel to the tenant, the way `servicepattern-sdk-v1.js` opens one: a hidden
//! `AgentDesktopSdkProxy.jsp` iframe, JSON strings posted with the exact tenant origin as
//! target, replies accepted only from that iframe's window and the tenant origin, and only as
//! the browser delivered them (`isTrusted`: a page script can build a `MessageEvent` with our
//! proxy's window as `source` and the tenant as `origin`, but not a trusted one).
//!
//! Agent Desktop 2.0's Communicator Widget takes the same shape with its own endpoint
//! (`adapters/api-proxy.html`) and structured-clone objects instead of strings: each object
//! from our proxy is turned into JSON text for the core, each packet the core gives is parsed
//! into an object before it is posted. The page's own `AdApi` listens on the same window and
//! takes every packet of the tenant's origin for its own (it checks no `source`): ours are
//! caught in the capture phase and stopped there, so the page's adapter never sees them.
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
use crate::core::detect::Desktop;
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

/// Classifies one trusted inbound 2.0 packet (a structured-clone object) by its sender. From our
/// proxy: an object becomes JSON text for the core (within the size bound), anything else is
/// counted as ignored. From another frame of the tenant (the page adapter's proxy or widget):
/// a packet (an object with a string `type`) is a neighbour. From elsewhere: a packet is
/// counted as ignored; unrelated page traffic is dropped.
fn classify_packet(from: From, data: &JsValue, now: f64) -> Option<Input> {
    let packet = || data.is_object() && js_sys::Reflect::get(data, &JsValue::from_str("type")).is_ok_and(|t| t.is_string());
    match from {
        From::Ours if data.is_object() => {
            let text = js_sys::JSON::stringify(data).ok().and_then(|s| s.as_string());
            Some(match text {
                Some(text) if text.len() <= MAX_MESSAGE_LEN => Input::Message { text, now },
                _ => Input::Ignored,
            })
        }
        From::Ours => Some(Input::Ignored),
        From::Tenant if packet() => Some(Input::Neighbour),
        From::Elsewhere if packet() && js_sys::Reflect::get(data, &JsValue::from_str("uid")).is_ok_and(|u| u.is_string()) => Some(Input::Ignored),
        _ => None,
    }
}

/// Tag of the element that holds our proxy iframe (in a closed shadow root of its own).
pub const CHANNEL_TAG: &str = "bp-call-toolbar-channel";

/// The hidden host's box: off-screen like the SDK's own proxy (not display:none, which some
/// engines throttle), pinned by inline `!important`.
const CHANNEL_STYLE: &[(&str, &str)] = &[
    ("display", "block"),
    ("position", "absolute"),
    ("top", "-1000px"),
    ("left", "-1000px"),
    ("width", "1px"),
    ("height", "1px"),
    ("overflow", "hidden"),
    ("border", "0"),
    ("margin", "0"),
    ("padding", "0"),
];

/// Whether a string is worth counting as a forged desktop message (an untrusted `message`
/// event that does not even claim to be one is somebody else's business, not an attack on us).
fn desktop_like(e: &web_sys::Event) -> bool {
    let Some(m) = e.dyn_ref::<MessageEvent>() else { return false };
    let data = m.data();
    match data.dyn_ref::<js_sys::JsString>() {
        Some(s) => s.includes("\"command\"", 0),
        // A 2.0 packet: an object with a string `type` and `uid`.
        None => data.is_object() && ["type", "uid"].iter().all(|k| js_sys::Reflect::get(&data, &JsValue::from_str(k)).is_ok_and(|v| v.is_string())),
    }
}

/// Our proxy iframe, in a hidden host of its own with a closed shadow root (never the
/// toolbar's: a page that navigates the proxy to a document of its own origin can reach the
/// proxy's root through `frameElement`, and there must be nothing else in it), and the page
/// window's `message` listener.
pub struct DirectChannel {
    tenant: String,
    desktop: Desktop,
    sink: Sink,
    host: Option<web_sys::Element>,
    proxy: Option<HtmlIFrameElement>,
    proxy_window: Rc<RefCell<Option<JsValue>>>,
    _watch: Vec<super::dom::Observer>,
    _load: Option<EventListener>,
    _message: Option<guard::Listener>,
}

impl DirectChannel {
    pub fn new(tenant: &str, desktop: Desktop, sink: Sink) -> Self {
        DirectChannel {
            tenant: tenant.to_string(),
            desktop,
            sink,
            host: None,
            proxy: None,
            proxy_window: Rc::new(RefCell::new(None)),
            _watch: Vec::new(),
            _load: None,
            _message: None,
        }
    }
}

impl Channel for DirectChannel {
    fn open(&mut self) -> WebResult<()> {
        self.close();
        let doc = document()?;
        let (host, root) = super::dom::closed_host(CHANNEL_TAG)?;
        let root: Node = root.into();
        let html: &web_sys::HtmlElement = host.dyn_ref().ok_or(WebError::Missing("channel host"))?;
        for (k, v) in CHANNEL_STYLE {
            html.style().set_property_with_priority(k, v, "important")?;
        }
        host.set_attribute("aria-hidden", "true")?;
        let frame: HtmlIFrameElement = doc.create_element("iframe")?.dyn_into().map_err(|_| WebError::Missing("iframe"))?;
        frame.set_src(&self.desktop.proxy_url(&self.tenant).ok_or(WebError::Missing("a channel for this desktop"))?);
        frame.set_title("Agent Desktop SDK channel");
        frame.set_attribute("tabindex", "-1")?;
        for (k, v) in [("width", "1px"), ("height", "1px"), ("border", "0")] {
            frame.style().set_property(k, v)?;
        }
        let forged: Forged = {
            let sink = self.sink.clone();
            Rc::new(move |_| sink(Input::Forged))
        };
        let (sink, loaded, proxy_window) = (self.sink.clone(), frame.clone(), self.proxy_window.clone());
        let mut loads = 0u32;
        self._load = Some(guard::on(&frame, "load", &forged, move |_| {
            loads += 1;
            // A document we can read is the page's, not the tenant's: the page navigated our
            // proxy (to about:blank, say). Drop it and open a new one (with the channel's backoff).
            let readable = loaded.content_window().and_then(|w| w.location().href().ok());
            if readable.is_some_and(|href| loads > 1 || href != "about:blank") {
                sink(Input::ChannelLost { now: super::now() });
                return;
            }
            // An iframe taken out of the document and put back gets a new window: follow it.
            *proxy_window.borrow_mut() = loaded.content_window().map(JsValue::from);
            sink(Input::ProxyLoaded { now: super::now() })
        }));
        root.append_child(&frame)?;
        doc.document_element().ok_or(WebError::Missing("documentElement"))?.append_child(&host)?;
        *self.proxy_window.borrow_mut() = frame.content_window().map(JsValue::from);
        // Notice when the proxy or its host is taken out of the document, to open a new one.
        let init = web_sys::MutationObserverInit::new();
        init.set_child_list(true);
        for target in [root.clone(), doc.document_element().ok_or(WebError::Missing("documentElement"))?.into()] {
            let (sink, watched) = (self.sink.clone(), frame.clone());
            self._watch.push(super::dom::Observer::new(&target, &init, move || {
                if !watched.is_connected() {
                    sink(Input::ChannelLost { now: super::now() });
                }
            })?);
        }

        let sink = self.sink.clone();
        let tenant = self.tenant.clone();
        let proxy_window = self.proxy_window.clone();
        let forged_message: Forged = {
            let sink = self.sink.clone();
            Rc::new(move |e| {
                if desktop_like(e) {
                    sink(Input::Forged)
                }
            })
        };
        let objects = self.desktop.objects();
        let on_message = move |e: &web_sys::Event| {
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
            if objects {
                if from == From::Ours {
                    // Ours alone: the page's adapter would take it for an answer of its own.
                    e.stop_immediate_propagation();
                }
                if let Some(input) = classify_packet(from, &data, now) {
                    sink(input);
                }
                return;
            }
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
        };
        // 2.0: ahead of the page adapter's listener, which stops every message of the widget's
        // origin, ours included, unless ours stops first.
        let target: web_sys::EventTarget = window()?.into();
        self._message = Some(if objects {
            guard::on_message_first(&target, &forged_message, on_message)
        } else {
            guard::Listener::Plain(guard::on(&target, "message", &forged_message, on_message))
        });
        self.proxy = Some(frame);
        self.host = Some(host);
        Ok(())
    }

    fn post(&self, text: &str) -> WebResult<()> {
        let win = self.proxy.as_ref().and_then(|f| f.content_window()).ok_or(WebError::Missing("proxy window"))?;
        let packet = if self.desktop.objects() { js_sys::JSON::parse(text)? } else { JsValue::from_str(text) };
        win.post_message(&packet, &self.tenant)?;
        Ok(())
    }

    fn close(&mut self) {
        self._watch.clear();
        self._message = None;
        self._load = None;
        *self.proxy_window.borrow_mut() = None;
        self.proxy = None;
        if let Some(h) = self.host.take() {
            h.remove();
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
    desktop: Desktop,
}

impl RelayChannel {
    pub fn new(port: JsValue, tenant: &str, desktop: Desktop) -> Self {
        RelayChannel { port, tenant: tenant.to_string(), desktop }
    }

    fn send(&self, msg: &ToRelay) -> WebResult<()> {
        ext::call(&self.port, "postMessage", &[&ext::json_to_js(&msg.to_json())?])?;
        Ok(())
    }
}

impl Channel for RelayChannel {
    fn open(&mut self) -> WebResult<()> {
        let url = self.desktop.proxy_url(&self.tenant).ok_or(WebError::Missing("a channel for this desktop"))?;
        self.send(&ToRelay::Open { origin: self.tenant.clone(), url })
    }

    fn post(&self, text: &str) -> WebResult<()> {
        self.send(&ToRelay::Post { text: text.to_string() })
    }

    fn close(&mut self) {
        let _ = self.send(&ToRelay::Close);
    }
}
