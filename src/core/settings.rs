//! Settings: the agent's own (options page), the organisation's (enterprise policy through
//! `storage.managed`), and the overlay of the one on the other that every surface obeys.
//!
//! The rule of the overlay: a value the policy sets wins and is locked (the options page shows
//! it and cannot change it); lists add up (the policy's entries are locked, the agent's stay
//! editable); a policy that turns the Trust prompt off leaves only the built-in rule and the
//! policy's own list of tenants.

use serde::{Deserialize, Serialize};

use super::detect::Origin;
use super::text::Msg;

/// Storage key of the agent's settings (a [`Settings`] object in `storage.local`).
pub const SETTINGS_KEY: &str = "settings";

/// Storage key of the organisation's policy as the background last read it from
/// `storage.managed`, copied to `storage.local` (the background writes it when it starts and
/// whenever the policy changes). The content script paints the first toolbar with it: after the
/// browser starts, Chromium's first `storage.managed` read can take more than a second where
/// `storage.local` takes milliseconds. The toolbar then confirms against `storage.managed`.
pub const POLICY_MIRROR_KEY: &str = "policyMirror";

/// Bounds of the log size limit (entries).
pub const LOG_LIMIT_MIN: u32 = 1_000;
pub const LOG_LIMIT_MAX: u32 = 20_000;
pub const LOG_LIMIT_DEFAULT: u32 = 2_000;
/// Longest retention the options page accepts (days; 0 = kept until the size limit).
pub const RETENTION_MAX_DAYS: u32 = 365;
/// Longest after-call-work alert threshold (minutes; 0 = never).
pub const ACW_ALERT_MAX_MINUTES: f64 = 240.0;
/// At most this many entries per list (trusted tenants, blocked sites).
pub const LIST_MAX: usize = 200;
/// At most this many Not Ready reasons, each at most this many characters.
pub const REASONS_MAX: usize = 50;
pub const REASON_LEN_MAX: usize = 100;
/// The longest outside-line prefix (digits) and outbound service name (characters).
pub const DIAL_PREFIX_MAX: usize = 4;
pub const SERVICE_MAX: usize = 100;
/// The longest number in a speed-dial entry (characters, as written).
pub const SPEED_DIAL_NUMBER_MAX: usize = 40;
/// The longest after-call-work limit and extension (seconds; 0 = none).
pub const ACW_LIMIT_MAX_SECONDS: u32 = 3_600;
pub const ACW_EXTEND_MAX_SECONDS: u32 = 600;
pub const ACW_EXTEND_DEFAULT_SECONDS: u32 = 60;

fn default_acw_extend() -> u32 {
    ACW_EXTEND_DEFAULT_SECONDS
}

fn default_log_limit() -> u32 {
    LOG_LIMIT_DEFAULT
}

