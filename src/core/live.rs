//! The desktop tab's toolbar as the extension's other surfaces repeat it (the side panel now,
//! the mirror toolbars of the agent's other CRM tabs next): what the toolbar shows, reported by
//! its content script to the background, which keeps one report per tab and frame in
//! `storage.session` ([`LIVE_KEY`]) and routes the controls pressed elsewhere back to that
//! toolbar. Which report is the desktop tab is decided here ([`desktop_of`]), once, for the
//! background and the pages alike.
//!
//! A report carries text already rendered in the agent's language (the browser's, the same for
//! every surface) and, for each control, the shortcut command that presses it in the toolbar:
//! a surface that repeats the toolbar can only ask for what a shortcut could do.

use serde::{Deserialize, Serialize};

use super::session::NoticeKind;
use super::text::Msg;
use super::view::{ButtonView, TrustView, View};

/// Storage key (`storage.session`) of the live reports: an object, `"<tab>:<frame>"` → [`Live`].
pub const LIVE_KEY: &str = "live";

/// One control of the toolbar as another surface shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveControl {
    /// The shortcut command that presses it (`get-state`, `wrap-up`, …, as in the manifest).
    pub command: String,
    pub enabled: bool,
    pub busy: bool,
    pub primary: bool,
    /// A toggle's state (Pause recording, Not Ready after this call); `None`: not a toggle.
    #[serde(default)]
    pub pressed: Option<bool>,
}

/// What one toolbar shows, as its content script reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Live {
    pub tenant: String,
    pub page: String,
    /// This toolbar speaks for an agent: the tenant is trusted, the channel open, the desktop
    /// answering and the agent logged in. Only such a report can be the desktop tab.
    pub desktop: bool,
    /// Since when it has been one (ms since the epoch): of two, the later login wins.
    pub since: i64,
    /// The status as the toolbar says it ("Busy", "Not ready: Lunch"), and its key.
    pub status: String,
    pub status_key: String,
    pub agent_id: String,
    pub item_id: String,
    /// Since when the agent is in after-call work (ms since the epoch), for the timer.
    #[serde(default)]
    pub acw_since: Option<i64>,
    pub controls: Vec<LiveControl>,
    /// The toolbar's last notice (a result, a timeout, a refusal) and its kind.
    #[serde(default)]
    pub notice: Option<(String, String)>,
}

fn control(command: &str, b: &ButtonView, pressed: Option<bool>) -> LiveControl {
    LiveControl { command: command.to_string(), enabled: b.enabled, busy: b.busy, primary: b.primary, pressed }
}

fn kind_name(kind: NoticeKind) -> &'static str {
    match kind {
        NoticeKind::Info => "info",
        NoticeKind::Success => "success",
        NoticeKind::Error => "error",
        NoticeKind::Waiting => "waiting",
    }
}

impl Live {
    /// The report of a toolbar showing `view` on `page`, its texts rendered by `render`;
    /// `since` is when it became a desktop (the caller keeps it across reports).
    pub fn of(view: &View, page: &str, since: i64, render: impl Fn(&Msg) -> String) -> Live {
        let desktop = Live::is_desktop(view);
        let mut controls = vec![
            control("get-state", &view.get_state, None),
            control("terminate", &view.terminate, None),
            control("complete", &view.complete, None),
            control("wrap-up", &view.wrap_up, None),
        ];
        if view.status_controls {
            controls.push(control("ready", &view.ready, None));
            controls.push(control("not-ready", &view.not_ready, view.not_ready_after_call));
        }
        if view.recording.is_some() {
            controls.push(control("recording", &view.rec_button, Some(view.rec_paused)));
        }
        Live {
            tenant: view.tenant.clone(),
            page: page.to_string(),
            desktop,
            since: if desktop { since } else { 0 },
            status: render(&view.status),
            status_key: view.status_key.clone(),
            agent_id: view.agent_id.clone(),
            item_id: view.item_value.clone(),
            acw_since: view.acw_since.map(|t| t as i64),
            controls,
            notice: view.notice.as_ref().map(|n| (kind_name(n.kind).to_string(), render(&n.text))),
        }
    }

