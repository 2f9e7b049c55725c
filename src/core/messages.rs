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
    /// Set the sending tab's badge: text, background colour, tooltip; with how long the agent
    /// has been in after-call work, for the optional alert.
    Badge {
        text: String,
        color: String,
        title: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        acw_ms: Option<f64>,
    },
    /// Save the agent's settings.
    Settings { settings: Settings },
    /// Remember where the toolbar sits on a site (CSS px from the top-left) and if collapsed.
    Placement { site: String, placement: Placement },
    /// Run a keyboard-shortcut command (the path `commands.onCommand` takes) on a given tab,
    /// or on the active tab when none is named.
    Command {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tab: Option<i32>,
    },
}

/// From the background to the content script of a tab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ToContent {
    /// A keyboard shortcut (manifest `commands`) for the toolbar on this page.
    Hotkey { command: String },
}

/// The toolbar button a shortcut command presses.
pub fn button_for_command(command: &str) -> Option<crate::core::session::Button> {
    use crate::core::session::Button;
    match command {
        "get-state" => Some(Button::GetState),
        "wrap-up" => Some(Button::WrapUp),
        "terminate" => Some(Button::Terminate),
        "complete" => Some(Button::Complete),
        _ => None,
    }
}

/// Storage key of the agent's settings (a [`Settings`] object).
pub const SETTINGS_KEY: &str = "settings";

/// The agent's own settings (the options issue adds more).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Show a desktop notification once after-call work has lasted this many minutes; 0 = never.
    #[serde(default)]
    pub acw_alert_minutes: f64,
}

impl Settings {
    /// Whether an after-call-work episode of `acw_ms` has passed the alert threshold.
    pub fn acw_alert_due(&self, acw_ms: f64) -> bool {
        self.acw_alert_minutes > 0.0 && acw_ms >= self.acw_alert_minutes * 60_000.0
    }
}

/// Storage key of the toolbar placements per site (an object: site -> [`Placement`]).
pub const PLACEMENTS_KEY: &str = "placements";

/// Where the agent left the toolbar on one site.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    pub x: f64,
    pub y: f64,
    #[serde(default)]
    pub collapsed: bool,
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
    /// The toolbar frame's host now sits at (x, y) (after a move).
    Placed { x: f64, y: f64 },
    /// A keyboard shortcut for the toolbar (the relay forwards the background's message).
    Hotkey { command: String },
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
    /// Move the toolbar frame's host by (dx, dy); answer with `Placed` when `end`.
    Move { dx: f64, dy: f64, end: bool },
    /// Put the host's top-left corner at (x, y) (a remembered placement).
    Place { x: f64, y: f64 },
}
