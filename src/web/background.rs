//! The background (Chrome service worker, Firefox event page): the only writer of extension
//! storage. Two tabs logging at once lose nothing because every write goes through this one
//! serial queue; the log is re-read from storage whenever the worker starts afresh.
//!
//! Content scripts run beside pages the extension does not control (and a compromised renderer
//! can send anything in their name), so the background takes what they report (log entries,
//! health, badge, placement, a request to ask the agent about trust) and obeys orders
//! ([`ToBackground::privileged`]) only from the extension's own pages, as the browser names the
//! sender. Whatever a log entry says about its page, the page recorded is the sender's.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::{ext, warn, WebResult};
use crate::core::detect::Trust;
use crate::core::health::{first_frame, frame_of, report_key, Health, HEALTH_KEY, REFUSED_KEY};
use crate::core::log::{LogEntry, LogRing};
use crate::core::live::{desktop_of, key_parts, Live, LIVE_KEY};
use crate::core::messages::{Placement, Settings, ToBackground, LOG_KEY, PLACEMENTS_KEY, SETTINGS_KEY, TRUSTED_KEY};
use crate::core::messages::valid_token;
use crate::core::settings::{parse_tenant, POLICY_MIRROR_KEY};

/// At most this many frames' health reports are kept, and at most this many per tab.
const MAX_HEALTH: usize = 100;
const MAX_HEALTH_PER_TAB: usize = 8;

/// The extension pages that may give orders, and those that may trust a tenant or change the
/// settings. Not the toolbar frame: it is an extension page, but it lives inside a CRM page and
/// sends reports only.
const ORDER_PAGES: &[&str] = &["popup.html", "options.html", "trust.html", "sidepanel.html"];
const TRUST_PAGES: &[&str] = &["options.html", "trust.html"];
/// The pages that may press a control of the desktop tab's toolbar: the side panel, and the
/// mirror toolbar of a CRM page (its presses are checked against the CRM list too:
/// [`mirror_allowed`]).
const DESKTOP_PAGES: &[&str] = &["popup.html", "sidepanel.html", "mirror.html"];
/// The mirror toolbar's page, and the content script of the CRM pages that frames it.
const MIRROR_PAGE: &str = "mirror.html";
const CRM_SCRIPT_ID: &str = "crm";
const CRM_SCRIPT: &str = "crm.js";

/// At most this many sites keep a remembered toolbar placement.
const MAX_PLACEMENTS: usize = 500;

/// At most this many entries are taken from one log message.
const MAX_ENTRIES_PER_MESSAGE: usize = 100;

/// Trust windows open no closer together than this, whatever the origin.
const ASK_TRUST_INTERVAL_MS: f64 = 2_000.0;

/// Who sent a message, as the browser reports it (never as the message says).
struct Sender {
    tab: Option<i32>,
    /// The frame in the tab (0 = top); 0 outside tabs.
    frame: i32,
    /// One of the extension's own pages: the popup, the options page, the trust window, the
    /// toolbar frame. Content scripts never are.
    own_page: bool,
    /// Which of them (`popup.html`…), by its path.
    own_name: String,
    /// The host (`host[:port]`) of the web page the message came from: the sender's own frame
    /// for a content script, the tab's page for the toolbar frame; empty otherwise.
    page: String,
    /// The host name (no port) of the tab's top page; empty outside tabs.
    tab_host: String,
    /// The origin of the tab's top page (`https://host[:port]`); empty outside tabs.
    tab_origin: String,
}

impl Sender {
    fn of(sender: &JsValue) -> Sender {
        let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
        let url = get(sender, "url").as_string().unwrap_or_default();
        let tab = get(sender, "tab");
        let tab_url = get(&tab, "url").as_string().unwrap_or_default();
        let base = ext::path(&["runtime"]).and_then(|r| ext::call(&r, "getURL", &[&JsValue::from_str("")])).ok().and_then(|v| v.as_string());
        let own = base.filter(|b| !b.is_empty()).and_then(|b| url.strip_prefix(&b).map(str::to_string));
        Sender {
            tab: get(&tab, "id").as_f64().map(|id| id as i32),
            frame: get(sender, "frameId").as_f64().map(|f| f as i32).unwrap_or(0),
            own_page: own.is_some(),
            own_name: own.map(|path| path.split(['?', '#']).next().unwrap_or_default().to_string()).unwrap_or_default(),
            page: page_host(&url).or_else(|| page_host(&tab_url)).unwrap_or_default(),
            tab_host: crate::core::detect::Origin::parse(&tab_url).map(|o| o.host).unwrap_or_default(),
            tab_origin: crate::core::detect::Origin::parse(&tab_url).map(|o| o.serialize()).unwrap_or_default(),
        }
    }

    /// Whether this sender may give `msg` (an order): only certain extension pages may.
    fn may(&self, msg: &ToBackground) -> bool {
        let pages = match msg {
            ToBackground::Trust { .. } | ToBackground::Settings { .. } => TRUST_PAGES,
            ToBackground::Desktop { .. } => DESKTOP_PAGES,
            _ => ORDER_PAGES,
        };
        !msg.privileged() || (self.own_page && pages.contains(&self.own_name.as_str()))
    }
}

/// A health report as the background keeps it: its page is the sender's, its texts are short.
fn bounded_health(mut h: Health, page: &str) -> Health {
    h.page = page.to_string();
    h.tenant = crate::core::log::cap(&h.tenant).into_owned();
    if !["trusted", "askable", "refused", "pending", "not_listed", ""].contains(&h.trust.as_str()) {
        h.trust = String::new();
    }
    h
}

/// A badge as the background shows it: a few characters, a plain colour, a short tooltip.
fn bounded_badge((text, color, title): Badge) -> Badge {
    let color = if color.len() == 7 && color.starts_with('#') && color[1..].bytes().all(|b| b.is_ascii_hexdigit()) { color } else { "#6b7487".into() };
    (text.chars().take(8).collect(), color, title.chars().take(200).collect())
}

/// `host[:port]` of an http(s) URL, as `location.host` gives it.
fn page_host(url: &str) -> Option<String> {
    let o = crate::core::detect::Origin::parse(url).ok()?;
    let origin = o.serialize();
    Some(origin.split_once("://")?.1.to_string())
}

/// One change for the serial writer.
enum Write {
    Log(Vec<LogEntry>),
    ClearLog,
    Trust(String),
    Untrust(String),
    Placement(String, Placement),
    /// A frame's health report (`"<tab>:<frame>"`), `None` when its toolbar left.
    Health(String, Option<Health>),
    /// What a frame's toolbar shows (`"<tab>:<frame>"`), `None` when its toolbar or page left.
    Live(String, Option<Live>),
    /// The agent chose this report (`"<tab>:<frame>"`) as the desktop tab.
    Choose(String),
    /// An order refused from a content script of this tab.
    Refused(i32),
    /// The tab was closed: its health reports go (the popup and the context menu no longer
    /// count its toolbars).
    TabClosed(i32),
}

#[derive(Default)]
struct Store {
    log: Option<LogRing>,
    trusted: Option<Vec<String>>,
    placements: Option<Vec<(String, Placement)>>,
    /// The health of each frame's toolbar (key, report), mirrored in `storage.session`.
    health: Option<Vec<(String, Health)>>,
    /// What each frame's toolbar shows (key, report), mirrored in `storage.session`: the side
    /// panel repeats the desktop tab's, and its controls are routed there.
    live: Option<Vec<(String, Live)>>,
    /// Orders refused per tab, mirrored in `storage.session`.
    refused: Option<Vec<(i32, u32)>>,
}

/// The badge one frame's toolbar asked for: text, colour, tooltip.
type Badge = (String, String, String);

/// The trust window last opened: for which origin and page, when, and its window id.
struct Ask {
    origin: String,
    page: String,
    at: f64,
    window: Option<i32>,
}

