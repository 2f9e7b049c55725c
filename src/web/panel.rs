//! The side panel (Chromium's `side_panel`, Firefox's `sidebar_action`; one page for both):
//! the desktop tab's toolbar, live, above what the popup shows (the log, the health of the
//! active tab, the trusted tenants). It stays open while the agent moves between tabs, so a
//! call can be finished from whichever tab is in front.
//!
//! It shows only what the background wrote (`storage.session`, [`LIVE_KEY`]) and acts only
//! through the background ([`ToBackground::Desktop`]), which picks the desktop tab itself and
//! presses the control in that tab's toolbar, as a shortcut would: the toolbar there sends the
//! command, logs it and shows its result, which comes back here with its next report. Nothing
//! here ever reaches the tenant.
//!
//! The same section is the mirror toolbar of the agent's other CRM tabs ([`start_mirror`],
//! `mirror.html`, framed by the CRM pages' content script): there it stands alone as a
//! floating card, says so when the desktop tab is gone, and shows nothing in the desktop tab
//! itself. A frame in a web page may not read `storage.session` (Firefox gives it no more
//! than a content script has), so the background sends the mirror the desktop tab's report
//! over a port ([`MIRROR_PORT`]), and only to a frame on a CRM page.

use std::cell::{Cell, RefCell};

use gloo_events::EventListener;
use gloo_timers::callback::{Interval, Timeout};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use super::dom::{append, document, el, set_flag, set_text};
use super::i18n::{ta, tk};
use super::{ext, WebResult};
use crate::core::live::{desktop_of, Live, LIVE_KEY};
use crate::core::messages::ToBackground;
use crate::core::view::format_elapsed;

/// The controls the panel can show, in the toolbar's order: (shortcut command, label key).
const CONTROLS: &[(&str, &str)] = &[
    ("get-state", "btn_get_state"),
    ("terminate", "btn_terminate"),
    ("complete", "btn_complete"),
    ("wrap-up", "btn_wrap_up"),
    ("ready", "btn_ready"),
    ("not-ready", "btn_not_ready"),
    ("recording", "btn_rec_pause"),
];

/// How long a pressed control stays disabled while the desktop tab's toolbar has not reported
/// anything new (its report normally comes within a few milliseconds).
const PRESS_HOLD_MS: u32 = 1_500;

