//! The options page: trusted tenant origins, sites where the toolbar never appears, and the
//! settings (after-call-work alert, log size and retention, redaction, required disposition).
//! Everything the organisation's policy sets is shown locked. Input is checked by the core
//! (`settings::parse_tenant`, `parse_site`, `validate`): a bad value gets a message next to its
//! field and nothing is saved half-way. Writes go through the background, the only writer.

use std::cell::RefCell;

use gloo_events::EventListener;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlInputElement};

use super::dom::{append, document, el, el_as, set_attr, set_flag, set_text};
use super::i18n::{t, ta, tk};
use super::{ext, WebError, WebResult};
use crate::core::messages::{ToBackground, SETTINGS_KEY, TRUSTED_KEY};
use crate::core::settings::{overlay, parse_site, parse_tenant, validate, Effective, Key, Policy, Settings};

/// One number or checkbox setting of the form.
struct Field {
    key: Key,
    input: HtmlInputElement,
    locked_note: Element,
}

struct Options {
    doc: Document,
    user: Settings,
    policy: Policy,
    trusted: Vec<String>,
    tenants: ListSection,
    sites: ListSection,
    pops: ListSection,
    reasons: ListSection,
    dispositions: ListSection,
    speed_dial: ListSection,
    crm: ListSection,
    fields: Vec<Field>,
    settings_error: Element,
    settings_status: Element,
    problems: Element,
    _listeners: Vec<EventListener>,
    _list_listeners: Vec<EventListener>,
    _storage: Vec<ext::ApiListener>,
}

/// A section that edits a list: title, note, the list, and an input with its Add button and
/// error line (trusted tenants, blocked sites).
struct ListSection {
    section: Element,
    note: Element,
    list: Element,
    input: HtmlInputElement,
    add: Element,
    error: Element,
}

