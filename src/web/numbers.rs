//! Click-to-dial on the page that hosts the toolbar: phone numbers in its text and its `tel:` /
//! `callto:` links get a small Call control beside them while the pointer is over them or they
//! have focus. Nothing of the page is changed: the control lives in a closed shadow host of its
//! own, laid over the page next to the number (the page's text, layout and DOM stay as they
//! were, so a CRM's own framework never finds a node it did not make).
//!
//! The page is never read as a whole: a number is found where the agent is, in the element
//! the pointer enters (its own text nodes, a handful) or the element a Tab focused (a short
//! text), by the core's finder (`core::scan`) under the dial rules in force. A CRM list of
//! 10,000 text nodes costs nothing when it loads or re-renders; reading one element costs
//! microseconds. A mutation observer runs only while a control is up or the pointer rests on
//! numbers: a change that removes or edits the text a control was made for takes the control
//! away, so that it never offers a number the page no longer shows. Nothing runs on a timer.
//!
//! Keyboard: when the agent tabs to a focusable element that holds a number (a link, a cell
//! with `tabindex`), the control appears beside it and Tab moves into it; Tab or Shift+Tab from
//! it goes back to the page's order, Escape closes it.
//!
//! Against a page that wants the agent to dial its number: only trusted input counts; focus a
//! page script moves shows nothing (only focus a real Tab moved does); the control names the
//! number it dials; a pointer click within a moment of the control appearing is not counted;
//! and a page that restyles, hides or un-layers the control's host makes it disappear.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, MutationObserverInit, MutationRecord, Node};

use super::channel::Sink;
use super::guard::{self, Forged};
use super::i18n::{ta, tk};
use super::WebResult;
use crate::core::phone::DialRules;
use crate::core::scan;
use crate::core::session::Input;

/// Tag of the element that hosts the control's shadow root.
pub const DIAL_TAG: &str = "bp-call-dial";
/// The longest text of a focused element whose number is offered: a number is most of it (a
/// focused page region, as a single-page app focuses its main area, offers none).
const FOCUS_TEXT: usize = 40;
/// The most child nodes of the element under the pointer read for numbers.
const HOVER_NODES: usize = 16;
/// How long the control stays after the pointer left the number (time to reach it).
const LINGER_MS: u32 = 400;
/// Links that dial.
const LINKS: &str = "a[href^='tel:' i],a[href^='callto:' i]";

