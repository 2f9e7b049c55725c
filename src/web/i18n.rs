//! Renders core messages in the browser's UI language through `i18n.getMessage`; English from
//! the built-in table where no extension i18n API exists (the glue's own browser tests).

use js_sys::Array;
use wasm_bindgen::JsValue;

use super::ext;
use crate::core::text::{Arg, Msg};

fn get_message(key: &str, args: &[String]) -> Option<String> {
    let i18n = ext::path(&["i18n"]).ok()?;
    let subs = Array::new();
    for a in args {
        subs.push(&JsValue::from_str(a));
    }
    let text = ext::call(&i18n, "getMessage", &[&JsValue::from_str(key), &subs]).ok()?.as_string()?;
    (!text.is_empty()).then_some(text)
}

/// The message in the agent's language.
pub fn t(msg: &Msg) -> String {
    let args: Vec<String> = msg
        .args
        .iter()
        .map(|a| match a {
            Arg::Text(s) => s.clone(),
            Arg::Key(k) => get_message(k, &[]).unwrap_or_else(|| Msg::new(k).english()),
        })
        .collect();
    get_message(msg.key, &args).unwrap_or_else(|| msg.english())
}

/// A message without arguments.
pub fn tk(key: &'static str) -> String {
    t(&Msg::new(key))
}

/// A message with text arguments.
pub fn ta(key: &'static str, args: &[&str]) -> String {
    t(&Msg::with(key, args))
}

/// Titles an extension page (document title and its `#title` heading) in the agent's language
/// and marks the document with that language; returns the page's `#app` element.
#[cfg(feature = "pages")]
pub fn page_frame(doc: &web_sys::Document, title_key: &'static str) -> super::WebResult<web_sys::Element> {
    let root = doc.get_element_by_id("app").ok_or(super::WebError::Missing("#app"))?;
    doc.set_title(&tk(title_key));
    if let Some(h1) = doc.get_element_by_id("title") {
        h1.set_text_content(Some(&tk(title_key)));
    }
    if let (Some(html), Ok(i18n)) = (doc.document_element(), ext::path(&["i18n"])) {
        if let Some(lang) = ext::call(&i18n, "getUILanguage", &[]).ok().and_then(|l| l.as_string()) {
            let _ = html.set_attribute("lang", &lang);
        }
    }
    Ok(root)
}
