//! One toolbar for one repeater: the core `Session`, its DOM, its channel, its timers. Inputs
//! are queued and applied one at a time (no re-entrancy), effects carried out, the view
//! re-rendered, the next wake-up scheduled. Dropping the `App` tears all of it down.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use gloo_timers::callback::{Interval, Timeout};
use web_sys::{Document, Node};

use super::channel::{Channel, Sink};
use super::i18n::t;
use super::toolbar::{Toolbar, UiEvent};
use super::{ext, warn, WebResult};
use crate::core::health::Health;
use crate::core::live::Live;
use crate::core::messages::{ToBackground, SETTINGS_KEY, TRUSTED_KEY};
use crate::core::settings::POLICY_MIRROR_KEY;
use crate::core::settings::Effective;
use crate::core::session::{Effect, Input, Session};
use crate::core::view::View;

/// What the page side (the shadow host, or the relay's frame) does for the toolbar.
pub trait Host {
    /// After every render, with the fresh view (markers, frame size).
    fn rendered(&self, view: &View, toolbar: &Toolbar);
    /// The agent moved the toolbar by (dx, dy); `end` when the move is done.
    fn moved(&self, dx: f64, dy: f64, end: bool, collapsed: bool);
    /// The agent collapsed or expanded the toolbar.
    fn collapsed(&self, on: bool);
    /// Whether this toolbar runs in its own frame (strict-CSP pages), for the health panel.
    fn frame_mode(&self) -> bool {
        false
    }
}

struct Inner {
    session: Session,
    toolbar: Toolbar,
    channel: Box<dyn Channel>,
    host: Box<dyn Host>,
    timer: Option<Timeout>,
    ticker: Option<Interval>,
    badge: Option<(String, String, String)>,
    /// The health last reported to the background (sent again only when it changes, at most
    /// once a second: a page flooding us with messages must not flood the background too).
    health: Option<Health>,
    health_at: f64,
    health_timer: Option<Timeout>,
    /// What the side panel was last told this toolbar shows (`None`: nothing reported, or the
    /// report withdrawn while the page was hidden), and since when it is a desktop.
    live: Option<Live>,
    live_since: i64,
    _listeners: Vec<ext::ApiListener>,
    _page: Vec<gloo_events::EventListener>,
}

struct Shared {
    inner: RefCell<Option<Inner>>,
    queue: RefCell<VecDeque<Input>>,
    /// A render put off: only counters changed (messages ignored, events forged), which a
    /// flood can change thousands of times a second; they are drawn at most every 100 ms.
    deferred: RefCell<Option<Timeout>>,
}

/// A live toolbar. Owned by the content script (or the toolbar frame); drop to tear down.
pub struct App {
    shared: Rc<Shared>,
}

