//! Screen pop: the caller's record opened in the CRM when a call arrives, from URL templates the
//! agent or the organisation set, such as `https://crm.example.com/search?phone={phone_number}`
//! or `https://crm.example.com/case/{screenpop_data.case_id}`.
//!
//! The fields are the interaction's as the desktop reports them (`item_id`, `global_id`,
//! `phone_number`, `service`, `screenpop_data.*`, `attached_data.*`). Every value is
//! percent-encoded (as `encodeURIComponent` does), so a value can never add a path, a query
//! parameter or a scheme of its own. A template must fix its origin before any placeholder,
//! use https (plain http only for a loopback host), and, when the organisation keeps a list of
//! CRM sites, name one of them. The first template whose fields the call has is the one opened.

use super::detect::Origin;
use super::settings::is_blocked;
use super::text::Msg;

/// Storage key (`storage.session`) of the background's screen-pop state: [`PopState`].
pub const POP_KEY: &str = "screenPop";
/// The background remembers this many popped interactions (once per interaction, across
/// reloads of the page and restarts of the worker).
pub const POPPED_MAX: usize = 200;

/// What the background keeps between pops: the tab it pops into, the interactions popped, and
/// the last pop (for the popup).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PopState {
    pub tab: Option<i32>,
    pub popped: Vec<String>,
    pub last: Option<LastPop>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LastPop {
    pub url: String,
    pub item_id: String,
    pub ts: f64,
}

/// At most this many templates are kept.
pub const TEMPLATES_MAX: usize = 20;
/// The longest template (characters).
pub const TEMPLATE_MAX_LEN: usize = 2_000;

/// Checks a template as the agent or the policy wrote it; returns it trimmed.
pub fn check_template(template: &str, crm_sites: &[String]) -> Result<String, Msg> {
    let t = template.trim();
    if t.is_empty() || t.chars().count() > TEMPLATE_MAX_LEN || t.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Msg::with("opt_err_pop_template", &[short(t)]));
    }
    // The origin comes before any placeholder: scheme, host and port are the template's own.
    let fixed = t.split('{').next().unwrap_or_default();
    let after_scheme = super::split_str(fixed, "://").map(|(_, rest)| rest).unwrap_or_default();
    // Placeholders name the call's fields, and never sit side by side (two values that are
    // dots each would make a `..` path segment).
    let known = |n: &str| {
        ["item_id", "global_id", "phone_number", "service", "screenpop_data"].contains(&n)
            || n.strip_prefix("screenpop_data.").or_else(|| n.strip_prefix("attached_data.")).is_some_and(|k| !k.is_empty())
    };
    let names_ok = braces(t).is_some_and(|names| names.iter().all(|n| known(n)));
    if !after_scheme.contains('/') || !names_ok || t.contains("}{") {
        return Err(Msg::with("opt_err_pop_template", &[short(t)]));
    }
    let origin = Origin::parse(fixed).map_err(|_| Msg::with("opt_err_pop_template", &[short(t)]))?;
    match origin.scheme.as_str() {
        "https" => {}
        "http" if origin.is_loopback() => {}
        _ => return Err(Msg::with("opt_err_pop_https", &[short(t)])),
    }
    if !crm_sites.is_empty() && !is_blocked(&origin.host, crm_sites) {
        return Err(Msg::with("opt_err_pop_not_crm", &[&origin.serialize()]));
    }
    Ok(t.to_string())
}

fn short(t: &str) -> &str {
    match t.char_indices().nth(80) {
        Some((i, _)) => t.get(..i).unwrap_or(t),
        None => t,
    }
}

/// The placeholder names of a template in order, or `None` if its braces do not pair up.
fn braces(t: &str) -> Option<Vec<&str>> {
    let mut names = Vec::new();
    let mut rest = t;
    while let Some(open) = rest.find('{') {
        let (before, after) = (rest.get(..open)?, rest.get(open + 1..)?);
        if before.contains('}') {
            return None;
        }
        let close = after.find('}')?;
        let name = after.get(..close)?;
        if name.is_empty() || name.contains('{') {
            return None;
        }
        names.push(name);
        rest = after.get(close + 1..)?;
    }
    (!rest.contains('}')).then_some(names)
}

/// `encodeURIComponent`: everything but `A–Z a–z 0–9 - _ . ! ~ * ' ( )` as UTF-8 `%XX`.
pub fn encode(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

/// The template filled with the fields, or `None` when the call lacks one of them (or has it
/// empty): that template is not for this call.
pub fn expand(template: &str, fields: &[(String, String)]) -> Option<String> {
    let names = braces(template)?;
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    for name in names {
        let open = rest.find('{')?;
        out.push_str(rest.get(..open)?);
        // A value of dots alone would be a `.` or `..` path segment once in the URL (encoded or
        // not, the URL parser resolves it): such a value counts as missing.
        let value = fields
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty() && !v.bytes().all(|b| b == b'.'))?;
        out.push_str(&encode(value));
        rest = rest.get(open + name.len() + 2..)?;
    }
    out.push_str(rest);
    Some(out)
}

/// The URL to open for a call: the first usable template that the call's fields fill.
pub fn pop_url(templates: &[String], fields: &[(String, String)], crm_sites: &[String]) -> Option<String> {
    templates
        .iter()
        .filter_map(|t| check_template(t, crm_sites).ok())
        .find_map(|t| expand(&t, fields))
}
