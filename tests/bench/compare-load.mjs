// How the toolbar's code is best loaded once a repeater appears, measured in one run: the
// shipped extension (the detector imports the glue, dynamic import()) against the variant that
// tests/bench/inject-variant.mjs builds (the detector asks the background, which injects the
// glue into its frame with scripting.executeScript). First insertions on spa.html alternate
// between the two, in Chromium and in Firefox ESR; in Chromium also with the service worker
// stopped before each insertion (as the browser stops it after a quiet 30 s).
// Usage: node tests/bench/compare-load.mjs [--runs N]   (after scripts/build.sh)
import { chromium } from '../e2e/node_modules/playwright-core/index.mjs'; // the suite's copy
import { mkdtemp, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServers } from '../sim/server.mjs';
import { FLAGS, CHROMIUM, launchFirefox } from '../e2e/harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1] > 0 ? args[args.indexOf('--runs') + 1] : 12);
const variant = path.join(root, 'target/bench-inject');
execFileSync(process.execPath, [path.join(root, 'tests/bench/inject-variant.mjs'), variant], { stdio: 'inherit' });
const EXT = { import: path.join(root, 'dist'), inject: variant };
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** One first insertion on a fresh spa.html: ms from the insertion to the filled toolbar. */
async function firstFilled(page, crm, poll) {
  await page.goto(`${crm}/spa.html`);
  await page.getByRole('button', { name: 'Softphone', exact: true }).click();
  await poll();
  const t = await page.evaluate(() => window.__timing);
  return t.filledAt - t.insertedAt;
}

const out = {};
const servers = await startServers({});
try {
  const browsers = {};
  for (const [name, dir] of Object.entries(EXT)) {
    const profile = await mkdtemp(path.join(tmpdir(), 'bp-cmp-'));
    const ext = path.join(dir, 'chrome');
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: false, ignoreDefaultArgs: ['--disable-extensions'],
      args: [...FLAGS, `--disable-extensions-except=${ext}`, `--load-extension=${ext}`], viewport: { width: 1280, height: 860 },
    });
    if (!context.serviceWorkers().length) await context.waitForEvent('serviceworker');
    const page = await context.newPage();
    browsers[name] = { context, page, cdp: await context.newCDPSession(page), profile };
  }
  const stopWorker = async ({ cdp }) => {
    const workers = async () => (await cdp.send('Target.getTargets')).targetInfos.filter((t) => t.type === 'service_worker' && t.url.startsWith('chrome-extension://'));
    for (const t of await workers()) await cdp.send('Target.closeTarget', { targetId: t.targetId });
    for (let i = 0; i < 50 && (await workers()).length; i++) await new Promise((r) => setTimeout(r, 50));
  };
  for (const stop of [false, true]) {
    const times = { import: [], inject: [] };
    // One warm-up each (the first page of a profile reads the policy store cold).
    for (const b of Object.values(browsers)) await firstFilled(b.page, servers.crm, () => b.page.locator('bp-call-toolbar[data-status]').waitFor({ state: 'attached' }));
    for (let i = 0; i < RUNS; i++) {
      for (const [name, b] of Object.entries(browsers)) {
        if (stop) await stopWorker(b);
        times[name].push(await firstFilled(b.page, servers.crm, () => b.page.locator('bp-call-toolbar[data-status]').waitFor({ state: 'attached' })));
      }
    }
    out[`chromium${stop ? ', worker stopped' : ''}`] = { import: median(times.import), inject: median(times.inject), ratio: median(times.inject) / median(times.import) };
  }
  for (const b of Object.values(browsers)) { await b.context.close(); await rm(b.profile, { recursive: true, force: true }); }
} finally {
  await servers.close();
}

if (!args.includes('--chromium-only')) {
  const ff = {};
  for (const [name, dir] of Object.entries(EXT)) ff[name] = await launchFirefox({ extension: true, extDir: path.join(dir, 'firefox') });
  try {
    const pages = {};
    for (const [name, f] of Object.entries(ff)) pages[name] = await f.context.newPage();
    const poll = (page) => async () => {
      for (let i = 0; i < 500 && !(await page.evaluate(() => !!document.querySelector('bp-call-toolbar[data-status]'))); i++) await new Promise((r) => setTimeout(r, 20));
    };
    for (const [name, page] of Object.entries(pages)) await firstFilled(page, ff[name].crm, poll(page));
    const times = { import: [], inject: [] };
    for (let i = 0; i < RUNS; i++) {
      for (const [name, page] of Object.entries(pages)) times[name].push(await firstFilled(page, ff[name].crm, poll(page)));
    }
    out.firefox = { import: median(times.import), inject: median(times.inject), ratio: median(times.inject) / median(times.import) };
  } finally {
    for (const f of Object.values(ff)) await f.close();
  }
}

console.log(`\nfirst toolbar filled after the repeater's insertion, median of ${RUNS} (ms): import() vs background injection\n`);
for (const [k, v] of Object.entries(out)) console.log(`${k.padEnd(28)} import ${v.import.toFixed(1).padStart(6)}  inject ${v.inject.toFixed(1).padStart(6)}  inject/import ${v.ratio.toFixed(2)}`);
