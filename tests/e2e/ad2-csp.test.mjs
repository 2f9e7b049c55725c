// Agent Desktop 2.0 on a CRM with a strict Content-Security-Policy (no wasm): in Chromium the
// toolbar runs in its extension frame and the content script relays the widget's
// structured-clone packets for it (parsed from and stringified to text at the relay); in
// Firefox it runs in the page as everywhere else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, CSP_MODE, toolbar, desktop, trust, login, startCall, expectText, received } from './harness.mjs';

let env, page;
before(async () => {
  ({ env, page } = await setup('csp2.html'));
});
after(async () => env?.close());

const ours = (p) => typeof p === 'object' && /^bpct-/.test(p?.instanceId ?? '');

test('the toolbar finds the 2.0 widget on a strict-CSP page (in its frame where the browser needs it)', async () => {
  await page.locator('bp-call-toolbar').waitFor({ state: 'attached' });
  const mode = (await page.locator('bp-call-toolbar').getAttribute('data-mode')) ?? 'direct';
  assert.equal(mode, CSP_MODE);
  await expectText(toolbar(page, CSP_MODE).getByLabel('Agent status'), 'Not trusted');
});

test('the whole call works through the relay: trust, capture, Terminate, Complete', async () => {
  const bar = toolbar(page, CSP_MODE);
  await trust(page, env.tenant, CSP_MODE);
  await login(page, CSP_MODE);
  const itemId = await startCall(page, CSP_MODE);
  await expectText(bar.getByLabel('Interaction ID', { exact: true }), itemId);
  await bar.getByRole('button', { name: 'Terminate', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'After-call work');
  await bar.getByRole('button', { name: 'Complete', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'Ready');
  await expectText(bar.getByRole('status'), `Completed ${itemId}.`);
  assert.equal(await desktop(page).locator('#items li').count(), 0);
  const acts = (await received(page)).filter((p) => ours(p) && /INTERACTION$/.test(p.type)).map((p) => [p.type, p.params]);
  assert.deepEqual(acts, [['LEAVE_INTERACTION', [itemId]], ['COMPLETE_INTERACTION', [itemId]]]);
});
