//! The content script in its normal mode: the Rust runs in the page's isolated world. Watches
//! the page for the repeater iframe (present at load, inserted later, removed and re-inserted),
//! mounts one toolbar in a closed Shadow DOM per repeater, and tears it down when the repeater
//! goes or the extension context dies.
//!
//! Closed, not open: with an open root any page script could reach every control, read the
//! Interaction ID and what the agent typed, relabel the buttons or change the field's value
//! under the agent's eyes, then wait for a real click. A closed root leaves the page the host
//! element only; what it dispatches there is counted as forged (see [`super::guard`]).
//!
//! The JavaScript loader has already seen a candidate iframe before this module was loaded,
//! so pages without the desktop never pay for the wasm.

use std::cell::RefCell;

use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlIFrameElement, MutationObserverInit};

use super::app::{App, Host};
use super::channel::DirectChannel;
use super::guard;
use super::dom::{document, window};
use super::{ext, warn, WebError, WebResult};
use crate::core::detect::{desktop_of, Desktop};
use crate::core::messages::{content_input, Placement, ToBackground, ToContent};
use crate::core::session::Input;
use crate::core::view::View;
use super::toolbar::Toolbar;

/// Tag of the element that hosts the toolbar's shadow root.
pub const HOST_TAG: &str = "bp-call-toolbar";

struct Mounted {
    repeater: HtmlIFrameElement,
    _numbers: super::numbers::PageNumbers,
    src: String,
    host: Element,
    app: App,
    _watch: Vec<gloo_events::EventListener>,
    _guard: HostGuard,
    /// The page took our host out of the document: how often in a row, and the pending retry.
    removals: u32,
    removed_at: f64,
    restore: Option<gloo_timers::callback::Timeout>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.host.remove();
    }
}

struct ContentScript {
    _observer: super::dom::Observer,
    mounted: Option<Mounted>,
    _hotkeys: Option<ext::ApiListener>,
    /// The settings in force and the trusted list, as the loader read them.
    /// The third: the policy is the background's copy, not yet confirmed by storage.managed.
    prefs: (crate::core::settings::Effective, Vec<String>, bool),
}