const STYLE: &str = r#"
:host { all: initial; }
button { all: initial; box-sizing: border-box; display: inline-flex; align-items: center; gap: 4px; max-width: 280px;
  font: 600 12px/1.2 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; padding: 3px 9px 3px 7px;
  border-radius: 999px; border: 1px solid #1f5fd1; background: #1f5fd1; color: #fff; cursor: pointer;
  box-shadow: 0 2px 8px rgba(15, 23, 42, .25); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
button:hover { background: #174bb0; }
button:focus-visible { outline: 2px solid #1f5fd1; outline-offset: 2px; }
button[aria-disabled=true] { background: #fff6e8; border-color: #c77700; color: #6b3a00; cursor: not-allowed; white-space: normal; }
@media (prefers-color-scheme: dark) {
  button[aria-disabled=true] { background: #3a2a12; border-color: #ffc27a; color: #ffe2bd; }
}
"#;

/// The control's box: pinned like the toolbar's host (inline `!important`, with the same
/// properties a page could hide it by, `content::UNHIDDEN`), hidden until needed.
const HOST_STYLE: &[(&str, &str)] = &[
    ("position", "fixed"),
    ("z-index", "2147483647"),
    ("margin", "0"),
    ("padding", "0"),
    ("border", "0"),
    ("width", "auto"),
    ("height", "auto"),
    ("inset", "auto"),
    ("background", "transparent"),
    ("overflow", "visible"),
    ("opacity", "1"),
    ("transform", "none"),
    ("filter", "none"),
    ("visibility", "visible"),
    ("pointer-events", "auto"),
];
/// A click this soon after the control appeared (or moved) is not counted: it was aimed at
/// what was there before, or the page brought the control under the pointer.
const CLICK_DELAY_MS: f64 = 350.0;
/// Focus shows the control only this soon after a real Tab: focus that a page script moved
/// (`element.focus()` fires trusted focus events) shows nothing.
const TAB_FOCUS_MS: f64 = 600.0;

/// What the control is shown for.
struct Target {
    number: String,
    /// The focused element it belongs to (keyboard), if it was focus that showed it.
    owner: Option<Element>,
    /// What the number was read from (its text node, or the link): when the page removes or
    /// edits it, the control goes.
    source: Node,
}

struct State {
    /// This state, for the timers it starts.
    me: Weak<RefCell<State>>,
    doc: Document,
    host: Element,
    button: HtmlElement,
    sink: Option<Sink>,
    rules: DialRules,
    /// Why a dial cannot be placed now (a message key), or `None` when it can; `Some("")`
    /// while the tenant is not trusted (no control at all).
    block: Option<&'static str>,
    /// The element under the pointer, and its numbers with their boxes (left, top, right,
    /// bottom) and their text nodes.
    hovered: Option<Element>,
    hover: Vec<(String, [f64; 4], Node)>,
    shown: Option<Target>,
    /// When the control last appeared or moved (`clock`).
    shown_at: f64,
    /// When the agent last pressed Tab in the page (`clock`).
    last_tab: f64,
    /// The host's style attribute as we last wrote it: any other is the page's, and hides it.
    style: String,
    linger: Option<Timeout>,
    /// Watches the page while a control is up or numbers are under the pointer (`watch`).
    observer: Option<web_sys::MutationObserver>,
    watching: bool,
}

/// The page's numbers and the control, for one mounted toolbar. Dropping it removes the
/// control and stops watching.
pub struct PageNumbers {
    state: Rc<RefCell<State>>,
    _observer: Option<Closure<dyn FnMut(Array, web_sys::MutationObserver)>>,
    _guard: Option<super::dom::Observer>,
    _listeners: Vec<EventListener>,
}

/// What the toolbar's host keeps to tell the control about each render.
#[derive(Clone)]
pub struct Handle(Weak<RefCell<State>>);

impl Drop for PageNumbers {
    fn drop(&mut self) {
        let s = self.state.borrow();
        if let Some(o) = &s.observer {
            o.disconnect();
        }
        s.host.remove();
    }
}

impl PageNumbers {
    /// Makes the control (hidden) in `doc`; nothing is listened to until [`PageNumbers::start`].
    pub fn new(doc: &Document) -> WebResult<PageNumbers> {
        let (host, root) = super::dom::closed_host(DIAL_TAG)?;
        let html: &HtmlElement = host.unchecked_ref();
        for (k, v) in HOST_STYLE.iter().chain(super::content::UNHIDDEN).copied().chain([("display", "none")]) {
            html.style().set_property_with_priority(k, v, "important")?;
        }
        let style = super::dom::el(doc, "style", &[], STYLE)?;
        let button: HtmlElement = super::dom::el_as(doc, "button", &[("type", "button")], "")?;
        super::dom::append(&root.into(), &[&style, &button])?;
        let state = |me: &Weak<RefCell<State>>| State {
            me: me.clone(),
            doc: doc.clone(),
            host,
            button,
            sink: None,
            rules: DialRules::default(),
            block: Some(""),
            hovered: None,
            hover: Vec::new(),
            shown: None,
            shown_at: 0.0,
            last_tab: -TAB_FOCUS_MS,
            style: String::new(),
            linger: None,
            observer: None,
            watching: false,
        };
        let state = Rc::new_cyclic(|me| RefCell::new(state(me)));
        let style = state.borrow().host.get_attribute("style").unwrap_or_default();
        state.borrow_mut().style = style;
        Ok(PageNumbers { state, _observer: None, _guard: None, _listeners: Vec::new() })
    }

    pub fn handle(&self) -> Handle {
        Handle(Rc::downgrade(&self.state))
    }

    /// Listens for the pointer and focus, and finds numbers under `rules`. Dials go to `sink`.
    pub fn start(&mut self, sink: Sink, rules: DialRules) -> WebResult<()> {
        let doc = {
            let mut s = self.state.borrow_mut();
            s.sink = Some(sink);
            s.rules = rules;
            s.doc.clone()
        };
        let root = doc.document_element().ok_or(super::WebError::Missing("documentElement"))?;
        root.append_child(&self.state.borrow().host)?;
        if let Ok(f) = js_sys::Reflect::get(&self.state.borrow().host, &JsValue::from_str("showPopover")).and_then(|f| f.dyn_into::<js_sys::Function>()) {
            let host = self.state.borrow().host.clone();
            if host.set_attribute("popover", "manual").is_ok() {
                let _ = f.call0(&host);
            }
        }
        // Mutations, while a control is up or numbers are under the pointer (`watch`).
        let weak = Rc::downgrade(&self.state);
        let callback = Closure::<dyn FnMut(Array, web_sys::MutationObserver)>::new(move |records: Array, _| {
            if let Some(state) = weak.upgrade() {
                if !guard::stopped() {
                    changed(&state, &records);
                }
            }
        });
        self.state.borrow_mut().observer = Some(web_sys::MutationObserver::new(callback.as_ref().unchecked_ref())?);
        self._observer = Some(callback);
        // The page restyling, hiding or un-layering our host (to make the control invisible
        // or move it under the agent's pointer): the control goes, our style comes back.
        let ginit = MutationObserverInit::new();
        ginit.set_attributes(true);
        let w = Rc::downgrade(&self.state);
        let host: Node = self.state.borrow().host.clone().into();
        self._guard = Some(super::dom::Observer::new(&host, &ginit, move || {
            with(&w, |s| {
                let tampered = s.host.get_attribute("style").unwrap_or_default() != s.style || s.host.has_attribute("hidden") || s.host.has_attribute("inert");
                if tampered {
                    let _ = s.host.remove_attribute("hidden");
                    let _ = s.host.remove_attribute("inert");
                    hide(s);
                }
            })
        })?);
        self._listeners = listen(&self.state, &doc);
        Ok(())
    }
}

impl Handle {
    /// After each render: whether and why a dial can be placed, and the dial rules in force.
    pub fn update(&self, block: Option<&'static str>, rules: &DialRules) {
        let Some(state) = self.0.upgrade() else { return };
        let Ok(mut s) = state.try_borrow_mut() else { return };
        if s.block != block {
            s.block = block;
            // Not trusted (any more): no control at all.
            if block == Some("") {
                hide(&mut s);
            } else {
                label(&s);
            }
        }
        if s.rules != *rules {
            // Other rules find other numbers: what was read under the old ones goes.
            s.rules = rules.clone();
            s.hover.clear();
            hide(&mut s);
        }
    }
}

/// A batch of mutations while a control is up or numbers are under the pointer: the numbers
/// read from text that left the page or changed are dropped, and a control made for such text
/// goes (the page re-rendered its list under it: what it offered may no longer be shown).
fn changed(state: &Rc<RefCell<State>>, records: &Array) {
    let Ok(mut s) = state.try_borrow_mut() else { return };
    let started = clock();
    let edited: Vec<Node> = records
        .iter()
        .map(|r| r.unchecked_into::<MutationRecord>())
        .filter(|r| r.type_() == "characterData")
        .filter_map(|r| r.target())
        .collect();
    let gone = |n: &Node| !n.is_connected() || edited.contains(n);
    let before = s.hover.len();
    s.hover.retain(|(_, _, n)| !gone(n));
    let reread = s.hover.len() < before;
    let stale = s.shown.as_ref().is_some_and(|t| gone(&t.source) || t.owner.as_ref().is_some_and(|o| !o.is_connected()));
    if stale {
        hide(&mut s);
    }
    // The text under the resting pointer changed: it is read again (an element the page
    // replaced is read when the pointer, moving, enters its successor).
    if reread && s.hovered.as_ref().is_some_and(|h| h.is_connected()) {
        read_hovered(&mut s);
    }
    watch(&mut s);
    // The batch's size and the microseconds it took, on the control's host (the benchmark
    // reads them; no page data in them).
    let took = format!("{} {}", records.length(), ((clock() - started) * 1000.0) as u64);
    let _ = s.host.set_attribute("data-scan", &took);
}

/// Watches the page (child lists and text, everywhere) only while there is something a change
/// could make stale: a control shown, or numbers under the pointer.
fn watch(s: &mut State) {
    let wanted = s.shown.is_some() || !s.hover.is_empty();
    if wanted == s.watching {
        return;
    }
    let Some(observer) = &s.observer else { return };
    if wanted {
        let init = MutationObserverInit::new();
        init.set_child_list(true);
        init.set_subtree(true);
        init.set_character_data(true);
        s.watching = observer.observe_with_options(&s.doc, &init).is_ok();
    } else {
        // What was queued is of no interest now.
        observer.take_records();
        observer.disconnect();
        s.watching = false;
    }
}

/// A clock finer than `Date.now()`'s millisecond, for the scan figures.
fn clock() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

fn listen(state: &Rc<RefCell<State>>, doc: &Document) -> Vec<EventListener> {
    // Forged pointer and focus events are simply not acted on: page libraries dispatch such
    // events for their own reasons.
    let quiet: Forged = Rc::new(|_| {});
    let target: &web_sys::EventTarget = doc.unchecked_ref();
    let mut out = Vec::new();
    let w = Rc::downgrade(state);
    out.push(guard::on(target, "pointerover", &quiet, move |e| with(&w, |s| over(s, e))));
    let w = Rc::downgrade(state);
    out.push(guard::on(target, "pointermove", &quiet, move |e| with(&w, |s| moved(s, e))));
    let w = Rc::downgrade(state);
    out.push(guard::on(target, "focusin", &quiet, move |e| with(&w, |s| focused(s, e))));
    let w = Rc::downgrade(state);
    out.push(guard::on_active(target, "keydown", &quiet, move |e| with(&w, |s| page_key(s, e))));
    // The page scrolled (any of its scrollers) or resized: the control's place is stale.
    let w = Rc::downgrade(state);
    out.push(guard::on_capture(target, "scroll", &quiet, move |_| {
        with(&w, |s| {
            // The boxes measured for the element under the pointer are stale too.
            s.hover.clear();
            hide(s)
        })
    }));
    let button: web_sys::EventTarget = state.borrow().button.clone().into();
    let button = &button;
    let w = Rc::downgrade(state);
    out.push(guard::on(button, "click", &quiet, move |e| dial(&w, e)));
    let w = Rc::downgrade(state);
    out.push(guard::on_active(button, "keydown", &quiet, move |e| with(&w, |s| control_key(s, e))));
    let w = Rc::downgrade(state);
    out.push(guard::on(button, "focusout", &quiet, move |_| {
        with(&w, |s| {
            if s.shown.as_ref().is_some_and(|t| t.owner.is_some()) && s.hover.is_empty() {
                linger(s, &w)
            }
        })
    }));
    out
}

fn with(weak: &Weak<RefCell<State>>, f: impl FnOnce(&mut State)) {
    if let Some(state) = weak.upgrade() {
        if let Ok(mut s) = state.try_borrow_mut() {
            f(&mut s);
        }
    }
}

/// The page element a pointer or focus event is about, when the control is offered at all; the
/// control's own host keeps it up (the agent reached it) and is no page element.
fn page_target(s: &mut State, e: &web_sys::Event) -> Option<Element> {
    if s.block == Some("") {
        return None;
    }
    let el = e.target().and_then(|t| t.dyn_into::<Element>().ok())?;
    if el == s.host {
        s.linger = None;
        return None;
    }
    Some(el)
}

/// The pointer entered an element: a dialling link, or an element whose text holds numbers
/// (their boxes are measured now, once, for the moves that follow).
fn over(s: &mut State, e: &web_sys::Event) {
    let Some(el) = page_target(s, e) else { return };
    s.hovered = Some(el);
    read_hovered(s);
    watch(s);
}

/// Reads the numbers of the element under the pointer (`hovered`).
fn read_hovered(s: &mut State) {
    s.hover.clear();
    let Some(el) = s.hovered.clone() else { return };
    // Text the agent is editing (a note, a rich-text field) is not offered for dialling.
    if el.dyn_ref::<HtmlElement>().is_some_and(HtmlElement::is_content_editable) {
        return;
    }
    if let Some(link) = el.closest(LINKS).ok().flatten() {
        if let Some(number) = link.get_attribute("href").as_deref().and_then(scan::link_number) {
            let r = link.get_bounding_client_rect();
            show(s, number, None, [r.left(), r.top(), r.right(), r.bottom()], link.into());
            return;
        }
    }
    // The element's own text, read now: a handful of nodes.
    let mut child = el.first_child();
    for _ in 0..HOVER_NODES {
        let Some(c) = child else { break };
        if c.node_type() == Node::TEXT_NODE {
            let data = c.text_content().unwrap_or_default();
            if scan::may_hold(&data) {
                for f in scan::numbers(&data, &s.rules) {
                    for b in boxes(&s.doc, &c, f.start, f.end) {
                        s.hover.push((f.text.to_string(), b, c.clone()));
                    }
                }
            }
        }
        child = c.next_sibling();
    }
    if s.hover.is_empty() && s.shown.as_ref().is_some_and(|t| t.owner.is_none()) {
        start_linger(s);
    }
}

/// The pointer moved over an element with numbers: the control follows the one under it.
fn moved(s: &mut State, e: &web_sys::Event) {
    if s.hover.is_empty() {
        return;
    }
    let e: &web_sys::MouseEvent = e.unchecked_ref();
    let (x, y) = (e.client_x() as f64, e.client_y() as f64);
    let under = s.hover.iter().find(|(_, b, _)| x >= b[0] - 2.0 && x <= b[2] + 2.0 && y >= b[1] - 2.0 && y <= b[3] + 2.0).cloned();
    match under {
        Some((number, b, node)) => {
            if s.shown.as_ref().is_none_or(|t| t.number != number || t.owner.is_some() || t.source != node) {
                show(s, number, None, b, node);
            } else {
                s.linger = None;
            }
        }
        None if s.shown.as_ref().is_some_and(|t| t.owner.is_none()) && s.linger.is_none() => start_linger(s),
        None => {}
    }
}

/// Focus moved in the page: a dialling link, or a focusable element holding a number, shows
/// the control beside it.
fn focused(s: &mut State, e: &web_sys::Event) {
    let Some(el) = page_target(s, e) else { return };
    // Only focus the agent moved with Tab; a page script's `focus()` shows nothing.
    if clock() - s.last_tab > TAB_FOCUS_MS {
        if s.shown.as_ref().is_some_and(|t| t.owner.is_some()) {
            hide(s);
        }
        return;
    }
    let link = el.closest(LINKS).ok().flatten().filter(|l| *l == el);
    let found = match link.and_then(|l| l.get_attribute("href")).as_deref().and_then(scan::link_number) {
        Some(number) => {
            let r = el.get_bounding_client_rect();
            Some((number, [r.left(), r.top(), r.right(), r.bottom()], el.clone().into()))
        }
        None => focus_number(s, &el),
    };
    match found {
        Some((number, b, source)) => show(s, number, Some(el), b, source),
        None if s.shown.as_ref().is_some_and(|t| t.owner.is_some()) => hide(s),
        None => {}
    }
}

/// The number of a focused element, read now: only when it is most of the element's text (a
/// focused page region, as a single-page app focuses its main area after each navigation,
/// offers none of its numbers), with its box and its text node.
fn focus_number(s: &State, el: &Element) -> Option<(String, [f64; 4], Node)> {
    let text = el.text_content()?;
    let len = text.trim().chars().count();
    if len > 4 * FOCUS_TEXT || !scan::may_hold(&text) || len > FOCUS_TEXT + scan::numbers(&text, &s.rules).first()?.text.chars().count() {
        return None;
    }
    // SHOW_TEXT: the element's text nodes, in order, for the first that holds the number.
    let walker = s.doc.create_tree_walker_with_what_to_show(el, 4).ok()?;
    while let Ok(Some(node)) = walker.next_node() {
        let data = node.text_content().unwrap_or_default();
        if !scan::may_hold(&data) {
            continue;
        }
        let f = scan::numbers(&data, &s.rules).into_iter().next()?;
        let b = boxes(&s.doc, &node, f.start, f.end).into_iter().next()?;
        return Some((f.text.to_string(), b, node));
    }
    None
}

/// Tab on the page element the control belongs to moves into the control.
fn page_key(s: &mut State, e: &web_sys::Event) {
    let k: &web_sys::KeyboardEvent = e.unchecked_ref();
    if k.key() == "Tab" {
        s.last_tab = clock();
    }
    if k.key() != "Tab" || k.shift_key() || k.alt_key() || k.ctrl_key() || k.meta_key() {
        return;
    }
    let active = s.doc.active_element();
    let owner = s.shown.as_ref().and_then(|t| t.owner.clone());
    if owner.is_some() && owner == active {
        e.prevent_default();
        let _ = s.button.focus();
    }
}

/// Keys on the control: Tab and Shift+Tab go back to the page's order, Escape closes it.
fn control_key(s: &mut State, e: &web_sys::Event) {
    let k: &web_sys::KeyboardEvent = e.unchecked_ref();
    let owner = s.shown.as_ref().and_then(|t| t.owner.clone());
    match k.key().as_str() {
        // Focus goes back to the owner first; the browser's own Tab then moves on from there.
        "Tab" if !k.shift_key() => {
            if let Some(o) = owner.as_ref().and_then(|o| o.dyn_ref::<HtmlElement>()) {
                let _ = o.focus();
            }
            hide(s);
        }
        "Tab" | "Escape" => {
            e.prevent_default();
            hide(s);
            if let Some(o) = owner.as_ref().and_then(|o| o.dyn_ref::<HtmlElement>()) {
                let _ = o.focus();
            }
        }
        _ => {}
    }
}

/// The client boxes of a hit's text (one per line it wraps onto).
fn boxes(doc: &Document, node: &Node, start: u32, end: u32) -> Vec<[f64; 4]> {
    let Ok(range) = doc.create_range() else { return Vec::new() };
    if range.set_start(node, start).is_err() || range.set_end(node, end).is_err() {
        return Vec::new();
    }
    let Some(list) = range.get_client_rects() else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).map(|r| [r.left(), r.top(), r.right(), r.bottom()]).filter(|b| b[2] > b[0]).collect()
}

/// Shows the control for `number`, to the right of its box `b` (left of it, or below, when
/// the viewport ends).
fn show(s: &mut State, number: String, owner: Option<Element>, b: [f64; 4], source: Node) {
    s.linger = None;
    s.shown = Some(Target { number, owner, source });
    s.shown_at = clock();
    label(s);
    let html: &HtmlElement = s.host.unchecked_ref();
    let style = html.style();
    let _ = style.set_property_with_priority("display", "block", "important");
    // Back in the top layer, should the page have taken it out (`hidePopover()`).
    if let Ok(f) = js_sys::Reflect::get(&s.host, &JsValue::from_str("showPopover")).and_then(|f| f.dyn_into::<js_sys::Function>()) {
        let _ = f.call0(&s.host);
    }
    let vw = s.doc.document_element().map(|d| d.client_width() as f64).unwrap_or(800.0);
    let width = s.button.get_bounding_client_rect().width().max(60.0);
    let height = s.button.get_bounding_client_rect().height().max(20.0);
    let (left, top) = if b[2] + 6.0 + width <= vw {
        (b[2] + 6.0, (b[1] + b[3]) / 2.0 - height / 2.0)
    } else if b[0] - 6.0 - width >= 0.0 {
        (b[0] - 6.0 - width, (b[1] + b[3]) / 2.0 - height / 2.0)
    } else {
        (b[0], b[3] + 4.0)
    };
    let _ = style.set_property_with_priority("left", &format!("{}px", left.max(0.0) as i32), "important");
    let _ = style.set_property_with_priority("top", &format!("{}px", top.max(0.0) as i32), "important");
    s.style = s.host.get_attribute("style").unwrap_or_default();
    watch(s);
}

/// The control's words: Call, or why not.
fn label(s: &State) {
    let Some(t) = &s.shown else { return };
    let b = &s.button;
    match s.block {
        // The number it dials, in words the agent reads (a link's text can differ from its
        // address: what is shown is what is dialled).
        None => {
            b.set_text_content(Some(&format!("\u{260e} {} {}", tk("btn_call"), t.number)));
            let _ = b.set_attribute("aria-label", &ta("page_call", &[&t.number]));
            let _ = b.remove_attribute("aria-disabled");
            b.set_title(&ta("page_call", &[&t.number]));
        }
        Some(key) => {
            let why = tk(key);
            b.set_text_content(Some(&format!("\u{260e} {why}")));
            let _ = b.set_attribute("aria-label", &ta("page_call_blocked", &[&t.number, &why]));
            let _ = b.set_attribute("aria-disabled", "true");
            b.set_title(&why);
        }
    }
}

fn hide(s: &mut State) {
    s.linger = None;
    s.shown = None;
    let html: &HtmlElement = s.host.unchecked_ref();
    let _ = html.style().set_property_with_priority("display", "none", "important");
    s.style = s.host.get_attribute("style").unwrap_or_default();
    watch(s);
}

fn start_linger(s: &mut State) {
    let w = s.me.clone();
    linger(s, &w);
}

fn linger(s: &mut State, w: &Weak<RefCell<State>>) {
    let w = w.clone();
    s.linger = Some(Timeout::new(LINGER_MS, move || {
        with(&w, |s| {
            s.linger.take();
            hide(s)
        })
    }));
}

/// The control was pressed: dial its number (the session refuses, and says why, when it
/// cannot; a second click while the first dial is on its way dials nothing more).
fn dial(w: &Weak<RefCell<State>>, e: &web_sys::Event) {
    let Some(state) = w.upgrade() else { return };
    // A pointer's click (detail ≥ 1) must come a moment after the control appeared; Enter or
    // Space on it (detail 0) is the agent's keyboard, already on the control.
    let pointer = e.dyn_ref::<web_sys::MouseEvent>().is_some_and(|m| m.detail() > 0);
    let (sink, number) = {
        let Ok(mut s) = state.try_borrow_mut() else { return };
        if s.block.is_some() || (pointer && clock() - s.shown_at < CLICK_DELAY_MS) {
            return;
        }
        let number = s.shown.as_ref().map(|t| t.number.clone());
        hide(&mut s);
        (s.sink.clone(), number)
    };
    if let (Some(sink), Some(text)) = (sink, number) {
        sink(Input::Dial { text, now: super::now() });
    }
}