impl App {
    /// Builds the toolbar under `root` and starts the session, with the settings in force and
    /// the agent's trusted list as they were read while the module loaded (so that trust is
    /// decided at once); later changes arrive through storage listeners.
    pub fn new(
        doc: &Document,
        root: &Node,
        tenant: &str,
        desktop: crate::core::detect::Desktop,
        page: &str,
        (eff, trusted, unconfirmed): (Effective, Vec<String>, bool),
        make_channel: impl FnOnce(Sink) -> Box<dyn Channel>,
        host: Box<dyn Host>,
    ) -> WebResult<App> {
        let shared = Rc::new(Shared { inner: RefCell::new(None), queue: RefCell::new(VecDeque::new()), deferred: RefCell::new(None) });
        let weak = Rc::downgrade(&shared);
        let sink: Sink = {
            let weak = weak.clone();
            Rc::new(move |input| dispatch(&weak, input))
        };
        let ui_weak = weak.clone();
        let toolbar = Toolbar::build(doc, root, Rc::new(move |ev| ui(&ui_weak, ev)))?;
        let seed = (js_sys::Math::random() * 1_000_000.0) as u32;
        // A policy that is only the background's copy decides nothing yet about trust: nothing
        // is sent to the tenant until storage.managed confirms it (the refresh below).
        let trust = if unconfirmed { crate::core::detect::Trust::Pending } else { eff.trust(tenant, &trusted) };
        let mut session = match desktop {
            crate::core::detect::Desktop::Legacy => Session::new(tenant, page, trust, seed),
            _ => Session::new_widget(tenant, page, trust, seed),
        };
        for input in settings_inputs(&eff.settings) {
            session.apply(input);
        }
        let refresh = {
            let tenant = tenant.to_string();
            let sink = sink.clone();
            move || refresh_settings(tenant.clone(), sink.clone())
        };
        let on_trusted = refresh.clone();
        let on_settings = refresh.clone();
        let on_policy = refresh.clone();
        let listeners: Vec<ext::ApiListener> = [
            ext::on_storage_change(TRUSTED_KEY, move |_| on_trusted()),
            ext::on_storage_change(SETTINGS_KEY, move |_| on_settings()),
            // The organisation's policy changed (the background copies it here).
            ext::on_storage_change(POLICY_MIRROR_KEY, move |_| on_policy()),
        ]
        .into_iter()
        .filter_map(|l| l.map_err(|e| warn("settings listener", &e)).ok())
        .collect();
        *shared.inner.borrow_mut() = Some(Inner {
            session,
            toolbar,
            channel: make_channel(sink.clone()),
            host,
            timer: None,
            ticker: None,
            badge: None,
            health: None,
            health_at: 0.0,
            health_timer: None,
            live: None,
            live_since: 0,
            _listeners: listeners,
            _page: page_listeners(&weak),
        });
        // Start: opens the channel at once for a trusted tenant.
        let effects = shared.inner.borrow_mut().as_mut().map(|i| i.session.start()).unwrap_or_default();
        run_effects(&shared, effects);
        render(&shared, &weak);
        // The first paint may have used the policy's copy in storage.local: confirm it against
        // storage.managed (a change of trust or of the disposition rule applies then).
        refresh();
        Ok(App { shared })
    }

    /// Feeds one input (relayed messages, hotkeys).
    pub fn dispatch(&self, input: Input) {
        dispatch(&Rc::downgrade(&self.shared), input);
    }

    /// Where inputs go, for listeners the host owns (a dropped app ignores them).
    pub fn sink(&self) -> Sink {
        let weak = Rc::downgrade(&self.shared);
        Rc::new(move |input| dispatch(&weak, input))
    }

    /// Applies a remembered collapsed state without reporting it back.
    pub fn set_collapsed(&self, on: bool) {
        if let Ok(mut inner) = self.shared.inner.try_borrow_mut() {
            if let Some(i) = inner.as_mut() {
                i.toolbar.set_collapsed(on);
            }
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Ok(mut inner) = self.shared.inner.try_borrow_mut() {
            if let Some(mut i) = inner.take() {
                i.channel.close();
                i.toolbar.bar.remove();
                ext::post_to_background(ToBackground::Health { health: None });
                ext::post_to_background(ToBackground::Live { live: None });
                // The tab's badge no longer describes a live desktop.
                ext::post_to_background(ToBackground::Badge { text: String::new(), color: "#6b7487".into(), title: String::new(), acw_ms: None });
            }
        }
    }
}

/// The toolbar's own controls: core inputs, or page-side actions (move, collapse, copy).
fn ui(weak: &Weak<Shared>, ev: UiEvent) {
    let now = super::now();
    let input = match ev {
        UiEvent::Click(button) => Input::Click { button, now },
        UiEvent::Edited(text) => Input::ItemEdited(text),
        UiEvent::Picked(id) => Input::ItemPicked(id),
        UiEvent::Disposition(text) => Input::DispositionEdited(text),
        UiEvent::Notes(text) => Input::NotesEdited(text),
        UiEvent::DialEdited(text) => Input::DialEdited(text),
        UiEvent::Reason(reason) => Input::ReasonPicked(reason),
        UiEvent::Forged => Input::Forged,
        UiEvent::Copy => return copy(weak),
        UiEvent::Collapse(on) => {
            if let Some(shared) = weak.upgrade() {
                if let Ok(mut inner) = shared.inner.try_borrow_mut() {
                    if let Some(i) = inner.as_mut() {
                        i.toolbar.set_collapsed(on);
                        i.host.collapsed(on);
                    }
                }
            }
            return;
        }
        UiEvent::Move(dx, dy, end) => {
            if let Some(shared) = weak.upgrade() {
                if let Ok(inner) = shared.inner.try_borrow() {
                    if let Some(i) = inner.as_ref() {
                        i.host.moved(dx, dy, end, i.toolbar.collapsed());
                    }
                }
            }
            return;
        }
    };
    dispatch(weak, input);
}

/// Copies the current Interaction ID: the copy command while the click's user activation is
/// fresh (works in content scripts of both browsers, focused or not), else the Clipboard API.
fn copy(weak: &Weak<Shared>) {
    let Some(shared) = weak.upgrade() else { return };
    let (item, bar) = match shared.inner.borrow().as_ref() {
        Some(i) => (i.session.current_item().to_string(), i.toolbar.bar.clone()),
        None => return,
    };
    if item.is_empty() {
        return;
    }
    if copy_command(&bar, &item) {
        dispatch(weak, Input::Copied(true));
        return;
    }
    let weak = weak.clone();
    wasm_bindgen_futures::spawn_local(async move {
        // The Clipboard API can wait forever on an unfocused document: give it one second.
        let write = web_sys::window().map(|w| w.navigator().clipboard().write_text(&item));
        let ok = match write {
            Some(promise) => {
                // A timer that settles with a marker; the clipboard settles with `undefined`.
                let timeout = js_sys::Promise::new(&mut |resolve, _| {
                    let args = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str("timeout"));
                    let _ = web_sys::window().map(|w| w.set_timeout_with_callback_and_timeout_and_arguments(&resolve, 1_000, &args));
                });
                let race = js_sys::Promise::race(&js_sys::Array::of2(&promise, &timeout));
                matches!(wasm_bindgen_futures::JsFuture::from(race).await, Ok(v) if v.is_undefined())
            }
            None => false,
        };
        dispatch(&weak, Input::Copied(ok));
    });
}

