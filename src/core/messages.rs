//! Messages between the extension's own surfaces (content script, toolbar frame, popup,
//! background). One tagged serde enum per direction; tests pin the JSON.

use serde::{Deserialize, Serialize};

use super::log::LogEntry;

/// Serialises a millisecond or pixel figure as a whole number. The values are whole in
/// practice; writing them as integers keeps float formatting out of the content script's
/// module (about 20 KB of code). Reading still accepts any JSON number.
pub mod whole {
    use serde::Serializer;

    pub fn ser<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(v.round() as i64)
    }

    pub fn opt<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => ser(v, s),
            None => s.serialize_none(),
        }
    }
}

/// Storage key of the log (an array of [`LogEntry`] objects, oldest first).
pub const LOG_KEY: &str = "log";
/// Storage key of the agent's trusted tenant origins (an array of strings).
pub const TRUSTED_KEY: &str = "trustedOrigins";

/// To the background, which is the only writer of extension storage. Some messages are orders
/// ([`ToBackground::privileged`]): the background obeys them only from the extension's own pages,
/// never from a content script, whose page (or a compromised renderer) could have written them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ToBackground {
    /// Append entries to the log.
    Log { entries: Vec<LogEntry> },
    /// Empty the log.
    ClearLog,
    /// Add a tenant origin to the trusted list (the trust confirmation window).
    Trust { origin: String },
    /// The agent pressed a toolbar's Trust button: show the trust confirmation window for this
    /// origin (the page cannot reach that window; the toolbar cannot trust by itself).
    AskTrust { origin: String },
    /// Remove a tenant origin from the trusted list.
    Untrust { origin: String },
    /// Set the sending tab's badge: text, background colour, tooltip; with how long the agent
    /// has been in after-call work, for the optional alert.
    Badge {
        text: String,
        color: String,
        title: String,
        #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "whole::opt")]
        acw_ms: Option<f64>,
    },
    /// Save the agent's settings.
    Settings { settings: Settings },
    /// Remember where the toolbar sits on a site (CSS px from the top-left) and if collapsed.
    Placement { site: String, placement: Placement },
    /// The toolbar's health for the popup's panel (`None`: the toolbar left the page). The
    /// background keys it by the sender's tab and frame.
    Health { health: Option<crate::core::health::Health> },
    /// What the toolbar shows, for the side panel (`None`: the toolbar left the page). Sent
    /// on every visible change; the background keys it by the sender's tab and frame.
    Live { live: Option<Box<crate::core::live::Live>> },
    /// Press a control of the desktop tab's toolbar (a shortcut command, as `Command`): the
    /// side panel's controls. `key` names the report the panel showed and `item_id` the
    /// interaction it showed: the background refuses a press for a report that is no longer
    /// the desktop tab ([`crate::core::live::desktop_of`]) or whose control is not enabled, and
    /// the toolbar one made for another interaction than its current one. Answered with
    /// whether a toolbar took it.
    Desktop { command: String, key: String, item_id: String },
    /// Make the report `key` the desktop tab (the agent's choice between two desktops in the
    /// popup or the side panel): it stays the desktop tab until another tab logs in.
    ChooseDesktop { key: String },
    /// A call to pop the CRM record for (a content script's toolbar, on offer or answer): the
    /// background fills its own templates with these fields, checks the URL and opens it in a
    /// tab of its own, never the sender's.
    ScreenPop { item_id: String, fields: Vec<(String, String)> },
    /// Run a keyboard-shortcut command (the path `commands.onCommand` takes) on a given tab,
    /// or on the active tab when none is named.
    Command {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tab: Option<i32>,
    },
}

impl ToBackground {
    /// Whether this message is an order that only the extension's own pages may give: it
    /// changes what is trusted, configured or recorded, or acts in another tab.
    pub fn privileged(&self) -> bool {
        matches!(
            self,
            ToBackground::ClearLog
                | ToBackground::Trust { .. }
                | ToBackground::Untrust { .. }
                | ToBackground::Settings { .. }
                | ToBackground::Command { .. }
                | ToBackground::Desktop { .. }
                | ToBackground::ChooseDesktop { .. }
        )
    }
}

