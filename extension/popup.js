// Popup loader: start the Rust popup (the glue is loaded by popup.html before this file).
/* global wasm_bindgen */
// Run by the health panel inside a tab (scripting.executeScript sends this function's source):
// when the tab's page started if this copy of the content script runs there (the loader sets
// the marker), else null.
globalThis.bpToolbarProbe = () => (globalThis.__bpCallToolbarLoaded === true ? performance.timeOrigin : null);
wasm_bindgen({ module_or_path: 'pkg/pages_bg.wasm' }).then(() => wasm_bindgen.start_popup(globalThis.browser ?? globalThis.chrome));
