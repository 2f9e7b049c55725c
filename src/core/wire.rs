//! The content script's side of the messages between the extension's surfaces, read and written
//! with [`super::json`] instead of serde (see that module for why). Every shape here is the
//! serde form of the same type; `tests/core_json.rs` checks that the two agree on every
//! variant, so the background and the pages (which use serde) read exactly what is written here.

use super::health::Health;
use super::live::{Live, LiveControl};
use super::json::{boolean, num, obj, s, Value};
use super::log::LogEntry;
use super::messages::{FromRelay, Placement, ToBackground, ToContent, ToRelay};
use super::settings::{Policy, Settings, LOG_LIMIT_DEFAULT};

fn opt_num(v: Option<i64>) -> Option<Value> {
    Some(match v {
        Some(n) => Value::Num(n as f64),
        None => Value::Null,
    })
}

fn opt_bool(v: Option<bool>) -> Option<Value> {
    Some(match v {
        Some(b) => Value::Bool(b),
        None => Value::Null,
    })
}

impl LogEntry {
    pub fn to_json(&self) -> Value {
        obj(vec![
            ("ts", num(self.ts)),
            ("action", s(&self.action)),
            ("item_id", s(&self.item_id)),
            ("result", s(&self.result)),
            ("latency_ms", self.latency_ms.map(|l| Value::Num(f64::from(l)))),
            ("tenant", s(&self.tenant)),
            ("page", s(&self.page)),
        ])
    }
}

impl Health {
    pub fn to_json(&self) -> Value {
        obj(vec![
            ("tenant", s(&self.tenant)),
            ("page", s(&self.page)),
            ("trust", s(&self.trust)),
            ("channelSince", opt_num(self.channel_since)),
            ("loggedIn", opt_bool(self.logged_in)),
            ("lastHeard", opt_num(self.last_heard)),
            ("ignored", num(f64::from(self.ignored))),
            ("forged", num(f64::from(self.forged))),
            ("neighbours", num(f64::from(self.neighbours))),
            ("frameMode", boolean(self.frame_mode)),
            ("documentStart", num(self.document_start as f64)),
            ("stopped", boolean(self.stopped)),
        ])
    }
}

impl Live {
    pub fn to_json(&self) -> Value {
        let control = |c: &LiveControl| {
            obj(vec![
                ("command", s(&c.command)),
                ("enabled", boolean(c.enabled)),
                ("busy", boolean(c.busy)),
                ("primary", boolean(c.primary)),
                ("pressed", opt_bool(c.pressed)),
            ])
        };
        obj(vec![
            ("tenant", s(&self.tenant)),
            ("page", s(&self.page)),
            ("desktop", boolean(self.desktop)),
            ("since", num(self.since as f64)),
            ("status", s(&self.status)),
            ("status_key", s(&self.status_key)),
            ("agent_id", s(&self.agent_id)),
            ("item_id", s(&self.item_id)),
            ("acw_since", opt_num(self.acw_since)),
            ("controls", Some(Value::Arr(self.controls.iter().map(control).collect()))),
            (
                "notice",
                Some(match &self.notice {
                    Some((kind, text)) => Value::Arr(vec![Value::Str(kind.clone()), Value::Str(text.clone())]),
                    None => Value::Null,
                }),
            ),
        ])
    }
}

impl Placement {
    pub fn to_json(&self) -> Value {
        obj(vec![("x", num(self.x)), ("y", num(self.y)), ("collapsed", boolean(self.collapsed))])
    }

    pub fn from_json(v: &Value) -> Option<Placement> {
        Some(Placement {
            x: v.get("x")?.as_f64()?,
            y: v.get("y")?.as_f64()?,
            collapsed: v.get("collapsed").and_then(Value::as_bool).unwrap_or(false),
        })
    }
}

