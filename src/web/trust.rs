//! The trust window: the one place a tenant becomes trusted by the agent. A toolbar's Trust
//! button only asks the background to open it (a page can press nothing here: this is an
//! extension window, out of every page's reach), with the origin and the page it was found on.
//! The origin goes through the same parser as everything the agent types; the window shows what
//! the rules say about it and, when it is the agent's to decide, a Trust button that sends the
//! order from this extension page. Once the background has it, the window closes.

use wasm_bindgen::prelude::*;

use super::dom::{append, document, el, set_text};
use super::i18n::{ta, tk};
use super::{ext, WebResult};
use crate::core::detect::Trust;
use crate::core::messages::ToBackground;
use crate::core::settings::parse_tenant;

/// How long Trust stays disabled after the window comes to the front.
const ARM_MS: u32 = 1_000;

thread_local! {
    /// The page's listeners, kept as long as the page lives.
    static LISTENERS: std::cell::RefCell<Vec<gloo_events::EventListener>> = const { std::cell::RefCell::new(Vec::new()) };
    /// The timer that enables Trust again.
    static ARMING: std::cell::RefCell<Option<gloo_timers::callback::Timeout>> = const { std::cell::RefCell::new(None) };
}

/// A query parameter of this page's URL, decoded.
fn param(search: &str, name: &str) -> Option<String> {
    search.trim_start_matches('?').split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| js_sys::decode_uri_component(v).ok().and_then(|s| s.as_string()).unwrap_or_default())
    })
}

/// Entry point of `trust.html`.
#[wasm_bindgen]
pub fn start_trust(api: JsValue) -> Result<(), JsValue> {
    ext::set_api(api);
    let doc = document()?;
    let root = super::i18n::page_frame(&doc, "trustpage_title")?;
    let search = doc.location().and_then(|l| l.search().ok()).unwrap_or_default();
    let raw = param(&search, "origin").unwrap_or_default();
    let page = param(&search, "page").unwrap_or_default();
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = render(&root, &raw, &page).await {
            super::warn("trust window", &e);
        }
        if let Some(body) = document().ok().and_then(|d| d.body()) {
            let _ = body.set_attribute("data-ready", "true");
        }
    });
    Ok(())
}

async fn render(root: &web_sys::Element, raw: &str, page: &str) -> WebResult<()> {
    let doc = document()?;
    let Ok(origin) = parse_tenant(raw) else {
        append(root, &[&el(&doc, "p", &[("role", "alert")], &ta("trustpage_bad", &[raw]))?])?;
        return Ok(());
    };
    let found = if page.is_empty() { ta("trustpage_ask_no_page", &[&origin]) } else { ta("trustpage_ask", &[page, &origin]) };
    append(root, &[&el(&doc, "p", &[("class", "found")], &found)?])?;
    let (eff, list) = (ext::effective().await, ext::trusted_origins().await);
    let verdict = match eff.trust(&origin, &list) {
        Trust::Askable => None,
        Trust::Trusted => Some(ta("trustpage_already", &[&origin])),
        Trust::Refused => Some(ta("trustpage_refused", &[&origin])),
        Trust::NotListed | Trust::Pending => Some(ta("trustpage_policy", &[&origin])),
    };
    if let Some(text) = verdict {
        append(root, &[&el(&doc, "p", &[("role", "status")], &text)?])?;
        return Ok(());
    }
    let means = el(&doc, "p", &[("class", "note")], &tk("trustpage_means"))?;
    let actions = el(&doc, "div", &[("class", "actions")], "")?;
    let yes = el(&doc, "button", &[("type", "button"), ("class", "primary")], &ta("btn_trust_confirm", &[&origin]))?;
    let no = el(&doc, "button", &[("type", "button")], &tk("btn_cancel"))?;
    let status = el(&doc, "p", &[("role", "status")], "")?;
    append(&actions, &[&yes, &no])?;
    append(root, &[&means, &actions, &status])?;
    // Cancel has the focus, and Trust takes a click only after the window has been in front for
    // a moment: a keystroke or a click meant for the page the window opened over (a hostile page
    // may have asked for it at just that moment) trusts nothing.
    if let Some(b) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlElement>(&no) {
        let _ = b.focus();
    }
    let arm = {
        let yes = yes.clone();
        move || {
            let _ = yes.set_attribute("disabled", "");
            let yes = yes.clone();
            ARMING.with(|a| *a.borrow_mut() = Some(gloo_timers::callback::Timeout::new(ARM_MS, move || {
                let _ = yes.remove_attribute("disabled");
            })));
        }
    };
    arm();
    let close = || {
        if let Some(w) = web_sys::window() {
            let _ = w.close();
        }
    };
    let window: web_sys::EventTarget = web_sys::window().ok_or(super::WebError::Missing("window"))?.into();
    let (arm_focus, arm_shown) = (arm.clone(), arm);
    let listeners = [
        gloo_events::EventListener::new(&window, "focus", move |_| arm_focus()),
        gloo_events::EventListener::new(&doc, "visibilitychange", move |_| arm_shown()),
        gloo_events::EventListener::new(&yes, "click", move |_| {
            let origin = origin.clone();
            let status = status.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let sent = ext::to_js(&ToBackground::Trust { origin: origin.clone() });
                let ok = match sent {
                    Ok(m) => ext::send_to_background(&m).await.ok().and_then(|r| js_sys::Reflect::get(&r, &JsValue::from_str("ok")).ok()).and_then(|v| v.as_bool()),
                    Err(_) => None,
                };
                if ok == Some(true) {
                    set_text(&status, &ta("trustpage_done", &[&origin]));
                    close();
                } else {
                    set_text(&status, &tk("trustpage_failed"));
                }
            });
        }),
        gloo_events::EventListener::new(&no, "click", move |_| close()),
    ];
    LISTENERS.with(|l| *l.borrow_mut() = listeners.into());
    Ok(())
}