impl ListSection {
    /// `name` prefixes the element ids; `keys` are the title, note, input label and button texts.
    fn build(doc: &Document, name: &str, keys: [&'static str; 4], placeholder: &str) -> WebResult<ListSection> {
        let [title_key, note_key, label_key, add_key] = keys;
        let (title_id, input_id, error_id) = (format!("{name}s-title"), format!("{name}-input"), format!("{name}-error"));
        let section = el(doc, "section", &[("aria-labelledby", &title_id)], "")?;
        let title = el(doc, "h2", &[("id", &title_id)], &tk(title_key))?;
        let note = el(doc, "p", &[("class", "note")], &tk(note_key))?;
        let list = el(doc, "ul", &[("class", "list")], "")?;
        let row = el(doc, "p", &[("class", "add")], "")?;
        let label = el(doc, "label", &[("for", &input_id)], &tk(label_key))?;
        let input = input(
            doc,
            &[("id", &input_id), ("type", "text"), ("placeholder", placeholder), ("aria-describedby", &error_id), ("autocomplete", "off"), ("spellcheck", "false")],
        )?;
        let add = el(doc, "button", &[("type", "button")], &tk(add_key))?;
        let error = el(doc, "p", &[("id", &error_id), ("class", "error"), ("role", "alert")], "")?;
        append(&row, &[&label, input.as_ref(), &add])?;
        append(&section, &[&title, &note, &list, &row, &error])?;
        Ok(ListSection { section, note, list, input, add, error })
    }

    /// Runs `f` with the input on a click of Add or Enter in the input.
    fn on_add(&self, f: fn(&HtmlInputElement)) -> [EventListener; 2] {
        let (field, key_field) = (self.input.clone(), self.input.clone());
        [
            EventListener::new(&self.add, "click", move |_| f(&field)),
            EventListener::new(&self.input, "keydown", move |e| {
                if e.dyn_ref::<web_sys::KeyboardEvent>().is_some_and(|k| k.key() == "Enter") {
                    f(&key_field);
                }
            }),
        ]
    }
}

thread_local! {
    static OPTIONS: RefCell<Option<Options>> = const { RefCell::new(None) };
}

fn input(doc: &Document, attrs: &[(&str, &str)]) -> WebResult<HtmlInputElement> {
    el_as(doc, "input", attrs, "")
}

/// Entry point of `options.html`.
#[wasm_bindgen]
pub fn start_options(api: JsValue) -> Result<(), JsValue> {
    ext::set_api(api);
    let doc = document()?;
    let root = super::i18n::page_frame(&doc, "options_title")?;
    let mut listeners = Vec::new();

    let tenants = ListSection::build(&doc, "tenant", ["opt_tenants_title", "opt_tenants_note", "opt_tenant_label", "opt_btn_add_tenant"], "https://tenant.brightpattern.com")?;
    let sites = ListSection::build(&doc, "site", ["opt_sites_title", "opt_sites_note", "opt_site_label", "opt_btn_add_site"], "crm.example.com")?;
    let pops = ListSection::build(
        &doc,
        "pop",
        ["opt_pops_title", "opt_pops_note", "opt_pop_label", "opt_btn_add_pop"],
        "https://crm.example.com/search?phone={phone_number}",
    )?;
    let reasons = ListSection::build(&doc, "reason", ["opt_reasons_title", "opt_reasons_note", "opt_reason_label", "opt_btn_add_reason"], &tk("opt_reason_placeholder"))?;
    listeners.extend(tenants.on_add(add_tenant));
    listeners.extend(sites.on_add(add_site));
    listeners.extend(pops.on_add(add_pop));
    let dispositions = ListSection::build(
        &doc,
        "disposition",
        ["opt_dispositions_title", "opt_dispositions_note", "opt_disposition_label", "opt_btn_add_disposition"],
        &tk("opt_disposition_placeholder"),
    )?;
    listeners.extend(reasons.on_add(|f| add_entry(f, &REASONS)));
    listeners.extend(dispositions.on_add(|f| add_entry(f, &DISPOSITIONS)));
    let speed_dial = ListSection::build(
        &doc,
        "speed-dial",
        ["opt_speed_dial_title", "opt_speed_dial_note", "opt_speed_dial_label", "opt_btn_add_speed_dial"],
        &tk("opt_speed_dial_placeholder"),
    )?;
    listeners.extend(speed_dial.on_add(|f| add_entry(f, &SPEED_DIAL)));
    let crm = ListSection::build(&doc, "crm-site", ["opt_crm_title", "opt_crm_note", "opt_crm_label", "opt_btn_add_crm"], "crm.example.com")?;
    listeners.extend(crm.on_add(|f| add_entry(f, &CRM_SITES)));

    // Settings.
    let settings_section = el(&doc, "section", &[("aria-labelledby", "settings-title")], "")?;
    let settings_title = el(&doc, "h2", &[("id", "settings-title")], &tk("opt_settings_title"))?;
    append(&settings_section, &[&settings_title])?;
    let mut fields = Vec::new();
    for (key, label, kind, attrs) in [
        ("acwAlertMinutes", "acw_alert_label", "number", [("min", "0"), ("max", "240"), ("step", "any")]),
        ("acwLimitSeconds", "opt_acw_limit_label", "number", [("min", "0"), ("max", "3600"), ("step", "1")]),
        ("acwExtendSeconds", "opt_acw_extend_label", "number", [("min", "0"), ("max", "600"), ("step", "1")]),
        ("defaultDisposition", "opt_default_disposition_label", "text", [("maxlength", "100"), ("size", "24"), ("autocomplete", "off")]),
        ("logLimit", "opt_log_limit_label", "number", [("min", "1000"), ("max", "20000"), ("step", "1")]),
        ("logRetentionDays", "opt_retention_label", "number", [("min", "0"), ("max", "365"), ("step", "1")]),
        ("redact", "opt_redact_label", "checkbox", [("", ""), ("", ""), ("", "")]),
        ("requireDisposition", "opt_require_disposition_label", "checkbox", [("", ""), ("", ""), ("", "")]),
        ("allowFreeDisposition", "opt_allow_free_disposition_label", "checkbox", [("", ""), ("", ""), ("", "")]),
        ("requireRecordingResume", "opt_require_resume_label", "checkbox", [("", ""), ("", ""), ("", "")]),
        ("dialCountry", "opt_dial_country_label", "text", [("maxlength", "2"), ("size", "3"), ("autocomplete", "off")]),
        ("dialNational", "opt_dial_national_label", "checkbox", [("", ""), ("", ""), ("", "")]),
        ("dialPrefix", "opt_dial_prefix_label", "text", [("maxlength", "4"), ("size", "5"), ("inputmode", "numeric")]),
        ("outboundService", "opt_outbound_service_label", "text", [("maxlength", "100"), ("size", "24"), ("autocomplete", "off")]),
        ("dialConfirm", "opt_dial_confirm_label", "checkbox", [("", ""), ("", ""), ("", "")]),
        ("screenPopOnAnswer", "opt_pop_on_answer_label", "checkbox", [("", ""), ("", ""), ("", "")]),
    ] {
        let row = el(&doc, "p", &[("class", if kind == "checkbox" { "setting check" } else { "setting" })], "")?;
        let id = format!("opt-{key}");
        let field = input(&doc, &[("id", &id), ("type", kind), ("aria-describedby", "settings-error")])?;
        for (k, v) in attrs.iter().filter(|(k, _)| !k.is_empty()) {
            set_attr(&field, k, v);
        }
        let label = el(&doc, "label", &[("for", &id)], &tk(label))?;
        let locked_note = el(&doc, "span", &[("class", "locked"), ("hidden", "")], &tk("opt_locked"))?;
        if kind == "checkbox" {
            append(&row, &[field.as_ref(), &label, &locked_note])?;
        } else {
            append(&row, &[&label, field.as_ref(), &locked_note])?;
        }
        settings_section.append_child(&row)?;
        fields.push(Field { key, input: field, locked_note });
    }
    let hint = el(&doc, "p", &[("class", "note")], &tk("opt_settings_note"))?;
    let save_row = el(&doc, "p", &[("class", "add")], "")?;
    let save = el(&doc, "button", &[("type", "button"), ("class", "primary")], &tk("opt_btn_save"))?;
    let settings_status = el(&doc, "span", &[("role", "status"), ("class", "note")], "")?;
    append(&save_row, &[&save, &settings_status])?;
    let settings_error = el(&doc, "p", &[("id", "settings-error"), ("class", "error"), ("role", "alert")], "")?;
    append(&settings_section, &[&hint, &save_row, &settings_error])?;

    // What the policy set that could not be used (for the administrator).
    let problems = el(&doc, "section", &[("aria-labelledby", "problems-title"), ("hidden", "")], "")?;
    append(&root, &[&tenants.section, &sites.section, &crm.section, &pops.section, &reasons.section, &dispositions.section, &speed_dial.section, &settings_section, &problems])?;
    listeners.push(EventListener::new(&save, "click", |_| save_settings()));
    let storage = vec![
        ext::on_storage_change(TRUSTED_KEY, |v| {
            let list: Vec<String> = ext::from_js(&v).unwrap_or_default();
            with(|o| o.trusted = list);
            render();
        })?,
        ext::on_storage_change(SETTINGS_KEY, |v| {
            let s: Settings = ext::from_js(&v).unwrap_or_default();
            with(|o| o.user = s);
            render();
            fill_form();
        })?,
    ];
    OPTIONS.with(|o| {
        *o.borrow_mut() = Some(Options {
            doc,
            user: Settings::default(),
            policy: Policy::default(),
            trusted: Vec::new(),
            tenants,
            sites,
            pops,
            reasons,
            dispositions,
            speed_dial,
            crm,
            fields,
            settings_error,
            settings_status,
            problems,
            _listeners: listeners,
            _list_listeners: Vec::new(),
            _storage: storage,
        })
    });
    wasm_bindgen_futures::spawn_local(async {
        let (user, policy, trusted) = (ext::settings().await, ext::policy().await, ext::trusted_origins().await);
        with(|o| {
            o.user = user;
            o.policy = policy;
            o.trusted = trusted;
        });
        render();
        fill_form();
        if let Ok(body) = document().and_then(|d| d.body().ok_or(WebError::Missing("body"))) {
            let _ = body.set_attribute("data-ready", "true");
        }
    });
    Ok(())
}

fn with<R>(f: impl FnOnce(&mut Options) -> R) -> Option<R> {
    OPTIONS.with(|o| o.borrow_mut().as_mut().map(f))
}

fn effective(o: &Options) -> Effective {
    overlay(&o.user, &o.policy)
}

fn add_tenant(field: &HtmlInputElement) {
    let result = parse_tenant(&field.value());
    with(|o| match result {
        Ok(origin) => {
            set_text(&o.tenants.error, "");
            field.set_value("");
            if !o.trusted.contains(&origin) {
                o.trusted.push(origin.clone());
            }
            ext::post_to_background(ToBackground::Trust { origin });
        }
        Err(msg) => {
            set_text(&o.tenants.error, &t(&msg));
            let _ = field.focus();
        }
    });
    render();
}

fn add_site(field: &HtmlInputElement) {
    let result = parse_site(&field.value());
    let saved = with(|o| match result {
        Ok(site) => {
            set_text(&o.sites.error, "");
            field.set_value("");
            let mut next = o.user.clone();
            if !next.blocked_sites.contains(&site) && !effective(o).policy_sites.contains(&site) {
                next.blocked_sites.push(site);
            }
            submit(o, next).is_ok()
        }
        Err(msg) => {
            set_text(&o.sites.error, &t(&msg));
            let _ = field.focus();
            false
        }
    });
    if saved == Some(true) {
        render();
    }
}

fn add_pop(field: &HtmlInputElement) {
    let saved = with(|o| {
        let eff = effective(o);
        match crate::core::screenpop::check_template(&field.value(), &eff.crm_sites) {
            Ok(t) => {
                set_text(&o.pops.error, "");
                field.set_value("");
                let mut next = o.user.clone();
                if !next.screen_pop_templates.contains(&t) {
                    next.screen_pop_templates.push(t);
                }
                submit(o, next).is_ok()
            }
            Err(msg) => {
                set_text(&o.pops.error, &t(&msg));
                let _ = field.focus();
                false
            }
        }
    });
    if saved == Some(true) {
        render();
    }
}

/// A list of names the agent edits unless the policy sets it (the policy's list replaces it):
/// its section, its settings key, where it lives in the settings, and how an entry is read.
struct NameList {
    key: Key,
    section: fn(&Options) -> &ListSection,
    list: fn(&mut Settings) -> &mut Vec<String>,
    parse: fn(&str) -> Result<String, crate::core::text::Msg>,
    remove_label: &'static str,
    empty: &'static str,
}

const REASONS: NameList = NameList {
    key: "notReadyReasons",
    section: |o| &o.reasons,
    list: |s| &mut s.not_ready_reasons,
    parse: crate::core::settings::parse_reason,
    remove_label: "opt_btn_remove_reason",
    empty: "opt_reasons_empty",
};

const DISPOSITIONS: NameList = NameList {
    key: "dispositions",
    section: |o| &o.dispositions,
    list: |s| &mut s.dispositions,
    parse: crate::core::settings::parse_disposition,
    remove_label: "opt_btn_remove_disposition",
    empty: "opt_dispositions_empty",
};

const CRM_SITES: NameList = NameList {
    key: "crmSites",
    section: |o| &o.crm,
    list: |s| &mut s.crm_sites,
    parse: crate::core::settings::parse_site,
    remove_label: "opt_btn_remove_crm",
    empty: "opt_crm_empty",
};

const SPEED_DIAL: NameList = NameList {
    key: "speedDial",
    section: |o| &o.speed_dial,
    list: |s| &mut s.speed_dial,
    parse: crate::core::settings::parse_speed_dial,
    remove_label: "opt_btn_remove_speed_dial",
    empty: "opt_speed_dial_empty",
};

/// Add in a [`NameList`] section: the entry read, added once (whatever its case), saved.
fn add_entry(field: &HtmlInputElement, spec: &'static NameList) {
    let saved = with(|o| match (spec.parse)(&field.value()) {
        Ok(entry) => {
            set_text(&(spec.section)(o).error, "");
            field.set_value("");
            let mut next = o.user.clone();
            let list = (spec.list)(&mut next);
            if !list.iter().any(|e| e.eq_ignore_ascii_case(&entry)) {
                list.push(entry);
            }
            submit(o, next).is_ok()
        }
        Err(msg) => {
            set_text(&(spec.section)(o).error, &t(&msg));
            let _ = field.focus();
            false
        }
    });
    if saved == Some(true) {
        render();
    }
}

fn remove_entry(entry: &str, spec: &'static NameList) {
    with(|o| {
        let mut next = o.user.clone();
        (spec.list)(&mut next).retain(|e| e != entry);
        let _ = submit(o, next);
    });
    render();
}

/// Renders a [`NameList`]: the entries in force, removable unless the policy set them.
fn render_names(o: &Options, eff: &Effective, spec: &'static NameList, listeners: &mut Vec<EventListener>) -> WebResult<()> {
    let section = (spec.section)(o);
    clear(&section.list)?;
    let locked = eff.is_locked(spec.key);
    let mut settings = eff.settings.clone();
    for entry in (spec.list)(&mut settings).iter() {
        if locked {
            list_item(&o.doc, &section.list, entry, None)?;
        } else {
            let remove = el(&o.doc, "button", &[("type", "button"), ("aria-label", &ta(spec.remove_label, &[entry]))], &tk("btn_remove"))?;
            let owned = entry.clone();
            listeners.push(EventListener::new(&remove, "click", move |_| remove_entry(&owned, spec)));
            list_item(&o.doc, &section.list, entry, Some(&remove))?;
        }
    }
    if section.list.first_child().is_none() {
        append(&section.list, &[&el(&o.doc, "li", &[("class", "empty")], &tk(spec.empty))?])?;
    }
    section.input.set_disabled(locked);
    set_flag(&section.add, "disabled", locked);
    Ok(())
}

fn remove_pop(template: &str) {
    with(|o| {
        let mut next = o.user.clone();
        next.screen_pop_templates.retain(|t| t != template);
        let _ = submit(o, next);
    });
    render();
}

fn remove_site(site: &str) {
    with(|o| {
        let mut next = o.user.clone();
        next.blocked_sites.retain(|s| s != site);
        let _ = submit(o, next);
    });
    render();
}

/// Validates the whole settings object; saves it only if all of it is usable.
fn submit(o: &mut Options, next: Settings) -> Result<(), ()> {
    match validate(&next) {
        Ok(valid) => {
            o.user = valid.clone();
            ext::post_settings(valid);
            Ok(())
        }
        Err((key, msg)) => {
            let target = if key == "blockedSites" { &o.sites.error } else { &o.settings_error };
            set_text(target, &t(&msg));
            Err(())
        }
    }
}

/// The Save button: reads the form into the agent's settings (locked fields keep the agent's
/// own stored value: the policy wins anyway), checks all of it, then saves or says what is wrong.
fn save_settings() {
    with(|o| {
        let eff = effective(o);
        let mut next = o.user.clone();
        set_text(&o.settings_status, "");
        set_text(&o.settings_error, "");
        for f in &o.fields {
            if eff.is_locked(f.key) {
                continue;
            }
            let number = || {
                let v = f.input.value();
                if v.trim().is_empty() {
                    f64::NAN
                } else {
                    f.input.value_as_number()
                }
            };
            match f.key {
                "acwAlertMinutes" => next.acw_alert_minutes = number(),
                "logLimit" => next.log_limit = whole(number()),
                "logRetentionDays" => next.log_retention_days = whole(number()),
                "redact" => next.redact = f.input.checked(),
                "requireDisposition" => next.require_disposition = f.input.checked(),
                "allowFreeDisposition" => next.allow_free_disposition = f.input.checked(),
                "requireRecordingResume" => next.require_recording_resume = f.input.checked(),
                "dialCountry" => next.dial_country = f.input.value(),
                "dialNational" => next.dial_national = f.input.checked(),
                "dialPrefix" => next.dial_prefix = f.input.value(),
                "outboundService" => next.outbound_service = f.input.value(),
                "dialConfirm" => next.dial_confirm = f.input.checked(),
                "screenPopOnAnswer" => next.screen_pop_on_answer = f.input.checked(),
                "acwLimitSeconds" => next.acw_limit_seconds = whole(number()),
                "acwExtendSeconds" => next.acw_extend_seconds = whole(number()),
                "defaultDisposition" => next.default_disposition = f.input.value(),
                _ => {}
            }
        }
        match validate(&next) {
            Ok(valid) => {
                o.user = valid.clone();
                ext::post_settings(valid);
                set_text(&o.settings_status, &tk("opt_saved"));
            }
            Err((key, msg)) => {
                let label = o.fields.iter().find(|f| f.key == key).and_then(|f| {
                    o.doc.query_selector(&format!("label[for=\"{}\"]", f.input.id())).ok().flatten().and_then(|l| l.text_content())
                });
                let text = t(&msg);
                set_text(&o.settings_error, &label.map(|l| ta("opt_err_field", &[&l, &text])).unwrap_or(text));
                if let Some(f) = o.fields.iter().find(|f| f.key == key) {
                    let _ = f.input.focus();
                }
            }
        }
    });
}

/// A form number as a whole count; out-of-range or fractional input fails validation.
fn whole(v: f64) -> u32 {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX) {
        v as u32
    } else {
        u32::MAX
    }
}

