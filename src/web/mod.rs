//! The glue: the only code that touches the browser. Turns DOM and extension events into core
//! `Input`s and carries out the core's `Effect`s. Exists only on wasm32.
#![deny(clippy::unwrap_used)]

#[cfg(feature = "content")]
pub mod app;
#[cfg(feature = "pages")]
pub mod background;
#[cfg(feature = "content")]
pub mod channel;
#[cfg(feature = "pages")]
pub mod chooser;
#[cfg(feature = "content")]
pub mod content;
pub mod dom;
pub mod ext;
#[cfg(feature = "frame")]
pub mod frame;
#[cfg(feature = "content")]
pub mod guard;
pub mod heap;
pub mod i18n;
#[cfg(feature = "content")]
pub mod numbers;
#[cfg(feature = "pages")]
pub mod options;
#[cfg(feature = "pages")]
pub mod panel;
#[cfg(feature = "pages")]
pub mod popup;
#[cfg(feature = "content")]
pub mod toolbar;
#[cfg(feature = "pages")]
pub mod trust;
pub mod trap;

use wasm_bindgen::JsValue;

/// The content and frame modules allocate from size classes (`heap`); a build with the
/// extension's pages in it keeps the standard allocator for the long-lived background.
#[cfg(not(feature = "pages"))]
#[global_allocator]
static HEAP: heap::SizeClasses = heap::SizeClasses::new();

/// Errors of the glue: a JavaScript exception or a (de)serialisation failure.
#[derive(Debug)]
pub enum WebError {
    Js(JsValue),
    Serde(String),
    Missing(&'static str),
}

impl From<JsValue> for WebError {
    fn from(v: JsValue) -> Self {
        WebError::Js(v)
    }
}

impl From<serde_json::Error> for WebError {
    fn from(e: serde_json::Error) -> Self {
        WebError::Serde(e.to_string())
    }
}

impl From<WebError> for JsValue {
    fn from(e: WebError) -> JsValue {
        match e {
            WebError::Js(v) => v,
            WebError::Serde(s) => JsValue::from_str(&s),
            WebError::Missing(what) => JsValue::from_str(&format!("missing: {what}")),
        }
    }
}

impl std::fmt::Display for WebError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // No Debug formatting of the value: it would bring float formatting into the module.
            WebError::Js(v) => {
                // An Error's message (it would stringify as `{}`), else the value as JSON.
                let message = || wasm_bindgen::JsCast::dyn_ref::<js_sys::Error>(v).map(|e| String::from(e.message()));
                let text = v.as_string().or_else(message).or_else(|| js_sys::JSON::stringify(v).ok().and_then(|s| s.as_string()));
                write!(f, "{}", text.as_deref().unwrap_or("(a JavaScript value)"))
            }
            WebError::Serde(s) => write!(f, "{s}"),
            WebError::Missing(w) => write!(f, "missing: {w}"),
        }
    }
}

pub type WebResult<T> = Result<T, WebError>;

/// Milliseconds since the Unix epoch: the clock of every log entry and timeout.
pub fn now() -> f64 {
    js_sys::Date::now()
}

/// Reports a glue error on the console without failing the caller.
pub fn warn(context: &str, err: &WebError) {
    web_sys::console::warn_2(&JsValue::from_str(&format!("[Call Toolbar] {context}:")), &JsValue::from_str(&err.to_string()));
}