thread_local! {
    static QUEUE: RefCell<VecDeque<Write>> = const { RefCell::new(VecDeque::new()) };
    static RUNNING: Cell<bool> = const { Cell::new(false) };
    static STORE: RefCell<Store> = RefCell::new(Store::default());
    /// Tabs already alerted in their current after-call-work episode.
    static ALERTED: RefCell<Vec<i32>> = const { RefCell::new(Vec::new()) };
    static SETTINGS: RefCell<Option<Settings>> = const { RefCell::new(None) };
    /// The settings changed: trim, age and (if on) redact what is stored at the next write.
    static RESHAPE: Cell<bool> = const { Cell::new(false) };
    /// The badge each frame with a toolbar asked for, by (tab, frame).
    static BADGES: RefCell<Vec<((i32, i32), Badge)>> = const { RefCell::new(Vec::new()) };
    static ASK: RefCell<Option<Ask>> = const { RefCell::new(None) };
    /// The desktop tab as last written (the CRM pages' script is registered while there is one).
    static DESKTOP_TAB: Cell<Option<i32>> = const { Cell::new(None) };
    /// The site last noted as the desktop's (saves a storage read per report).
    static SEEN_LAST: RefCell<String> = const { RefCell::new(String::new()) };
    /// The match patterns the CRM pages' script is registered for, as last set (`None`: not
    /// known in this worker yet).
    static CRM_PATTERNS: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
    /// The mirrors' ports: one per tab.
    static MIRRORS: RefCell<Vec<MirrorPort>> = const { RefCell::new(Vec::new()) };
    /// Whether the registration is being brought up to date: 0 no, 1 yes, 2 yes and again after.
    static CRM_SYNC: Cell<u8> = const { Cell::new(0) };
}

/// The settings in force (the agent's with the policy over them), read once per worker life
/// and refreshed when either changes.
async fn settings() -> Settings {
    if let Some(s) = SETTINGS.with(|s| s.borrow().clone()) {
        return s;
    }
    let s = ext::effective().await.settings;
    SETTINGS.with(|c| *c.borrow_mut() = Some(s.clone()));
    s
}

/// Forgets the cached settings (storage or policy changed); the next write of the queue applies
/// the log's size limit, retention and redaction anew.
fn settings_changed() {
    SETTINGS.with(|c| *c.borrow_mut() = None);
    RESHAPE.with(|r| r.set(true));
    enqueue(Write::Log(Vec::new()));
}

/// A log entry the background writes itself.
fn own_entry(action: &str, result: String, tenant: &str, page: &str) -> LogEntry {
    LogEntry { ts: super::now(), action: action.into(), item_id: String::new(), result, latency_ms: None, tenant: tenant.into(), page: page.into() }
}

/// The optional after-call-work alert: once per episode per tab, past the agent's threshold.
fn acw_alert(tab: i32, acw_ms: Option<f64>) {
    let Some(ms) = acw_ms else {
        ALERTED.with(|a| a.borrow_mut().retain(|t| *t != tab));
        return;
    };
    if ALERTED.with(|a| a.borrow().contains(&tab)) {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        if !settings().await.acw_alert_due(ms) || ALERTED.with(|a| a.borrow().contains(&tab)) {
            return;
        }
        ALERTED.with(|a| a.borrow_mut().push(tab));
        let time = crate::core::view::format_elapsed(ms);
        let options = serde_json::json!({
            "type": "basic",
            "iconUrl": "icons/icon128.png",
            "title": crate::web::i18n::tk("notify_acw_title"),
            "message": crate::web::i18n::ta("notify_acw_body", &[&time]),
        });
        let result = ext::path(&["notifications"])
            .and_then(|n| Ok((n, ext::to_js(&options)?)))
            .and_then(|(n, o)| ext::call(&n, "create", &[&JsValue::from_str(&format!("acw-{tab}")), &o]));
        let outcome = match result {
            Ok(_) => format!("notification shown after {time}"),
            Err(e) => {
                warn("notification", &e);
                format!("notification failed after {time}")
            }
        };
        // The alert is part of the record, like every action.
        enqueue(Write::Log(vec![own_entry("ACW alert", outcome, "", "")]));
    });
}

/// Handles one `runtime.onMessage` message (the loader registers the listener synchronously and
/// forwards here once the wasm is ready). Answers whether the message was taken (a boolean, or
/// a promise of one for a press routed to the desktop tab): an order from a content script is
/// refused (and counted for its tab's health panel).
#[wasm_bindgen]
pub fn background_handle(api: JsValue, msg: JsValue, sender: JsValue) -> JsValue {
    ext::set_api(api);
    super::trap::install_background();
    let from = Sender::of(&sender);
    let Ok(msg) = ext::from_js::<ToBackground>(&msg) else { return JsValue::FALSE };
    if !from.may(&msg) {
        if let (Some(tab), false) = (from.tab, from.own_page) {
            enqueue(Write::Refused(tab));
        }
        return JsValue::FALSE;
    }
    if let ToBackground::Desktop { command, key, item_id } = msg {
        return wasm_bindgen_futures::future_to_promise(async move {
            // A mirror presses only from a CRM page that is not the desktop tab itself.
            let allowed = from.own_name != MIRROR_PAGE || mirror_allowed(from.tab, &from.tab_host).await;
            Ok(JsValue::from_bool(allowed && press_desktop(command, key, item_id).await))
        })
        .into();
    }
    JsValue::from_bool(handle(from, msg))
}

/// One message the sender may give, other than a press for the desktop tab.
fn handle(from: Sender, msg: ToBackground) -> bool {
    match msg {
        ToBackground::Settings { settings } => {
            // The options page validated them; a message that fails the same check saves nothing.
            let Ok(s) = crate::core::settings::validate(&settings) else { return false };
            // Written at once and on its own: a full log never costs a settings change.
            wasm_bindgen_futures::spawn_local(async move {
                let result = match ext::to_js(&s) {
                    Ok(v) => ext::storage_set(SETTINGS_KEY, &v).await,
                    Err(e) => Err(e),
                };
                if let Err(e) = result {
                    warn("settings", &e);
                }
                settings_changed();
            });
        }
        ToBackground::Health { health } => {
            if let Some(tab) = from.tab {
                enqueue(Write::Health(report_key(tab, from.frame), health.map(|h| bounded_health(h, &from.page))));
            }
        }
        ToBackground::Badge { text, color, title, acw_ms } => {
            if let Some(tab) = from.tab {
                set_frame_badge(tab, from.frame, bounded_badge((text, color, title)), acw_ms);
            }
        }
        ToBackground::Command { name, tab } => wasm_bindgen_futures::spawn_local(run_command(name, tab)),
        ToBackground::Live { live } => {
            if live.as_ref().is_some_and(|l| l.desktop) {
                note_seen(&from.tab_host);
            }
            if let Some(tab) = from.tab {
                enqueue(Write::Live(report_key(tab, from.frame), live.map(|l| Live { page: from.page.clone(), ..l.bounded() })));
            }
        }
        ToBackground::ChooseDesktop { key } => enqueue(Write::Choose(key)),
        // Answered before this (`press_desktop`, `mirror_allowed`).
        ToBackground::Desktop { .. } => return false,
        ToBackground::ScreenPop { item_id, fields } => {
            // From a toolbar in a tab: the fields are its call's, the URL is ours to make.
            if let Some(tab) = from.tab {
                let fields = fields
                    .into_iter()
                    .take(crate::core::protocol::MAX_DATA_FIELDS + 4)
                    .map(|(k, v)| (k.chars().take(80).collect(), v.chars().take(1_000).collect()))
                    .collect();
                let item_id = item_id.chars().take(200).collect();
                queue_pop((tab, item_id, fields, from.page));
            }
        }
        ToBackground::AskTrust { origin } => {
            if from.tab.is_some() {
                wasm_bindgen_futures::spawn_local(ask_trust(origin, from.page));
            }
        }
        ToBackground::Trust { origin } => {
            // Through the same parser as every origin the agent types.
            let Ok(origin) = parse_tenant(&origin) else { return false };
            wasm_bindgen_futures::spawn_local(trust(origin));
        }
        ToBackground::Untrust { origin } => {
            let Ok(origin) = parse_tenant(&origin) else { return false };
            enqueue(Write::Untrust(origin));
        }
        ToBackground::ClearLog => enqueue(Write::ClearLog),
        ToBackground::Log { entries } => {
            let from_web = !from.own_page || !from.page.is_empty();
            let entries = entries
                .into_iter()
                .take(MAX_ENTRIES_PER_MESSAGE)
                .map(|mut e| {
                    if from_web {
                        e.page = from.page.clone();
                    }
                    e.capped()
                })
                .collect();
            enqueue(Write::Log(entries));
        }
        ToBackground::Placement { site, placement } => {
            // A content script places the toolbar of its own page only.
            let site = if from.own_page && from.page.is_empty() { site } else { from.page.clone() };
            if !site.is_empty() {
                enqueue(Write::Placement(site, placement));
            }
        }
    }
    true
}

