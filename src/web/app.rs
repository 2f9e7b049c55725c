//! One toolbar for one repeater: the core `Session`, its DOM, its channel, its timer. Inputs
//! are queued and applied one at a time (no re-entrancy), effects carried out, the view
//! re-rendered, the next wake-up scheduled. Dropping the `App` tears all of it down.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use gloo_timers::callback::Timeout;
use web_sys::{Document, Node};

use super::channel::{Channel, Sink};
use super::toolbar::{Toolbar, UiEvent};
use super::{ext, warn, WebResult};
use crate::core::detect::{trust_of, Trust};
use crate::core::messages::{ToBackground, TRUSTED_KEY};
use crate::core::session::{Effect, Input, Session};
use crate::core::view::View;

/// Called after every render with the fresh view (host markers, frame size).
pub type RenderHook = Box<dyn Fn(&View, &Toolbar)>;

struct Inner {
    session: Session,
    toolbar: Toolbar,
    channel: Box<dyn Channel>,
    timer: Option<Timeout>,
    on_render: RenderHook,
    _trust_listener: Option<ext::ApiListener>,
}

struct Shared {
    inner: RefCell<Option<Inner>>,
    queue: RefCell<VecDeque<Input>>,
}

/// A live toolbar. Owned by the content script (or the toolbar frame); drop to tear down.
pub struct App {
    shared: Rc<Shared>,
}

impl App {
    /// Builds the toolbar under `root` and starts the session.
    pub fn new(
        doc: &Document,
        root: &Node,
        tenant: &str,
        page: &str,
        make_channel: impl FnOnce(Sink) -> Box<dyn Channel>,
        on_render: RenderHook,
    ) -> WebResult<App> {
        let shared = Rc::new(Shared { inner: RefCell::new(None), queue: RefCell::new(VecDeque::new()) });
        let weak = Rc::downgrade(&shared);
        let sink: Sink = {
            let weak = weak.clone();
            Rc::new(move |input| dispatch(&weak, input))
        };
        let ui_sink = sink.clone();
        let toolbar = Toolbar::build(doc, root, move |ev| {
            let now = super::now();
            ui_sink(match ev {
                UiEvent::Click(button) => Input::Click { button, now },
                UiEvent::Edited(text) => Input::ItemEdited(text),
                UiEvent::Picked(id) => Input::ItemPicked(id),
                UiEvent::Disposition(text) => Input::DispositionEdited(text),
                UiEvent::Notes(text) => Input::NotesEdited(text),
            })
        })?;
        // The built-in rule decides at once; anything else waits for the stored list.
        let builtin = trust_of(tenant, &[]);
        let trust = if builtin == Trust::Askable { Trust::Pending } else { builtin };
        let seed = (js_sys::Math::random() * 1_000_000.0) as u32;
        let session = Session::new(tenant, page, trust, seed);
        let tenant_owned = tenant.to_string();
        let trust_sink = sink.clone();
        let trust_listener = ext::on_storage_change(TRUSTED_KEY, move |v| {
            let list: Vec<String> = ext::from_js(&v).unwrap_or_default();
            trust_sink(Input::TrustChanged { trust: trust_of(&tenant_owned, &list), now: super::now() });
        });
        if let Err(e) = &trust_listener {
            warn("trust listener", e);
        }
        *shared.inner.borrow_mut() = Some(Inner {
            session,
            toolbar,
            channel: make_channel(sink.clone()),
            timer: None,
            on_render,
            _trust_listener: trust_listener.ok(),
        });
        if trust == Trust::Pending {
            let tenant = tenant.to_string();
            wasm_bindgen_futures::spawn_local(async move {
                let list = ext::trusted_origins().await;
                sink(Input::TrustChanged { trust: trust_of(&tenant, &list), now: super::now() });
            });
        }
        // Start: opens the channel at once for a trusted tenant.
        let effects = shared.inner.borrow_mut().as_mut().map(|i| i.session.start()).unwrap_or_default();
        run_effects(&shared, effects);
        render(&shared);
        Ok(App { shared })
    }

    /// Feeds one input (used by the frame for relayed messages).
    pub fn dispatch(&self, input: Input) {
        dispatch(&Rc::downgrade(&self.shared), input);
    }

    /// The tenant origin this toolbar talks to.
    pub fn tenant(&self) -> String {
        self.shared.inner.borrow().as_ref().map(|i| i.session.tenant.clone()).unwrap_or_default()
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Ok(mut inner) = self.shared.inner.try_borrow_mut() {
            if let Some(mut i) = inner.take() {
                i.channel.close();
                i.toolbar.bar.remove();
            }
        }
    }
}

fn dispatch(weak: &Weak<Shared>, input: Input) {
    let Some(shared) = weak.upgrade() else { return };
    shared.queue.borrow_mut().push_back(input);
    // Re-entrant call (an effect caused an event synchronously): the outer loop drains it.
    if shared.inner.try_borrow_mut().is_err() {
        return;
    }
    let mut any = false;
    loop {
        let Some(input) = shared.queue.borrow_mut().pop_front() else { break };
        let effects = match shared.inner.try_borrow_mut() {
            Ok(mut inner) => match inner.as_mut() {
                Some(i) => i.session.apply(input),
                None => return,
            },
            Err(_) => return,
        };
        run_effects(&shared, effects);
        any = true;
    }
    if any {
        render(&shared);
        schedule(&shared, weak.clone());
    }
}

fn run_effects(shared: &Rc<Shared>, effects: Vec<Effect>) {
    let mut logs = Vec::new();
    for effect in effects {
        let result = match shared.inner.try_borrow_mut() {
            Ok(mut inner) => {
                let Some(i) = inner.as_mut() else { return };
                match effect {
                    Effect::OpenChannel => i.channel.open(),
                    Effect::CloseChannel => {
                        i.channel.close();
                        Ok(())
                    }
                    Effect::Post(text) => i.channel.post(&text),
                    Effect::Log(entry) => {
                        logs.push(entry);
                        Ok(())
                    }
                    Effect::PersistTrust(origin) => {
                        ext::post_to_background(ToBackground::Trust { origin });
                        Ok(())
                    }
                }
            }
            Err(_) => Ok(()),
        };
        if let Err(e) = result {
            warn("effect", &e);
        }
    }
    if !logs.is_empty() {
        ext::post_to_background(ToBackground::Log { entries: logs });
    }
}

fn render(shared: &Rc<Shared>) {
    if let Ok(mut inner) = shared.inner.try_borrow_mut() {
        if let Some(i) = inner.as_mut() {
            let view = View::of(&i.session);
            i.toolbar.render(&view);
            (i.on_render)(&view, &i.toolbar);
        }
    }
}

fn schedule(shared: &Rc<Shared>, weak: Weak<Shared>) {
    if let Ok(mut inner) = shared.inner.try_borrow_mut() {
        if let Some(i) = inner.as_mut() {
            i.timer = i.session.next_deadline().map(|deadline| {
                let wait = (deadline - super::now()).clamp(0.0, 60_000.0).ceil() as u32;
                Timeout::new(wait + 1, move || dispatch(&weak, Input::Tick { now: super::now() }))
            });
        }
    }
}
