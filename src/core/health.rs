//! The health panel: what the toolbar in a tab knows about its connection, reported by the
//! content script, and the plain-words lines the popup shows for it, each with what to do next.

use serde::{Deserialize, Serialize};

use super::detect::Trust;
use super::session::{Channel, Session};
use super::text::Msg;

/// Storage key (`storage.session`) of the health reports: an object, `"<tab>:<frame>"` →
/// [`Health`] (a tab can hold a toolbar in more than one frame).
pub const HEALTH_KEY: &str = "health";
/// Storage key (`storage.session`) of the orders the background refused per tab: an object,
/// tab id → count (privileged messages from content scripts).
pub const REFUSED_KEY: &str = "refused";

/// The key of one frame's report in [`HEALTH_KEY`].
pub fn report_key(tab: i32, frame: i32) -> String {
    format!("{tab}:{frame}")
}

/// The frame a report key names, if it belongs to `tab`.
pub fn frame_of(key: &str, tab: i32) -> Option<i32> {
    let (t, f) = key.split_once(':')?;
    (t.parse::<i32>().ok()? == tab).then_some(())?;
    f.parse().ok()
}

/// Of a tab's frames with a toolbar, the one that speaks for the tab (its badge, its health
/// panel, where shortcuts go): the top frame (0) first, else the first other frame.
pub fn first_frame<T>(frames: impl IntoIterator<Item = (i32, T)>) -> Option<(i32, T)> {
    frames.into_iter().min_by_key(|(frame, _)| *frame)
}

/// One toolbar's state, as its content script reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    pub tenant: String,
    pub page: String,
    /// `trusted`, `askable`, `refused`, `pending` or `not_listed`.
    pub trust: String,
    /// When our channel to the tenant opened, while it is open (ms since the epoch).
    pub channel_since: Option<i64>,
    pub logged_in: Option<bool>,
    /// When the desktop last said anything on our channel.
    pub last_heard: Option<i64>,
    /// Messages ignored as spoofed or malformed.
    pub ignored: u32,
    /// Events a page script forged (`isTrusted` false) that the toolbar ignored.
    #[serde(default)]
    pub forged: u32,
    /// Well-formed messages from the tenant's other frames (the page's own SDK): fine.
    #[serde(default)]
    pub neighbours: u32,
    /// The toolbar runs in its own frame because the page's CSP forbids WebAssembly.
    pub frame_mode: bool,
    /// When the reporting document started (`performance.timeOrigin`): a report older than the
    /// tab's current page belongs to a page that is gone.
    #[serde(default)]
    pub document_start: i64,
    /// The toolbar hit an internal error and took itself off the page.
    #[serde(default)]
    pub stopped: bool,
}

impl Health {
    pub fn of(s: &Session, frame_mode: bool, document_start: i64) -> Health {
        Health {
            tenant: s.tenant.clone(),
            page: s.page.clone(),
            trust: match s.trust {
                Trust::Trusted => "trusted",
                Trust::Askable => "askable",
                Trust::Refused => "refused",
                Trust::Pending => "pending",
                Trust::NotListed => "not_listed",
            }
            .into(),
            channel_since: match s.channel {
                Channel::Open { since } => Some(since as i64),
                _ => None,
            },
            logged_in: s.agent.logged_in,
            last_heard: s.last_heard.map(|t| t as i64),
            ignored: s.ignored,
            forged: s.forged,
            neighbours: s.neighbours,
            frame_mode,
            document_start,
            stopped: false,
        }
    }

    /// The report of a toolbar that trapped and removed itself (nothing else about it can be
    /// trusted any more).
    pub fn stopped(page: &str, document_start: i64) -> Health {
        Health {
            tenant: String::new(),
            page: page.to_string(),
            trust: String::new(),
            channel_since: None,
            logged_in: None,
            last_heard: None,
            ignored: 0,
            forged: 0,
            neighbours: 0,
            frame_mode: false,
            document_start,
            stopped: true,
        }
    }
}

/// How a line reads at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Ok,
    Warn,
    Problem,
}

impl Level {
    pub fn key(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Problem => "problem",
        }
    }
}

/// One line of the panel: what is so, and what to do about it (if anything).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub level: Level,
    pub what: Msg,
    pub todo: Option<Msg>,
}

fn line(level: Level, what: Msg, todo: Option<Msg>) -> Line {
    Line { level, what, todo }
}

/// What the popup knows about the active tab.
#[derive(Debug, Clone, PartialEq)]
pub enum TabState {
    /// Not a web page (a browser page, a file, a PDF viewer…).
    NotWeb,
    /// The Agent Desktop itself (a tenant's `/agentdesktop/` page), where the toolbar never runs.
    Desktop,
    /// A web page whose content script does not answer: it was open before the extension was
    /// installed or updated and could not be given the new one.
    ScriptMissing,
    /// The content script runs; `None` = no Agent Desktop on the page.
    Running(Option<Health>),
}