/// The agent's settings, as stored. Every field has a default, so an older stored object or
/// an empty one reads as the defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// Show a desktop notification once after-call work has lasted this many minutes; 0 = never.
    pub acw_alert_minutes: f64,
    /// The log keeps at most this many entries (oldest fall off).
    #[serde(default = "default_log_limit")]
    pub log_limit: u32,
    /// Entries older than this many days are dropped; 0 = only the size limit applies.
    pub log_retention_days: u32,
    /// Phone numbers and free text (notes, screen-pop data) are masked in the stored log and
    /// in exports.
    pub redact: bool,
    /// Complete (and Wrap up) need a disposition first.
    pub require_disposition: bool,
    /// Wrap up and Complete wait while the call's recording is paused (card payments: the
    /// recording must be resumed before the call is wrapped up).
    pub require_recording_resume: bool,
    /// Sites (host names, `*.example.com` for a domain and its subdomains) where the toolbar
    /// never appears.
    pub blocked_sites: Vec<String>,
    /// Dial rules (`core::phone`): the country of numbers written without a country code (ISO
    /// code), national format instead of country code and number, the outside-line prefix.
    pub dial_country: String,
    pub dial_national: bool,
    pub dial_prefix: String,
    /// The outbound service selected (`SELECT_SERVICE`) before each dial; empty: none.
    pub outbound_service: String,
    /// Each dial waits for a second press of Call (the confirmation step).
    pub dial_confirm: bool,
    /// Screen-pop URL templates (`core::screenpop`), the first that a call's fields fill opens.
    pub screen_pop_templates: Vec<String>,
    /// Pop when the call is answered rather than when it is offered.
    pub screen_pop_on_answer: bool,
    /// The Not Ready reasons the toolbar offers, in order (the tenant's names for them).
    pub not_ready_reasons: Vec<String>,
    /// The dispositions the toolbar offers for Complete and Wrap up, in order: `Name`, or
    /// `Name | code` for a disposition the desktop knows by its code.
    pub dispositions: Vec<String>,
    /// With a list of dispositions, the agent may also type one that is not on it.
    pub allow_free_disposition: bool,
    /// Numbers to transfer (or dial) to by name: `Name | number`, in order.
    pub speed_dial: Vec<String>,
    /// After this many seconds of after-call work the toolbar completes the interaction (with
    /// the disposition typed, else [`Settings::default_disposition`], and the notes so far);
    /// 0 = no limit.
    pub acw_limit_seconds: u32,
    /// The agent may extend the limit once by this many seconds; 0 = no extension.
    #[serde(default = "default_acw_extend")]
    pub acw_extend_seconds: u32,
    /// The disposition the limit completes with when the agent typed none (empty: none).
    pub default_disposition: String,
    /// The agent's CRM sites (host names, `*.example.com`): the toolbar mirrors the desktop
    /// tab on their pages. Empty: the sites where the desktop was seen
    /// ([`super::live::mirror_sites`]).
    pub crm_sites: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            acw_alert_minutes: 0.0,
            log_limit: LOG_LIMIT_DEFAULT,
            log_retention_days: 0,
            redact: false,
            require_disposition: false,
            require_recording_resume: false,
            blocked_sites: Vec::new(),
            dial_country: "US".into(),
            dial_national: false,
            dial_prefix: String::new(),
            outbound_service: String::new(),
            dial_confirm: false,
            screen_pop_templates: Vec::new(),
            screen_pop_on_answer: false,
            not_ready_reasons: Vec::new(),
            dispositions: Vec::new(),
            allow_free_disposition: false,
            speed_dial: Vec::new(),
            acw_limit_seconds: 0,
            acw_extend_seconds: ACW_EXTEND_DEFAULT_SECONDS,
            default_disposition: String::new(),
            crm_sites: Vec::new(),
        }
    }
}

impl Settings {
    /// The dial rules these settings make.
    pub fn dial_rules(&self) -> super::phone::DialRules {
        super::phone::DialRules {
            country: self.dial_country.clone(),
            format: if self.dial_national { super::phone::DialFormat::National } else { super::phone::DialFormat::E164 },
            outside_prefix: self.dial_prefix.clone(),
            ..super::phone::DialRules::default()
        }
    }

    /// Whether an after-call-work episode of `acw_ms` has passed the alert threshold.
    pub fn acw_alert_due(&self, acw_ms: f64) -> bool {
        self.acw_alert_minutes > 0.0 && acw_ms >= self.acw_alert_minutes * 60_000.0
    }
}

/// What an administrator can set (`storage.managed`; Chrome's `managed_schema.json`, Firefox's
/// `policies.json` → `3rdparty` → `Extensions`). Absent = not managed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Policy {
    pub trusted_tenants: Option<Vec<String>>,
    pub blocked_sites: Option<Vec<String>>,
    pub disable_trust_prompt: Option<bool>,
    /// Turns off the built-in rule that trusts `https://*.brightpattern.com`, for organisations
    /// that list their tenants themselves.
    pub disable_built_in_trust: Option<bool>,
    pub acw_alert_minutes: Option<f64>,
    pub log_limit: Option<u32>,
    pub log_retention_days: Option<u32>,
    pub redact: Option<bool>,
    pub require_disposition: Option<bool>,
    pub require_recording_resume: Option<bool>,
    pub dial_country: Option<String>,
    pub dial_national: Option<bool>,
    pub dial_prefix: Option<String>,
    pub outbound_service: Option<String>,
    pub dial_confirm: Option<bool>,
    pub screen_pop_templates: Option<Vec<String>>,
    pub screen_pop_on_answer: Option<bool>,
    /// The organisation's Not Ready reasons: they replace the agent's and cannot be changed.
    pub not_ready_reasons: Option<Vec<String>>,
    /// The organisation's dispositions, likewise.
    pub dispositions: Option<Vec<String>>,
    pub allow_free_disposition: Option<bool>,
    /// The organisation's speed-dial entries: they replace the agent's and cannot be changed.
    pub speed_dial: Option<Vec<String>>,
    pub acw_limit_seconds: Option<u32>,
    pub acw_extend_seconds: Option<u32>,
    pub default_disposition: Option<String>,
    /// The organisation's CRM sites (host names, `*.domain`): screen pops open only there.
    pub crm_sites: Option<Vec<String>>,
}

