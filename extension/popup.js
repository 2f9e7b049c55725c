// Popup loader: start the Rust popup.
import init, { start_popup } from './pkg/bp_toolbar.js';

await init({ module_or_path: new URL('./pkg/bp_toolbar_bg.wasm', import.meta.url) });
start_popup();
