//! The background (Chrome service worker, Firefox event page): the only writer of extension
//! storage. Two tabs logging at once lose nothing because every write goes through this one
//! serial queue; the log is re-read from storage whenever the worker starts afresh.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use wasm_bindgen::prelude::*;

use super::{ext, warn, WebResult};
use crate::core::log::{LogEntry, LogRing, DEFAULT_LIMIT};
use crate::core::messages::{ToBackground, LOG_KEY, TRUSTED_KEY};

#[derive(Default)]
struct Store {
    log: Option<LogRing>,
    trusted: Option<Vec<String>>,
}

thread_local! {
    static QUEUE: RefCell<VecDeque<ToBackground>> = const { RefCell::new(VecDeque::new()) };
    static RUNNING: Cell<bool> = const { Cell::new(false) };
    static STORE: RefCell<Store> = RefCell::new(Store::default());
}

/// Handles one `runtime.onMessage` message (the loader registers the listener synchronously and
/// forwards here once the wasm is ready). Returns whether the message was ours.
#[wasm_bindgen]
pub fn background_handle(api: JsValue, msg: JsValue) -> bool {
    ext::set_api(api);
    let Ok(msg) = ext::from_js::<ToBackground>(&msg) else { return false };
    QUEUE.with(|q| q.borrow_mut().push_back(msg));
    if !RUNNING.with(|r| r.replace(true)) {
        wasm_bindgen_futures::spawn_local(drain());
    }
    true
}

async fn drain() {
    loop {
        let batch: Vec<ToBackground> = QUEUE.with(|q| q.borrow_mut().drain(..).collect());
        if batch.is_empty() {
            break;
        }
        if let Err(e) = apply(batch).await {
            warn("storage", &e);
        }
    }
    RUNNING.with(|r| r.set(false));
}

async fn apply(batch: Vec<ToBackground>) -> WebResult<()> {
    let (mut log_dirty, mut trust_dirty) = (false, false);
    if STORE.with(|s| s.borrow().log.is_none()) {
        let entries: Vec<LogEntry> = match ext::storage_get(LOG_KEY).await? {
            Some(v) => ext::from_js(&v).unwrap_or_default(),
            None => Vec::new(),
        };
        STORE.with(|s| s.borrow_mut().log = Some(LogRing::from_entries(entries, DEFAULT_LIMIT)));
    }
    if STORE.with(|s| s.borrow().trusted.is_none()) {
        let list = ext::trusted_origins().await;
        STORE.with(|s| s.borrow_mut().trusted = Some(list));
    }
    STORE.with(|s| {
        let mut s = s.borrow_mut();
        let Store { log, trusted } = &mut *s;
        let (Some(log), Some(trusted)) = (log.as_mut(), trusted.as_mut()) else { return };
        for msg in batch {
            match msg {
                ToBackground::Log { entries } => {
                    for e in entries {
                        log.push(e);
                    }
                    log_dirty = true;
                }
                ToBackground::ClearLog => {
                    log.clear();
                    log_dirty = true;
                }
                ToBackground::Trust { origin } => {
                    if !trusted.contains(&origin) {
                        trusted.push(origin);
                        trust_dirty = true;
                    }
                }
                ToBackground::Untrust { origin } => {
                    let before = trusted.len();
                    trusted.retain(|o| *o != origin);
                    trust_dirty |= trusted.len() != before;
                }
            }
        }
    });
    if log_dirty {
        let entries: Vec<LogEntry> = STORE.with(|s| s.borrow().log.as_ref().map(|l| l.iter().cloned().collect()).unwrap_or_default());
        ext::storage_set(LOG_KEY, &ext::to_js(&entries)?).await?;
    }
    if trust_dirty {
        let list = STORE.with(|s| s.borrow().trusted.clone().unwrap_or_default());
        ext::storage_set(TRUSTED_KEY, &ext::to_js(&list)?).await?;
    }
    Ok(())
}