/// A setting's name, as the options page and the admin guide call it (the JSON key).
pub type Key = &'static str;

/// The settings in force, with what the policy locked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Effective {
    pub settings: Settings,
    /// Settings the policy fixed: shown locked, not editable.
    pub locked: Vec<Key>,
    /// Tenant origins the policy trusts (canonical).
    pub policy_tenants: Vec<String>,
    /// Blocked-site patterns from the policy (locked entries of `settings.blocked_sites`).
    pub policy_sites: Vec<String>,
    /// Whether an agent may trust a tenant that no rule or list trusts.
    pub trust_prompt: bool,
    /// Whether the built-in rule (`https://*.brightpattern.com`) applies.
    pub builtin_trust: bool,
    /// Policy entries that were not usable, for the options page to show an administrator.
    pub problems: Vec<String>,
    /// The organisation's CRM sites (empty: no list; any https site may be popped).
    pub crm_sites: Vec<String>,
}

impl Effective {
    pub fn is_locked(&self, key: Key) -> bool {
        self.locked.contains(&key)
    }

    /// How `origin` stands under these settings, with the agent's own list of trusted origins.
    pub fn trust(&self, origin: &str, user_trusted: &[String]) -> super::detect::Trust {
        super::detect::trust_under(origin, user_trusted, &self.policy_tenants, self.trust_prompt, self.builtin_trust)
    }
}