/// The report that describes the tab's current page, if `report` does: it must come from a
/// document that started no earlier than the tab's top document (a subframe or the toolbar
/// frame starts later; a page navigated away from started earlier).
pub fn current(report: Option<Health>, top_document_start: i64) -> Option<Health> {
    report.filter(|h| h.document_start >= top_document_start)
}

/// The state of a tab from its URL alone, when that decides it (not a web page, or the desktop
/// itself); `None` = a web page where the content script should be running.
pub fn state_of_url(url: &str) -> Option<TabState> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match rest {
        None => Some(TabState::NotWeb),
        Some(r) => {
            let path = r.find('/').and_then(|i| r.get(i..)).unwrap_or("/");
            path.starts_with("/agentdesktop/").then_some(TabState::Desktop)
        }
    }
}

/// Elapsed time in words-free form: "12 s", "3 min", "2 h".
pub fn age(ms: i64) -> String {
    let s = (ms.max(0) / 1000) as u64;
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min", s / 60),
        _ => format!("{} h", s / 3600),
    }
}

/// The panel's lines for a tab, at `now` (ms), with `clock` rendering a time of day; `refused`
/// counts the orders the background refused from the tab's content scripts.
pub fn lines(state: &TabState, refused: u32, now: i64, clock: impl Fn(i64) -> String) -> Vec<Line> {
    let mut out = tab_lines(state, now, clock);
    if refused > 0 {
        out.push(line(Level::Problem, Msg::with("health_refused", &[&refused.to_string()]), Some(Msg::new("health_refused_todo"))));
    }
    out
}

fn tab_lines(state: &TabState, now: i64, clock: impl Fn(i64) -> String) -> Vec<Line> {
    let h = match state {
        TabState::NotWeb => return vec![line(Level::Warn, Msg::new("health_not_web"), Some(Msg::new("health_not_web_todo")))],
        TabState::Desktop => return vec![line(Level::Warn, Msg::new("health_desktop"), Some(Msg::new("health_desktop_todo")))],
        TabState::ScriptMissing => {
            return vec![line(Level::Problem, Msg::new("health_script_missing"), Some(Msg::new("health_script_missing_todo")))]
        }
        TabState::Running(None) => {
            return vec![line(Level::Warn, Msg::new("health_no_repeater"), Some(Msg::new("health_no_repeater_todo")))]
        }
        TabState::Running(Some(h)) if h.stopped => {
            return vec![line(Level::Problem, Msg::new("health_stopped"), Some(Msg::new("health_stopped_todo")))]
        }
        TabState::Running(Some(h)) => h,
    };
    let mut out = vec![line(Level::Ok, Msg::with("health_repeater", &[&h.tenant]), None)];
    out.push(match h.trust.as_str() {
        "trusted" => line(Level::Ok, Msg::new("health_trusted"), None),
        "askable" => line(Level::Problem, Msg::new("health_untrusted"), Some(Msg::with("health_untrusted_todo", &[&h.tenant]))),
        "refused" => line(Level::Problem, Msg::new("health_refused"), Some(Msg::new("health_refused_todo"))),
        "not_listed" => line(Level::Problem, Msg::new("health_not_listed"), Some(Msg::new("health_not_listed_todo"))),
        _ => line(Level::Warn, Msg::new("health_checking"), None),
    });
    if h.trust == "trusted" {
        out.push(match h.channel_since {
            Some(since) => line(Level::Ok, Msg::with("health_channel_open", &[&clock(since)]), None),
            None => line(Level::Problem, Msg::new("health_channel_closed"), Some(Msg::new("health_channel_closed_todo"))),
        });
        out.push(match h.logged_in {
            Some(true) => line(Level::Ok, Msg::new("health_logged_in"), None),
            Some(false) => line(Level::Warn, Msg::new("health_logged_out"), Some(Msg::new("health_logged_out_todo"))),
            None => line(Level::Warn, Msg::new("health_login_unknown"), Some(Msg::new("health_login_unknown_todo"))),
        });
        out.push(match h.last_heard {
            Some(t) if now - t <= 5 * 60_000 => line(Level::Ok, Msg::with("health_last_reply", &[&age(now - t)]), None),
            Some(t) => line(Level::Warn, Msg::with("health_last_reply", &[&age(now - t)]), Some(Msg::new("health_quiet_todo"))),
            None => line(Level::Warn, Msg::new("health_no_reply"), Some(Msg::new("health_no_reply_todo"))),
        });
    }
    out.push(match h.ignored {
        0 => line(Level::Ok, Msg::new("health_ignored_none"), None),
        n => line(Level::Warn, Msg::with("health_ignored", &[&n.to_string()]), Some(Msg::new("health_ignored_todo"))),
    });
    if h.neighbours > 0 {
        out.push(line(Level::Ok, Msg::with("health_neighbours", &[&h.neighbours.to_string()]), None));
    }
    if h.forged > 0 {
        out.push(line(Level::Problem, Msg::with("health_forged", &[&h.forged.to_string()]), Some(Msg::new("health_forged_todo"))));
    }
    if h.frame_mode {
        out.push(line(Level::Ok, Msg::new("health_frame_mode"), None));
    }
    out
}