impl ToBackground {
    /// The message as the background reads it. `None` for `Settings`, which only the options
    /// page sends (through serde: its minutes may be fractional, and this writer writes whole
    /// numbers only).
    pub fn to_json(&self) -> Option<Value> {
        let tag = |t: &str| ("type", s(t));
        Some(match self {
            ToBackground::Log { entries } => obj(vec![tag("log"), ("entries", Some(Value::Arr(entries.iter().map(LogEntry::to_json).collect())))]),
            ToBackground::ClearLog => obj(vec![tag("clearLog")]),
            ToBackground::Trust { origin } => obj(vec![tag("trust"), ("origin", s(origin))]),
            ToBackground::AskTrust { origin } => obj(vec![tag("askTrust"), ("origin", s(origin))]),
            ToBackground::ScreenPop { item_id, fields } => obj(vec![
                tag("screenPop"),
                ("item_id", s(item_id)),
                ("fields", Some(Value::Arr(fields.iter().map(|(k, v)| Value::Arr(vec![Value::Str(k.clone()), Value::Str(v.clone())])).collect()))),
            ]),
            ToBackground::Untrust { origin } => obj(vec![tag("untrust"), ("origin", s(origin))]),
            ToBackground::Badge { text, color, title, acw_ms } => obj(vec![
                tag("badge"),
                ("text", s(text)),
                ("color", s(color)),
                ("title", s(title)),
                ("acw_ms", acw_ms.map(Value::Num)),
            ]),
            ToBackground::Settings { .. } => return None,
            ToBackground::Placement { site, placement } => obj(vec![tag("placement"), ("site", s(site)), ("placement", Some(placement.to_json()))]),
            ToBackground::Health { health } => {
                obj(vec![tag("health"), ("health", Some(health.as_ref().map(Health::to_json).unwrap_or(Value::Null)))])
            }
            ToBackground::Live { live } => obj(vec![tag("live"), ("live", Some(live.as_deref().map(Live::to_json).unwrap_or(Value::Null)))]),
            ToBackground::Desktop { command, key, item_id } => obj(vec![tag("desktop"), ("command", s(command)), ("key", s(key)), ("item_id", s(item_id))]),
            ToBackground::ChooseDesktop { key } => obj(vec![tag("chooseDesktop"), ("key", s(key))]),
            ToBackground::Command { name, tab } => obj(vec![tag("command"), ("name", s(name)), ("tab", tab.map(|t| Value::Num(f64::from(t))))]),
        })
    }
}

impl ToContent {
    pub fn from_json(v: &Value) -> Option<ToContent> {
        match v.get("type")?.as_str()? {
            "hotkey" => Some(ToContent::Hotkey { command: v.str_of("command")? }),
            "dial" => Some(ToContent::Dial { text: v.str_of("text")? }),
            "press" => Some(ToContent::Press { command: v.str_of("command")?, item_id: v.str_of("item_id")? }),
            _ => None,
        }
    }
}

impl FromRelay {
    pub fn from_json(v: &Value) -> Option<FromRelay> {
        let opt_string = |key: &str| match v.get(key) {
            None | Some(Value::Null) => Some(None),
            Some(Value::Str(t)) => Some(Some(t.clone())),
            Some(_) => None,
        };
        Some(match v.get("t")?.as_str()? {
            "repeater" => FromRelay::Repeater { src: opt_string("src")?, page: v.str_of("page")? },
            "proxyLoaded" => FromRelay::ProxyLoaded,
            "lost" => FromRelay::Lost,
            "placed" => FromRelay::Placed { x: v.get("x")?.as_f64()?, y: v.get("y")?.as_f64()? },
            "message" => FromRelay::Message { data: opt_string("data")? },
            "counted" => FromRelay::Counted {
                ignored: v.u32_of("ignored")?,
                forged: v.u32_of("forged")?,
                neighbours: match v.get("neighbours") {
                    None => 0,
                    Some(_) => v.u32_of("neighbours")?,
                },
            },
            _ => return None,
        })
    }
}

impl ToRelay {
    pub fn to_json(&self) -> Value {
        let tag = |t: &str| ("t", s(t));
        match self {
            ToRelay::Open { origin, url } => obj(vec![tag("open"), ("origin", s(origin)), ("url", s(url))]),
            ToRelay::Post { text } => obj(vec![tag("post"), ("text", s(text))]),
            ToRelay::Close => obj(vec![tag("close")]),
            ToRelay::Size { width, height } => obj(vec![tag("size"), ("width", num(f64::from(*width))), ("height", num(f64::from(*height)))]),
            ToRelay::Move { dx, dy, end } => obj(vec![tag("move"), ("dx", num(*dx)), ("dy", num(*dy)), ("end", boolean(*end))]),
            ToRelay::Place { x, y } => obj(vec![tag("place"), ("x", num(*x)), ("y", num(*y))]),
            ToRelay::Background { msg } => obj(vec![tag("background"), ("msg", msg.to_json())]),
        }
    }
}

