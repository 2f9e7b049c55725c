// Side panel loader (Chromium side_panel, Firefox sidebar_action): start the Rust panel (the
// glue is loaded by sidepanel.html before this file).
/* global wasm_bindgen */
globalThis.bpToolbarProbe = () => (globalThis.__bpCallToolbarLoaded === true ? performance.timeOrigin : null);
wasm_bindgen({ module_or_path: 'pkg/pages_bg.wasm' }).then(() => wasm_bindgen.start_panel(globalThis.browser ?? globalThis.chrome));