    /// Whether a toolbar showing `view` speaks for a logged-in agent.
    pub fn is_desktop(view: &View) -> bool {
        view.live && matches!(view.trust, TrustView::Trusted) && !matches!(view.status_key.as_str(), "logged_out" | "connecting" | "untrusted" | "unknown")
    }

    /// The same report with its texts cut to what a surface shows, so that a toolbar cannot
    /// fill the session store (the background applies it to every report it keeps).
    pub fn bounded(mut self) -> Live {
        fn cut(s: &mut String, n: usize) {
            if s.chars().count() > n {
                *s = s.chars().take(n).collect();
            }
        }
        cut(&mut self.tenant, 300);
        cut(&mut self.page, 300);
        cut(&mut self.status, 200);
        cut(&mut self.status_key, 40);
        cut(&mut self.agent_id, 200);
        cut(&mut self.item_id, 200);
        self.controls.truncate(12);
        for c in &mut self.controls {
            cut(&mut c.command, 40);
        }
        if let Some((kind, text)) = &mut self.notice {
            cut(kind, 20);
            cut(text, 600);
        }
        self
    }

    /// The control for `command`, if the toolbar shows it.
    pub fn control(&self, command: &str) -> Option<&LiveControl> {
        self.controls.iter().find(|c| c.command == command)
    }
}

/// The tab and frame a report key (`"<tab>:<frame>"`) names.
pub fn key_parts(key: &str) -> Option<(i32, i32)> {
    let (t, f) = super::split_str(key, ":")?;
    Some((t.parse().ok()?, f.parse().ok()?))
}

/// The desktop tab among `reports` (report key → report): the report that speaks for a
/// logged-in agent and became one last (the agent's latest login); of equals, the lowest tab
/// and frame. `None` while no toolbar is a desktop.
pub fn desktop_of<'a>(reports: impl IntoIterator<Item = (&'a str, &'a Live)>) -> Option<(i32, i32, &'a Live)> {
    reports
        .into_iter()
        .filter(|(_, live)| live.desktop)
        .filter_map(|(key, live)| key_parts(key).map(|(tab, frame)| (tab, frame, live)))
        .max_by(|a, b| a.2.since.cmp(&b.2.since).then(b.0.cmp(&a.0)).then(b.1.cmp(&a.1)))
}

/// Storage key (`storage.local`) of the sites where the agent's desktop tab was seen (host
/// names, most recent last): the CRM sites when neither the agent nor the organisation named
/// any.
pub const SEEN_KEY: &str = "crmSeen";
/// At most this many sites are remembered as seen (the oldest goes first).
pub const SEEN_MAX: usize = 20;

/// The sites whose pages mirror the desktop tab: the organisation's list when the policy
/// sets one (even an empty one: no mirrors), else the agent's, else where the desktop was seen.
pub fn mirror_sites(eff: &super::settings::Effective, seen: &[String]) -> Vec<String> {
    if eff.is_locked("crmSites") || !eff.settings.crm_sites.is_empty() {
        eff.settings.crm_sites.clone()
    } else {
        seen.to_vec()
    }
}

/// `seen` with `host` (a page's host name, no port) as the latest site; `None` when it is
/// already the latest (nothing to write) or is no host name.
pub fn note_seen(seen: &[String], host: &str) -> Option<Vec<String>> {
    let host = super::settings::parse_site(host).ok().filter(|h| !h.starts_with("*."))?;
    if seen.last() == Some(&host) {
        return None;
    }
    let mut out: Vec<String> = seen.iter().filter(|s| **s != host).cloned().collect();
    out.push(host);
    let extra = out.len().saturating_sub(SEEN_MAX);
    out.drain(..extra);
    Some(out)
}

/// The match patterns of `sites` (`crm.example.com`, `*.example.com`), for registering the
/// CRM pages' content script: any scheme the extension runs on, any port, any path.
pub fn match_patterns(sites: &[String]) -> Vec<String> {
    let mut out: Vec<String> = sites.iter().filter(|s| !s.is_empty()).map(|s| format!("*://{s}/*")).collect();
    out.dedup();
    out
}
