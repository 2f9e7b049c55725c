//! The one way the content module listens on a page it does not own. A page script can
//! dispatch any event it likes (a `MessageEvent` built by hand, with the `origin` and `source`
//! of its choice; synthetic keys and input) and can call `.click()` on anything it reaches; the
//! browser marks all of those `isTrusted: false`. Only events the browser dispatched itself (real
//! input, a real `postMessage`, a real `load`) reach a handler; the others are reported, so that
//! the toolbar and the health panel can count them, and dropped. No listener in the content
//! module is registered beside these helpers.
//!
//! After a trap ([`super::trap`]) every guarded listener goes quiet: a poisoned module must not
//! act on anything.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_events::EventListener;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Event, EventTarget};

/// Called with each forged event (it decides whether the event is worth counting).
pub type Forged = Rc<dyn Fn(&Event)>;

thread_local! {
    static STOPPED: Cell<bool> = const { Cell::new(false) };
    /// early.js's hook: the frame's first `message` listener (see [`on_message_first`]).
    static EARLY: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// Keeps the hook early.js made at document_start (absent when it did not run in this frame:
/// a copy put into a page that was already open).
pub fn set_early(hook: JsValue) {
    let usable = ["listen", "unlisten"].iter().all(|k| js_sys::Reflect::get(&hook, &JsValue::from_str(k)).is_ok_and(|f| f.is_function()));
    EARLY.with(|e| *e.borrow_mut() = usable.then_some(hook));
}

/// A listener that stays registered while this lives.
pub enum Listener {
    Plain(EventListener),
    First { hook: JsValue, f: Closure<dyn FnMut(Event)> },
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Listener::First { hook, f } = self {
            if let Ok(unlisten) = js_sys::Reflect::get(hook, &JsValue::from_str("unlisten")).and_then(|u| u.dyn_into::<js_sys::Function>()) {
                let _ = unlisten.call1(hook, f.as_ref());
            }
        }
    }
}

/// Listens to the window's `message` events ahead of every page script: through early.js's
/// listener, which the frame registered before the page could register one (a page script
/// that stops a message in its own listener, as Agent Desktop 2.0's page adapter does with
/// every message of the widget's origin, stops it after us). Without the hook, a capture
/// listener on `target` (ahead of the page's listeners only where the browser runs capture
/// listeners first at the target). Trusted events only, as [`on`].
pub fn on_message_first(target: &EventTarget, forged: &Forged, mut f: impl FnMut(&Event) + 'static) -> Listener {
    let Some(hook) = EARLY.with(|e| e.borrow().clone()) else {
        return Listener::Plain(on_capture(target, "message", forged, f));
    };
    let forged = forged.clone();
    let f = Closure::<dyn FnMut(Event)>::new(move |e: Event| {
        if stopped() {
            return;
        }
        if e.is_trusted() {
            f(&e)
        } else {
            forged(&e)
        }
    });
    if let Ok(listen) = js_sys::Reflect::get(&hook, &JsValue::from_str("listen")).and_then(|l| l.dyn_into::<js_sys::Function>()) {
        let _ = listen.call1(&hook, f.as_ref());
    }
    Listener::First { hook, f }
}

/// Silences every guarded listener for good (the module trapped).
pub fn stop() {
    STOPPED.with(|s| s.set(true));
}

/// Whether the module was stopped by a trap.
pub fn stopped() -> bool {
    STOPPED.with(Cell::get)
}

/// Listens to `kind` on `target`: `f` sees trusted events only; each untrusted one calls `forged`.
pub fn on(target: &EventTarget, kind: &'static str, forged: &Forged, f: impl FnMut(&Event) + 'static) -> EventListener {
    on_with(target, kind, forged, gloo_events::EventListenerOptions::default(), f)
}

/// Like [`on`], for a handler that may cancel the event's default action (not passive).
pub fn on_active(target: &EventTarget, kind: &'static str, forged: &Forged, f: impl FnMut(&Event) + 'static) -> EventListener {
    on_with(target, kind, forged, gloo_events::EventListenerOptions::enable_prevent_default(), f)
}

/// Like [`on`], in the capture phase (events that do not bubble, such as a scroller's `scroll`).
pub fn on_capture(target: &EventTarget, kind: &'static str, forged: &Forged, f: impl FnMut(&Event) + 'static) -> EventListener {
    let options = gloo_events::EventListenerOptions { phase: gloo_events::EventListenerPhase::Capture, passive: true };
    on_with(target, kind, forged, options, f)
}

fn on_with(target: &EventTarget, kind: &'static str, forged: &Forged, options: gloo_events::EventListenerOptions, mut f: impl FnMut(&Event) + 'static) -> EventListener {
    let forged = forged.clone();
    EventListener::new_with_options(target, kind, options, move |e| {
        if stopped() {
            return;
        }
        if e.is_trusted() {
            f(e)
        } else {
            forged(e)
        }
    })
}

/// The input a page script would imitate to press or fill the toolbar.
const INPUT_EVENTS: &[&str] = &[
    "click", "dblclick", "auxclick", "mousedown", "mouseup", "pointerdown", "pointerup", "keydown", "keyup", "keypress",
    "beforeinput", "input", "change", "submit",
];

/// Counts forged input aimed at `target`, an element a page script can reach (the shadow
/// host): the toolbar's own controls are out of its reach, so this is where an attempt lands.
/// Real input inside the toolbar bubbles out through the host, trusted, and passes unremarked.
pub fn watch(target: &EventTarget, forged: &Forged) -> Vec<EventListener> {
    INPUT_EVENTS
        .iter()
        .map(|kind| {
            let forged = forged.clone();
            EventListener::new(target, *kind, move |e| {
                if !e.is_trusted() && !stopped() {
                    forged(e)
                }
            })
        })
        .collect()
}
