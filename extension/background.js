// Background loader (Chrome: classic service worker; Firefox: event page whose manifest
// `scripts` list loads the glue first). The listener is registered synchronously so that a
// message that wakes the worker is never lost while the wasm loads; it is handed to the Rust
// once ready.
/* global wasm_bindgen, importScripts */
if (typeof wasm_bindgen === 'undefined') importScripts('pkg/bp_toolbar.js');

const api = globalThis.browser ?? globalThis.chrome;
const ready = wasm_bindgen({ module_or_path: api.runtime.getURL('pkg/bp_toolbar_bg.wasm') });

api.commands?.onCommand.addListener((name) => { ready.then(() => wasm_bindgen.background_command(api, name)); });

api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (sender.id !== api.runtime.id) return false;
  ready.then(() => sendResponse({ ok: wasm_bindgen.background_handle(api, msg, sender) }), (e) => sendResponse({ ok: false, error: String(e) }));
  return true;
});
