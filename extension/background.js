// Background loader (Chrome: classic service worker; Firefox: event page whose manifest
// `scripts` list loads the glue first). The listener is registered synchronously so that a
// message that wakes the worker is never lost while the wasm loads; it is handed to the Rust
// once ready.
/* global wasm_bindgen, importScripts */
if (typeof wasm_bindgen === 'undefined') importScripts('pkg/pages.js');

const api = globalThis.browser ?? globalThis.chrome;
const ready = wasm_bindgen({ module_or_path: api.runtime.getURL('pkg/pages_bg.wasm') });
// Whenever the background starts: the policy's copy for content scripts brought up to date.
ready.then(() => wasm_bindgen.background_start(api));
// Started with the browser too, so that the copy is current before the agent's CRM tabs load.
api.runtime.onStartup?.addListener(() => {});

// The settings in force changed: the agent's (options page) or the organisation's policy.
api.storage.onChanged.addListener((changes, area) => {
  if (area === 'managed' || (area === 'local' && 'settings' in changes)) ready.then(() => wasm_bindgen.background_settings_changed(api));
});

// A keyboard shortcut: to the toolbar of the active tab of the last focused window. Named on
// the global scope (reachable only by the extension's own pages) so that the end-to-end suite
// can check it is the listener registered and run it as the browser would.
const onShortcut = (name) => ready.then(() => wasm_bindgen.background_command(api, name));
globalThis.onShortcut = onShortcut;
api.commands?.onCommand.addListener(onShortcut);

// The context menu's Call on selected text (the entry itself is made and shown or hidden by the
// background as the toolbars' health says). Named on the global scope like onShortcut.
const onMenuClick = (info, tab) => ready.then(() => wasm_bindgen.background_menu(api, String(info.menuItemId), info.selectionText ?? '', tab?.id ?? -1));
globalThis.onMenuClick = onMenuClick;
api.contextMenus?.onClicked.addListener(onMenuClick);

// A closed tab's toolbar health goes with it (the popup's panel, the context menu's entry).
api.tabs.onRemoved.addListener((tabId) => ready.then(() => wasm_bindgen.background_tab_closed(api, tabId)));

// After an update or reload, open pages still run the old content script (Chromium does not
// inject the new one into them). Inject it now (early.js first, then the detector); the loader
// makes the old copy leave. early.js comes late there, after the page's own listeners: a 2.0
// page adapter may then stop our proxy's packets until the page is reloaded (the toolbar says
// the desktop does not answer).
api.runtime.onInstalled.addListener(async ({ reason }) => {
  if (reason !== 'update' && reason !== 'install') return;
  const files = (api.runtime.getManifest().content_scripts ?? []).flatMap((c) => c.js ?? []);
  for (const tab of await api.tabs.query({ url: ['http://*/*', 'https://*/*'] })) {
    api.scripting?.executeScript({ target: { tabId: tab.id, allFrames: true }, files }).catch(() => { /* a page we may not script */ });
  }
});

// A mirror toolbar's port (a frame of a CRM page, named with its token): the background feeds
// it the desktop tab once the CRM pages' script of that tab claims the token. The question is
// this function, run by scripting.executeScript in that script's world (the page's cannot
// reach it, nor define what it reads); on the global scope so that the Rust can name it.
globalThis.bpMirrorClaim = (token, title) => {
  const crm = Object.hasOwn(globalThis, '__bpCallToolbarCrm') ? globalThis.__bpCallToolbarCrm : null;
  return typeof crm?.claim === 'function' && crm.claim(token, title) === true;
};
api.runtime.onConnect.addListener((port) => {
  if (port.name.startsWith('mirror:') && port.sender?.id === api.runtime.id) ready.then(() => wasm_bindgen.background_mirror(api, port));
});

api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (sender.id !== api.runtime.id) return false;
  // The answer is a boolean, or a promise of one (a press routed to the desktop tab), or of
  // the answer itself (the mirror question: `{ ok, title }`).
  ready.then(() => wasm_bindgen.background_handle(api, msg, sender)).then((ok) => sendResponse(typeof ok === 'object' && ok !== null ? ok : { ok }), (e) => sendResponse({ ok: false, error: String(e) }));
  return true;
});