/// From the background to the content script of a tab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ToContent {
    /// A keyboard shortcut (manifest `commands`) for the toolbar on this page.
    Hotkey { command: String },
    /// The agent chose **Call** in the context menu on selected text: dial it (the toolbar's
    /// session checks it is a number and that a call can be placed now).
    Dial { text: String },
    /// The agent pressed a control of this toolbar in the side panel, seeing `item_id` as the
    /// current interaction.
    Press { command: String, item_id: String },
}

/// Whether `token` is one a mirror may name: 16 to 64 characters of `[0-9A-Za-z-]` (the CRM
/// pages' script makes a `crypto.randomUUID()`).
pub fn valid_token(token: &str) -> bool {
    (16..=64).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The most characters of a selection the context menu's Call passes on (a number, its
/// extension and some slack; a selected paragraph is not a number anyway).
pub const MENU_TEXT_MAX: usize = 64;

/// A selection as the context menu passes it on: a longer one is cut and marked as cut, so
/// that what is left can never read as a number the agent did not select.
pub fn menu_text(text: &str) -> String {
    let mut out: String = text.chars().take(MENU_TEXT_MAX).collect();
    if text.chars().nth(MENU_TEXT_MAX).is_some() {
        out.push('…');
    }
    out
}

/// What a toolbar does with a message from the background.
pub fn content_input(msg: ToContent, now: f64) -> Option<crate::core::session::Input> {
    use crate::core::session::Input;
    match msg {
        ToContent::Hotkey { command } => button_for_command(&command).map(|button| Input::Click { button, now }),
        ToContent::Dial { text } => Some(Input::Dial { text: menu_text(&text), now }),
        ToContent::Press { command, item_id } => button_for_command(&command).map(|button| Input::Press { button, item_id, now }),
    }
}

/// The toolbar button a shortcut command presses.
pub fn button_for_command(command: &str) -> Option<crate::core::session::Button> {
    use crate::core::session::Button;
    match command {
        "get-state" => Some(Button::GetState),
        "wrap-up" => Some(Button::WrapUp),
        "terminate" => Some(Button::Terminate),
        "complete" => Some(Button::Complete),
        "recording" => Some(Button::Recording),
        "ready" => Some(Button::Ready),
        "not-ready" => Some(Button::NotReady),
        _ => None,
    }
}

pub use super::settings::{Settings, SETTINGS_KEY};

/// Storage key of the toolbar placements per site (an object: site -> [`Placement`]).
pub const PLACEMENTS_KEY: &str = "placements";

/// Where the agent left the toolbar on one site.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    #[serde(serialize_with = "whole::ser")]
    pub x: f64,
    #[serde(serialize_with = "whole::ser")]
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
    /// A trusted `message` event from our proxy frame's window and the tenant origin (only the
    /// relay can see the sender); `data` is `None` when it was not a string or too long.
    Message { data: Option<String> },
    /// Our proxy iframe was taken out of the page, or navigated to a document of the page's own
    /// (the relay could read it): the channel is lost and must be reopened.
    Lost,
    /// What the relay counted instead of forwarding since its last report: suspicious
    /// messages (`ignored`), events a page script forged (`forged`) and the tenant's other
    /// well-formed traffic (`neighbours`, the page's own SDK).
    Counted {
        ignored: u32,
        forged: u32,
        #[serde(default)]
        neighbours: u32,
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
    Move {
        #[serde(serialize_with = "whole::ser")]
        dx: f64,
        #[serde(serialize_with = "whole::ser")]
        dy: f64,
        end: bool,
    },
    /// Send this report to the background from the relay, a content script of the page's own
    /// frame, so that the background names the page that frame shows (the toolbar frame is an
    /// extension page: the browser would name the tab's top page).
    Background { msg: ToBackground },
    /// Put the host's top-left corner at (x, y) (a remembered placement).
    Place {
        #[serde(serialize_with = "whole::ser")]
        x: f64,
        #[serde(serialize_with = "whole::ser")]
        y: f64,
    },
}