thread_local! {
    static CONTENT: RefCell<Option<ContentScript>> = const { RefCell::new(None) };
    /// The toolbar's shell that detect.js drew in the frame the repeater appeared (its host and
    /// closed root), until the first toolbar takes it over or it is not needed after all.
    static SHELL: RefCell<Option<(Element, web_sys::ShadowRoot)>> = const { RefCell::new(None) };
    /// The host's style attribute as we last wrote it (layout and place): a page that changes it
    /// (to make the toolbar transparent, say, and have the agent click it unseen) gets it back.
    static EXPECTED_STYLE: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Records the host's style as ours.
fn remember_style(host: &Element) {
    EXPECTED_STYLE.with(|e| *e.borrow_mut() = host.get_attribute("style").unwrap_or_default());
}

/// Keeps the host as we made it: its style, its popover (the top layer), not hidden, not inert.
/// Each change a page makes is undone before the next paint and counted as forged.
struct HostGuard {
    _observer: super::dom::Observer,
    _toggle: gloo_events::EventListener,
}

fn guard_host(host: &Element, sink: super::channel::Sink) -> WebResult<HostGuard> {
    let init = MutationObserverInit::new();
    init.set_attributes(true);
    let filter = Array::new();
    for a in ["style", "popover", "hidden", "inert"] {
        filter.push(&JsValue::from_str(a));
    }
    init.set_attribute_filter(&filter);
    let (watched, s) = (host.clone(), sink.clone());
    let observer = super::dom::Observer::new(host, &init, move || {
        if guard::stopped() {
            return;
        }
        let mut tampered = false;
        let expected = EXPECTED_STYLE.with(|e| e.borrow().clone());
        if watched.get_attribute("style").unwrap_or_default() != expected {
            let _ = watched.set_attribute("style", &expected);
            tampered = true;
        }
        for a in ["hidden", "inert"] {
            if watched.has_attribute(a) {
                let _ = watched.remove_attribute(a);
                tampered = true;
            }
        }
        if watched.get_attribute("popover").as_deref() != Some("manual") {
            to_top_layer(&watched);
            tampered = true;
        }
        if tampered {
            s(Input::Forged);
        }
    })?;
    // A page script's hidePopover() takes the toolbar out of the top layer without touching an
    // attribute: the browser's toggle event says so.
    let watched = host.clone();
    let toggle = gloo_events::EventListener::new(host, "toggle", move |_| {
        if !guard::stopped() && in_place(&watched) && !watched.matches(":popover-open").unwrap_or(true) {
            to_top_layer(&watched);
            sink(Input::Forged);
        }
    });
    Ok(HostGuard { _observer: observer, _toggle: toggle })
}

/// Entry point of the content script (called by the loader once a candidate iframe exists),
/// with the settings the loader read meanwhile and early.js's hook (the frame's first
/// `message` listener, `null` where it did not run). On a site the agent or the organisation
/// blocked, nothing is mounted or watched.
#[wasm_bindgen]
pub fn start_content(api: JsValue, prefs: JsValue, shell: JsValue, early: JsValue) -> Result<(), JsValue> {
    ext::set_api(api);
    guard::set_early(early);
    super::trap::install_content();
    if CONTENT.with(|c| c.borrow().is_some()) {
        return Ok(());
    }
    // The shell: taken over by the first mount below, else removed before this returns.
    let get = |k: &str| js_sys::Reflect::get(&shell, &JsValue::from_str(k)).ok();
    if let (Some(host), Some(root)) = (get("host").and_then(|h| h.dyn_into::<Element>().ok()), get("root").and_then(|r| r.dyn_into::<web_sys::ShadowRoot>().ok())) {
        SHELL.with(|s| *s.borrow_mut() = Some((host, root)));
    }
    let started = start_watching(prefs);
    drop_shell();
    started
}

/// Removes the shell if no toolbar took it over.
fn drop_shell() {
    if let Some((host, _)) = SHELL.with(|s| s.borrow_mut().take()) {
        host.remove();
    }
}

fn start_watching(prefs: JsValue) -> Result<(), JsValue> {
    // What the loader read from storage while the wasm compiled: the agent's settings, the
    // organisation's policy and the trusted list (any may be absent).
    let prefs = ext::json_of(&prefs).unwrap_or(crate::core::json::Value::Null);
    let settings = prefs.get("settings").map(crate::core::settings::Settings::from_json).unwrap_or_default();
    let policy = prefs.get("policy").map(crate::core::settings::Policy::from_json).unwrap_or_default();
    let trusted = prefs.get("trusted").map(crate::core::wire::strings).unwrap_or_default();
    let unconfirmed = prefs.get("policyIsCopy").and_then(|v| v.as_bool()).unwrap_or(false);
    let eff = crate::core::settings::overlay(&settings, &policy);
    let host = window()?.location().hostname().unwrap_or_default();
    if crate::core::settings::is_blocked(&host, &eff.settings.blocked_sites) {
        return Ok(());
    }
    let init = MutationObserverInit::new();
    init.set_child_list(true);
    init.set_subtree(true);
    init.set_attributes(true);
    init.set_attribute_filter(&Array::of1(&JsValue::from_str("src")));
    let observer = super::dom::Observer::new(&document()?.into(), &init, rescan)?;
    // Keyboard shortcuts arrive from the background as messages to this tab.
    let hotkeys = ext::path(&["runtime", "onMessage"]).and_then(|event| {
        ext::ApiListener::new(event, |msg, _, respond| {
            // Shortcuts, the context menu's Call and the side panel's presses, for the toolbar
            // on this page; answered `true` when a toolbar took it (the side panel says so).
            if let Some(input) = ext::json_of(&msg).as_ref().and_then(ToContent::from_json).and_then(|m| content_input(m, super::now())) {
                let app = CONTENT.with(|c| c.borrow().as_ref().and_then(|cs| cs.mounted.as_ref()).map(|m| m.app.sink()));
                if let Some(sink) = app {
                    sink(input);
                    super::ext::answer(&respond, true);
                }
            }
            JsValue::UNDEFINED
        })
    });
    CONTENT.with(|c| *c.borrow_mut() = Some(ContentScript { _observer: observer, mounted: None, _hotkeys: hotkeys.ok(), prefs: (eff, trusted, unconfirmed) }));
    rescan();
    Ok(())
}

/// Tears everything down: the toolbar, our proxy iframe and channel, the observers. Called when
/// the extension context is gone, and by the loader when a newer copy of the extension takes
/// the page over.
#[wasm_bindgen]
pub fn stop_content() {
    let old = CONTENT.with(|c| c.borrow_mut().take());
    drop(old);
}

/// Re-checks the page: unmount a toolbar whose repeater left, mount one for a new repeater.
fn rescan() {
    if guard::stopped() {
        return;
    }
    if !ext::context_alive() {
        // The extension was reloaded or updated: this copy must leave the page to the new one.
        stop_content();
        return;
    }
    let stale = CONTENT.with(|c| {
        let mut c = c.borrow_mut();
        let cs = c.as_mut()?;
        let gone = cs.mounted.as_ref().is_some_and(|m| !m.repeater.is_connected() || m.repeater.src() != m.src);
        if gone {
            cs.mounted.take()
        } else {
            None
        }
    });
    drop(stale);
    restore_host();
    let prefs = CONTENT.with(|c| c.borrow().as_ref().filter(|cs| cs.mounted.is_none()).map(|cs| cs.prefs.clone()));
    let Some(prefs) = prefs else { return };
    match find_repeater().and_then(|r| r.map(|r| mount(r, prefs)).transpose()) {
        Ok(Some(m)) => CONTENT.with(|c| {
            if let Some(cs) = c.borrow_mut().as_mut() {
                cs.mounted = Some(m);
            }
        }),
        Ok(None) => {}
        Err(e) => warn("mount", &e),
    }
}

/// Puts our host back when the page took it out of the document (a script that tidies the DOM,
/// or one that wants the toolbar gone): at once the first time, then after 1, 2, 4… up to 30 s
/// while it keeps happening, so that a page removing it in a loop costs next to nothing.
fn restore_host() {
    CONTENT.with(|c| {
        let mut c = c.borrow_mut();
        let Some(m) = c.as_mut().and_then(|cs| cs.mounted.as_mut()) else { return };
        if in_place(&m.host) || m.restore.is_some() {
            return;
        }
        let now = super::now();
        m.removals = if now - m.removed_at > 60_000.0 { 1 } else { m.removals.saturating_add(1) };
        m.removed_at = now;
        if m.removals == 1 {
            reattach(&m.host);
        } else {
            let wait = (1_000u32 << (m.removals - 2).min(5)).min(30_000);
            m.restore = Some(gloo_timers::callback::Timeout::new(wait, || {
                CONTENT.with(|c| {
                    if let Some(m) = c.borrow_mut().as_mut().and_then(|cs| cs.mounted.as_mut()) {
                        m.restore = None;
                        if !in_place(&m.host) {
                            reattach(&m.host);
                        }
                    }
                });
            }));
        }
    });
}

/// Our host is where we put it: a child of this document's root element. Anywhere else (taken
/// out, or moved into a frame of the page's where it could be made invisible and clicked
/// unseen) it is put back.
fn in_place(host: &Element) -> bool {
    let root = document().ok().and_then(|d| d.document_element());
    host.parent_element().is_some_and(|p| Some(&p) == root.as_ref())
}

fn reattach(host: &Element) {
    if let Some(root) = document().ok().and_then(|d| d.document_element()) {
        if root.append_child(host).is_ok() {
            to_top_layer(host);
        }
    }
}

/// The first iframe on the page whose URL is an embedded Agent Desktop we can open a channel
/// to: a 1.0 repeater or a 2.0 Communicator Widget.
fn find_repeater() -> WebResult<Option<HtmlIFrameElement>> {
    let frames = document()?.get_elements_by_tag_name("iframe");
    for i in 0..frames.length() {
        if let Some(f) = frames.item(i).and_then(|e| e.dyn_into::<HtmlIFrameElement>().ok()) {
            if desktop_of(&f.src()).is_some_and(|(_, d)| d != Desktop::Communicator) {
                return Ok(Some(f));
            }
        }
    }
    Ok(None)
}

/// The host's box, as inline `!important` declarations: inline important beats any page rule
/// (and the top layer's popover defaults). Only layout is pinned here; text properties are
/// reset inside the shadow tree without `!important`, so that an agent's own style sheet (text
/// spacing, WCAG 1.4.12) still applies. Set through CSSOM, which a `style-src` CSP allows.
pub const HOST_STYLE: &[(&str, &str)] = &[
    ("display", "block"),
    ("position", "fixed"),
    ("z-index", "2147483647"),
    ("top", "auto"),
    ("bottom", "16px"),
    ("width", "auto"),
    ("height", "auto"),
    ("min-width", "0"),
    ("min-height", "0"),
    ("max-width", "none"),
    ("max-height", "none"),
    ("margin", "0"),
    ("padding", "0"),
    ("border", "0"),
    ("background", "transparent"),
    ("overflow", "visible"),
    ("visibility", "visible"),
    ("opacity", "1"),
    ("pointer-events", "auto"),
    ("transform", "none"),
    ("filter", "none"),
];

/// What else a page style sheet could use to hide one of our hosts (and have the agent click
/// it unseen), shrink it out of sight or move it away: pinned on the toolbar's host and on the
/// page's Call control alike.
pub const UNHIDDEN: &[(&str, &str)] = &[
    ("clip-path", "none"),
    ("float", "none"),
    ("contain", "layout style"),
    ("mask", "none"),
    ("-webkit-mask", "none"),
    ("scale", "none"),
    ("translate", "none"),
    ("rotate", "none"),
    ("zoom", "1"),
    ("offset-path", "none"),
    ("content-visibility", "visible"),
    ("mix-blend-mode", "normal"),
    ("backdrop-filter", "none"),
];

fn style_host(host: &Element, left_side: bool) -> WebResult<()> {
    let html: &web_sys::HtmlElement = host.dyn_ref().ok_or(WebError::Missing("host element"))?;
    let style = html.style();
    let (side, other) = if left_side { ("left", "right") } else { ("right", "left") };
    for (k, v) in HOST_STYLE.iter().chain(UNHIDDEN).copied().chain([(side, "16px"), (other, "auto")]) {
        style.set_property_with_priority(k, v, "important")?;
    }
    remember_style(host);
    Ok(())
}

/// Which side to place the toolbar on so that it does not cover the repeater at first.
pub fn away_from(repeater: &Element) -> bool {
    let rect = repeater.get_bounding_client_rect();
    let width = window().ok().and_then(|w| w.inner_width().ok()).and_then(|w| w.as_f64()).unwrap_or(1024.0);
    // Repeater on the right half: put the toolbar on the left.
    rect.left() + rect.width() / 2.0 > width / 2.0
}

/// Puts the host in the browser's top layer (a manual popover): above any z-index, and out of
/// reach of transforms and filters a page puts on its own elements.
fn to_top_layer(host: &Element) {
    let show = js_sys::Reflect::get(host, &JsValue::from_str("showPopover"));
    if let Ok(f) = show.and_then(|f| f.dyn_into::<js_sys::Function>()) {
        if host.set_attribute("popover", "manual").is_ok() {
            let _ = f.call0(host);
        }
    }
}

/// The shadow host in the page: markers for tests and integrations, moving, remembering.
struct PageHost {
    host: Element,
    site: String,
    numbers: Option<super::numbers::Handle>,
}

impl PageHost {
    fn style(&self) -> Option<web_sys::CssStyleDeclaration> {
        self.host.dyn_ref::<web_sys::HtmlElement>().map(|h| h.style())
    }

    /// Places the host's top-left corner at (x, y), kept inside the viewport.
    fn place(&self, x: f64, y: f64) -> (f64, f64) {
        let Some(style) = self.style() else { return (x, y) };
        let rect = self.host.get_bounding_client_rect();
        let (vw, vh) = window()
            .ok()
            .map(|w| {
                let f = |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_f64()).unwrap_or(800.0);
                (f(w.inner_width()), f(w.inner_height()))
            })
            .unwrap_or((800.0, 600.0));
        // min/max rather than f64::clamp, whose panic message would bring float formatting in.
        let x = x.min((vw - rect.width()).max(0.0)).max(0.0).round();
        let y = y.min((vh - rect.height()).max(0.0)).max(0.0).round();
        // Whole pixels, formatted as integers: float formatting is not worth its code size here.
        for (k, v) in [("left", format!("{}px", x as i32)), ("top", format!("{}px", y as i32)), ("right", "auto".into()), ("bottom", "auto".into())] {
            let _ = style.set_property_with_priority(k, &v, "important");
        }
        remember_style(&self.host);
        (x, y)
    }

    fn remember(&self, collapsed: bool) {
        let rect = self.host.get_bounding_client_rect();
        ext::post_to_background(ToBackground::Placement {
            site: self.site.clone(),
            placement: Placement { x: rect.left().round(), y: rect.top().round(), collapsed },
        });
    }
}

