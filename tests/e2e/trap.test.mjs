// When the Rust traps. A build with the `fault-injection` feature (scripts/build.sh --faults;
// never shipped) panics on a desktop message or a log entry that names PANIC-TEST, so that the
// suite can cause what only a bug would: the toolbar must take itself off the page and say so in
// the health panel; the background's write queue must go on with the next message instead of
// staying stuck behind the trap.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, BROWSER, CSP_MODE, trust, login, startCall, desktop, openPopup, inExtension, expectText, channel } from './harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const extDir = path.join(root, BROWSER === 'firefox' ? 'dist/firefox-faults' : 'dist/chrome-faults');
let env;
// Full payloads: the caller's number (PANIC-TEST) travels in INTERACTION_RENDERED.
before(async () => { env = await launch({ extDir, sim: { minimalPayloads: false } }); });
after(async () => env?.close());

const storedActions = (popup) => inExtension(popup, async (api) => ((await api.storage.local.get('log')).log ?? []).map((e) => e.action));

test('a trap in the background: the next message is written as if nothing had happened', async () => {
  const popup = await openPopup(env);
  const log = (action) => inExtension(popup, async (api, action) => api.runtime.sendMessage({ type: 'log', entries: [{ ts: Date.now(), action, item_id: '', result: 'sent' }] }), action);
  const wait = async (want) => {
    for (let i = 0; i < 100; i++) { if (want(await storedActions(popup))) return true; await popup.waitForTimeout(100); }
    return false;
  };
  await log('before the trap');
  assert.ok(await wait((a) => a.includes('before the trap')), 'the queue writes');
  await log('PANIC-TEST');
  await popup.waitForTimeout(1500); // the queue picks it up and traps
  await log('after the trap');
  assert.ok(await wait((a) => a.includes('after the trap')), `written after the trap: ${await storedActions(popup)}`);
  assert.ok(!(await storedActions(popup)).includes('PANIC-TEST'));
  await popup.close();
});

for (const [file, mode] of [['crm.html', 'direct'], ['csp.html', CSP_MODE]]) {
  test(`a trap in the toolbar (${file}, ${mode}): it leaves the page for good and the health panel says so`, async () => {
    const page = await env.context.newPage();
    await page.goto(`${env.crm}/${file}`);
    if (file === 'crm.html') await trust(page, env.tenant, mode);
    await login(page, mode);
    await startCall(page, mode);
    await desktop(page).getByLabel('Caller').fill('PANIC-TEST');
    await desktop(page).getByRole('button', { name: 'Offer call', exact: true }).click();
    await page.locator('bp-call-toolbar').waitFor({ state: 'detached' });
    // Gone for good: nothing brings it back, and its channel went with it.
    await page.waitForTimeout(1500);
    assert.equal(await page.locator('bp-call-toolbar').count(), 0, 'still gone');
    assert.equal(await channel(page).count(), 0, 'no channel left behind');
    const popup = await openPopup(env);
    const tab = await inExtension(popup, async (api, file) => (await api.tabs.query({})).find((t) => t.url?.includes(`/${file}`))?.id, file);
    await popup.goto(`${env.popupUrl}?tab=${tab}`);
    await popup.locator('body[data-ready="true"]').waitFor();
    await expectText(popup.locator('ul.health li').first(), 'The toolbar stopped after an internal error and took itself off this page.Reload the page to get it back. If it happens again, export the log and send it to your IT team.');
    // The page itself is fine, and a reload brings the toolbar back.
    await page.bringToFront();
    await page.reload();
    // (The simulator keeps the agent's session across the reload: still logged in.)
    await page.locator('bp-call-toolbar').waitFor({ state: 'attached', timeout: 15000 });
    await login(page, mode);
    await popup.close();
    await page.close();
  });
}
