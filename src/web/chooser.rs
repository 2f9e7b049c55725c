//! The popup's (and side panel's) choice between two desktop tabs: with the Agent Desktop
//! logged in on more than one tab, **Act through** names the one the side panel and the mirror
//! toolbars repeat and press through. By default it is the later login; the agent's choice
//! makes that tab the desktop tab until another tab logs in ([`ToBackground::ChooseDesktop`]:
//! the background, the only one that decides, takes it from the extension's own pages only).
//! Shown only while there are two desktops or more.

use std::cell::RefCell;

use gloo_events::EventListener;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, HtmlSelectElement};

use super::dom::{append, el, el_as, set_flag};
use super::i18n::{ta, tk};
use super::{ext, WebResult};
use crate::core::health::report_key;
use crate::core::live::{desktop_of, key_parts, Live, LIVE_KEY};
use crate::core::messages::ToBackground;

struct Chooser {
    section: Element,
    select: HtmlSelectElement,
    /// The options as last built: (report key, label).
    options: Vec<(String, String)>,
    _listeners: Vec<EventListener>,
    _storage: Vec<ext::ApiListener>,
}

thread_local! {
    static CHOOSER: RefCell<Option<Chooser>> = const { RefCell::new(None) };
}

/// Builds the section (hidden until there are two desktops) and appends it to `root`.
pub fn build(doc: &Document, root: &Element) -> WebResult<()> {
    let section = el(doc, "section", &[("aria-labelledby", "desktops-title"), ("hidden", "")], "")?;
    let title = el(doc, "h2", &[("id", "desktops-title")], &tk("live_title"))?;
    let note = el(doc, "p", &[("class", "note")], &tk("live_choose_note"))?;
    let row = el(doc, "p", &[("class", "setting")], "")?;
    let label = el(doc, "label", &[("for", "live-choice")], &tk("live_choose"))?;
    let select: HtmlSelectElement = el_as(doc, "select", &[("id", "live-choice")], "")?;
    append(&row, &[&label, select.as_ref()])?;
    append(&section, &[&title, &note, &row])?;
    append(root, &[&section])?;
    let picked = select.clone();
    let listeners = vec![EventListener::new(&select, "change", move |e| {
        // Only the agent's own choice.
        if e.is_trusted() {
            choose(picked.value());
        }
    })];
    // The first reading and every change come later, with the section in place.
    let storage = vec![ext::follow_session(LIVE_KEY, show)?];
    CHOOSER.with(|c| *c.borrow_mut() = Some(Chooser { section, select, options: Vec::new(), _listeners: listeners, _storage: storage }));
    Ok(())
}

/// The reports as stored: one option per desktop, the desktop tab selected.
fn show(reports: &JsValue) {
    let all: std::collections::BTreeMap<String, Live> = ext::from_js(reports).unwrap_or_default();
    let current = desktop_of(all.iter().map(|(k, v)| (k.as_str(), v))).map(|(tab, frame, _)| report_key(tab, frame));
    let options: Vec<(String, String)> = all
        .iter()
        .filter(|(_, l)| l.desktop)
        .filter_map(|(k, l)| {
            let (tab, _) = key_parts(k)?;
            Some((k.clone(), ta("live_choice", &[&l.page, if l.agent_id.is_empty() { "—" } else { &l.agent_id }, &tab.to_string()])))
        })
        .collect();
    CHOOSER.with(|c| {
        let mut guard = c.borrow_mut();
        let Some(c) = guard.as_mut() else { return };
        set_flag(&c.section, "hidden", options.len() < 2);
        // Rebuilt only when the desktops change: a report's every other change leaves the list
        // (and an open list) alone.
        if c.options != options {
            let doc = c.select.owner_document();
            c.select.set_text_content(None);
            for (key, label) in &options {
                if let Some(doc) = &doc {
                    if let Ok(o) = el(doc, "option", &[("value", key)], label) {
                        let _ = c.select.append_child(&o);
                    }
                }
            }
            c.options = options;
        }
        if let Some(key) = current {
            if c.select.value() != key {
                c.select.set_value(&key);
            }
        }
    });
}

/// Asks the background to make the report `key` the desktop tab.
fn choose(key: String) {
    wasm_bindgen_futures::spawn_local(async move {
        let result = match ext::to_js(&ToBackground::ChooseDesktop { key }) {
            Ok(msg) => ext::send_to_background(&msg).await.map(|_| ()),
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            super::warn("desktop choice", &e);
        }
    });
}
