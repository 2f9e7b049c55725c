// Trust window loader: start the Rust confirmation page (the glue is loaded by trust.html first).
/* global wasm_bindgen */
wasm_bindgen({ module_or_path: 'pkg/pages_bg.wasm' }).then(() => wasm_bindgen.start_trust(globalThis.browser ?? globalThis.chrome));