/// `document.execCommand("copy")` on a temporary, off-screen text area next to the toolbar.
fn copy_command(near: &web_sys::Element, text: &str) -> bool {
    use wasm_bindgen::JsCast;
    let Some(doc) = near.owner_document() else { return false };
    let Ok(area) = doc.create_element("textarea") else { return false };
    let Ok(area) = area.dyn_into::<web_sys::HtmlTextAreaElement>() else { return false };
    area.set_value(text);
    let _ = area.set_attribute("aria-hidden", "true");
    let style = area.style();
    let _ = style.set_property("position", "fixed");
    let _ = style.set_property("left", "-9999px");
    if near.append_child(&area).is_err() {
        return false;
    }
    area.select();
    let done = js_sys::Reflect::get(&doc, &wasm_bindgen::JsValue::from_str("execCommand"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call1(&doc, &wasm_bindgen::JsValue::from_str("copy")).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    area.remove();
    done
}

fn dispatch(weak: &Weak<Shared>, input: Input) {
    // A trapped module acts on nothing more (its timers included).
    if super::guard::stopped() {
        return;
    }
    #[cfg(feature = "fault-injection")]
    if matches!(&input, Input::Message { text, .. } if text.contains("PANIC-TEST") && text.contains("INTERACTION_RENDERED")) {
        panic!("fault injected by the test suite");
    }
    let Some(shared) = weak.upgrade() else { return };
    shared.queue.borrow_mut().push_back(input);
    // Re-entrant call (an effect caused an event synchronously): the outer loop drains it.
    if shared.inner.try_borrow_mut().is_err() {
        return;
    }
    let (mut any, mut dirty, mut counters_only) = (false, false, true);
    loop {
        // Everything queued is applied, then drawn, and only then do its effects run (posts to
        // the desktop, the log, reports): what the agent sees waits for nothing but the reducer
        // and one render. Effects that cause inputs synchronously queue them for the next turn.
        let mut effects = Vec::new();
        while let Some(input) = shared.queue.borrow_mut().pop_front() {
            counters_only &= matches!(input, Input::Ignored | Input::Forged | Input::Neighbour | Input::Counted { .. });
            match shared.inner.try_borrow_mut() {
                Ok(mut inner) => match inner.as_mut() {
                    Some(i) => effects.extend(i.session.apply(input)),
                    None => return,
                },
                Err(_) => return,
            }
            (any, dirty) = (true, true);
        }
        if effects.is_empty() {
            break;
        }
        render(&shared, weak);
        shared.deferred.borrow_mut().take();
        dirty = false;
        run_effects(&shared, effects);
    }
    if dirty && counters_only {
        if shared.deferred.borrow().is_none() {
            let weak = weak.clone();
            *shared.deferred.borrow_mut() = Some(Timeout::new(100, move || {
                if let Some(shared) = weak.upgrade() {
                    shared.deferred.borrow_mut().take();
                    render(&shared, &weak);
                }
            }));
        }
    } else if dirty {
        render(&shared, weak);
        shared.deferred.borrow_mut().take();
    }
    if any {
        schedule(&shared, weak.clone());
    }
}

fn run_effects(shared: &Rc<Shared>, effects: Vec<Effect>) {
    let mut logs = Vec::new();
    for effect in effects {
        let result = match shared.inner.try_borrow_mut() {
            Ok(mut inner) => {
                let Some(i) = inner.as_mut() else { return };
                match effect {
                    Effect::OpenChannel => i.channel.open(),
                    Effect::CloseChannel => {
                        i.channel.close();
                        Ok(())
                    }
                    Effect::Post(text) => i.channel.post(&text),
                    Effect::Log(entry) => {
                        logs.push(entry);
                        Ok(())
                    }
                    Effect::AskTrust(origin) => {
                        ext::post_to_background(ToBackground::AskTrust { origin });
                        Ok(())
                    }
                    Effect::ScreenPop { item_id, fields } => {
                        ext::post_to_background(ToBackground::ScreenPop { item_id, fields });
                        Ok(())
                    }
                }
            }
            Err(_) => Ok(()),
        };
        if let Err(e) = result {
            warn("effect", &e);
        }
    }
    if !logs.is_empty() {
        ext::post_to_background(ToBackground::Log { entries: logs });
    }
}

fn render(shared: &Rc<Shared>, weak: &Weak<Shared>) {
    if super::guard::stopped() {
        return;
    }
    let Ok(mut inner) = shared.inner.try_borrow_mut() else { return };
    let Some(i) = inner.as_mut() else { return };
    let view = View::of(&i.session);
    i.toolbar.render(&view);
    tick(i, &view);
    i.host.rendered(&view, &i.toolbar);
    report_health(i, weak);
    report_live(i, &view);
    // After-call work: a one-second ticker keeps the timer and the badge current.
    match (view.acw_since.is_some(), i.ticker.is_some()) {
        (true, false) => {
            let weak = weak.clone();
            i.ticker = Some(Interval::new(1_000, move || {
                if super::guard::stopped() {
                    return;
                }
                if let Some(shared) = weak.upgrade() {
                    if let Ok(mut inner) = shared.inner.try_borrow_mut() {
                        if let Some(i) = inner.as_mut() {
                            let view = View::of(&i.session);
                            tick(i, &view);
                        }
                    }
                }
            }));
        }
        (false, true) => i.ticker = None,
        _ => {}
    }
}

/// The time-dependent parts: the ACW timer and the tab's badge (sent only when it changes).
fn tick(i: &mut Inner, view: &View) {
    let now = super::now();
    i.toolbar.render_timer(view, now);
    let badge = view.badge(now);
    let next = (t(&badge.text), badge.color.to_string(), t(&badge.title));
    if i.badge.as_ref() != Some(&next) {
        i.badge = Some(next.clone());
        let acw_ms = view.acw_since.map(|since| now - since);
        ext::post_to_background(ToBackground::Badge { text: next.0, color: next.1, title: next.2, acw_ms });
    }
}

fn schedule(shared: &Rc<Shared>, weak: Weak<Shared>) {
    if let Ok(mut inner) = shared.inner.try_borrow_mut() {
        if let Some(i) = inner.as_mut() {
            i.timer = i.session.next_deadline().map(|deadline| {
                // Not f64::clamp: its panic message would bring float formatting in.
                #[allow(clippy::manual_clamp)]
                let wait = (deadline - super::now()).min(60_000.0).max(0.0).ceil() as u32;
                Timeout::new(wait + 1, move || dispatch(&weak, Input::Tick { now: super::now() }))
            });
        }
    }
}

/// What the settings in force tell the toolbar's session (at start and on every change).
fn settings_inputs(s: &crate::core::settings::Settings) -> [Input; 8] {
    [
        Input::AcwLimit { limit_s: s.acw_limit_seconds, extend_s: s.acw_extend_seconds, default_disposition: s.default_disposition.clone() },
        Input::SpeedDial(s.speed_dial.clone()),
        Input::Dispositions { list: s.dispositions.clone(), free: s.allow_free_disposition },
        Input::StatusReasons(s.not_ready_reasons.clone()),
        Input::RequireDisposition(s.require_disposition),
        Input::RequireResume(s.require_recording_resume),
        Input::DialSettings { rules: s.dial_rules(), service: s.outbound_service.clone(), confirm: s.dial_confirm },
        Input::PopSettings { enabled: !s.screen_pop_templates.is_empty(), on_answer: s.screen_pop_on_answer },
    ]
}

/// Reads the trusted list, the agent's settings and the policy, and feeds what they decide:
/// the tenant's trust (the built-in rule, the organisation's list, the agent's list while the
/// Trust prompt is allowed) and what the settings tell the session (`settings_inputs`).
fn refresh_settings(tenant: String, sink: Sink) {
    wasm_bindgen_futures::spawn_local(async move {
        let (list, eff) = (ext::trusted_origins().await, ext::effective().await);
        for input in settings_inputs(&eff.settings) {
            sink(input);
        }
        sink(Input::TrustChanged { trust: eff.trust(&tenant, &list), now: super::now() });
    });
}

/// Sends the toolbar's health to the background when it changed, at most once a second (a
/// trailing report carries the last change).
fn report_health(i: &mut Inner, weak: &Weak<Shared>) {
    let health = Health::of(&i.session, i.host.frame_mode(), document_start());
    if i.health.as_ref() == Some(&health) {
        return;
    }
    let now = super::now();
    let wait = 1000.0 - (now - i.health_at);
    if wait <= 0.0 {
        i.health = Some(health.clone());
        i.health_at = now;
        ext::post_to_background(ToBackground::Health { health: Some(health) });
    } else if i.health_timer.is_none() {
        let weak = weak.clone();
        i.health_timer = Some(Timeout::new(wait as u32, move || {
            if super::guard::stopped() {
                return;
            }
            if let Some(shared) = weak.upgrade() {
                if let Ok(mut inner) = shared.inner.try_borrow_mut() {
                    if let Some(i) = inner.as_mut() {
                        i.health_timer = None;
                        report_health(i, &Rc::downgrade(&shared));
                    }
                }
            }
        }));
    }
}

/// Tells the background what the toolbar shows when that changed (every visible change: the
/// side panel acts on it; the desktop's own messages, the only thing that changes it this
/// often, come from the trusted tenant alone). Counters are not in it, so a flood of forged
/// events changes nothing here.
fn report_live(i: &mut Inner, view: &View) {
    if !Live::is_desktop(view) {
        i.live_since = 0;
    } else if i.live_since == 0 {
        i.live_since = super::now() as i64;
    }
    let live = Live::of(view, &i.session.page, i.live_since, t);
    if i.live.as_ref() != Some(&live) {
        i.live = Some(live.clone());
        ext::post_to_background(ToBackground::Live { live: Some(Box::new(live)) });
    }
}

/// A page that is left (reloaded, navigated away, closed, put in the back-forward cache) takes
/// its report with it at once, so that the side panel never acts through a page that is gone;
/// a page shown again from the cache reports anew.
fn page_listeners(weak: &Weak<Shared>) -> Vec<gloo_events::EventListener> {
    let Some(window) = web_sys::window() else { return Vec::new() };
    let (hide, show, counted) = (weak.clone(), weak.clone(), weak.clone());
    // Only the browser's own: a page script that fires pagehide withdraws nothing (it is counted).
    let forged: super::guard::Forged = Rc::new(move |_| dispatch(&counted, Input::Forged));
    vec![
        super::guard::on(&window, "pagehide", &forged, move |_| {
            if let Some(shared) = hide.upgrade() {
                if let Ok(mut inner) = shared.inner.try_borrow_mut() {
                    if let Some(i) = inner.as_mut() {
                        i.live = None;
                    }
                }
            }
            ext::post_to_background(ToBackground::Live { live: None });
        }),
        super::guard::on(&window, "pageshow", &forged, move |_| {
            if let Some(shared) = show.upgrade() {
                render(&shared, &show);
            }
        }),
    ]
}

/// When this document started, in ms since the epoch (`performance.timeOrigin`).
fn document_start() -> i64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.time_origin() as i64).unwrap_or(0)
}
