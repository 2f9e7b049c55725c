// A CRM that runs its own servicepattern-sdk-v1.js integration keeps working beside ours: its
// request ids and callbacks are untouched, its events still arrive.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, trust, login, expectText, received } from './harness.mjs';

let env, page;
before(async () => {
  ({ env, page } = await setup('sdk.html', { trusted: true, loggedIn: true }));
});
after(async () => env?.close());

test("the page SDK's own Get State and status handler work while the toolbar runs", async () => {
  // Both sides ask several times, interleaved.
  for (let i = 0; i < 3; i++) {
    await page.getByRole('button', { name: 'Page SDK Get State', exact: true }).click();
    await toolbar(page).getByRole('button', { name: 'Get State', exact: true }).click();
    await expectText(toolbar(page).getByRole('status'), /^Desktop state:/);
    await expectText(page.locator('#sdk-callbacks'), String(i + 1));
  }
  await desktop(page).getByRole('button', { name: 'Ready', exact: true }).click();
  await expectText(page.locator('#sdk-status'), 'ready');
  await expectText(toolbar(page).getByLabel('Agent status'), 'Ready');
  assert.equal(await page.locator('#sdk-sent').textContent(), '3');
  assert.equal(await page.locator('#sdk-callbacks').textContent(), '3', 'each page request answered exactly once');
  const last = JSON.parse(await page.locator('#sdk-out').textContent());
  assert.equal(last.request_id, '2', 'the page sees its own reply');

  const ids = (await received(page)).filter((c) => c.command === 'GET_STATE').map((c) => Number(c.request_id));
  const pageIds = ids.filter((n) => n < 1e9);
  const ourIds = ids.filter((n) => n >= 1e9);
  assert.deepEqual(pageIds, [0, 1, 2], 'the page counter is its own');
  assert.ok(ourIds.length >= 4, `ours: ${ourIds}`);
  assert.equal(new Set(ourIds).size, ourIds.length, 'our ids are unique');
});
