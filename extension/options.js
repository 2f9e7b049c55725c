// Options page loader: start the Rust options page (the glue is loaded by options.html first).
/* global wasm_bindgen */
wasm_bindgen({ module_or_path: 'pkg/pages_bg.wasm' }).then(() => wasm_bindgen.start_options(globalThis.browser ?? globalThis.chrome));
