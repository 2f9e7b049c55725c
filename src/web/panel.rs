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

use std::cell::RefCell;

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
    build(&doc)?;
    super::popup::start_popup(api)
}

fn build(doc: &Document) -> WebResult<()> {
    let section = doc.get_element_by_id("live").ok_or(super::WebError::Missing("#live"))?;
    let head = el(doc, "div", &[("class", "section-head")], "")?;
    let title = el(doc, "h2", &[("id", "live-title")], &tk("live_title"))?;
    let status = el(doc, "span", &[("class", "pill"), ("aria-label", &tk("status_label")), ("aria-live", "polite"), ("aria-atomic", "true")], "")?;
    append(&head, &[&title, &status])?;
    let none = el(doc, "p", &[("class", "note")], &tk("live_none"))?;
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
    let storage = vec![ext::on_area_change("session", LIVE_KEY, |v| show(&v))?];
    PANEL.with(|p| {
        *p.borrow_mut() = Some(Panel {
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
    wasm_bindgen_futures::spawn_local(async {
        if let Ok(Some(v)) = ext::session_get(LIVE_KEY).await {
            show(&v);
        }
    });
    Ok(())
}

/// The reports as the background stored them: the desktop tab's is shown.
fn show(reports: &JsValue) {
    let all: std::collections::BTreeMap<String, Live> = ext::from_js(reports).unwrap_or_default();
    let desktop = desktop_of(all.iter().map(|(k, v)| (k.as_str(), v))).map(|(tab, frame, l)| (crate::core::health::report_key(tab, frame), l.clone()));
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
        let shown = p.shown.as_ref()?;
        Some((p.key.clone(), shown.item_id.clone()))
    }) else {
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
