// Background loader (Chrome: module service worker; Firefox: module event page). The listener is
// registered synchronously so that a message that wakes the worker is never lost while the
// wasm loads; it is handed to the Rust once ready.
import init, { background_handle } from './pkg/bp_toolbar.js';

const api = globalThis.browser ?? globalThis.chrome;
const ready = init({ module_or_path: new URL('./pkg/bp_toolbar_bg.wasm', import.meta.url) });

api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (sender.id !== api.runtime.id) return false;
  ready.then(() => sendResponse({ ok: background_handle(msg) }), (e) => sendResponse({ ok: false, error: String(e) }));
  return true;
});
