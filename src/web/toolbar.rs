//! The toolbar's DOM: built once into a root (a Shadow DOM in the page, or the body of the
//! toolbar frame on strict-CSP pages), then updated from a core `View`. Text from the wire
//! goes in through `textContent` and `value` only.

use gloo_events::EventListener;
use std::rc::Rc;

use super::guard::{self, Forged};
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlButtonElement, HtmlInputElement, HtmlSelectElement, Node};

use super::dom::{el, set_attr, set_flag, set_text};
use super::i18n::{t, ta, tk};
use super::{WebError, WebResult};
use crate::core::session::{Button, NoticeKind};
use crate::core::transfer::HandOff;
use crate::core::view::{format_elapsed, ButtonView, TrustView, View};

/// The stylesheet of the toolbar. Scoped by the shadow root (or the frame), so no page CSS
/// reaches in and none of ours leaks out.
pub const STYLE: &str = r#"
:host { all: initial; }
.bar { box-sizing: border-box; width: 400px; font: 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  letter-spacing: normal; word-spacing: normal; text-transform: none; text-indent: 0; text-shadow: none;
  white-space: normal; direction: ltr; visibility: visible; cursor: auto;
  color: #1d2330; background: #ffffff; border: 1px solid #b8c0cc; border-radius: 10px;
  box-shadow: 0 6px 24px rgba(15, 23, 42, .22); padding: 10px 12px; text-align: left; }
