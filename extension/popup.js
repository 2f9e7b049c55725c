// Popup loader: start the Rust popup (the glue is loaded by popup.html before this file).
/* global wasm_bindgen */
wasm_bindgen({ module_or_path: 'pkg/pages_bg.wasm' }).then(() => wasm_bindgen.start_popup(globalThis.browser ?? globalThis.chrome));