/// The overlay of `policy` on the agent's `user` settings.
pub fn overlay(user: &Settings, policy: &Policy) -> Effective {
    let mut out = Effective { settings: user.clone(), trust_prompt: true, builtin_trust: true, ..Effective::default() };
    let lock = |key: Key, out: &mut Effective| out.locked.push(key);
    if let Some(v) = policy.acw_alert_minutes {
        if v.is_finite() && (0.0..=ACW_ALERT_MAX_MINUTES).contains(&v) {
            out.settings.acw_alert_minutes = v;
        } else {
            // No float formatting here: this runs in the content script's module too.
            out.problems.push("acwAlertMinutes: outside 0..240".to_string());
        }
        lock("acwAlertMinutes", &mut out);
    }
    if let Some(v) = policy.log_limit {
        out.settings.log_limit = v.clamp(LOG_LIMIT_MIN, LOG_LIMIT_MAX);
        if out.settings.log_limit != v {
            out.problems.push(format!("logLimit: {v} is outside {LOG_LIMIT_MIN}..{LOG_LIMIT_MAX}"));
        }
        lock("logLimit", &mut out);
    }
    if let Some(v) = policy.log_retention_days {
        out.settings.log_retention_days = v.min(RETENTION_MAX_DAYS);
        if v > RETENTION_MAX_DAYS {
            out.problems.push(format!("logRetentionDays: {v} is over {RETENTION_MAX_DAYS}"));
        }
        lock("logRetentionDays", &mut out);
    }
    if let Some(v) = policy.redact {
        out.settings.redact = v;
        lock("redact", &mut out);
    }
    if let Some(v) = policy.require_disposition {
        out.settings.require_disposition = v;
        lock("requireDisposition", &mut out);
    }
    if let Some(v) = policy.require_recording_resume {
        out.settings.require_recording_resume = v;
        lock("requireRecordingResume", &mut out);
    }
    if let Some(v) = &policy.dial_country {
        match parse_country(v) {
            Ok(c) => out.settings.dial_country = c,
            Err(_) => out.problems.push(format!("dialCountry: \"{v}\" is not a country the dial rules know")),
        }
        lock("dialCountry", &mut out);
    }
    if let Some(v) = policy.dial_national {
        out.settings.dial_national = v;
        lock("dialNational", &mut out);
    }
    if let Some(v) = &policy.dial_prefix {
        match parse_prefix(v) {
            Ok(p) => out.settings.dial_prefix = p,
            Err(_) => out.problems.push(format!("dialPrefix: \"{v}\" is not up to {DIAL_PREFIX_MAX} digits")),
        }
        lock("dialPrefix", &mut out);
    }
    if let Some(v) = &policy.outbound_service {
        match parse_service(v) {
            Ok(s) => out.settings.outbound_service = s,
            Err(_) => out.problems.push(format!("outboundService: longer than {SERVICE_MAX} characters")),
        }
        lock("outboundService", &mut out);
    }
    if let Some(v) = policy.dial_confirm {
        out.settings.dial_confirm = v;
        lock("dialConfirm", &mut out);
    }
    if let Some(v) = &policy.screen_pop_templates {
        // Checked where they are used (the background, the options page): this runs in the
        // content script's module too, which only needs to know whether there are any.
        out.settings.screen_pop_templates = v.iter().take(super::screenpop::TEMPLATES_MAX).cloned().collect();
        lock("screenPopTemplates", &mut out);
    }
    if let Some(v) = policy.screen_pop_on_answer {
        out.settings.screen_pop_on_answer = v;
        lock("screenPopOnAnswer", &mut out);
    }
    if let Some(v) = &policy.not_ready_reasons {
        out.settings.not_ready_reasons = names_of(v, "notReadyReasons", parse_reason, &mut out.problems);
        lock("notReadyReasons", &mut out);
    }
    if let Some(v) = &policy.dispositions {
        out.settings.dispositions = names_of(v, "dispositions", parse_disposition, &mut out.problems);
        lock("dispositions", &mut out);
    }
    if let Some(v) = policy.allow_free_disposition {
        out.settings.allow_free_disposition = v;
        lock("allowFreeDisposition", &mut out);
    }
    if let Some(v) = &policy.speed_dial {
        out.settings.speed_dial = names_of(v, "speedDial", parse_speed_dial, &mut out.problems);
        lock("speedDial", &mut out);
    }
    for (key, v, max, to) in [
        ("acwLimitSeconds", policy.acw_limit_seconds, ACW_LIMIT_MAX_SECONDS, &mut out.settings.acw_limit_seconds),
        ("acwExtendSeconds", policy.acw_extend_seconds, ACW_EXTEND_MAX_SECONDS, &mut out.settings.acw_extend_seconds),
    ] {
        if let Some(v) = v {
            *to = v.min(max);
            if v > max {
                out.problems.push(format!("{key}: {v} is over {max}"));
            }
            out.locked.push(key);
        }
    }
    if let Some(v) = &policy.default_disposition {
        match parse_disposition_name(v) {
            Ok(d) => out.settings.default_disposition = d,
            Err(_) => out.problems.push("defaultDisposition: too long or spans lines".to_string()),
        }
        lock("defaultDisposition", &mut out);
    }
    for raw in policy.crm_sites.iter().flatten() {
        match parse_site(raw) {
            Ok(p) if !out.crm_sites.contains(&p) => out.crm_sites.push(p),
            Ok(_) => {}
            Err(_) => out.problems.push(format!("crmSites: \"{raw}\" is not a host name or *.domain")),
        }
    }
    // The organisation's CRM sites are the agent's too (where the toolbar mirrors the desktop
    // tab): a policy list replaces the agent's and locks it, even an empty one (no mirrors).
    if policy.crm_sites.is_some() {
        out.settings.crm_sites = out.crm_sites.clone();
        lock("crmSites", &mut out);
    }
    if let Some(v) = policy.disable_trust_prompt {
        out.trust_prompt = !v;
        lock("disableTrustPrompt", &mut out);
    }
    if let Some(v) = policy.disable_built_in_trust {
        out.builtin_trust = !v;
        lock("disableBuiltInTrust", &mut out);
    }
    for raw in policy.trusted_tenants.iter().flatten() {
        match parse_tenant(raw) {
            Ok(o) if !out.policy_tenants.contains(&o) => out.policy_tenants.push(o),
            Ok(_) => {}
            Err(_) => out.problems.push(format!("trustedTenants: \"{raw}\" is not an https origin")),
        }
    }
    for raw in policy.blocked_sites.iter().flatten() {
        match parse_site(raw) {
            Ok(p) if !out.policy_sites.contains(&p) => out.policy_sites.push(p),
            Ok(_) => {}
            Err(_) => out.problems.push(format!("blockedSites: \"{raw}\" is not a host name or *.domain")),
        }
    }
    // The agent's own blocked sites stay, after the policy's; duplicates once.
    let mut sites = out.policy_sites.clone();
    for s in &user.blocked_sites {
        if !sites.contains(s) {
            sites.push(s.clone());
        }
    }
    out.settings.blocked_sites = sites;
    out.problems.truncate(LIST_MAX);
    out
}

