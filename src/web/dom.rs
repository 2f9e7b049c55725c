//! Small DOM helpers. Text is always set as text: nothing here parses markup.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Node};

use super::{WebError, WebResult};

pub fn window() -> WebResult<web_sys::Window> {
    web_sys::window().ok_or(WebError::Missing("window"))
}

pub fn document() -> WebResult<Document> {
    window()?.document().ok_or(WebError::Missing("document"))
}

/// A shadow host with a closed root, made where the page's custom elements cannot reach it: in
/// a document of no browsing context (no custom element registry), so that the root is
/// attached to a plain element. A page that defined `tag` itself and calls `attachInternals()`
/// in its constructor (run when the host is upgraded in the page) gets no `shadowRoot` from
/// it: a root attached before the element was custom is never available to its internals.
pub fn closed_host(tag: &str) -> WebResult<(Element, web_sys::ShadowRoot)> {
    let inert = document()?.implementation()?.create_html_document()?;
    let host = inert.create_element(tag)?;
    let root = host.attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Closed))?;
    Ok((host, root))
}

/// `<tag attr=value …>text</tag>`.
pub fn el(doc: &Document, tag: &str, attrs: &[(&str, &str)], text: &str) -> WebResult<Element> {
    let e = doc.create_element(tag)?;
    for (k, v) in attrs {
        e.set_attribute(k, v)?;
    }
    if !text.is_empty() {
        e.set_text_content(Some(text));
    }
    Ok(e)
}

/// Like [`el`], cast to a concrete element type.
pub fn el_as<T: JsCast>(doc: &Document, tag: &str, attrs: &[(&str, &str)], text: &str) -> WebResult<T> {
    el(doc, tag, attrs, text)?.dyn_into::<T>().map_err(|_| WebError::Missing("element type"))
}

pub fn append(parent: &Node, children: &[&Element]) -> WebResult<()> {
    for c in children {
        parent.append_child(c)?;
    }
    Ok(())
}

/// Sets text only when it changed (keeps live regions from re-announcing the same words).
pub fn set_text(e: &Element, text: &str) {
    if e.text_content().as_deref() != Some(text) {
        e.set_text_content(Some(text));
    }
}

/// Sets or removes a boolean attribute.
pub fn set_flag(e: &Element, name: &str, on: bool) {
    let has = e.has_attribute(name);
    if on && !has {
        let _ = e.set_attribute(name, "");
    } else if !on && has {
        let _ = e.remove_attribute(name);
    }
}

/// Sets an attribute only when it changed.
pub fn set_attr(e: &Element, name: &str, value: &str) {
    if e.get_attribute(name).as_deref() != Some(value) {
        let _ = e.set_attribute(name, value);
    }
}

/// A MutationObserver and its callback, disconnected when dropped.
pub struct Observer {
    observer: web_sys::MutationObserver,
    _callback: wasm_bindgen::closure::Closure<dyn FnMut(js_sys::Array, web_sys::MutationObserver)>,
}

impl Observer {
    /// Observes `target` with `init`, calling `f` after each batch of mutations.
    pub fn new(target: &Node, init: &web_sys::MutationObserverInit, mut f: impl FnMut() + 'static) -> WebResult<Observer> {
        let callback = wasm_bindgen::closure::Closure::<dyn FnMut(js_sys::Array, web_sys::MutationObserver)>::new(move |_, _| f());
        let observer = web_sys::MutationObserver::new(callback.as_ref().unchecked_ref())?;
        observer.observe_with_options(target, init)?;
        Ok(Observer { observer, _callback: callback })
    }
}

impl Drop for Observer {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}