impl Settings {
    /// The stored settings; a field that is missing or of the wrong type keeps its default.
    pub fn from_json(v: &Value) -> Settings {
        let d = Settings::default();
        Settings {
            acw_alert_minutes: v.get("acwAlertMinutes").and_then(Value::as_f64).unwrap_or(d.acw_alert_minutes),
            log_limit: v.u32_of("logLimit").unwrap_or(LOG_LIMIT_DEFAULT),
            log_retention_days: v.u32_of("logRetentionDays").unwrap_or(d.log_retention_days),
            redact: v.get("redact").and_then(Value::as_bool).unwrap_or(d.redact),
            require_disposition: v.get("requireDisposition").and_then(Value::as_bool).unwrap_or(d.require_disposition),
            require_recording_resume: v.get("requireRecordingResume").and_then(Value::as_bool).unwrap_or(d.require_recording_resume),
            blocked_sites: v.strings_of("blockedSites").unwrap_or_default(),
            dial_country: v.get("dialCountry").and_then(Value::as_str).map_or(d.dial_country, str::to_string),
            dial_national: v.get("dialNational").and_then(Value::as_bool).unwrap_or(d.dial_national),
            dial_prefix: v.get("dialPrefix").and_then(Value::as_str).map_or(d.dial_prefix, str::to_string),
            outbound_service: v.get("outboundService").and_then(Value::as_str).map_or(d.outbound_service, str::to_string),
            dial_confirm: v.get("dialConfirm").and_then(Value::as_bool).unwrap_or(d.dial_confirm),
            screen_pop_templates: v.strings_of("screenPopTemplates").unwrap_or_default(),
            screen_pop_on_answer: v.get("screenPopOnAnswer").and_then(Value::as_bool).unwrap_or(d.screen_pop_on_answer),
            not_ready_reasons: v.strings_of("notReadyReasons").unwrap_or_default(),
            dispositions: v.strings_of("dispositions").unwrap_or_default(),
            allow_free_disposition: v.get("allowFreeDisposition").and_then(Value::as_bool).unwrap_or(d.allow_free_disposition),
            speed_dial: v.strings_of("speedDial").unwrap_or_default(),
            acw_limit_seconds: v.u32_of("acwLimitSeconds").unwrap_or(d.acw_limit_seconds),
            acw_extend_seconds: v.u32_of("acwExtendSeconds").unwrap_or(d.acw_extend_seconds),
            default_disposition: v.get("defaultDisposition").and_then(Value::as_str).map_or(d.default_disposition, str::to_string),
            crm_sites: v.strings_of("crmSites").unwrap_or_default(),
        }
    }
}

impl Policy {
    /// The managed policy; a value of the wrong type counts as not set.
    pub fn from_json(v: &Value) -> Policy {
        Policy {
            trusted_tenants: v.strings_of("trustedTenants"),
            blocked_sites: v.strings_of("blockedSites"),
            disable_trust_prompt: v.get("disableTrustPrompt").and_then(Value::as_bool),
            disable_built_in_trust: v.get("disableBuiltInTrust").and_then(Value::as_bool),
            acw_alert_minutes: v.get("acwAlertMinutes").and_then(Value::as_f64),
            log_limit: v.u32_of("logLimit"),
            log_retention_days: v.u32_of("logRetentionDays"),
            redact: v.get("redact").and_then(Value::as_bool),
            require_disposition: v.get("requireDisposition").and_then(Value::as_bool),
            require_recording_resume: v.get("requireRecordingResume").and_then(Value::as_bool),
            dial_country: v.get("dialCountry").and_then(Value::as_str).map(str::to_string),
            dial_national: v.get("dialNational").and_then(Value::as_bool),
            dial_prefix: v.get("dialPrefix").and_then(Value::as_str).map(str::to_string),
            outbound_service: v.get("outboundService").and_then(Value::as_str).map(str::to_string),
            dial_confirm: v.get("dialConfirm").and_then(Value::as_bool),
            screen_pop_templates: v.strings_of("screenPopTemplates"),
            screen_pop_on_answer: v.get("screenPopOnAnswer").and_then(Value::as_bool),
            crm_sites: v.strings_of("crmSites"),
            not_ready_reasons: v.strings_of("notReadyReasons"),
            dispositions: v.strings_of("dispositions"),
            allow_free_disposition: v.get("allowFreeDisposition").and_then(Value::as_bool),
            speed_dial: v.strings_of("speedDial"),
            acw_limit_seconds: v.u32_of("acwLimitSeconds"),
            acw_extend_seconds: v.u32_of("acwExtendSeconds"),
            default_disposition: v.get("defaultDisposition").and_then(Value::as_str).map(str::to_string),
        }
    }
}

/// A stored list of strings (the trusted origins); anything else reads as empty.
pub fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect()).unwrap_or_default()
}