/// Puts the settings in force into the form, locked ones disabled.
fn fill_form() {
    with(|o| {
        let eff = effective(o);
        for f in &o.fields {
            let locked = eff.is_locked(f.key);
            f.input.set_disabled(locked);
            set_flag(&f.locked_note, "hidden", !locked);
            match f.key {
                "acwAlertMinutes" => f.input.set_value(&format_number(eff.settings.acw_alert_minutes)),
                "logLimit" => f.input.set_value(&eff.settings.log_limit.to_string()),
                "logRetentionDays" => f.input.set_value(&eff.settings.log_retention_days.to_string()),
                "redact" => f.input.set_checked(eff.settings.redact),
                "requireDisposition" => f.input.set_checked(eff.settings.require_disposition),
                "allowFreeDisposition" => f.input.set_checked(eff.settings.allow_free_disposition),
                "requireRecordingResume" => f.input.set_checked(eff.settings.require_recording_resume),
                "dialCountry" => f.input.set_value(&eff.settings.dial_country),
                "dialNational" => f.input.set_checked(eff.settings.dial_national),
                "dialPrefix" => f.input.set_value(&eff.settings.dial_prefix),
                "outboundService" => f.input.set_value(&eff.settings.outbound_service),
                "dialConfirm" => f.input.set_checked(eff.settings.dial_confirm),
                "screenPopOnAnswer" => f.input.set_checked(eff.settings.screen_pop_on_answer),
                "acwLimitSeconds" => f.input.set_value(&eff.settings.acw_limit_seconds.to_string()),
                "acwExtendSeconds" => f.input.set_value(&eff.settings.acw_extend_seconds.to_string()),
                "defaultDisposition" => f.input.set_value(&eff.settings.default_disposition),
                _ => {}
            }
        }
    });
}