/// One screen pop asked for: the sender's tab, the interaction, its fields, the sender's page.
type PopRequest = (i32, String, Vec<(String, String)>, String);

/// Pops waiting; more than this at once are dropped (a real desktop reports one call at a time).
const POP_QUEUE_MAX: usize = 8;
/// Pops are at least this far apart: a page (or a compromised renderer) cannot open tab after
/// tab; a pop asked for sooner waits.
const POP_INTERVAL_MS: f64 = 1_000.0;

thread_local! {
    static POP_QUEUE: RefCell<std::collections::VecDeque<PopRequest>> = const { RefCell::new(std::collections::VecDeque::new()) };
    static POP_RUNNING: Cell<bool> = const { Cell::new(false) };
    /// When the last pop opened (ms since the epoch).
    static POP_LAST: Cell<f64> = const { Cell::new(f64::NEG_INFINITY) };
}

/// Resolves after `ms` (the worker's `setTimeout`).
async fn sleep(ms: f64) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        let timer = js_sys::Reflect::get(&global, &"setTimeout".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        match timer {
            Some(f) => {
                let _ = f.call2(&global, &resolve, &JsValue::from_f64(ms));
            }
            None => {
                let _ = resolve.call0(&JsValue::NULL);
            }
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

/// Queues a screen pop; pops run one at a time, in order.
fn queue_pop(req: PopRequest) {
    let start = POP_QUEUE.with(|q| {
        let mut q = q.borrow_mut();
        if q.len() < POP_QUEUE_MAX {
            q.push_back(req);
        }
        !POP_RUNNING.with(|r| r.replace(true))
    });
    if start {
        wasm_bindgen_futures::spawn_local(async {
            while let Some((tab, item, fields, page)) = POP_QUEUE.with(|q| q.borrow_mut().pop_front()) {
                screen_pop(tab, item, fields, page).await;
            }
            POP_RUNNING.with(|r| r.set(false));
        });
    }
}

/// Whether `tab` has a toolbar (a health report from any of its frames), and whether one of
/// them is connected to a trusted tenant.
async fn toolbar_in(tab: i32) -> (bool, bool) {
    let list = health_reports().await;
    let mine: Vec<&Health> = list.iter().filter(|(k, _)| frame_of(k, tab).is_some()).map(|(_, h)| h).collect();
    (!mine.is_empty(), mine.iter().any(|h| h.trust == "trusted"))
}

/// Opens the CRM record of a call: the first of the organisation's or agent's templates that
/// the call's fields fill, checked (https, the CRM list), once per interaction, only for a tab
/// whose toolbar is connected to a trusted tenant, one at a time and a second apart. It opens in
/// the last pop's tab while that still shows the same CRM site and has no toolbar, else in a
/// new tab; never in `desktop_tab`, whose toolbar asked (it hosts the Agent Desktop: navigating
/// it would drop the call). On offer the tab opens in the background, so the agent can still
/// answer in the desktop's tab; on answer it comes to the front.
async fn screen_pop(desktop_tab: i32, item_id: String, fields: Vec<(String, String)>, page: String) {
    use crate::core::screenpop::{pop_url, LastPop, PopState, POPPED_MAX, POP_KEY, TEMPLATES_MAX};
    let eff = ext::effective().await;
    let templates: Vec<String> = eff.settings.screen_pop_templates.iter().take(TEMPLATES_MAX).cloned().collect();
    if templates.is_empty() || !toolbar_in(desktop_tab).await.1 {
        return;
    }
    let mut state: PopState = match ext::session_get(POP_KEY).await {
        Ok(Some(v)) => ext::from_js(&v).unwrap_or_default(),
        _ => PopState::default(),
    };
    if state.popped.contains(&item_id) {
        return;
    }
    let entry = |result: String| LogEntry {
        ts: super::now(),
        action: "Screen pop".into(),
        item_id: item_id.clone(),
        result,
        latency_ms: None,
        tenant: String::new(),
        page: page.clone(),
    };
    // Pops run one at a time: one that comes soon after the last waits its turn (nothing is
    // dropped; a flood is bounded by the queue).
    let wait = POP_LAST.with(Cell::get) + POP_INTERVAL_MS - super::now();
    if wait > 0.0 {
        sleep(wait).await;
    }
    let now = super::now();
    if state.popped.len() >= POPPED_MAX {
        state.popped.remove(0);
    }
    state.popped.push(item_id.clone());
    let Some(url) = pop_url(&templates, &fields, &eff.crm_sites) else {
        store_pop(&state).await;
        enqueue(Write::Log(vec![entry("no template fits this call".into())]));
        return;
    };
    POP_LAST.with(|p| p.set(now));
    let origin = crate::core::detect::Origin::parse(&url).map(|o| o.serialize()).unwrap_or_default();
    let mut reuse = None;
    if let Some(t) = state.tab.filter(|t| *t != desktop_tab) {
        // Only a tab that still shows the same site and has no toolbar of its own.
        let same_site = async {
            let tabs = ext::path(&["tabs"]).ok()?;
            let tab = ext::settle(ext::call(&tabs, "get", &[&JsValue::from(t)]).ok()?).await.ok()?;
            let at = js_sys::Reflect::get(&tab, &"url".into()).ok()?.as_string()?;
            Some(crate::core::detect::Origin::parse(&at).ok()?.serialize() == origin)
        }
        .await
        .unwrap_or(false);
        if same_site && !toolbar_in(t).await.0 {
            reuse = Some(t);
        }
    }
    let opened = async {
        let tabs = ext::path(&["tabs"])?;
        let props = js_sys::Object::new();
        js_sys::Reflect::set(&props, &"url".into(), &JsValue::from_str(&url))?;
        js_sys::Reflect::set(&props, &"active".into(), &JsValue::from_bool(eff.settings.screen_pop_on_answer))?;
        if let Some(t) = reuse {
            if let Ok(tab) = ext::settle(ext::call(&tabs, "update", &[&JsValue::from(t), &props])?).await {
                return Ok::<_, crate::web::WebError>((tab, true));
            }
        }
        Ok((ext::settle(ext::call(&tabs, "create", &[&props])?).await?, false))
    }
    .await;
    // With redaction on, the log keeps the site, not the values the URL carries.
    let shown = if eff.settings.redact { format!("{origin}/\u{2026}") } else { url.clone() };
    let result = match opened {
        Ok((tab, reused)) => {
            state.tab = js_sys::Reflect::get(&tab, &"id".into()).ok().and_then(|v| v.as_f64()).map(|id| id as i32);
            state.last = Some(LastPop { url: url.clone(), item_id: item_id.clone(), ts: super::now() });
            format!("opened {shown}{}", if reused { " (in the last pop's tab)" } else { "" })
        }
        Err(e) => {
            warn("screen pop", &e);
            "could not open a tab".into()
        }
    };
    store_pop(&state).await;
    enqueue(Write::Log(vec![entry(result)]));
}

async fn store_pop(state: &crate::core::screenpop::PopState) {
    let stored = match ext::to_js(state) {
        Ok(v) => ext::session_set(crate::core::screenpop::POP_KEY, &v).await,
        Err(e) => Err(e),
    };
    if let Err(e) = stored {
        warn("screen pop state", &e);
    }
}

/// `storage.onChanged` for the settings or the managed policy (registered by the loader).
#[wasm_bindgen]
pub fn background_settings_changed(api: JsValue) {
    ext::set_api(api);
    super::trap::install_background();
    settings_changed();
    wasm_bindgen_futures::spawn_local(mirror_policy());
    wasm_bindgen_futures::spawn_local(sync_crm_script());
    wasm_bindgen_futures::spawn_local(recheck_mirrors());
}

/// `tabs.onRemoved`: a closed tab's toolbars are gone with it.
#[wasm_bindgen]
pub fn background_tab_closed(api: JsValue, tab: i32) {
    ext::set_api(api);
    super::trap::install_background();
    enqueue(Write::TabClosed(tab));
}

/// The background started (the browser started, the extension was installed or updated, or
/// the worker woke): the policy mirror is brought up to date, and the context menu's entry made
/// (again: a worker that woke knows nothing of the last one's) as the toolbars' health says.
#[wasm_bindgen]
pub fn background_start(api: JsValue) {
    ext::set_api(api);
    super::trap::install_background();
    wasm_bindgen_futures::spawn_local(mirror_policy());
    wasm_bindgen_futures::spawn_local(make_menu());
    wasm_bindgen_futures::spawn_local(sync_crm_script());
}

/// Copies `storage.managed` to `storage.local` ([`POLICY_MIRROR_KEY`]) when it differs, so that
/// a content script paints its first toolbar without waiting for the managed store.
async fn mirror_policy() {
    let policy = ext::managed_policy().await;
    let text = |v: &JsValue| js_sys::JSON::stringify(v).ok().and_then(|s| s.as_string());
    let stored = ext::storage_get(POLICY_MIRROR_KEY).await.ok().flatten();
    if stored.as_ref().and_then(text) != text(&policy) {
        if let Err(e) = ext::storage_set(POLICY_MIRROR_KEY, &policy).await {
            warn("policy mirror", &e);
        }
    }
}

/// `commands.onCommand`: a shortcut goes to the toolbar of the active tab.
#[wasm_bindgen]
pub fn background_command(api: JsValue, name: String) {
    ext::set_api(api);
    super::trap::install_background();
    wasm_bindgen_futures::spawn_local(run_command(name, None));
}

/// Sends a shortcut to the frame that shows the tab's toolbar (the top frame's first), not to
/// every frame of the tab.
async fn run_command(name: String, tab: Option<i32>) {
    let _ = send_to_toolbar(crate::core::messages::ToContent::Hotkey { command: name }, tab).await;
}

/// The mirror toolbars of the agent's CRM pages.
///
/// A content script ([`CRM_SCRIPT`]) is registered for the CRM sites only
/// ([`crate::core::live::mirror_sites`]) and only while a tab is the desktop tab, so that
/// other sites, and CRM pages while there is no desktop, run nothing more than the detector;
/// when a desktop tab appears it is run in the CRM pages already open. It frames the mirror,
/// an extension page ([`MIRROR_PAGE`]) that shows what the background stored and presses
/// through it, and asks the background nothing (the page pays for no extension messaging):
/// the frame's port names a token, which the script claims when the background asks it
/// ([`claim_mirror`]).
///
/// Whether the page of `tab` (host `host`) may press through a mirror: it is on the CRM list
/// and not a blocked site, and a tab other than it is the desktop tab.
async fn mirror_allowed(tab: Option<i32>, host: &str) -> bool {
    let Some(tab) = tab else { return false };
    if !crm_page(host).await {
        return false;
    }
    let reports = live_reports().await;
    desktop_of(reports.iter().map(|(k, v)| (k.as_str(), v))).is_some_and(|(desktop, _, _)| desktop != tab)
}

/// A mirror's port, as the background keeps it.
struct MirrorPort {
    tab: i32,
    /// The origin of the tab's page: the only one the mirror tells its height to.
    origin: String,
    /// Its page is on the CRM list under the settings in force (rechecked when they change):
    /// a page taken off the list is sent nothing of the desktop tab until it is back.
    listed: bool,
    port: JsValue,
    _on_disconnect: Closure<dyn FnMut(JsValue)>,
}

/// Whether the CRM pages' script in the top frame of `tab` made the mirror frame that names
/// `token`: asked in that script's world (`scripting.executeScript`, the loader's
/// `bpMirrorClaim`), where the page can neither read the token nor answer for the script. The
/// script then gives the frame its title in the agent's language.
async fn claim_mirror(tab: i32, token: &str) -> bool {
    let result: WebResult<bool> = async {
        let scripting = ext::path(&["scripting"])?;
        let claim = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("bpMirrorClaim"))?;
        if !claim.is_function() {
            return Ok(false);
        }
        let details = ext::to_js(&serde_json::json!({
            "target": { "tabId": tab, "frameIds": [0] },
            "args": [token, crate::web::i18n::tk("mirror_frame_title")],
        }))?;
        js_sys::Reflect::set(&details, &JsValue::from_str("func"), &claim)?;
        let found = ext::settle(ext::call(&scripting, "executeScript", &[&details])?).await?;
        let first = js_sys::Reflect::get(&found, &JsValue::from_f64(0.0))?;
        Ok(!first.is_undefined() && js_sys::Reflect::get(&first, &JsValue::from_str("result"))?.as_bool() == Some(true))
    }
    .await;
    // A page the browser does not let extensions script, or one that is gone: not claimed.
    result.unwrap_or(false)
}

/// Tells a port it is refused (nothing to show, nothing to keep) and lets it go.
fn refuse_mirror(port: &JsValue) {
    let refused = super::panel::MirrorUpdate { refused: true, ..Default::default() };
    if let Ok(msg) = ext::to_js(&refused) {
        let _ = ext::call(port, "postMessage", &[&msg]);
    }
    let _ = ext::call(port, "disconnect", &[]);
}

/// `runtime.onConnect` for a mirror's port (the loader passes only ports named
/// [`super::panel::MIRROR_PORT`]`:<token>` from this extension): the mirror page framed by
/// the CRM pages' script of a CRM tab, naming the token that script claims
/// ([`claim_mirror`]), gets the desktop tab's report now and on every change; any other frame
/// (one a page made itself, in any tab) is refused. One port per tab: a newer one replaces
/// the last.
#[wasm_bindgen]
pub fn background_mirror(api: JsValue, port: JsValue) {
    ext::set_api(api);
    super::trap::install_background();
    let from = Sender::of(&js_sys::Reflect::get(&port, &JsValue::from_str("sender")).unwrap_or(JsValue::UNDEFINED));
    let name = js_sys::Reflect::get(&port, &JsValue::from_str("name")).ok().and_then(|n| n.as_string()).unwrap_or_default();
    let token = name.strip_prefix(super::panel::MIRROR_PORT).and_then(|t| t.strip_prefix(':')).filter(|t| valid_token(t)).map(str::to_string);
    wasm_bindgen_futures::spawn_local(async move {
        let tab = from.tab.filter(|_| from.own_page && from.own_name == MIRROR_PAGE);
        let allowed = match (tab, &token) {
            (Some(tab), Some(token)) => crm_page(&from.tab_host).await && claim_mirror(tab, token).await,
            _ => false,
        };
        let Some(tab) = tab.filter(|_| allowed) else {
            refuse_mirror(&port);
            return;
        };
        // A worker that just woke reads the reports first.
        if let Err(e) = load().await {
            warn("mirror", &e);
        }
        let on_disconnect = Closure::<dyn FnMut(JsValue)>::new(move |gone: JsValue| {
            // Dropped after this call returns, not during it.
            wasm_bindgen_futures::spawn_local(async move {
                MIRRORS.with(|m| m.borrow_mut().retain(|p| !js_sys::Object::is(&p.port, &gone)));
            });
        });
        if let Ok(event) = js_sys::Reflect::get(&port, &JsValue::from_str("onDisconnect")) {
            let _ = ext::call(&event, "addListener", &[on_disconnect.as_ref()]);
        }
        let replaced = MIRRORS.with(|m| {
            let mut m = m.borrow_mut();
            let old = m.iter().position(|p| p.tab == tab).map(|i| m.remove(i));
            if m.len() >= MAX_HEALTH {
                m.remove(0);
            }
            m.push(MirrorPort { tab, origin: from.tab_origin.clone(), listed: true, port, _on_disconnect: on_disconnect });
            old
        });
        if let Some(old) = replaced {
            let _ = ext::call(&old.port, "disconnect", &[]);
        }
        update_mirrors();
    });
}

/// Sends every mirror the desktop tab's report as it now stands (a port that is gone is
/// dropped).
fn update_mirrors() {
    if MIRRORS.with(|m| m.borrow().is_empty()) {
        return;
    }
    let desktop = STORE.with(|s| {
        s.borrow().live.as_ref().and_then(|l| desktop_of(l.iter().map(|(k, v)| (k.as_str(), v))).map(|(tab, frame, live)| (tab, report_key(tab, frame), live.clone())))
    });
    MIRRORS.with(|m| {
        m.borrow_mut().retain(|p| {
            let shown = desktop.as_ref().filter(|_| p.listed);
            let update = super::panel::MirrorUpdate {
                own: desktop.as_ref().is_some_and(|(t, _, _)| *t == p.tab),
                key: shown.map(|(_, k, _)| k.clone()),
                live: shown.map(|(_, _, l)| l.clone()),
                origin: p.origin.clone(),
                off: !p.listed,
                refused: false,
            };
            ext::to_js(&update).is_ok_and(|msg| ext::call(&p.port, "postMessage", &[&msg]).is_ok())
        })
    });
}

/// The settings changed: a mirror whose page is no longer on the CRM list (or is now blocked)
/// is sent nothing more at once, not just refused its next press; one whose page is back on
/// it shows the desktop tab again.
async fn recheck_mirrors() {
    let tabs: Vec<i32> = MIRRORS.with(|m| m.borrow().iter().map(|p| p.tab).collect());
    for tab in tabs {
        let host = match ext::path(&["tabs"]).and_then(|t| ext::call(&t, "get", &[&JsValue::from(tab)])) {
            Ok(p) => ext::settle(p).await.ok().and_then(|t| js_sys::Reflect::get(&t, &JsValue::from_str("url")).ok()).and_then(|u| u.as_string()),
            Err(_) => None,
        }
        .and_then(|url| crate::core::detect::Origin::parse(&url).ok().map(|o| o.host))
        .unwrap_or_default();
        let listed = crm_page(&host).await;
        MIRRORS.with(|m| {
            for p in m.borrow_mut().iter_mut().filter(|p| p.tab == tab) {
                p.listed = listed;
            }
        });
    }
    update_mirrors();
}

/// Whether a page on `host` is on the CRM list (and not a blocked site).
async fn crm_page(host: &str) -> bool {
    if host.is_empty() {
        return false;
    }
    let eff = ext::effective().await;
    let sites = crate::core::live::mirror_sites(&eff, &seen_sites().await);
    crate::core::settings::is_blocked(host, &sites) && !crate::core::settings::is_blocked(host, &eff.settings.blocked_sites)
}

/// The sites where the desktop was seen, as stored.
async fn seen_sites() -> Vec<String> {
    match ext::storage_get(crate::core::live::SEEN_KEY).await {
        Ok(Some(v)) => ext::from_js(&v).unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// A desktop report came from a page on `host`: the site is remembered as a CRM site (the
/// default list), and the CRM pages' script registered for it.
fn note_seen(host: &str) {
    if host.is_empty() || SEEN_LAST.with(|s| *s.borrow() == host) {
        return;
    }
    SEEN_LAST.with(|s| *s.borrow_mut() = host.to_string());
    let host = host.to_string();
    wasm_bindgen_futures::spawn_local(async move {
        let Some(next) = crate::core::live::note_seen(&seen_sites().await, &host) else { return };
        let stored = match ext::to_js(&next) {
            Ok(v) => ext::storage_set(crate::core::live::SEEN_KEY, &v).await,
            Err(e) => Err(e),
        };
        if let Err(e) = stored {
            warn("crm sites", &e);
        }
        sync_crm_script().await;
    });
}

/// Registers the CRM pages' content script for the CRM sites as they now stand while a tab is
/// the desktop tab (or removes it when there are none, or no desktop), and runs it in the open
/// tabs of a site that was not covered before: a page loaded before its site was on the list,
/// or before the desktop tab was there, mirrors too.
async fn sync_crm_script() {
    // One at a time (the browser refuses a second registration of the same script): a change
    // that comes meanwhile runs it once more when it ends.
    if CRM_SYNC.with(|s| s.replace(2)) != 0 {
        return;
    }
    while CRM_SYNC.with(|s| s.replace(1)) == 2 {
        sync_crm_script_once().await;
    }
    CRM_SYNC.with(|s| s.set(0));
}

async fn sync_crm_script_once() {
    let eff = ext::effective().await;
    let live = live_reports().await;
    let patterns = if desktop_of(live.iter().map(|(k, v)| (k.as_str(), v))).is_some() {
        crate::core::live::match_patterns(&crate::core::live::mirror_sites(&eff, &seen_sites().await))
    } else {
        Vec::new()
    };
    let result: WebResult<()> = async {
        let scripting = ext::path(&["scripting"])?;
        let known = match CRM_PATTERNS.with(|p| p.borrow().clone()) {
            Some(p) => p,
            None => {
                let filter = ext::to_js(&serde_json::json!({ "ids": [CRM_SCRIPT_ID] }))?;
                let found = ext::settle(ext::call(&scripting, "getRegisteredContentScripts", &[&filter])?).await?;
                let first = js_sys::Reflect::get(&found, &JsValue::from_f64(0.0))?;
                // Not registered: no patterns.
                if first.is_undefined() {
                    Vec::new()
                } else {
                    ext::from_js::<Vec<String>>(&js_sys::Reflect::get(&first, &JsValue::from_str("matches")).unwrap_or(JsValue::NULL)).unwrap_or_default()
                }
            }
        };
        if known == patterns {
            CRM_PATTERNS.with(|p| *p.borrow_mut() = Some(patterns.clone()));
            return Ok(());
        }
        if !known.is_empty() {
            let ids = ext::to_js(&serde_json::json!({ "ids": [CRM_SCRIPT_ID] }))?;
            ext::settle(ext::call(&scripting, "unregisterContentScripts", &[&ids])?).await?;
        }
        if !patterns.is_empty() {
            let script = ext::to_js(&serde_json::json!([{
                "id": CRM_SCRIPT_ID,
                "matches": patterns,
                "excludeMatches": ["*://*/agentdesktop/*", "*://*/agent/crmembedded/*", "*://*/agent/communicator/*"],
                "js": [CRM_SCRIPT],
                "runAt": "document_idle",
                "allFrames": false,
                "persistAcrossSessions": true,
            }]))?;
            ext::settle(ext::call(&scripting, "registerContentScripts", &[&script])?).await?;
        }
        CRM_PATTERNS.with(|p| *p.borrow_mut() = Some(patterns.clone()));
        let added: Vec<&String> = patterns.iter().filter(|p| !known.contains(p)).collect();
        if !added.is_empty() {
            for tab in crm_tabs(&added).await? {
                let target = ext::to_js(&serde_json::json!({ "target": { "tabId": tab }, "files": [CRM_SCRIPT] }))?;
                // A page the browser does not let extensions script stays as it is.
                let _ = ext::settle(ext::call(&scripting, "executeScript", &[&target])?).await;
            }
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        warn("crm script", &e);
    }
}

/// The ids of the open tabs whose pages match `patterns`.
async fn crm_tabs(patterns: &[&String]) -> WebResult<Vec<i32>> {
    if patterns.is_empty() {
        return Ok(Vec::new());
    }
    let tabs = ext::path(&["tabs"])?;
    let query = ext::to_js(&serde_json::json!({ "url": patterns }))?;
    let found = ext::settle(ext::call(&tabs, "query", &[&query])?).await?;
    Ok(js_sys::Array::from(&found).iter().filter_map(|t| js_sys::Reflect::get(&t, &JsValue::from_str("id")).ok()?.as_f64()).map(|id| id as i32).collect())
}

/// What each toolbar shows: the writer's copy when this worker has one (it is ahead of
/// storage), else storage's (a worker that was stopped and woke for this press).
async fn live_reports() -> Vec<(String, Live)> {
    match STORE.with(|s| s.borrow().live.clone()) {
        Some(list) => list,
        None => match ext::session_get(LIVE_KEY).await {
            Ok(Some(v)) => ext::from_js::<std::collections::BTreeMap<String, Live>>(&v).unwrap_or_default().into_iter().collect(),
            _ => Vec::new(),
        },
    }
}

/// Presses `command` in the desktop tab's toolbar, as the side panel showed it (report `key`,
/// interaction `item_id`); whether a toolbar took it. Only while that report is still the
/// desktop tab and offers the control: nothing is sent otherwise (the panel says so). A toolbar
/// that is no longer there to take it (its page crashed, or its last words were lost) leaves
/// with its report.
async fn press_desktop(command: String, key: String, item_id: String) -> bool {
    let reports = live_reports().await;
    let Some((tab, frame, live)) = desktop_of(reports.iter().map(|(k, v)| (k.as_str(), v))) else { return false };
    if report_key(tab, frame) != key || !live.control(&command).is_some_and(|c| c.enabled) {
        return false;
    }
    // A report is a toolbar's word: the tenant it names must be trusted as things stand here.
    let (eff, list) = (ext::effective().await, ext::trusted_origins().await);
    if eff.trust(&live.tenant, &list) != Trust::Trusted {
        return false;
    }
    let taken = send_to_frame(crate::core::messages::ToContent::Press { command, item_id }, tab, frame).await;
    if !taken {
        enqueue(Write::Live(key, None));
    }
    taken
}

/// Sends `msg` to one frame of one tab; whether a toolbar there took it.
async fn send_to_frame(msg: crate::core::messages::ToContent, tab: i32, frame: i32) -> bool {
    let result: WebResult<bool> = async {
        let tabs = ext::path(&["tabs"])?;
        let msg = ext::to_js(&msg)?;
        let options = ext::to_js(&serde_json::json!({ "frameId": frame }))?;
        // Taken only when the toolbar says so: a frame whose page no longer has one may still
        // have a listener (Firefox resolves without an answer then).
        Ok(ext::settle(ext::call(&tabs, "sendMessage", &[&JsValue::from(tab), &msg, &options])?).await.is_ok_and(|v| v.as_bool() == Some(true)))
    }
    .await;
    result.unwrap_or_else(|e| {
        warn("desktop command", &e);
        false
    })
}

/// Sends `msg` to the frame that shows the toolbar of `tab` (the active tab when `None`);
/// whether a toolbar took it.
async fn send_to_toolbar(msg: crate::core::messages::ToContent, tab: Option<i32>) -> bool {
    let result: WebResult<bool> = async {
        let tabs = ext::path(&["tabs"])?;
        let id = match tab {
            Some(id) => JsValue::from(id),
            None => {
                let query = ext::to_js(&serde_json::json!({ "active": true, "lastFocusedWindow": true }))?;
                let found = ext::settle(ext::call(&tabs, "query", &[&query])?).await?;
                let tab = js_sys::Reflect::get(&found, &JsValue::from_f64(0.0))?;
                js_sys::Reflect::get(&tab, &JsValue::from_str("id"))?
            }
        };
        let Some(tab) = id.as_f64().map(|t| t as i32) else { return Ok(false) };
        let Some(frame) = toolbar_frame(tab).await else { return Ok(false) };
        let msg = ext::to_js(&msg)?;
        let options = ext::to_js(&serde_json::json!({ "frameId": frame }))?;
        // A toolbar that left since its last report has no listener: that rejection is expected.
        Ok(ext::settle(ext::call(&tabs, "sendMessage", &[&id, &msg, &options])?).await.is_ok())
    }
    .await;
    result.unwrap_or_else(|e| {
        warn("command", &e);
        false
    })
}

/// Id of the context menu's Call entry (on selected text).
const MENU_ID: &str = "call-selection";

thread_local! {
    /// Whether the Call entry is shown, as last set (`None`: not made yet in this worker).
    static MENU_SHOWN: Cell<Option<bool>> = const { Cell::new(None) };
}

/// A toolbar that can place a call now: connected to a trusted tenant, the agent logged in.
fn can_dial(h: &Health) -> bool {
    h.trust == "trusted" && h.channel_since.is_some() && h.logged_in == Some(true) && !h.stopped
}

/// The health reports: the writer's copy when this worker has one (it is ahead of storage),
/// else storage's.
async fn health_reports() -> Vec<(String, Health)> {
    match STORE.with(|s| s.borrow().health.clone()) {
        Some(list) => list,
        None => match ext::session_get(HEALTH_KEY).await {
            Ok(Some(v)) => ext::from_js::<std::collections::BTreeMap<String, Health>>(&v).unwrap_or_default().into_iter().collect(),
            _ => Vec::new(),
        },
    }
}

/// Makes the context menu's Call entry for selected text, shown only while some tab's toolbar
/// can dial (an agent without a desktop has no use for it).
async fn make_menu() {
    let result: WebResult<()> = async {
        let menus = ext::path(&["contextMenus"])?;
        let _ = ext::settle(ext::call(&menus, "removeAll", &[])?).await;
        let props = ext::to_js(&serde_json::json!({
            "id": MENU_ID,
            "title": super::i18n::tk("menu_call"),
            "contexts": ["selection"],
            "visible": false,
        }))?;
        ext::call(&menus, "create", &[&props])?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => {
            MENU_SHOWN.with(|m| m.set(Some(false)));
            refresh_menu().await;
        }
        Err(e) => warn("context menu", &e),
    }
}

/// Shows or hides the Call entry as the toolbars' health says.
async fn refresh_menu() {
    let Some(shown) = MENU_SHOWN.with(Cell::get) else { return };
    let want = health_reports().await.iter().any(|(_, h)| can_dial(h));
    if want == shown {
        return;
    }
    let result: WebResult<()> = async {
        let menus = ext::path(&["contextMenus"])?;
        let props = ext::to_js(&serde_json::json!({ "visible": want }))?;
        let _ = ext::settle(ext::call(&menus, "update", &[&JsValue::from_str(MENU_ID), &props])?).await;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => MENU_SHOWN.with(|m| m.set(Some(want))),
        Err(e) => warn("context menu", &e),
    }
}

/// `contextMenus.onClicked` on the Call entry: the selected text goes to the toolbar of the tab
/// it was chosen in, or, when that tab has none that can dial (an e-mail in another tab), to the
/// first tab whose toolbar can. That toolbar's session checks the number and places the call.
#[wasm_bindgen]
pub fn background_menu(api: JsValue, item: String, text: String, tab: i32) {
    ext::set_api(api);
    super::trap::install_background();
    if item != MENU_ID {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let reports = health_reports().await;
        let tab_of = |k: &String| k.split(':').next().and_then(|t| t.parse::<i32>().ok());
        // The tab it was chosen in, whenever it has a toolbar (which dials, or says why not);
        // else the tabs whose toolbars can dial. A report can outlive its tab (closed, navigated
        // away): the next is tried when no toolbar takes the message.
        let mut order: Vec<i32> = reports.iter().filter_map(|(k, _)| tab_of(k)).filter(|t| *t == tab).take(1).collect();
        let mut others: Vec<i32> = reports.iter().filter(|(_, h)| can_dial(h)).filter_map(|(k, _)| tab_of(k)).filter(|t| *t != tab).collect();
        others.sort_unstable();
        others.dedup();
        if order.is_empty() {
            order = others;
        }
        let text = crate::core::messages::menu_text(&text);
        for t in order {
            if send_to_toolbar(crate::core::messages::ToContent::Dial { text: text.clone() }, Some(t)).await {
                return;
            }
        }
        // Nothing took it: the agent is told where they are, not only in the log.
        let options = serde_json::json!({
            "type": "basic",
            "iconUrl": "icons/icon128.png",
            "title": super::i18n::tk("notify_menu_title"),
            "message": super::i18n::tk("notify_menu_none"),
        });
        let shown = ext::path(&["notifications"]).and_then(|n| Ok((n, ext::to_js(&options)?))).and_then(|(n, o)| ext::call(&n, "create", &[&JsValue::from_str("menu-dial"), &o]));
        if let Err(e) = shown {
            warn("notification", &e);
        }
        enqueue(Write::Log(vec![own_entry("Dial (context menu)", "no Agent Desktop connected in any tab".into(), "", "")]));
    });
}

/// The frame of `tab` whose toolbar speaks for the tab, from the health reports.
async fn toolbar_frame(tab: i32) -> Option<i32> {
    let all = ext::session_get(HEALTH_KEY).await.ok().flatten()?;
    let keys = js_sys::Object::keys(&all.dyn_into::<js_sys::Object>().ok()?);
    first_frame(keys.iter().filter_map(|k| frame_of(&k.as_string()?, tab)).map(|f| (f, ()))).map(|(f, _)| f)
}

/// Records the badge a frame's toolbar asked for and shows the tab's: the top frame's first.
fn set_frame_badge(tab: i32, frame: i32, badge: Badge, acw_ms: Option<f64>) {
    let chosen = BADGES.with(|b| {
        let mut all = b.borrow_mut();
        all.retain(|(key, _)| *key != (tab, frame));
        if !badge.0.is_empty() {
            all.push(((tab, frame), badge));
        }
        first_frame(all.iter().filter(|((t, _), _)| *t == tab).map(|((_, f), b)| (*f, b.clone())))
    });
    let shown = chosen.as_ref().map(|(_, b)| b.clone()).unwrap_or_else(|| (String::new(), "#6b7487".into(), String::new()));
    if let Err(e) = set_badge(&JsValue::from(tab), &shown.0, &shown.1, &shown.2) {
        warn("badge", &e);
    }
    if chosen.as_ref().is_none_or(|(f, _)| *f == frame) {
        acw_alert(tab, acw_ms);
    }
}

fn set_badge(tab_id: &JsValue, text: &str, color: &str, title: &str) -> WebResult<()> {
    let action = ext::path(&["action"])?;
    let details = |key: &str, value: &str| -> WebResult<JsValue> {
        let o = js_sys::Object::new();
        js_sys::Reflect::set(&o, &JsValue::from_str("tabId"), tab_id)?;
        js_sys::Reflect::set(&o, &JsValue::from_str(key), &JsValue::from_str(value))?;
        Ok(o.into())
    };
    ext::call(&action, "setBadgeText", &[&details("text", text)?])?;
    ext::call(&action, "setBadgeBackgroundColor", &[&details("color", color)?])?;
    let tooltip = if title.is_empty() { crate::web::i18n::tk("actionTitle") } else { format!("{} · {title}", crate::web::i18n::tk("toolbar_title")) };
    ext::call(&action, "setTitle", &[&details("title", &tooltip)?])?;
    Ok(())
}

/// A toolbar's Trust button: opens the trust window for `origin` (only for an origin the agent
/// may trust and does not yet). One window at a time: while one is open, a new request only
/// brings it to the front (a burst of requests for other origins cannot swap it under the
/// agent's hand), and windows open at least 2 s apart.
async fn ask_trust(origin: String, page: String) {
    let Ok(origin) = parse_tenant(&origin) else { return };
    let (eff, list) = (ext::effective().await, ext::trusted_origins().await);
    if eff.trust(&origin, &list) != Trust::Askable {
        return;
    }
    let now = super::now();
    let result: WebResult<()> = async {
        let windows = ext::path(&["windows"])?;
        let previous = ASK.with(|a| a.borrow().as_ref().map(|p| (p.window, p.at)));
        if let Some((window, at)) = previous {
            if now - at < ASK_TRUST_INTERVAL_MS {
                return Ok(());
            }
            if let Some(id) = window {
                if ext::settle(ext::call(&windows, "get", &[&JsValue::from(id)])?).await.is_ok() {
                    let focus = ext::to_js(&serde_json::json!({ "focused": true }))?;
                    let _ = ext::settle(ext::call(&windows, "update", &[&JsValue::from(id), &focus])?).await;
                    return Ok(());
                }
            }
        }
        // Taken before the window exists: a second request meanwhile finds it.
        ASK.with(|a| *a.borrow_mut() = Some(Ask { origin: origin.clone(), page: page.clone(), at: now, window: None }));
        let runtime = ext::path(&["runtime"])?;
        let query = format!(
            "trust.html?origin={}&page={}",
            String::from(js_sys::encode_uri_component(&origin)),
            String::from(js_sys::encode_uri_component(&page))
        );
        let url = ext::call(&runtime, "getURL", &[&JsValue::from_str(&query)])?;
        let details = ext::to_js(&serde_json::json!({ "type": "popup", "width": 480, "height": 360, "focused": true }))?;
        js_sys::Reflect::set(&details, &JsValue::from_str("url"), &url)?;
        let win = ext::settle(ext::call(&windows, "create", &[&details])?).await?;
        let window = js_sys::Reflect::get(&win, &JsValue::from_str("id"))?.as_f64().map(|w| w as i32);
        ASK.with(|a| *a.borrow_mut() = Some(Ask { origin, page, at: now, window }));
        Ok(())
    }
    .await;
    if let Err(e) = result {
        warn("trust window", &e);
    }
}

/// The trust window's (or the options page's) Trust: only an origin the rules leave to the
/// agent is added; the log names the page the agent was asked from.
async fn trust(origin: String) {
    let eff = ext::effective().await;
    // Against the rules alone (not the agent's list): already trusted by rule or policy, never
    // trustable (plain http), or not the agent's to decide (the policy turned the prompt off).
    if eff.trust(&origin, &[]) != Trust::Askable {
        return;
    }
    let page = ASK.with(|a| a.borrow().as_ref().filter(|a| a.origin == origin).map(|a| a.page.clone())).unwrap_or_default();
    enqueue(Write::Trust(origin.clone()));
    enqueue(Write::Log(vec![own_entry("Trust", "tenant trusted by the agent".into(), &origin, &page)]));
}

/// Queues a storage write for the one serial writer, starting it if it is idle.
fn enqueue(w: Write) {
    QUEUE.with(|q| q.borrow_mut().push_back(w));
    if !RUNNING.with(|r| r.replace(true)) {
        wasm_bindgen_futures::spawn_local(drain());
    }
}

async fn drain() {
    loop {
        let batch: Vec<Write> = QUEUE.with(|q| q.borrow_mut().drain(..).collect());
        if batch.is_empty() {
            break;
        }
        apply(batch).await;
    }
    RUNNING.with(|r| r.set(false));
}

/// Reads what a batch needs that this worker has not read yet.
async fn load() -> WebResult<()> {
    let limit = settings().await.log_limit as usize;
    if STORE.with(|s| s.borrow().log.is_none()) {
        let entries: Vec<LogEntry> = match ext::storage_get(LOG_KEY).await? {
            Some(v) => ext::from_js(&v).unwrap_or_default(),
            None => Vec::new(),
        };
        STORE.with(|s| s.borrow_mut().log = Some(LogRing::from_entries(entries, limit)));
    }
    if STORE.with(|s| s.borrow().trusted.is_none()) {
        let list = ext::trusted_origins().await;
        STORE.with(|s| s.borrow_mut().trusted = Some(list));
    }
    if STORE.with(|s| s.borrow().placements.is_none()) {
        let map: Vec<(String, Placement)> = match ext::storage_get(PLACEMENTS_KEY).await? {
            Some(v) => ext::from_js::<std::collections::BTreeMap<String, Placement>>(&v).unwrap_or_default().into_iter().collect(),
            None => Vec::new(),
        };
        STORE.with(|s| s.borrow_mut().placements = Some(map));
    }
    if STORE.with(|s| s.borrow().health.is_none()) {
        let list: Vec<(String, Health)> = match ext::session_get(HEALTH_KEY).await {
            Ok(Some(v)) => ext::from_js::<std::collections::BTreeMap<String, Health>>(&v).unwrap_or_default().into_iter().collect(),
            _ => Vec::new(),
        };
        STORE.with(|s| s.borrow_mut().health = Some(list));
    }
    if STORE.with(|s| s.borrow().live.is_none()) {
        let list: Vec<(String, Live)> = match ext::session_get(LIVE_KEY).await {
            Ok(Some(v)) => ext::from_js::<std::collections::BTreeMap<String, Live>>(&v).unwrap_or_default().into_iter().collect(),
            _ => Vec::new(),
        };
        STORE.with(|s| s.borrow_mut().live = Some(list));
    }
    if STORE.with(|s| s.borrow().refused.is_none()) {
        let list: Vec<(i32, u32)> = match ext::session_get(REFUSED_KEY).await {
            Ok(Some(v)) => ext::from_js::<std::collections::BTreeMap<String, u32>>(&v)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|(k, n)| Some((k.parse().ok()?, n)))
                .collect(),
            _ => Vec::new(),
        };
        STORE.with(|s| s.borrow_mut().refused = Some(list));
    }
    Ok(())
}

/// What a batch changed, to be written.
#[derive(Default)]
struct Dirty {
    log: bool,
    trust: bool,
    placements: bool,
    health: bool,
    live: bool,
    refused: bool,
}

async fn apply(batch: Vec<Write>) {
    if let Err(e) = load().await {
        warn("storage", &e);
        return;
    }
    let (retention_days, redacting, limit) = {
        let s = settings().await;
        (s.log_retention_days, s.redact, s.log_limit as usize)
    };
    let mut dirty = Dirty::default();
    STORE.with(|s| {
        let mut s = s.borrow_mut();
        let Store { log, trusted, placements, health, live, refused } = &mut *s;
        let (Some(log), Some(trusted), Some(placements), Some(health), Some(live), Some(refused)) =
            (log.as_mut(), trusted.as_mut(), placements.as_mut(), health.as_mut(), live.as_mut(), refused.as_mut())
        else {
            return;
        };
        for w in batch {
            match w {
                Write::Log(entries) => {
                    #[cfg(feature = "fault-injection")]
                    if entries.iter().any(|e| e.action == "PANIC-TEST") {
                        panic!("fault injected by the test suite");
                    }
                    for e in entries {
                        log.push(if redacting { crate::core::log::redact(&e) } else { e });
                    }
                    dirty.log = true;
                }
                Write::ClearLog => {
                    log.clear();
                    dirty.log = true;
                }
                Write::Trust(origin) => {
                    if !trusted.contains(&origin) && trusted.len() < crate::core::settings::LIST_MAX {
                        trusted.push(origin);
                        dirty.trust = true;
                    }
                }
                Write::Untrust(origin) => {
                    let before = trusted.len();
                    trusted.retain(|o| *o != origin);
                    dirty.trust |= trusted.len() != before;
                }
                Write::Placement(site, placement) => {
                    // Most recent last; the oldest sites fall off past the limit.
                    placements.retain(|(s, _)| *s != site);
                    placements.push((site, placement));
                    if placements.len() > MAX_PLACEMENTS {
                        placements.remove(0);
                    }
                    dirty.placements = true;
                }
                Write::Health(key, report) => {
                    let before = health.len();
                    health.retain(|(k, _)| *k != key);
                    match report {
                        Some(h) => {
                            // Reports of pages long gone (the popup ignores those by their
                            // document time) are not kept without end; a tab with many frames
                            // drops its own oldest first, never another tab's.
                            let tab = key.split(':').next().unwrap_or_default().to_string();
                            let of_tab = |k: &String| k.split(':').next() == Some(tab.as_str());
                            if health.iter().filter(|(k, _)| of_tab(k)).count() >= MAX_HEALTH_PER_TAB {
                                if let Some(at) = health.iter().position(|(k, _)| of_tab(k)) {
                                    health.remove(at);
                                }
                            }
                            health.push((key, h));
                            if health.len() > MAX_HEALTH {
                                health.remove(0);
                            }
                            dirty.health = true;
                        }
                        None => {
                            dirty.health |= health.len() != before;
                            // The toolbar left: what it showed goes with it.
                            let before = live.len();
                            live.retain(|(k, _)| *k != key);
                            dirty.live |= live.len() != before;
                        }
                    }
                }
                Write::Live(key, report) => {
                    let before = live.clone();
                    // Since when a report has been a desktop is the background's own clock: it
                    // decides which of two desktops is the desktop tab, so no report sets it.
                    let was = live.iter().find(|(k, _)| *k == key).map(|(_, l)| (l.desktop, l.since));
                    live.retain(|(k, _)| *k != key);
                    if let Some(mut report) = report {
                        report.since = match (report.desktop, was) {
                            (false, _) => 0,
                            (true, Some((true, since))) => since,
                            (true, _) => super::now() as i64,
                        };
                        // Like the health reports: a tab's own oldest frame first, then the oldest.
                        let tab = key_parts(&key).map(|(t, _)| t);
                        if live.iter().filter(|(k, _)| key_parts(k).map(|(t, _)| t) == tab).count() >= MAX_HEALTH_PER_TAB {
                            if let Some(at) = live.iter().position(|(k, _)| key_parts(k).map(|(t, _)| t) == tab) {
                                live.remove(at);
                            }
                        }
                        live.push((key, report));
                        if live.len() > MAX_HEALTH {
                            live.remove(0);
                        }
                    }
                    dirty.live |= *live != before;
                }
                Write::Choose(key) => {
                    // The chosen desktop becomes the latest one: the desktop tab until another
                    // tab logs in (the order is the background's own clock, as for a login).
                    let latest = live.iter().filter(|(k, l)| l.desktop && *k != key).map(|(_, l)| l.since).max().unwrap_or(0);
                    if let Some((_, l)) = live.iter_mut().find(|(k, l)| *k == key && l.desktop) {
                        if l.since <= latest {
                            l.since = (super::now() as i64).max(latest + 1);
                            dirty.live = true;
                        }
                    }
                }
                Write::TabClosed(tab) => {
                    let before = health.len();
                    health.retain(|(k, _)| frame_of(k, tab).is_none());
                    dirty.health |= health.len() != before;
                    let before = live.len();
                    live.retain(|(k, _)| frame_of(k, tab).is_none());
                    dirty.live |= live.len() != before;
                }
                Write::Refused(tab) => {
                    match refused.iter_mut().find(|(t, _)| *t == tab) {
                        Some((_, n)) => *n = n.saturating_add(1),
                        None => {
                            refused.push((tab, 1));
                            if refused.len() > MAX_HEALTH {
                                refused.remove(0);
                            }
                        }
                    }
                    dirty.refused = true;
                }
            }
        }
    });
    if RESHAPE.with(|r| r.replace(false)) {
        STORE.with(|s| {
            if let Some(log) = s.borrow_mut().log.as_mut() {
                log.set_limit(limit);
                if redacting {
                    log.redact_all();
                }
            }
        });
        dirty.log = true;
    }
    if dirty.log && retention_days > 0 {
        let cutoff = super::now() - f64::from(retention_days) * 86_400_000.0;
        STORE.with(|s| s.borrow_mut().log.as_mut().map(|l| l.drop_older_than(cutoff)));
    }
    // Each key on its own, the trusted list first: storage that is full (the log shares its
    // quota) must never cost a trust change, and one failed write never skips the others.
    if dirty.trust {
        let list = STORE.with(|s| s.borrow().trusted.clone().unwrap_or_default());
        let result = match ext::to_js(&list) {
            Ok(v) => ext::storage_set(TRUSTED_KEY, &v).await,
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            warn("trusted tenants", &e);
        }
    }
    if dirty.placements {
        let obj = STORE.with(|s| as_object(s.borrow().placements.iter().flatten()));
        if let Err(e) = ext::storage_set(PLACEMENTS_KEY, &obj).await {
            warn("placements", &e);
        }
    }
    if dirty.health {
        let obj = STORE.with(|s| as_object(s.borrow().health.iter().flatten()));
        // Session memory: gone with the browser, like the tabs it describes.
        if let Err(e) = ext::session_set(HEALTH_KEY, &obj).await {
            warn("health", &e);
        }
        refresh_menu().await;
    }
    if dirty.live {
        let obj = STORE.with(|s| as_object(s.borrow().live.iter().flatten()));
        if let Err(e) = ext::session_set(LIVE_KEY, &obj).await {
            warn("live", &e);
        }
        update_mirrors();
        // A desktop tab now, or none any more: the CRM pages' script is registered (and run in
        // the open CRM pages) or taken away.
        let desktop = STORE.with(|s| s.borrow().live.as_ref().and_then(|l| desktop_of(l.iter().map(|(k, v)| (k.as_str(), v))).map(|(tab, _, _)| tab)));
        if DESKTOP_TAB.with(|d| d.replace(desktop)).is_some() != desktop.is_some() {
            wasm_bindgen_futures::spawn_local(sync_crm_script());
        }
    }
    if dirty.refused {
        let obj = js_sys::Object::new();
        STORE.with(|s| {
            for (tab, n) in s.borrow().refused.iter().flatten() {
                let _ = js_sys::Reflect::set(&obj, &JsValue::from_str(&tab.to_string()), &JsValue::from(*n));
            }
        });
        if let Err(e) = ext::session_set(REFUSED_KEY, &obj).await {
            warn("refused orders", &e);
        }
    }
    if dirty.log {
        write_log().await;
    }
}

/// A stored map (key → value) as the object storage keeps it.
fn as_object<'a, T: serde::Serialize + 'a>(entries: impl Iterator<Item = &'a (String, T)>) -> js_sys::Object {
    let obj = js_sys::Object::new();
    for (key, value) in entries {
        if let Ok(v) = ext::to_js(value) {
            let _ = js_sys::Reflect::set(&obj, &JsValue::from_str(key), &v);
        }
    }
    obj
}

/// Writes the log; if storage refuses it (its quota is shared), the oldest half goes and the
/// write is tried once more.
async fn write_log() {
    for attempt in 0..2 {
        let entries: Vec<LogEntry> = STORE.with(|s| s.borrow().log.as_ref().map(|l| l.iter().cloned().collect()).unwrap_or_default());
        let result = match ext::to_js(&entries) {
            Ok(v) => ext::storage_set(LOG_KEY, &v).await,
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => return,
            Err(e) => {
                warn("log", &e);
                if attempt == 0 {
                    STORE.with(|s| s.borrow_mut().log.as_mut().map(LogRing::halve));
                }
            }
        }
    }
}