/// Reads a tenant origin as an agent or administrator types it: `https://tenant.example.com`,
/// with or without a trailing slash, or a bare host name (https is assumed). Plain http is
/// accepted for loopback hosts only (a local test desktop). Returns the canonical origin.
pub fn parse_tenant(input: &str) -> Result<String, Msg> {
    let s = input.trim();
    if s.is_empty() {
        return Err(Msg::new("opt_err_empty"));
    }
    let with_scheme = if super::find_str(s, "://").is_some() { s.to_string() } else { format!("https://{s}") };
    let rest = super::split_str(&with_scheme, "://").map(|(_, r)| r).unwrap_or("");
    let path = rest.find('/').and_then(|i| rest.get(i..)).unwrap_or("");
    if !(path.is_empty() || path == "/") || rest.contains(['?', '#', '@']) {
        return Err(Msg::with("opt_err_origin_path", &[s]));
    }
    let o = Origin::parse(&with_scheme).map_err(|_| Msg::with("opt_err_origin", &[s]))?;
    match o.scheme.as_str() {
        "https" => Ok(o.serialize()),
        "http" if o.is_loopback() => Ok(o.serialize()),
        "http" => Err(Msg::with("opt_err_http", &[s])),
        _ => Err(Msg::with("opt_err_origin", &[s])),
    }
}

/// Reads a blocked-site pattern: a host name (`crm.example.com`) or a domain with all its
/// subdomains (`*.example.com`). A pasted URL is reduced to its host. Lowercased.
pub fn parse_site(input: &str) -> Result<String, Msg> {
    let s = input.trim().to_ascii_lowercase();
    if s.is_empty() {
        return Err(Msg::new("opt_err_empty"));
    }
    let host = match super::split_str(&s, "://") {
        Some((_, rest)) => rest.split(['/', '?', '#']).next().unwrap_or("").rsplit('@').next().unwrap_or("").to_string(),
        None => s.trim_end_matches('/').to_string(),
    };
    let host = host.split(':').next().unwrap_or("").to_string();
    let (wild, name) = match host.strip_prefix("*.") {
        Some(rest) => (true, rest),
        None => (false, host.as_str()),
    };
    let label_ok = |l: &str| {
        !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-') && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if name.is_empty() || name.len() > 253 || !name.split('.').all(label_ok) {
        return Err(Msg::with("opt_err_site", &[input.trim()]));
    }
    Ok(if wild { format!("*.{name}") } else { name.to_string() })
}

/// A default country as typed: an ISO code the dial rules know (`us`, ` GB `), upper-cased.
pub fn parse_country(input: &str) -> Result<String, Msg> {
    let c = input.trim().to_ascii_uppercase();
    if super::phone::countries().any(|k| k == c) {
        Ok(c)
    } else {
        Err(Msg::with("opt_err_country", &[input.trim()]))
    }
}

/// An outside-line prefix: up to [`DIAL_PREFIX_MAX`] digits (empty: none).
pub fn parse_prefix(input: &str) -> Result<String, Msg> {
    let p = input.trim();
    if p.len() <= DIAL_PREFIX_MAX && p.bytes().all(|b| b.is_ascii_digit()) {
        Ok(p.to_string())
    } else {
        Err(Msg::new("opt_err_prefix"))
    }
}