fn format_number(v: f64) -> String {
    if v.fract() == 0.0 {
        (v as i64).to_string()
    } else {
        v.to_string()
    }
}

/// Renders the two lists and the policy notes.
fn render() {
    OPTIONS.with(|cell| {
        let mut cell = cell.borrow_mut();
        let Some(o) = cell.as_mut() else { return };
        let eff = effective(o);
        let result: WebResult<Vec<EventListener>> = (|| {
            let mut listeners = Vec::new();
            // Tenants: the organisation's first (locked), then the agent's (removable).
            clear(&o.tenants.list)?;
            for origin in &eff.policy_tenants {
                list_item(&o.doc, &o.tenants.list, origin, None)?;
            }
            // With the Trust prompt off, the agent's own list no longer counts: not shown.
            if eff.trust_prompt {
                for origin in o.trusted.iter().filter(|t| !eff.policy_tenants.contains(t)) {
                    let remove = el(&o.doc, "button", &[("type", "button"), ("aria-label", &ta("btn_remove_origin", &[origin]))], &tk("btn_remove"))?;
                    let origin_owned = origin.clone();
                    listeners.push(EventListener::new(&remove, "click", move |_| {
                        let origin = origin_owned.clone();
                        with(|o| o.trusted.retain(|t| *t != origin));
                        ext::post_to_background(ToBackground::Untrust { origin });
                        render();
                    }));
                    list_item(&o.doc, &o.tenants.list, origin, Some(&remove))?;
                }
            }
            if o.tenants.list.first_child().is_none() {
                append(&o.tenants.list, &[&el(&o.doc, "li", &[("class", "empty")], &tk("trusted_empty"))?])?;
            }
            o.tenants.input.set_disabled(!eff.trust_prompt);
            set_flag(&o.tenants.add, "disabled", !eff.trust_prompt);
            let note = match (eff.trust_prompt, eff.builtin_trust) {
                (false, _) => "opt_tenants_note_locked",
                (true, true) => "opt_tenants_note",
                (true, false) => "opt_tenants_note_no_builtin",
            };
            set_text(&o.tenants.note, &tk(note));

            clear(&o.sites.list)?;
            for site in &eff.settings.blocked_sites {
                if eff.policy_sites.contains(site) {
                    list_item(&o.doc, &o.sites.list, site, None)?;
                } else {
                    let remove = el(&o.doc, "button", &[("type", "button"), ("aria-label", &ta("opt_btn_remove_site", &[site]))], &tk("btn_remove"))?;
                    let site_owned = site.clone();
                    listeners.push(EventListener::new(&remove, "click", move |_| remove_site(&site_owned)));
                    list_item(&o.doc, &o.sites.list, site, Some(&remove))?;
                }
            }
            if o.sites.list.first_child().is_none() {
                append(&o.sites.list, &[&el(&o.doc, "li", &[("class", "empty")], &tk("opt_sites_empty"))?])?;
            }

            // Screen-pop templates: the organisation's (locked) or the agent's, each removable
            // by the agent when they are the agent's; a template the CRM list refuses says so.
            clear(&o.pops.list)?;
            let locked = eff.is_locked("screenPopTemplates");
            for tpl in &eff.settings.screen_pop_templates {
                let li = if locked {
                    list_item(&o.doc, &o.pops.list, tpl, None)?
                } else {
                    let remove = el(&o.doc, "button", &[("type", "button"), ("aria-label", &ta("opt_btn_remove_pop", &[tpl]))], &tk("btn_remove"))?;
                    let owned = tpl.clone();
                    listeners.push(EventListener::new(&remove, "click", move |_| remove_pop(&owned)));
                    list_item(&o.doc, &o.pops.list, tpl, Some(&remove))?
                };
                if let Err(m) = crate::core::screenpop::check_template(tpl, &eff.crm_sites) {
                    append(&li, &[&el(&o.doc, "span", &[("class", "error")], &t(&m))?])?;
                }
            }
            if o.pops.list.first_child().is_none() {
                append(&o.pops.list, &[&el(&o.doc, "li", &[("class", "empty")], &tk("opt_pops_empty"))?])?;
            }
            o.pops.input.set_disabled(locked);
            set_flag(&o.pops.add, "disabled", locked);
            render_names(o, &eff, &REASONS, &mut listeners)?;
            render_names(o, &eff, &DISPOSITIONS, &mut listeners)?;
            render_names(o, &eff, &SPEED_DIAL, &mut listeners)?;
            render_names(o, &eff, &CRM_SITES, &mut listeners)?;

            clear(&o.problems)?;
            set_flag(&o.problems, "hidden", eff.problems.is_empty());
            if !eff.problems.is_empty() {
                let title = el(&o.doc, "h2", &[("id", "problems-title")], &tk("opt_problems_title"))?;
                let list = el(&o.doc, "ul", &[("class", "problems")], "")?;
                for p in &eff.problems {
                    append(&list, &[&el(&o.doc, "li", &[], p)?])?;
                }
                append(&o.problems, &[&title, &list])?;
            }
            Ok(listeners)
        })();
        match result {
            Ok(l) => o._list_listeners = l,
            Err(e) => super::warn("options", &e),
        }
    });
}

fn clear(e: &Element) -> WebResult<()> {
    while let Some(c) = e.first_child() {
        e.remove_child(&c)?;
    }
    Ok(())
}

/// One entry of a list: its text, then a Remove button or the "set by your organization" mark.
fn list_item(doc: &Document, list: &Element, text: &str, remove: Option<&Element>) -> WebResult<Element> {
    let li = el(doc, "li", &[], "")?;
    let name = el(doc, "span", &[("class", "value")], text)?;
    match remove {
        Some(b) => append(&li, &[&name, b])?,
        None => append(&li, &[&name, &el(doc, "span", &[("class", "locked")], &tk("opt_locked"))?])?,
    }
    list.append_child(&li)?;
    Ok(li)
}