impl Host for PageHost {
    fn rendered(&self, view: &View, _toolbar: &Toolbar) {
        // Markers for the end-to-end suite and for page-side integrations.
        let _ = self.host.set_attribute("data-status", &view.status_key);
        let _ = self.host.set_attribute("data-live", if view.live { "true" } else { "false" });
        if let Some(n) = &self.numbers {
            n.update(view.page_dial, &view.dial_rules);
        }
    }

    fn moved(&self, dx: f64, dy: f64, end: bool, collapsed: bool) {
        if dx != 0.0 || dy != 0.0 {
            let rect = self.host.get_bounding_client_rect();
            self.place(rect.left() + dx, rect.top() + dy);
        }
        if end {
            self.remember(collapsed);
        }
    }

    fn collapsed(&self, on: bool) {
        self.remember(on);
    }
}

/// Applies the placement the agent left on this site, once storage answers.
fn restore_placement(site: String) {
    wasm_bindgen_futures::spawn_local(async move {
        let Some(p) = ext::placement(&site).await else { return };
        CONTENT.with(|c| {
            if let Some(m) = c.borrow().as_ref().and_then(|cs| cs.mounted.as_ref()) {
                if p.collapsed {
                    m.app.set_collapsed(true);
                }
                PageHost { host: m.host.clone(), site: site.clone(), numbers: None }.place(p.x, p.y);
            }
        });
    });
}