/// An outbound service name (trimmed; empty: none).
pub fn parse_service(input: &str) -> Result<String, Msg> {
    let s = input.trim();
    if s.chars().count() <= SERVICE_MAX && !s.chars().any(char::is_control) {
        Ok(s.to_string())
    } else {
        Err(Msg::new("opt_err_service"))
    }
}

/// A Not Ready reason as typed: trimmed, not empty, at most [`REASON_LEN_MAX`] characters, no
/// control characters.
pub fn parse_reason(input: &str) -> Result<String, Msg> {
    let r = input.trim();
    if r.is_empty() {
        Err(Msg::new("opt_err_empty"))
    } else if r.chars().count() > REASON_LEN_MAX || r.chars().any(char::is_control) {
        Err(Msg::with("opt_err_reason", &[&r.chars().take(40).collect::<String>()]))
    } else {
        Ok(r.to_string())
    }
}

/// A disposition as typed: `Name` or `Name | code` (spaces around the bar and the ends
/// trimmed), each part a name as [`parse_reason`] reads it. Returns the canonical text.
pub fn parse_disposition(input: &str) -> Result<String, Msg> {
    match crate::core::split_str(input, "|") {
        Some((name, code)) => Ok(format!("{} | {}", parse_reason(name)?, parse_reason(code)?)),
        None => parse_reason(input),
    }
}

/// A default disposition as typed: empty (none), or a name as [`parse_reason`] reads it.
pub fn parse_disposition_name(input: &str) -> Result<String, Msg> {
    if input.trim().is_empty() {
        Ok(String::new())
    } else {
        parse_reason(input)
    }
}

/// A speed-dial entry as typed: `Name | number`, the name as [`parse_reason`] reads it, the
/// number at most [`SPEED_DIAL_NUMBER_MAX`] characters of digits and the usual separators
/// (`+`, spaces, `-`, `.`, brackets) with at least one digit. Returns the canonical text; the
/// number is put through the dial rules when it is used.
pub fn parse_speed_dial(input: &str) -> Result<String, Msg> {
    let bad = || Msg::with("opt_err_speed_dial", &[&input.trim().chars().take(40).collect::<String>()]);
    let (name, number) = crate::core::split_str(input, "|").ok_or_else(bad)?;
    let number = number.trim();
    let phone_like = number.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '.' | '(' | ')')) && number.bytes().any(|b| b.is_ascii_digit());
    if !phone_like || number.len() > SPEED_DIAL_NUMBER_MAX {
        return Err(bad());
    }
    Ok(format!("{} | {number}", parse_reason(name).map_err(|_| bad())?))
}

/// A canonical `Name | value` entry (a disposition and its code, a speed-dial name and its
/// number) as (name, value); the value is empty when there is none.
pub fn entry_parts(entry: &str) -> (&str, &str) {
    crate::core::split_str(entry, " | ").unwrap_or((entry, ""))
}

/// The entries of a policy list of names: the usable ones, each once (whatever its case), at
/// most [`REASONS_MAX`]; the rest named in `problems`.
fn names_of(list: &[String], key: &str, parse: fn(&str) -> Result<String, Msg>, problems: &mut Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in list {
        match parse(raw) {
            Ok(r) if out.iter().any(|o| same_name(o, &r)) => {}
            Ok(_) if out.len() >= REASONS_MAX => {
                problems.push(format!("{key}: more than {REASONS_MAX}"));
                break;
            }
            Ok(r) => out.push(r),
            Err(_) => problems.push(format!("{key}: \"{}\" cannot be used (empty, too long, on several lines, or not in the form the list takes)", raw.chars().take(40).collect::<String>())),
        }
    }
    out
}

/// An agent's list of names, checked: at most [`REASONS_MAX`], each usable, each once.
fn valid_names(list: &[String], key: Key, parse: fn(&str) -> Result<String, Msg>) -> Result<Vec<String>, (Key, Msg)> {
    if list.len() > REASONS_MAX {
        return Err((key, Msg::with("opt_err_too_many", &["50"])));
    }
    let mut out: Vec<String> = Vec::new();
    for raw in list {
        let r = parse(raw).map_err(|m| (key, m))?;
        if !out.iter().any(|o| same_name(o, &r)) {
            out.push(r);
        }
    }
    Ok(out)
}

