// Toolbar frame loader (strict-CSP pages in Chromium). Accepts the runtime port of the relay
// whose token is in this page's URL fragment, queues what arrives before the wasm is ready,
// then hands both to the Rust.
import init, { start_frame } from './pkg/frame.js';

const api = globalThis.browser ?? globalThis.chrome;
const token = location.hash.slice(1);
const ready = init({ module_or_path: 'pkg/frame_bg.wasm' });

api.runtime.onConnect.addListener((port) => {
  if (!token || port.name !== 'bp-relay:' + token) return;
  const queued = [];
  const early = (m) => queued.push(m);
  port.onMessage.addListener(early);
  ready.then(() => {
    port.onMessage.removeListener(early);
    start_frame(api, port, queued);
  });
});