fn mount(repeater: HtmlIFrameElement, prefs: (crate::core::settings::Effective, Vec<String>, bool)) -> WebResult<Mounted> {
    let src = repeater.src();
    let (tenant, desktop) = desktop_of(&src).ok_or(WebError::Missing("tenant origin"))?;
    let doc = document()?;
    // The shell detect.js drew when the repeater appeared becomes the toolbar's host: the agent
    // saw a toolbar in that frame already, and it is filled in place.
    let (host, shadow) = match SHELL.with(|s| s.borrow_mut().take()).filter(|(h, _)| in_place(h)) {
        Some((host, root)) => {
            root.set_text_content(None);
            // What a page set on the shell before now (inert, hidden, a style of its own…)
            // does not become ours: the host gets only what the toolbar sets.
            for a in host.get_attribute_names().iter().filter_map(|n| n.as_string()) {
                let _ = host.remove_attribute(&a);
            }
            (host, root)
        }
        None => super::dom::closed_host(HOST_TAG)?,
    };
    style_host(&host, away_from(&repeater))?;
    let page = window()?.location().host().unwrap_or_default();
    // The host goes into the page first: the proxy iframe needs a connected document to get
    // its window, and the toolbar is visible in the same frame as the repeater.
    if !in_place(&host) {
        doc.document_element().ok_or(WebError::Missing("documentElement"))?.append_child(&host)?;
    }
    to_top_layer(&host);
    let root: web_sys::Node = shadow.clone().into();
    // The page's numbers: the control is made now, the page read once the tenant is trusted.
    let mut numbers = super::numbers::PageNumbers::new(&doc)?;
    let rules = prefs.0.settings.dial_rules();
    let page_host = PageHost { host: host.clone(), site: page.clone(), numbers: Some(numbers.handle()) };
    let channel_tenant = tenant.clone();
    let app = App::new(
        &doc,
        &root,
        &tenant,
        desktop,
        &page,
        prefs,
        move |sink| Box::new(DirectChannel::new(&channel_tenant, desktop, sink)),
        Box::new(page_host),
    )
    .inspect_err(|_| host.remove())?;
    // What a page script dispatches at the host (all it can reach) is counted as forged.
    let sink = app.sink();
    let forged = sink.clone();
    let watch = guard::watch(&host, &(std::rc::Rc::new(move |_: &web_sys::Event| forged(Input::Forged)) as guard::Forged));
    numbers.start(sink.clone(), rules)?;
    let host_guard = guard_host(&host, sink)?;
    restore_placement(page);
    Ok(Mounted { repeater, _numbers: numbers, src, host, app, _watch: watch, _guard: host_guard, removals: 0, removed_at: 0.0, restore: None })
}
