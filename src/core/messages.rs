//! Messages between the extension's own surfaces (content script, toolbar frame, popup,
//! background). One tagged serde enum per direction; tests pin the JSON.

use serde::{Deserialize, Serialize};

use super::log::LogEntry;

/// Storage key of the log (an array of [`LogEntry`] objects, oldest first).
pub const LOG_KEY: &str = "log";
/// Storage key of the agent's trusted tenant origins (an array of strings).
pub const TRUSTED_KEY: &str = "trustedOrigins";

/// To the background, which is the only writer of extension storage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ToBackground {
    /// Append entries to the log.
    Log { entries: Vec<LogEntry> },
    /// Empty the log.
    ClearLog,
    /// Add a tenant origin to the trusted list.
    Trust { origin: String },
    /// Remove a tenant origin from the trusted list.
    Untrust { origin: String },
}

/// Between the content-script relay (JavaScript, strict-CSP pages in Chromium) and the
/// toolbar frame that runs the Rust there. Relay → frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "camelCase")]
pub enum FromRelay {
    /// The page's repeater iframe, by absolute URL; `None` once it is gone.
    Repeater { src: Option<String>, page: String },
    /// Our proxy iframe has loaded.
    ProxyLoaded,
    /// A `message` event on the page window. `from_proxy` is whether `event.source` was our
    /// proxy frame's window (only the relay can see that).
    Message {
        data: Option<String>,
        origin: String,
        #[serde(rename = "fromProxy")]
        from_proxy: bool,
    },
}

/// Toolbar frame → relay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "camelCase")]
pub enum ToRelay {
    /// Create the hidden proxy iframe at `url`; posts go to exactly `origin`.
    Open { origin: String, url: String },
    /// Post this string to the proxy, target origin = the opened origin.
    Post { text: String },
    /// Remove the proxy iframe.
    Close,
    /// The toolbar's content size in CSS pixels.
    Size { width: u32, height: u32 },
}
