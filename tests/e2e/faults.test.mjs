// Faults we can cause: the page removes our proxy iframe mid-call; two tabs log a burst of
// 1,000 actions each at the same time; the background stops; the extension is reloaded (as an
// update does) under an open page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, launch, toolbar, startCall, expectText, received, openPopup, openOptions, inExtension, logRows, reloadExtension, trust, login, channel } from './harness.mjs';
import { inToolbarRoot } from './shadow.mjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

let env, page;
before(async () => { ({ env, page } = await setup('crm.html', { trusted: true, loggedIn: true })); });
after(async () => env?.close());

test('the proxy iframe removed mid-call: the toolbar reconnects and sends nothing twice', async () => {
  const bar = toolbar(page);
  const item = await startCall(page);
  await bar.getByRole('button', { name: 'Terminate', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'After-call work');
  // A page script that tidies up the DOM takes our proxy's host away.
  await page.evaluate(() => document.querySelector('bp-call-toolbar-channel').remove());
  await channel(page).waitFor({ state: 'attached' });
  await page.locator('bp-call-toolbar[data-live="true"]').waitFor({ state: 'attached' });
  await bar.getByRole('button', { name: 'Complete', exact: true }).click();
  await expectText(bar.getByRole('status'), `Completed ${item}.`);
  const cmds = (await received(page)).filter((c) => c.command !== 'GET_STATE');
  assert.deepEqual(cmds, [
    { command: 'TERMINATE_INTERACTION_FROM_API', data: item },
    { command: 'COMPLETE_INTERACTION_FROM_API', data: item },
  ]);
  const popup = await openPopup(env);
  assert.ok((await logRows(popup)).some((r) => r[1] === 'Channel' && r[3] === 'proxy removed, reopening'));
  await popup.close();
});

test('two tabs log 1,000 actions each at once: the background keeps all 2,000, in order per tab', async () => {
  const [a, b] = [await openPopup(env), await openPopup(env)];
  await inExtension(a, async (api) => api.runtime.sendMessage({ type: 'clearLog' }));
  const burst = async (api, tab) => {
    const sends = [];
    for (let i = 0; i < 1000; i++) {
      sends.push(api.runtime.sendMessage({ type: 'log', entries: [{ ts: Date.now(), action: `burst ${tab}`, item_id: String(i), result: 'sent' }] }));
    }
    await Promise.all(sends);
    return true;
  };
  await Promise.all([inExtension(a, burst, 'A'), inExtension(b, burst, 'B')]);
  let log = [];
  for (let i = 0; i < 100; i++) {
    log = await inExtension(a, async (api) => (await api.storage.local.get('log')).log ?? []);
    if (log.filter((e) => e.action.startsWith('burst')).length >= 2000) break;
    await a.waitForTimeout(100);
  }
  for (const tab of ['A', 'B']) {
    const ids = log.filter((e) => e.action === `burst ${tab}`).map((e) => Number(e.item_id));
    assert.equal(ids.length, 1000, `tab ${tab}`);
    assert.deepEqual(ids, [...ids].sort((x, y) => x - y), `tab ${tab} in order`);
  }
  await a.close();
  await b.close();
});

test('the background stopped (Chromium service worker): the next action wakes it and the log keeps everything', async (t) => {
  if (env.browser === 'firefox') return t.skip('Firefox has no way to stop an event page from a test');
  const bar = toolbar(page);
  const popup = await openPopup(env);
  // A log well under its size limit, so that every entry written before the stop must still be
  // there after it (none may fall off the end).
  await inExtension(popup, async (api) => api.runtime.sendMessage({ type: 'clearLog' }));
  await page.bringToFront();
  await bar.getByRole('button', { name: 'Get State', exact: true }).click();
  await expectText(bar.getByRole('status'), /^Desktop state:/);
  let before = [];
  for (let i = 0; i < 50 && !before.some((r) => r[1] === 'Get State'); i++) { before = await logRows(popup); await page.waitForTimeout(100); }
  assert.ok(before.length >= 1 && before.length < 100, `${before.length} entries before the stop`);
  // Stop the extension's service worker, as the browser does when it is idle.
  const cdp = await env.context.newCDPSession(page);
  const { targetInfos } = await cdp.send('Target.getTargets');
  const worker = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${env.extId}/`));
  assert.ok(worker, 'the background worker is running');
  assert.equal((await cdp.send('Target.closeTarget', { targetId: worker.targetId })).success, true);
  for (let i = 0; i < 50; i++) {
    const { targetInfos: now } = await cdp.send('Target.getTargets');
    if (!now.some((t) => t.targetId === worker.targetId)) break;
    await page.waitForTimeout(100);
  }
  assert.ok(!(await cdp.send('Target.getTargets')).targetInfos.some((t) => t.targetId === worker.targetId), 'stopped');
  await page.bringToFront();
  await bar.getByRole('button', { name: 'Get State', exact: true }).click();
  await expectText(bar.getByRole('status'), /^Desktop state:/);
  let rows = [];
  for (let i = 0; i < 50; i++) {
    rows = await logRows(popup);
    if (rows.length > before.length && rows[0][1] === 'Get State') break;
    await page.waitForTimeout(100);
  }
  assert.equal(rows[0][1], 'Get State', 'the new entry is logged');
  assert.deepEqual(rows.slice(rows.length - before.length), before, 'every entry written before the stop is still there, in order');
  await popup.close();
});

test('the extension reloaded under an open page: the old toolbar leaves, the new copy takes over', async () => {
  const bar = toolbar(page);
  await page.bringToFront();
  await page.locator('bp-call-toolbar[data-live="true"]').waitFor({ state: 'attached' });
  // Mark the old copy's host, to tell it from the new one.
  await page.evaluate(() => { document.querySelector('bp-call-toolbar').dataset.copy = 'old'; });
  await reloadExtension(env);
  await page.bringToFront();
  await page.locator('bp-call-toolbar:not([data-copy="old"])[data-live="true"]').waitFor({ state: 'attached', timeout: 15000 });
  const copies = await page.evaluate(() => [...document.querySelectorAll('bp-call-toolbar')].map((h) => ({ old: h.dataset.copy === 'old' })));
  assert.deepEqual(copies, [{ old: false }], 'one toolbar, the new one');
  assert.equal(await channel(page).count(), 1, 'with one channel');
  const sent = (await received(page)).length;
  await bar.getByRole('button', { name: 'Get State', exact: true }).click();
  await expectText(bar.getByRole('status'), /^Desktop state:/);
  const after = (await received(page)).slice(sent);
  assert.equal(after.filter((c) => c.command === 'GET_STATE').length >= 1, true);
  // The new copy logs through the new background.
  const popup = await openPopup(env);
  let rows = [];
  for (let i = 0; i < 50 && !rows.some((r) => r[1] === 'Get State'); i++) {
    rows = await logRows(popup);
    await page.waitForTimeout(100);
  }
  assert.ok(rows.some((r) => r[1] === 'Get State'), 'the Get State after the reload is in the log');
  await popup.close();
});

test('the log survives a browser restart', async (t) => {
  if (env.browser === 'firefox') return t.skip('a temporary add-on (how the suite installs it in Firefox) is uninstalled, with its storage, when Firefox closes');
  const profile = await mkdtemp(path.join(tmpdir(), 'bp-restart-'));
  try {
    let run = await launch({ profile });
    let tab = await run.context.newPage();
    await tab.goto(`${run.crm}/crm.html`);
    await trust(tab, run.tenant);
    await login(tab);
    let popup = await openPopup(run);
    let before = [];
    for (let i = 0; i < 50 && !before.some((r) => r[1] === 'event LOGIN_CHANGED'); i++) {
      before = await logRows(popup);
      await popup.waitForTimeout(100);
    }
    assert.ok(before.some((r) => r[1] === 'Trust'), 'logged before the restart');
    await run.close();
    run = await launch({ profile });
    try {
      popup = await openPopup(run);
      const after = await logRows(popup);
      assert.deepEqual(after.map((r) => r.slice(0, 4)), before.map((r) => r.slice(0, 4)), 'every entry, in order, after the restart');
    } finally {
      await run.close();
    }
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
});

test('storage full: a trust change is still written, and the log gives way', async (t) => {
  if (env.browser === 'firefox') return t.skip('Firefox sets no quota on storage.local');
  const popup = await openPopup(env);
  // Fill storage.local to within 60 bytes of its quota (10 MiB): room for a longer trusted list
  // (23 bytes more), not for a longer log (an entry is about 150).
  const room = await inExtension(popup, async (api) => {
    const quota = api.storage.local.QUOTA_BYTES;
    const used = await api.storage.local.getBytesInUse(null);
    await api.storage.local.set({ filler: 'x'.repeat(quota - used - 'filler'.length - 2 - 60) });
    return quota - (await api.storage.local.getBytesInUse(null));
  });
  assert.ok(room > 23 && room <= 60, `room left: ${room} bytes`);
  try {
    const options = await openOptions(env);
    await options.getByLabel('Tenant origin').fill('https://full.example');
    await options.getByRole('button', { name: 'Add tenant', exact: true }).click();
    let list = [];
    for (let i = 0; i < 50 && !list.includes('https://full.example'); i++) {
      list = await inExtension(popup, async (api) => (await api.storage.local.get('trustedOrigins')).trustedOrigins ?? []);
      await popup.waitForTimeout(100);
    }
    assert.ok(list.includes('https://full.example'), `trusted list written: ${list}`);
    await options.close();
  } finally {
    await inExtension(popup, async (api) => api.storage.local.remove('filler'));
    await popup.close();
  }
});