/// Whether the toolbar must stay off a page on `host` (no port) under `patterns`.
pub fn is_blocked(host: &str, patterns: &[String]) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    patterns.iter().any(|p| match p.strip_prefix("*.") {
        Some(domain) => host == domain || host.strip_suffix(domain).is_some_and(|r| r.ends_with('.')),
        None => host == *p,
    })
}

/// The settings an agent submits on the options page, checked as a whole: either all of them
/// are usable (and come back normalised) or nothing is saved and the first problem is named
/// with the field it belongs to.
pub fn validate(input: &Settings) -> Result<Settings, (Key, Msg)> {
    let mut out = input.clone();
    if !input.acw_alert_minutes.is_finite() || !(0.0..=ACW_ALERT_MAX_MINUTES).contains(&input.acw_alert_minutes) {
        return Err(("acwAlertMinutes", Msg::with("opt_err_range", &["0", "240"])));
    }
    if !(LOG_LIMIT_MIN..=LOG_LIMIT_MAX).contains(&input.log_limit) {
        return Err(("logLimit", Msg::with("opt_err_range", &["1000", "20000"])));
    }
    if input.log_retention_days > RETENTION_MAX_DAYS {
        return Err(("logRetentionDays", Msg::with("opt_err_range", &["0", "365"])));
    }
    if input.blocked_sites.len() > LIST_MAX {
        return Err(("blockedSites", Msg::with("opt_err_too_many", &["200"])));
    }
    out.dial_country = parse_country(&input.dial_country).map_err(|m| ("dialCountry", m))?;
    out.dial_prefix = parse_prefix(&input.dial_prefix).map_err(|m| ("dialPrefix", m))?;
    out.outbound_service = parse_service(&input.outbound_service).map_err(|m| ("outboundService", m))?;
    if input.screen_pop_templates.len() > super::screenpop::TEMPLATES_MAX {
        return Err(("screenPopTemplates", Msg::with("opt_err_too_many", &["20"])));
    }
    out.screen_pop_templates.clear();
    for raw in &input.screen_pop_templates {
        let t = super::screenpop::check_template(raw, &[]).map_err(|m| ("screenPopTemplates", m))?;
        if !out.screen_pop_templates.contains(&t) {
            out.screen_pop_templates.push(t);
        }
    }
    out.not_ready_reasons = valid_names(&input.not_ready_reasons, "notReadyReasons", parse_reason)?;
    out.dispositions = valid_names(&input.dispositions, "dispositions", parse_disposition)?;
    out.speed_dial = valid_names(&input.speed_dial, "speedDial", parse_speed_dial)?;
    if input.acw_limit_seconds > ACW_LIMIT_MAX_SECONDS {
        return Err(("acwLimitSeconds", Msg::with("opt_err_range", &["0", "3600"])));
    }
    if input.acw_extend_seconds > ACW_EXTEND_MAX_SECONDS {
        return Err(("acwExtendSeconds", Msg::with("opt_err_range", &["0", "600"])));
    }
    out.default_disposition = parse_disposition_name(&input.default_disposition).map_err(|m| ("defaultDisposition", m))?;
    out.blocked_sites.clear();
    for raw in &input.blocked_sites {
        let p = parse_site(raw).map_err(|m| ("blockedSites", m))?;
        if !out.blocked_sites.contains(&p) {
            out.blocked_sites.push(p);
        }
    }
    if input.crm_sites.len() > LIST_MAX {
        return Err(("crmSites", Msg::with("opt_err_too_many", &["200"])));
    }
    out.crm_sites.clear();
    for raw in &input.crm_sites {
        let p = parse_site(raw).map_err(|m| ("crmSites", m))?;
        if !out.crm_sites.contains(&p) {
            out.crm_sites.push(p);
        }
    }
    Ok(out)
}

/// Two entries of a list of names name the same thing (whatever its case; a `Name | value`
/// entry by its name: the first one listed is the one used).
fn same_name(a: &str, b: &str) -> bool {
    entry_parts(a).0.eq_ignore_ascii_case(entry_parts(b).0)
}
