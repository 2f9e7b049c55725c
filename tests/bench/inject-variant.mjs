// Builds, from dist/chrome and dist/firefox, the other way of loading the toolbar that the
// benchmark compares with the shipped one: the detector asks the background, which injects
// the glue into the detector's frame (scripting.executeScript, files), instead of the detector
// importing it (dynamic import()). Same wasm, same glue code (the ES module rewritten as a
// classic script, which is all executeScript takes), same detector otherwise.
// Usage: node tests/bench/inject-variant.mjs <out dir>
//   then BENCH_EXT=<out>/chrome BENCH_EXT_FIREFOX=<out>/firefox node tests/e2e/bench.mjs
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'target/bench-inject'));

const edit = (text, from, to) => {
  if (!text.includes(from)) throw new Error(`inject variant: ${JSON.stringify(from)} not found`);
  return text.replace(from, to);
};

for (const browser of ['chrome', 'firefox']) {
  const dir = path.join(out, browser);
  await rm(dir, { recursive: true, force: true });
  await cp(path.join(root, 'dist', browser), dir, { recursive: true });

  // The glue as a classic script: its exports become one object of the isolated world.
  let glue = await readFile(path.join(dir, 'pkg/content.js'), 'utf8');
  glue = glue.replace(/^export function /gm, 'function ');
  glue = edit(glue, 'export { initSync, __wbg_init as default };', '');
  glue = glue.replace(/import\.meta\.url/g, 'location.href');
  await writeFile(path.join(dir, 'pkg/content-classic.js'),
    `(() => {\n${glue}\nglobalThis.__bpGlue = { default: __wbg_init, start_content, stop_content };\nglobalThis.__bpGlueReady?.();\n})();\n`);

  // The detector waits for the background's injection instead of importing.
  let detect = await readFile(path.join(dir, 'detect.js'), 'utf8');
  detect = edit(detect, "const glue = await import(chrome.runtime.getURL('pkg/content.js'));",
    "const glue = await new Promise((resolve) => { globalThis.__bpGlueReady = () => resolve(globalThis.__bpGlue); api.runtime.sendMessage({ type: 'benchInject' }).catch(() => {}); });");
  await writeFile(path.join(dir, 'detect.js'), detect);

  // The background injects into the frame that asked (the first listener: it answers nothing,
  // the Rust one refuses the unknown message as it would any other).
  let bg = await readFile(path.join(dir, 'background.js'), 'utf8');
  bg = edit(bg, 'const api = globalThis.browser ?? globalThis.chrome;\n', `const api = globalThis.browser ?? globalThis.chrome;
api.runtime.onMessage.addListener((msg, sender) => {
  if (msg?.type === 'benchInject' && sender.id === api.runtime.id && sender.tab) {
    api.scripting.executeScript({ target: { tabId: sender.tab.id, frameIds: [sender.frameId] }, files: ['pkg/content-classic.js'] });
  }
});
`);
  await writeFile(path.join(dir, 'background.js'), bg);
}
console.log(`inject variant: ${out}/chrome, ${out}/firefox`);
