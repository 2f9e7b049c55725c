// Mirror toolbar loader (a frame of a CRM page, put there by crm.js): start the Rust mirror (the
// glue is loaded by mirror.html before this file).
/* global wasm_bindgen */
wasm_bindgen({ module_or_path: 'pkg/pages_bg.wasm' }).then(() => wasm_bindgen.start_mirror(globalThis.browser ?? globalThis.chrome));