struct Panel {
    /// This is a mirror in a frame of a CRM page, not the side panel.
    mirror: bool,
    section: Element,
    status: Element,
    place: Element,
    item: Element,
    item_line: Element,
    controls: Element,
    acw: Element,
    none: Element,
    notice: Element,
    buttons: Vec<(&'static str, web_sys::HtmlButtonElement)>,
    /// The desktop tab's report as last shown, with its key (`None`: there is none).
    shown: Option<Live>,
    key: String,
    /// A control pressed here whose effect has not been reported yet: it stays disabled.
    pressed: Option<&'static str>,
    _release: Option<Timeout>,
    _ticker: Option<Interval>,
    _listeners: Vec<EventListener>,
    _storage: Vec<ext::ApiListener>,
}

thread_local! {
    static PANEL: RefCell<Option<Panel>> = const { RefCell::new(None) };
}

/// Entry point of `sidepanel.html`: the live toolbar, then the popup's sections below it.
#[wasm_bindgen]
pub fn start_panel(api: JsValue) -> Result<(), JsValue> {
    ext::set_api(api.clone());
    let doc = document()?;
    if let Some(body) = doc.body() {
        let _ = body.class_list().add_1("panel");
    }
    build(&doc, false)?;
    super::popup::start_popup(api)
}

/// The name of the port a mirror opens to the background, before `:` and its frame's token
/// (the fragment of its URL, put there by the CRM pages' script).
pub const MIRROR_PORT: &str = "mirror";

/// How long the mirror's card must have been in full view, unobscured and untouched by the
/// page's effects, before a press counts (where the browser can tell: Chromium's
/// `IntersectionObserver` with `trackVisibility`): a page cannot slide the card under the
/// agent's pointer, or a decoy over it, and have the click land.
const MIRROR_VISIBLE_MS: f64 = 500.0;

/// What the background sends a mirror over its port, on connection and on every change: the
/// desktop tab's report and its key (`None`: no desktop tab), whether that tab is the mirror's
/// own, the origin of the mirror's page (the only one told the card's height), and whether the
/// background refused this frame (not framed by the CRM pages' script of a CRM page).
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub struct MirrorUpdate {
    pub key: Option<String>,
    pub live: Option<Live>,
    #[serde(default)]
    pub own: bool,
    #[serde(default)]
    pub origin: String,
    /// The mirror's page is not on the CRM list now (the settings changed): nothing shown.
    #[serde(default)]
    pub off: bool,
    #[serde(default)]
    pub refused: bool,
}

thread_local! {
    /// The mirror's port and its listeners, replaced when it connects again.
    static PORT: RefCell<Option<(JsValue, Vec<Closure<dyn FnMut(JsValue)>>)>> = const { RefCell::new(None) };
    /// The mirror's token (its URL's fragment) and its page's origin (from the background).
    static MIRROR: RefCell<(String, String)> = const { RefCell::new((String::new(), String::new())) };
    /// Whether the browser tells the card's visibility, and since when it has been in full view.
    static VISIBLE: Cell<(bool, Option<f64>)> = const { Cell::new((false, None)) };
    static OBSERVER: RefCell<Option<(web_sys::IntersectionObserver, Closure<dyn FnMut(js_sys::Array)>)>> = const { RefCell::new(None) };
    /// The reconnection due after the port was lost.
    static RECONNECT: RefCell<Option<Timeout>> = const { RefCell::new(None) };
}

/// Entry point of `mirror.html`: the live toolbar alone, in a frame of a CRM page (hidden
/// while that tab is the desktop tab itself), fed by the background over a port. It shows
/// nothing until the background has confirmed it, and connects only as a frame of a top
/// page (a frame in a frame of the page is some other site's) with a token.
#[wasm_bindgen]
pub fn start_mirror(api: JsValue) -> Result<(), JsValue> {
    ext::set_api(api);
    let doc = document()?;
    build(&doc, true)?;
    show_desktop(None, true);
    let win = web_sys::window().ok_or(super::WebError::Missing("window"))?;
    let top_child = match (win.parent(), win.top()) {
        (Ok(Some(parent)), Ok(Some(top))) => js_sys::Object::is(&parent, &top) && !js_sys::Object::is(&parent, &win),
        _ => false,
    };
    let token = win.location().hash().unwrap_or_default().trim_start_matches('#').to_string();
    if top_child && crate::core::messages::valid_token(&token) {
        MIRROR.with(|m| m.borrow_mut().0 = token);
        watch_visibility();
        connect();
    }
    if let Some(body) = doc.body() {
        let _ = body.set_attribute("data-ready", "true");
    }
    Ok(())
}

/// Watches whether the card is in full view (Chromium: `trackVisibility`; elsewhere the
/// entries say nothing of it, and presses are not held back).
fn watch_visibility() {
    let Some(section) = PANEL.with(|p| p.borrow().as_ref().map(|p| p.section.clone())) else { return };
    let seen = Closure::<dyn FnMut(js_sys::Array)>::new(|entries: js_sys::Array| {
        for entry in entries.iter() {
            let Some(visible) = js_sys::Reflect::get(&entry, &JsValue::from_str("isVisible")).ok().and_then(|v| v.as_bool()) else { continue };
            // Clipped by its own frame (grown before the frame is: the page is told its new
            // height after), or by a window too short for it: not covered, as it was.
            let ratio = js_sys::Reflect::get(&entry, &JsValue::from_str("intersectionRatio")).ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
            if !visible && ratio > 0.0 && ratio < 1.0 {
                continue;
            }
            let (_, since) = VISIBLE.with(Cell::get);
            VISIBLE.with(|v| v.set((true, if visible { since.or(Some(super::now())) } else { None })));
        }
    });
    let init = web_sys::IntersectionObserverInit::new();
    init.set_threshold(&js_sys::Array::of2(&JsValue::from_f64(0.0), &JsValue::from_f64(1.0)));
    let _ = js_sys::Reflect::set(&init, &JsValue::from_str("trackVisibility"), &JsValue::TRUE);
    let _ = js_sys::Reflect::set(&init, &JsValue::from_str("delay"), &JsValue::from_f64(100.0));
    match web_sys::IntersectionObserver::new_with_options(seen.as_ref().unchecked_ref(), &init) {
        Ok(observer) => {
            observer.observe(&section);
            OBSERVER.with(|o| *o.borrow_mut() = Some((observer, seen)));
        }
        Err(e) => super::warn("mirror visibility", &super::WebError::from(e)),
    }
}

/// Whether a press in the mirror may count now: the card has been in full view long enough,
/// or the browser cannot tell.
fn in_view() -> bool {
    match VISIBLE.with(Cell::get) {
        (false, _) => true,
        (true, since) => since.is_some_and(|t| super::now() - t >= MIRROR_VISIBLE_MS),
    }
}

/// Opens the port to the background (again after the background was stopped or restarted: the
/// browser then closes the port, and connecting wakes it).
fn connect() {
    let result: WebResult<()> = (|| {
        let runtime = ext::path(&["runtime"])?;
        let token = MIRROR.with(|m| m.borrow().0.clone());
        let options = ext::to_js(&serde_json::json!({ "name": format!("{MIRROR_PORT}:{token}") }))?;
        let port = ext::call(&runtime, "connect", &[&options])?;
        let on_message = Closure::<dyn FnMut(JsValue)>::new(|msg: JsValue| {
            let Ok(update) = ext::from_js::<MirrorUpdate>(&msg) else { return };
            if update.refused {
                // Not a CRM page: nothing to show, and no port to keep.
                PORT.with(|p| *p.borrow_mut() = None);
                show_desktop(None, true);
                return;
            }
            MIRROR.with(|m| m.borrow_mut().1 = update.origin);
            show_desktop(update.key.zip(update.live), update.own || update.off);
        });
        let on_disconnect = Closure::<dyn FnMut(JsValue)>::new(|_| {
            let ours = PORT.with(|p| p.borrow_mut().take()).is_some();
            // The extension gone (reloaded, removed): its page is too, nothing to reconnect to.
            if ours && ext::context_alive() {
                RECONNECT.with(|r| *r.borrow_mut() = Some(Timeout::new(100, connect)));
            }
        });
        for (event, f) in [("onMessage", &on_message), ("onDisconnect", &on_disconnect)] {
            let target = js_sys::Reflect::get(&port, &JsValue::from_str(event))?;
            ext::call(&target, "addListener", &[f.as_ref()])?;
        }
        PORT.with(|p| *p.borrow_mut() = Some((port, vec![on_message, on_disconnect])));
        Ok(())
    })();
    if let Err(e) = result {
        super::warn("mirror", &e);
    }
}

fn build(doc: &Document, mirror: bool) -> WebResult<()> {
    let section = doc.get_element_by_id("live").ok_or(super::WebError::Missing("#live"))?;
    let head = el(doc, "div", &[("class", "section-head")], "")?;
    let title = el(doc, "h2", &[("id", "live-title")], &tk(if mirror { "toolbar_title" } else { "live_title" }))?;
    let status = el(doc, "span", &[("class", "pill"), ("aria-label", &tk("status_label")), ("aria-live", "polite"), ("aria-atomic", "true")], "")?;
    append(&head, &[&title, &status])?;
    let none = el(doc, "p", &[("class", "note")], &tk(if mirror { "mirror_none" } else { "live_none" }))?;
    let place = el(doc, "p", &[("class", "where")], "")?;
    let item_line = el(doc, "p", &[("class", "item-line")], "")?;
    let item_label = el(doc, "label", &[("for", "live-item")], &tk("item_label"))?;
    // Read-only text the agent can select and copy, as in the toolbar.
    let item = el(doc, "input", &[("id", "live-item"), ("class", "item"), ("readonly", ""), ("autocomplete", "off"), ("spellcheck", "false")], "")?;
    append(&item_line, &[&item_label, &item])?;
    let acw = el(doc, "p", &[("class", "acw"), ("role", "timer"), ("aria-label", &tk("acw_timer_label")), ("hidden", "")], "")?;
    let controls = el(doc, "div", &[("class", "controls"), ("role", "group"), ("aria-labelledby", "live-title")], "")?;
    let mut buttons = Vec::new();
    let mut listeners = Vec::new();
    for (command, key) in CONTROLS {
        let b: web_sys::HtmlButtonElement = super::dom::el_as(doc, "button", &[("type", "button"), ("hidden", "")], &tk(key))?;
        controls.append_child(&b)?;
        let command: &'static str = command;
        listeners.push(EventListener::new(&b, "click", move |e| {
            // An extension page: only the agent's own input reaches it, but a click that the
            // browser did not dispatch is still no press.
            if e.is_trusted() {
                press(command);
            }
        }));
        buttons.push((command, b));
    }
    let notice = el(doc, "p", &[("class", "notice"), ("role", "status")], "")?;
    append(&section, &[&head, &none, &place, &item_line, &acw, &controls, &notice])?;
    // The side panel reads the reports itself (the first reading and every change come after
    // `render` below); a mirror is sent them.
    let storage = if mirror { Vec::new() } else { vec![ext::follow_session(LIVE_KEY, show)?] };
    PANEL.with(|p| {
        *p.borrow_mut() = Some(Panel {
            mirror,
            section: section.clone(),
            status,
            place,
            item,
            item_line: item_line.clone(),
            controls: controls.clone(),
            acw,
            none,
            notice,
            buttons,
            shown: None,
            key: String::new(),
            pressed: None,
            _release: None,
            _ticker: None,
            _listeners: listeners,
            _storage: storage,
        })
    });
    render();
    Ok(())
}

/// The reports as the background stored them: the desktop tab's is shown.
fn show(reports: &JsValue) {
    let all: std::collections::BTreeMap<String, Live> = ext::from_js(reports).unwrap_or_default();
    let desktop = desktop_of(all.iter().map(|(k, v)| (k.as_str(), v))).map(|(tab, frame, l)| (crate::core::health::report_key(tab, frame), l.clone()));
    show_desktop(desktop, false);
}

/// Shows the desktop tab's report (its key and report; `None`: there is none), or nothing at
/// all when `hidden` (a mirror in the desktop tab itself, or refused).
fn show_desktop(desktop: Option<(String, Live)>, hidden: bool) {
    PANEL.with(|p| {
        if let Some(p) = p.borrow_mut().as_mut() {
            // A press is answered when its own control changes (or another desktop shows): a
            // report that changed only elsewhere leaves it pending.
            let control = |l: Option<&Live>, c: &str| l.and_then(|l| l.control(c)).cloned();
            if let Some(c) = p.pressed {
                let other = desktop.as_ref().map(|(k, _)| k.as_str()) != Some(p.key.as_str());
                if other || control(p.shown.as_ref(), c) != control(desktop.as_ref().map(|(_, l)| l), c) {
                    p.pressed = None;
                    p._release = None;
                }
            }
            (p.key, p.shown) = match desktop {
                Some((k, l)) => (k, Some(l)),
                None => (String::new(), None),
            };
            set_flag(&p.section, "hidden", hidden);
        }
    });
    render();
}

/// Asks the background to press `command` in the desktop tab's toolbar.
fn press(command: &'static str) {
    let Some((key, item_id)) = PANEL.with(|p| {
        let mut guard = p.borrow_mut();
        let p = guard.as_mut()?;
        // One press at a time per control: a double click sends one.
        if p.pressed == Some(command) {
            return None;
        }
        if p.mirror && !in_view() {
            // Covered by the page, altered, or only just shown: the click was not the agent's
            // look at this card. Said so, and nothing is sent.
            set_text(&p.notice, &tk("mirror_covered"));
            let _ = p.notice.set_attribute("data-kind", "error");
            return None;
        }
        let shown = p.shown.as_ref()?;
        Some((p.key.clone(), shown.item_id.clone()))
    }) else {
        fit_frame();
        return;
    };
    PANEL.with(|p| {
        if let Some(p) = p.borrow_mut().as_mut() {
            p.pressed = Some(command);
            p._release = Some(Timeout::new(PRESS_HOLD_MS, || {
                PANEL.with(|p| {
                    if let Some(p) = p.borrow_mut().as_mut() {
                        p.pressed = None;
                    }
                });
                render();
            }));
        }
    });
    render();
    wasm_bindgen_futures::spawn_local(async move {
        let taken = match ext::to_js(&ToBackground::Desktop { command: command.to_string(), key, item_id }) {
            Ok(msg) => ext::send_to_background(&msg).await.ok().and_then(|r| js_sys::Reflect::get(&r, &JsValue::from_str("ok")).ok()).and_then(|v| v.as_bool()),
            Err(_) => None,
        };
        if taken != Some(true) {
            PANEL.with(|p| {
                if let Some(p) = p.borrow_mut().as_mut() {
                    p.pressed = None;
                    set_text(&p.notice, &tk("live_unreachable"));
                    let _ = p.notice.set_attribute("data-kind", "error");
                }
            });
            render_controls();
            fit_frame();
        }
    });
}

fn render() {
    PANEL.with(|p| {
        let mut guard = p.borrow_mut();
        let Some(p) = guard.as_mut() else { return };
        let live = p.shown.clone();
        set_flag(&p.none, "hidden", live.is_some());
        set_flag(&p.place, "hidden", live.is_none());
        set_flag(&p.item_line, "hidden", live.is_none());
        set_flag(&p.controls, "hidden", live.is_none());
        match &live {
            Some(l) => {
                set_text(&p.status, &l.status);
                let _ = p.status.set_attribute("data-key", &l.status_key);
                set_text(&p.place, &if l.agent_id.is_empty() { l.page.clone() } else { ta("live_where", &[&l.page, &l.agent_id]) });
                set_value(&p.item, &l.item_id);
                match &l.notice {
                    Some((kind, text)) => {
                        set_text(&p.notice, text);
                        let _ = p.notice.set_attribute("data-kind", kind);
                    }
                    None => set_text(&p.notice, ""),
                }
            }
            None => {
                set_text(&p.status, &tk("live_no_desktop"));
                let _ = p.status.set_attribute("data-key", "none");
                set_value(&p.item, "");
                set_text(&p.notice, "");
            }
        }
        // The after-call-work timer ticks here, from the time the toolbar reported.
        let acw = live.as_ref().and_then(|l| l.acw_since);
        match (acw.is_some(), p._ticker.is_some()) {
            (true, false) => p._ticker = Some(Interval::new(1_000, render_timer)),
            (false, true) => p._ticker = None,
            _ => {}
        }
    });
    render_timer();
    render_controls();
    fit_frame();
}

/// A mirror tells the page's content script how tall its card is (0 while hidden), so that
/// its frame is exactly that tall: a message to the parent window, which checks it came from
/// this frame.
fn fit_frame() {
    let section = PANEL.with(|p| p.borrow().as_ref().filter(|p| p.mirror).map(|p| p.section.clone()));
    let Some(section) = section else { return };
    let Some(win) = web_sys::window() else { return };
    let height = if section.has_attribute("hidden") { 0.0 } else { section.get_bounding_client_rect().height().ceil() };
    let msg = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&msg, &JsValue::from_str("bpMirrorHeight"), &JsValue::from_f64(height));
    // Only to the page the background named (until then, nothing is shown: nothing to tell).
    let origin = MIRROR.with(|m| m.borrow().1.clone());
    if origin.is_empty() {
        return;
    }
    if let Ok(Some(parent)) = win.parent() {
        let _ = parent.post_message(&msg, &origin);
    }
}