.bar * { box-sizing: border-box; font: inherit; }
.head { display: flex; align-items: center; gap: 8px; margin: 0 0 8px; }
.title { font-weight: 600; flex: 1; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.status { border-radius: 999px; padding: 1px 9px; font-weight: 600; background: #e6e9ef; color: #1d2330; white-space: nowrap; }
.status[data-key=ready] { background: #d7f5e1; color: #0b5a2a; }
.status[data-key=not_ready] { background: #fde8c8; color: #7a4200; }
.status[data-key=busy], .status[data-key=ringing] { background: #dbe8ff; color: #123d8a; }
.status[data-key=acw] { background: #f1e0ff; color: #5b1f8a; }
.status[data-key=logged_out], .status[data-key=untrusted] { background: #fde2e2; color: #8a1c1c; }
.agent { color: #4a5466; font-size: 12px; margin: -4px 0 8px; min-height: 0; }
.agent:empty { display: none; }
.trust p { margin: 0 0 8px; word-break: break-all; }
.row { display: flex; gap: 6px; align-items: center; margin: 0 0 8px; }
label { font-size: 12px; color: #4a5466; white-space: nowrap; }
input, select, textarea { flex: 1; min-width: 0; padding: 4px 6px; border: 1px solid #8d97a8; border-radius: 6px;
  background: #fff; color: #1d2330; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
.buttons { display: flex; gap: 6px; }
textarea { resize: vertical; font-family: inherit; }
details.wrap-fields { margin: 8px 0 0; }
details.wrap-fields summary { cursor: pointer; font-size: 12px; color: #4a5466; margin: 0 0 6px; }
summary:focus-visible, textarea:focus-visible { outline: 2px solid #1f5fd1; outline-offset: 2px; }
button { flex: 1; padding: 5px 8px; border-radius: 6px; border: 1px solid #8d97a8; background: #f4f6f9;
  color: #1d2330; cursor: pointer; font-weight: 600; }
button.primary { background: #1f5fd1; border-color: #1f5fd1; color: #fff; }
button:disabled { opacity: .45; cursor: not-allowed; }
button[aria-busy=true] { cursor: progress; }
button:focus-visible, input:focus-visible, select:focus-visible { outline: 2px solid #1f5fd1; outline-offset: 2px; }
[hidden] { display: none !important; }
.icon { flex: none; width: 26px; height: 24px; padding: 0; border-radius: 6px; font-size: 14px; line-height: 1;
  background: transparent; border: 1px solid transparent; color: inherit; }
.icon:hover { border-color: #8d97a8; }
.handle { cursor: grab; touch-action: none; }
.handle:active { cursor: grabbing; }
.acw, .countdown { font-variant-numeric: tabular-nums; font-weight: 600; color: #5b1f8a; }
.countdown { flex: 1; }
.acw-limit button { flex: none; white-space: nowrap; }
.rec { border-radius: 999px; padding: 1px 8px; font-size: 12px; font-weight: 600; white-space: nowrap; background: #fde2e2; color: #8a1c1c; }
.rec[data-key=rec_paused] { background: #fde8c8; color: #7a4200; }
.rec[data-key=rec_off], .rec[data-key=rec_unknown] { background: #e6e9ef; color: #4a5466; }
.rec[data-key^=rec_doubt] { background: #a11b1b; color: #fff; }
.resume-hint { margin: 0; flex: 2; font-size: 12px; color: #8a4b00; }
button[aria-pressed=true] { background: #fde8c8; border-color: #c77700; color: #6b3a00; }
.copy, .dial button { flex: none; }
/* Ready and Not Ready keep their one line; the reason list takes the rest (its label is for
   screen readers: beside Not Ready the reason speaks for itself). */
.status-row button { flex: none; white-space: nowrap; }
.status-row select { flex: 1; font-family: inherit; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.bar.collapsed { width: auto; padding: 4px 6px; }
.bar.collapsed .head { margin: 0; }
.bar.collapsed .title, .bar.collapsed > :not(.head) { display: none !important; }
/* Lines that come and go keep their room, so that the controls above never move under the
   agent's pointer (the toolbar grows upwards from the bottom of the window). */
.notice { margin: 8px 0 0; font-size: 12px; min-height: calc(2 * 1.35em); }
.row.dial { margin: 8px 0 2px; }
.dial-hint { margin: 0; min-height: 1.35em; font-size: 12px; color: #8a4b00; }
.hint { margin: 6px 0 0; font-size: 12px; color: #8a4b00; }
.notice[data-kind=error], .notice[data-kind=waiting] { color: #a11b1b; }
.notice[data-kind=success] { color: #0b5a2a; }
.ignored { margin: 4px 0 0; font-size: 11px; color: #6b7487; }
.ignored:empty { display: none; }
@media (prefers-color-scheme: dark) {
  .bar { color: #e6e9ef; background: #1b1f27; border-color: #4a5466; box-shadow: 0 6px 24px rgba(0, 0, 0, .6); }
  label, .agent, details.wrap-fields summary { color: #b8c0cc; }
  .ignored { color: #a3acbb; }
  .hint, .dial-hint, .resume-hint { color: #ffc27a; }
  input, select, textarea { background: #262b35; color: #e6e9ef; border-color: #6b7487; }
  button { background: #2a303b; color: #e6e9ef; border-color: #6b7487; }
  button.primary { background: #6ea0ff; border-color: #6ea0ff; color: #0b1220; }
  .icon { background: transparent; border-color: transparent; }
  .status { background: #343a46; color: #e6e9ef; }
  .status[data-key=ready] { background: #173d26; color: #8ee0a8; }
  .status[data-key=not_ready] { background: #4a3212; color: #ffc98a; }
  .status[data-key=busy], .status[data-key=ringing] { background: #1b2f57; color: #a9c5ff; }
  .status[data-key=acw] { background: #3b2352; color: #dcb6ff; }
  .status[data-key=logged_out], .status[data-key=untrusted] { background: #4d1d1d; color: #ffb3b3; }
  .acw, .countdown { color: #dcb6ff; }
  .rec { background: #4d1d1d; color: #ffb3b3; }
  .rec[data-key=rec_paused] { background: #4a3212; color: #ffc98a; }
  .rec[data-key=rec_off], .rec[data-key=rec_unknown] { background: #343a46; color: #b8c0cc; }
  .rec[data-key^=rec_doubt] { background: #ff9c9c; color: #2a0505; }
  button[aria-pressed=true] { background: #4a3212; border-color: #ffc27a; color: #ffe2bd; }
  .notice[data-kind=error], .notice[data-kind=waiting] { color: #ff9c9c; }
  .notice[data-kind=success] { color: #8ee0a8; }
  button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible, textarea:focus-visible { outline-color: #6ea0ff; }
}
"#;

/// `MARKUP` rows without a parent row: they go straight into the root.
const ROOT: u8 = u8::MAX;

/// The toolbar's markup in document order: (parent row, tag, attributes, text). Attributes are
/// `name=value` pairs joined by `;`; a value or a text that starts with `@` is a message key,
/// shown in the agent's language. A table read by one loop is a fraction of the code that one
/// call per element made: this is the module the CRM page fetches.
const MARKUP: &[(u8, &str, &str, &str)] = &[
    (ROOT, "style", "", ""),
    (ROOT, "div", "class=bar;role=region;aria-label=@toolbar_region", ""),
    (1, "div", "class=head", ""),
    (2, "button", "type=button;class=icon handle;aria-label=@btn_move;title=@move_hint", "\u{283f}"),
    (2, "span", "class=title", "@toolbar_title"),
    (2, "span", "class=status;data-key=connecting;aria-label=@status_label;aria-live=polite;aria-atomic=true", "@status_connecting"),
    (2, "span", "class=acw;role=timer;aria-label=@acw_timer_label;hidden=", ""),
    // The current call's recording, in words (shown while a call is on, collapsed too).
    (2, "span", "class=rec;id=bp-rec-state;hidden=", ""),
    (2, "button", "type=button;class=icon collapse;aria-label=@btn_collapse;aria-expanded=true", "\u{25be}"),
    (1, "div", "class=agent", ""),
    (1, "div", "class=trust;hidden=", ""),
    (10, "p", "", ""),
    (10, "button", "type=button;class=primary", ""),
    (1, "div", "class=main;hidden=", ""),
    // The agent's status: Ready, Not Ready with the reason chosen beside it.
    (13, "div", "class=row status-row;hidden=", ""),
    (14, "button", "type=button", "@btn_ready"),
    (14, "button", "type=button", "@btn_not_ready"),
    (14, "label", "for=bp-reason;class=sr", "@reason_label"),
    (14, "select", "id=bp-reason", ""),
    (13, "div", "class=row", ""),
    (19, "label", "for=bp-item", "@item_label"),
    (19, "input", "id=bp-item;type=text;autocomplete=off;spellcheck=false;placeholder=@item_placeholder", ""),
    (19, "button", "type=button;class=copy;aria-label=@btn_copy_label", "@btn_copy"),
    (13, "div", "class=row;hidden=", ""),
    (23, "label", "for=bp-pick", "@pick_label"),
    (23, "select", "id=bp-pick", ""),
    // Pause / resume the recording (a toggle), and why Wrap up and Complete wait when they do.
    (13, "div", "class=row rec-row;hidden=", ""),
    (26, "button", "type=button;aria-pressed=false;aria-describedby=bp-rec-state", "@btn_rec_pause"),
    (26, "p", "class=resume-hint;id=bp-resume-hint;hidden=", "@hint_resume_required"),
    (13, "div", "class=buttons", ""),
    (29, "button", "type=button", "@btn_get_state"),
    (29, "button", "type=button", "@btn_wrap_up"),
    (29, "button", "type=button", "@btn_terminate"),
    (29, "button", "type=button", "@btn_complete"),
    // The after-call-work limit: the countdown to the automatic Complete, and Extend (once).
    (13, "div", "class=row acw-limit;hidden=", ""),
    (34, "span", "class=countdown;role=timer;id=bp-acw-left", ""),
    (34, "button", "type=button;aria-describedby=bp-acw-left", ""),
    // Dial a number: the field, Call, and why Call is off when it is.
    (13, "div", "class=row dial", ""),
    (37, "label", "for=bp-dial", "@dial_label"),
    (37, "input", "id=bp-dial;type=tel;autocomplete=off;spellcheck=false;placeholder=@dial_placeholder", ""),
    (37, "button", "type=button;aria-describedby=bp-dial-hint", "@btn_call"),
    (13, "p", "class=dial-hint;id=bp-dial-hint", ""),
    // During a call: transfer it, or add a party, to the number field's number; the field
    // offers the speed-dial entries.
    (13, "div", "class=row xfer;hidden=", ""),
    (42, "button", "type=button", "@btn_transfer"),
    (42, "button", "type=button", "@btn_conference"),
    (42, "datalist", "id=bp-speed-dial", ""),
    // Shown when a disposition is required and missing, or is not one of the organisation's.
    (13, "p", "class=hint;id=bp-hint;hidden=", "@hint_disposition_required"),
    // Disposition and notes: optional, collapsed until the agent wants them.
    (13, "details", "class=wrap-fields", ""),
    (47, "summary", "", "@fields_summary"),
    (47, "div", "class=row", ""),
    (49, "label", "for=bp-disposition", "@disposition_label"),
    (49, "input", "id=bp-disposition;type=text;autocomplete=off", ""),
    (49, "datalist", "id=bp-dispositions", ""),
    (47, "div", "class=row", ""),
    (53, "label", "for=bp-notes", "@notes_label"),
    (53, "textarea", "id=bp-notes;rows=2", ""),
    (1, "p", "class=notice;role=status;aria-live=polite", ""),
    (1, "p", "class=ignored", ""),
    (1, "p", "class=ignored forged", ""),
];

// The rows the toolbar keeps (indices into `MARKUP`).
const STYLE_EL: usize = 0;
const BAR: usize = 1;
const HANDLE: usize = 3;
const STATUS: usize = 5;
const ACW: usize = 6;
const REC: usize = 7;
const COLLAPSE: usize = 8;
const AGENT: usize = 9;
const TRUST: usize = 10;
const TRUST_TEXT: usize = 11;
const TRUST_BUTTON: usize = 12;
const MAIN: usize = 13;
const STATUS_ROW: usize = 14;
const READY: usize = 15;
const NOT_READY: usize = 16;
const REASON_LABEL: usize = 17;
const REASON: usize = 18;
const ITEM: usize = 21;
const COPY: usize = 22;
const PICK_ROW: usize = 23;
const PICK: usize = 25;
const REC_ROW: usize = 26;
const REC_TOGGLE: usize = 27;
const RESUME_HINT: usize = 28;
const GET_STATE: usize = 30;
const WRAP_UP: usize = 31;
const TERMINATE: usize = 32;
const COMPLETE: usize = 33;
const ACW_LIMIT_ROW: usize = 34;
const ACW_LEFT: usize = 35;
const ACW_EXTEND: usize = 36;
const DIAL: usize = 39;
const CALL: usize = 40;
const DIAL_HINT: usize = 41;
const XFER_ROW: usize = 42;
const TRANSFER: usize = 43;
const CONFERENCE: usize = 44;
const SPEED_DIAL: usize = 45;
const HINT: usize = 46;
const DETAILS: usize = 47;
const DISPOSITION: usize = 51;
const DISPOSITION_LIST: usize = 52;
const NOTES: usize = 55;
const NOTICE: usize = 56;
const IGNORED: usize = 57;
const FORGED: usize = 58;

/// What each control reports (row, event, the report read from the element); the drag handle
/// has its own listeners.
type Report = fn(&Element, &web_sys::Event) -> Option<UiEvent>;
const EVENTS: &[(usize, &str, Report)] = &[
    (TRUST_BUTTON, "click", |_, _| Some(UiEvent::Click(Button::Trust))),
    (GET_STATE, "click", |_, _| Some(UiEvent::Click(Button::GetState))),
    (WRAP_UP, "click", |_, _| Some(UiEvent::Click(Button::WrapUp))),
    (TERMINATE, "click", |_, _| Some(UiEvent::Click(Button::Terminate))),
    (COMPLETE, "click", |_, _| Some(UiEvent::Click(Button::Complete))),
    (REC_TOGGLE, "click", |_, _| Some(UiEvent::Click(Button::Recording))),
    (READY, "click", |_, _| Some(UiEvent::Click(Button::Ready))),
    (NOT_READY, "click", |_, _| Some(UiEvent::Click(Button::NotReady))),
    (REASON, "change", |e, _| Some(UiEvent::Reason(e.unchecked_ref::<HtmlSelectElement>().value()))),
    (ITEM, "input", |e, _| Some(UiEvent::Edited(e.unchecked_ref::<HtmlInputElement>().value()))),
    (COPY, "click", |_, _| Some(UiEvent::Copy)),
    (COLLAPSE, "click", |e, _| Some(UiEvent::Collapse(e.get_attribute("aria-expanded").as_deref() == Some("true")))),
    (DISPOSITION, "input", |e, _| Some(UiEvent::Disposition(e.unchecked_ref::<HtmlInputElement>().value()))),
    (NOTES, "input", |e, _| Some(UiEvent::Notes(e.unchecked_ref::<web_sys::HtmlTextAreaElement>().value()))),
    (DIAL, "input", |e, _| Some(UiEvent::DialEdited(e.unchecked_ref::<HtmlInputElement>().value()))),
    // Enter in the number field dials, as Call does.
    (DIAL, "keydown", |_, ev| {
        let enter = ev.dyn_ref::<web_sys::KeyboardEvent>().is_some_and(|k| k.key() == "Enter" && !k.is_composing());
        enter.then_some(UiEvent::Click(Button::Call))
    }),
    (CALL, "click", |_, _| Some(UiEvent::Click(Button::Call))),
    (TRANSFER, "click", |_, _| Some(UiEvent::Click(Button::Transfer))),
    (CONFERENCE, "click", |_, _| Some(UiEvent::Click(Button::Conference))),
    (ACW_EXTEND, "click", |_, _| Some(UiEvent::Click(Button::ExtendAcw))),
    (PICK, "change", |e, _| {
        let v = e.unchecked_ref::<HtmlSelectElement>().value();
        (!v.is_empty()).then_some(UiEvent::Picked(v))
    }),
];

/// The toolbar's elements and the listeners that feed clicks and edits back as core inputs.
pub struct Toolbar {
    pub bar: Element,
    /// The drag handle (pointer and arrow keys move the toolbar).
    pub handle: HtmlButtonElement,
    status: Element,
    acw: Element,
    rec: Element,
    rec_row: Element,
    rec_toggle: HtmlButtonElement,
    resume_hint: Element,
    status_row: Element,
    ready: HtmlButtonElement,
    not_ready: HtmlButtonElement,
    reason_label: Element,
    reason: HtmlSelectElement,
    reasons_shown: Vec<String>,
    collapse: HtmlButtonElement,
    collapsed: bool,
    agent: Element,
    trust: Element,
    trust_text: Element,
    trust_button: HtmlButtonElement,
    main: Element,
    item: HtmlInputElement,
    pick_row: Element,
    pick: HtmlSelectElement,
    get_state: HtmlButtonElement,
    wrap_up: HtmlButtonElement,
    terminate: HtmlButtonElement,
    complete: HtmlButtonElement,
    notice: Element,
    ignored: Element,
    forged: Element,
    disposition: HtmlInputElement,
    disposition_list: Element,
    dispositions_shown: Vec<String>,
    details: Element,
    hint: Element,
    notes: web_sys::HtmlTextAreaElement,
    copy: HtmlButtonElement,
    dial: HtmlInputElement,
    call: HtmlButtonElement,
    dial_hint: Element,
    xfer_row: Element,
    acw_limit_row: Element,
    acw_left: Element,
    acw_extend: HtmlButtonElement,
    transfer: HtmlButtonElement,
    conference: HtmlButtonElement,
    speed_dial: Element,
    speed_dial_shown: Vec<(String, String)>,
    choices_key: String,
    _listeners: Vec<EventListener>,
}

/// What the toolbar reports back.
pub enum UiEvent {
    Click(Button),
    Edited(String),
    Picked(String),
    Disposition(String),
    Notes(String),
    /// Copy the Interaction ID to the clipboard.
    Copy,
    /// Collapse (true) or expand the toolbar.
    Collapse(bool),
    /// Move by (dx, dy) CSS pixels; `true` when the move is finished (pointer up, key up).
    Move(f64, f64, bool),
    /// The agent typed in the number field.
    DialEdited(String),
    /// The agent chose a Not Ready reason.
    Reason(String),
    /// A page script dispatched an event at one of the controls (`isTrusted` false): ignored.
    Forged,
}

impl Toolbar {
    /// Builds the toolbar under `root`; `on_event` receives the agent's actions.
    /// `on_event` is a trait object, not a generic: the two hosts (page and toolbar frame) would
    /// otherwise each get their own copy of this, the largest function in the module.
    pub fn build(doc: &Document, root: &Node, on_event: Rc<dyn Fn(UiEvent)>) -> WebResult<Toolbar> {
        let text = |v: &'static str| v.strip_prefix('@').map_or_else(|| v.to_string(), tk);
        let mut nodes: Vec<Element> = Vec::with_capacity(MARKUP.len());
        for &(parent, tag, attrs, content) in MARKUP {
            let e = doc.create_element(tag)?;
            for pair in attrs.split(';').filter(|p| !p.is_empty()) {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                e.set_attribute(name, &text(value))?;
            }
            if !content.is_empty() {
                e.set_text_content(Some(&text(content)));
            }
            if parent != ROOT {
                nodes.get(usize::from(parent)).ok_or(WebError::Missing("markup parent row"))?.append_child(&e)?;
            }
            nodes.push(e);
        }
        nodes[STYLE_EL].set_text_content(Some(STYLE));
        // Built detached; one append each puts it in the root.
        for (i, &(parent, ..)) in MARKUP.iter().enumerate() {
            if parent == ROOT {
                root.append_child(&nodes[i])?;
            }
        }
        // Every control listens through the guard: only the agent's real input counts.
        let forged: Forged = {
            let f = on_event.clone();
            Rc::new(move |_| f(UiEvent::Forged))
        };
        let mut listeners: Vec<EventListener> = EVENTS
            .iter()
            .map(|&(i, kind, event)| {
                let (f, target) = (on_event.clone(), nodes[i].clone());
                guard::on(&nodes[i], kind, &forged, move |ev| {
                    if let Some(e) = event(&target, ev) {
                        f(e)
                    }
                })
            })
            .collect();
        let node = |i: usize| nodes[i].clone();
        let button = |i: usize| nodes[i].clone().unchecked_into::<HtmlButtonElement>();
        let handle = button(HANDLE);
        listeners.extend(drag_listeners(&handle, on_event, &forged));
        Ok(Toolbar {
            bar: node(BAR),
            handle,
            status: node(STATUS),
            acw: node(ACW),
            rec: node(REC),
            rec_row: node(REC_ROW),
            rec_toggle: button(REC_TOGGLE),
            resume_hint: node(RESUME_HINT),
            status_row: node(STATUS_ROW),
            ready: button(READY),
            not_ready: button(NOT_READY),
            reason_label: node(REASON_LABEL),
            reason: node(REASON).unchecked_into(),
            reasons_shown: Vec::new(),
            collapse: button(COLLAPSE),
            collapsed: false,
            agent: node(AGENT),
            trust: node(TRUST),
            trust_text: node(TRUST_TEXT),
            trust_button: button(TRUST_BUTTON),
            main: node(MAIN),
            item: node(ITEM).unchecked_into(),
            pick_row: node(PICK_ROW),
            pick: node(PICK).unchecked_into(),
            get_state: button(GET_STATE),
            wrap_up: button(WRAP_UP),
            terminate: button(TERMINATE),
            complete: button(COMPLETE),
            notice: node(NOTICE),
            ignored: node(IGNORED),
            forged: node(FORGED),
            disposition: node(DISPOSITION).unchecked_into(),
            disposition_list: node(DISPOSITION_LIST),
            dispositions_shown: Vec::new(),
            details: node(DETAILS),
            hint: node(HINT),
            notes: node(NOTES).unchecked_into(),
            copy: button(COPY),
            dial: node(DIAL).unchecked_into(),
            call: button(CALL),
            dial_hint: node(DIAL_HINT),
            xfer_row: node(XFER_ROW),
            acw_limit_row: node(ACW_LIMIT_ROW),
            acw_left: node(ACW_LEFT),
            acw_extend: button(ACW_EXTEND),
            transfer: button(TRANSFER),
            conference: button(CONFERENCE),
            speed_dial: node(SPEED_DIAL),
            speed_dial_shown: Vec::new(),
            choices_key: String::new(),
            _listeners: listeners,
        })
    }

    /// Collapses the toolbar to a small pill (status and timer) or expands it again.
    pub fn set_collapsed(&mut self, on: bool) {
        self.collapsed = on;
        let _ = self.bar.class_list().toggle_with_force("collapsed", on);
        set_attr(&self.collapse, "aria-expanded", if on { "false" } else { "true" });
        set_attr(&self.collapse, "aria-label", &tk(if on { "btn_expand" } else { "btn_collapse" }));
        set_text(&self.collapse, if on { "▸" } else { "▾" });
    }

    pub fn collapsed(&self) -> bool {
        self.collapsed
    }

    /// Updates the after-call-work timer only (called every second while in ACW).
    pub fn render_timer(&self, v: &View, now: f64) {
        match v.acw_since {
            Some(since) => {
                set_text(&self.acw, &format_elapsed(now - since));
                set_flag(&self.acw, "hidden", false);
            }
            None => set_flag(&self.acw, "hidden", true),
        }
        // The countdown to the after-call-work limit.
        set_flag(&self.acw_limit_row, "hidden", v.acw_deadline.is_none());
        if let Some(deadline) = v.acw_deadline {
            set_text(&self.acw_left, &ta("acw_limit_left", &[&format_elapsed((deadline - now).max(0.0) + 999.0)]));
        }
    }

    /// Copies the view into the DOM, touching only what changed.
    pub fn render(&mut self, v: &View) {
        set_text(&self.status, &t(&v.status));
        set_attr(&self.status, "data-key", &v.status_key);
        set_attr(&self.bar, "data-status", &v.status_key);
        set_attr(&self.bar, "data-live", if v.live { "true" } else { "false" });
        set_text(&self.agent, if v.agent_id.is_empty() { "" } else { &v.agent_id });

        let trusted = v.trust == TrustView::Trusted;
        set_flag(&self.trust, "hidden", matches!(v.trust, TrustView::Trusted | TrustView::Checking));
        set_flag(&self.main, "hidden", !trusted);
        match v.trust {
            TrustView::Ask => {
                set_text(&self.trust_text, &ta("trust_ask", &[&v.tenant]));
                set_text(&self.trust_button, &ta("btn_trust", &[&v.tenant]));
                set_flag(&self.trust_button, "hidden", false);
            }
            TrustView::Refused => {
                set_text(&self.trust_text, &ta("trust_refused", &[&v.tenant]));
                set_flag(&self.trust_button, "hidden", true);
            }
            TrustView::NotListed => {
                set_text(&self.trust_text, &ta("trust_not_listed", &[&v.tenant]));
                set_flag(&self.trust_button, "hidden", true);
            }
            TrustView::Trusted | TrustView::Checking => {}
        }

        // Keep the agent's caret: only write the field when its text differs.
        if self.item.value() != v.item_value {
            self.item.set_value(&v.item_value);
        }
        let labels: Vec<String> = v.choices.iter().map(|c| t(&c.label)).collect();
        let key: String = v.choices.iter().zip(&labels).map(|(c, l)| format!("{}\u{1f}{l}\u{1e}", c.item_id)).collect();
        if key != self.choices_key {
            self.choices_key = key;
            let prompt = tk("pick_prompt");
            let options = std::iter::once(("", prompt.as_str())).chain(v.choices.iter().zip(&labels).map(|(c, l)| (c.item_id.as_str(), l.as_str())));
            fill_select(&self.pick, options);
        }
        set_flag(&self.pick_row, "hidden", v.choices.is_empty());
        if !v.choices.is_empty() {
            let selected = if v.choices.iter().any(|c| c.item_id == v.item_value.trim()) { v.item_value.trim() } else { "" };
            if self.pick.value() != selected {
                self.pick.set_value(selected);
            }
        }

        // The status: Ready, Not Ready (after this call, a toggle, while on a call) and the
        // reasons, rebuilt only when the list changes.
        set_flag(&self.status_row, "hidden", !v.status_controls);
        render_button(&self.ready, v.ready);
        render_button(&self.not_ready, v.not_ready);
        set_text(&self.not_ready, &tk(if v.not_ready_after_call.is_some() { "btn_not_ready_after_call" } else { "btn_not_ready" }));
        match v.not_ready_after_call {
            Some(pressed) => set_attr(&self.not_ready, "aria-pressed", if pressed { "true" } else { "false" }),
            None => {
                let _ = self.not_ready.remove_attribute("aria-pressed");
            }
        }
        if v.reasons != self.reasons_shown {
            self.reasons_shown = v.reasons.clone();
            fill_select(&self.reason, v.reasons.iter().map(|r| (r.as_str(), r.as_str())));
        }
        set_flag(&self.reason_label, "hidden", v.reasons.is_empty());
        set_flag(&self.reason, "hidden", v.reasons.is_empty());
        if !v.reasons.is_empty() && self.reason.value() != v.reason_choice {
            self.reason.set_value(&v.reason_choice);
        }

        // Nothing to copy without an Interaction ID.
        let nothing = v.item_value.trim().is_empty();
        if self.copy.disabled() != nothing {
            self.copy.set_disabled(nothing);
        }
        render_button(&self.get_state, v.get_state);
        render_button(&self.wrap_up, v.wrap_up);
        if self.disposition.value() != v.disposition {
            self.disposition.set_value(&v.disposition);
        }
        // The organisation's dispositions, offered as the agent types (the field's list).
        if v.disposition_options != self.dispositions_shown {
            self.dispositions_shown = v.disposition_options.clone();
            fill_select(&self.disposition_list, v.disposition_options.iter().map(|n| (n.as_str(), "")));
            if v.disposition_options.is_empty() {
                let _ = self.disposition.remove_attribute("list");
            } else {
                set_attr(&self.disposition, "list", "bp-dispositions");
            }
        }
        // A required disposition, or one not on the list: say so, open the fields, and tie the
        // hint to the buttons.
        let required = v.disposition_required || v.disposition_unlisted;
        set_text(&self.hint, &tk(if v.disposition_unlisted { "hint_disposition_unlisted" } else { "hint_disposition_required" }));
        set_attr(&self.disposition, "aria-invalid", if v.disposition_unlisted { "true" } else { "false" });
        if self.hint.has_attribute("hidden") == required {
            set_flag(&self.hint, "hidden", !required);
            set_attr(&self.disposition, "aria-required", if v.disposition_required { "true" } else { "false" });
            if required {
                set_attr(&self.details, "open", "");
            }
        }
        // The call's recording: its state in the head, the toggle while a call is on, and why
        // Wrap up and Complete wait for Resume when they do.
        set_flag(&self.rec, "hidden", v.recording.is_none());
        set_flag(&self.rec_row, "hidden", v.recording.is_none());
        if let Some(key) = v.recording {
            set_text(&self.rec, &tk(key));
            set_attr(&self.rec, "data-key", key);
            set_attr(&self.rec, "title", &tk(rec_long(key)));
        }
        render_button(&self.rec_toggle, v.rec_button);
        set_attr(&self.rec_toggle, "aria-pressed", if v.rec_paused { "true" } else { "false" });
        set_flag(&self.resume_hint, "hidden", !v.resume_required);
        let described = match (required, v.resume_required) {
            (true, true) => "bp-hint bp-resume-hint",
            (true, false) => "bp-hint",
            (false, true) => "bp-resume-hint",
            (false, false) => "",
        };
        for b in [&self.complete, &self.wrap_up] {
            if b.get_attribute("aria-describedby").unwrap_or_default() != described {
                if described.is_empty() {
                    let _ = b.remove_attribute("aria-describedby");
                } else {
                    set_attr(b, "aria-describedby", described);
                }
            }
        }
        if self.notes.value() != v.notes {
            self.notes.set_value(&v.notes);
        }
        render_button(&self.terminate, v.terminate);
        render_button(&self.complete, v.complete);
        if self.dial.value() != v.dial_value {
            self.dial.set_value(&v.dial_value);
        }
        render_button(&self.call, v.call);
        set_text(&self.call, &tk(if v.call_confirm { "btn_call_confirm" } else { "btn_call" }));
        set_text(&self.dial_hint, &v.call_block.map(tk).unwrap_or_default());
        set_flag(&self.acw_extend, "hidden", v.acw_extend.is_none());
        if let Some((secs, b)) = v.acw_extend {
            render_button(&self.acw_extend, b);
            set_text(&self.acw_extend, &ta("btn_acw_extend", &[&secs.to_string()]));
        }
        // Transfer and Conference while the call is on; the one armed reads "Confirm …".
        set_flag(&self.xfer_row, "hidden", !v.handoff);
        render_button(&self.transfer, v.transfer);
        render_button(&self.conference, v.conference);
        let armed = v.handoff_armed;
        set_text(&self.transfer, &tk(if armed == Some(HandOff::Transfer) { "btn_transfer_confirm" } else { "btn_transfer" }));
        set_text(&self.conference, &tk(if armed == Some(HandOff::Conference) { "btn_conference_confirm" } else { "btn_conference" }));
        if v.speed_dial != self.speed_dial_shown {
            self.speed_dial_shown = v.speed_dial.clone();
            fill_select(&self.speed_dial, v.speed_dial.iter().map(|(name, number)| (name.as_str(), number.as_str())));
            // Only with entries: a field with a list is a combobox, one without stays a textbox.
            if v.speed_dial.is_empty() {
                let _ = self.dial.remove_attribute("list");
            } else {
                set_attr(&self.dial, "list", "bp-speed-dial");
            }
        }

        match &v.notice {
            Some(n) => {
                set_text(&self.notice, &t(&n.text));
                let kind = match n.kind {
                    NoticeKind::Info => "info",
                    NoticeKind::Success => "success",
                    NoticeKind::Error => "error",
                    NoticeKind::Waiting => "waiting",
                };
                set_attr(&self.notice, "data-kind", kind);
            }
            None => set_text(&self.notice, ""),
        }
        set_text(
            &self.ignored,
            &match v.ignored {
                0 => String::new(),
                1 => tk("ignored_one"),
                n => ta("ignored_many", &[&n.to_string()]),
            },
        );
        set_text(
            &self.forged,
            &match v.forged {
                0 => String::new(),
                1 => tk("forged_one"),
                n => ta("forged_many", &[&n.to_string()]),
            },
        );
    }
}

/// The full sentence of a recording state (the head's pill is short; its title says it all).
fn rec_long(key: &str) -> &'static str {
    match key {
        "rec_on" => "rec_on_long",
        "rec_paused" => "rec_paused_long",
        "rec_off" => "rec_off_long",
        "rec_doubt_pause" => "rec_doubt_pause_long",
        "rec_doubt_resume" => "rec_doubt_resume_long",
        _ => "rec_unknown_long",
    }
}

/// Pointer drag and arrow keys on the handle, reported as moves.
fn drag_listeners(handle: &HtmlButtonElement, f: Rc<dyn Fn(UiEvent)>, forged: &Forged) -> Vec<EventListener> {
    use std::cell::Cell;
    let dragging = Rc::new(Cell::new(None::<i32>));
    let mut out = Vec::new();
    {
        let (d, h) = (dragging.clone(), handle.clone());
        out.push(guard::on(handle, "pointerdown", forged, move |e| {
            if let Some(p) = e.dyn_ref::<web_sys::PointerEvent>() {
                if p.button() == 0 {
                    d.set(Some(p.pointer_id()));
                    let _ = h.set_pointer_capture(p.pointer_id());
                    p.prevent_default();
                }
            }
        }));
    }
    {
        let (d, f) = (dragging.clone(), f.clone());
        out.push(guard::on(handle, "pointermove", forged, move |e| {
            if let Some(p) = e.dyn_ref::<web_sys::PointerEvent>() {
                if d.get() == Some(p.pointer_id()) {
                    f(UiEvent::Move(f64::from(p.movement_x()), f64::from(p.movement_y()), false));
                }
            }
        }));
    }
    for end in ["pointerup", "pointercancel"] {
        let (d, f) = (dragging.clone(), f.clone());
        out.push(guard::on(handle, end, forged, move |e| {
            if let Some(p) = e.dyn_ref::<web_sys::PointerEvent>() {
                if d.get() == Some(p.pointer_id()) {
                    d.set(None);
                    f(UiEvent::Move(0.0, 0.0, true));
                }
            }
        }));
    }
    {
        let f2 = f.clone();
        out.push(guard::on(handle, "keydown", forged, move |e| {
            let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
            let step = if k.shift_key() { 50.0 } else { 10.0 };
            let (dx, dy) = match k.key().as_str() {
                "ArrowLeft" => (-step, 0.0),
                "ArrowRight" => (step, 0.0),
                "ArrowUp" => (0.0, -step),
                "ArrowDown" => (0.0, step),
                _ => return,
            };
            k.prevent_default();
            f2(UiEvent::Move(dx, dy, false));
        }));
    }
    out.push(guard::on(handle, "keyup", forged, move |e| {
        if let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() {
            if k.key().starts_with("Arrow") {
                f(UiEvent::Move(0.0, 0.0, true));
            }
        }
    }));
    out
}

/// Replaces the options of a select (or a datalist) with (value, text) pairs.
fn fill_select<'a>(select: &Element, options: impl Iterator<Item = (&'a str, &'a str)>) {
    while let Some(child) = select.first_child() {
        let _ = select.remove_child(&child);
    }
    if let Some(doc) = select.owner_document() {
        for (value, text) in options {
            if let Ok(opt) = el(&doc, "option", &[("value", value)], text) {
                let _ = select.append_child(&opt);
            }
        }
    }
}

fn render_button(b: &HtmlButtonElement, v: ButtonView) {
    if b.disabled() == v.enabled {
        b.set_disabled(!v.enabled);
    }
    set_attr(b, "aria-busy", if v.busy { "true" } else { "false" });
    let class = if v.primary { "primary" } else { "" };
    if b.class_name() != class {
        b.set_class_name(class);
    }
}