fn set_value(e: &Element, v: &str) {
    if let Some(input) = e.dyn_ref::<web_sys::HtmlInputElement>() {
        if input.value() != v {
            input.set_value(v);
        }
    }
}

fn render_timer() {
    PANEL.with(|p| {
        let guard = p.borrow();
        let Some(p) = guard.as_ref() else { return };
        let since = p.shown.as_ref().and_then(|l| l.acw_since);
        set_flag(&p.acw, "hidden", since.is_none());
        if let Some(since) = since {
            set_text(&p.acw, &ta("live_acw", &[&format_elapsed(super::now() - since as f64)]));
        }
    });
}

fn render_controls() {
    PANEL.with(|p| {
        let guard = p.borrow();
        let Some(p) = guard.as_ref() else { return };
        for (command, b) in &p.buttons {
            let control = p.shown.as_ref().and_then(|l| l.control(command));
            b.set_hidden(control.is_none());
            let Some(c) = control else { continue };
            // A control pressed here waits for its answer: it says so, and keeps the focus (a
            // disabled button would drop it), while a second press does nothing.
            let waiting = p.pressed == Some(*command);
            b.set_disabled(!c.enabled);
            if waiting {
                let _ = b.set_attribute("aria-disabled", "true");
            } else {
                let _ = b.remove_attribute("aria-disabled");
            }
            set_flag(b, "data-primary", c.primary);
            let _ = b.set_attribute("aria-busy", if c.busy || waiting { "true" } else { "false" });
            match c.pressed {
                Some(on) => {
                    let _ = b.set_attribute("aria-pressed", if on { "true" } else { "false" });
                }
                None => {
                    let _ = b.remove_attribute("aria-pressed");
                }
            }
            if *command == "not-ready" {
                set_text(b, &tk(if c.pressed.is_some() { "btn_not_ready_after_call" } else { "btn_not_ready" }));
            }
        }
    });
}
