// The popup: the log live while open, Clear (after a confirmation), and the trusted tenants it
// can remove.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, trust, login, expectText, openPopup, logRows, LIVE_STATUS, channel } from './harness.mjs';

let env, page, popup;
before(async () => {
  ({ env, page } = await setup('crm.html', { trusted: true, loggedIn: true }));
  popup = await openPopup(env);
});
after(async () => env?.close());

test('the log updates live while the popup is open, newest first', async () => {
  await page.bringToFront();
  await desktop(page).getByRole('button', { name: 'Ready', exact: true }).click();
  await expectText(toolbar(page).getByLabel('Agent status'), 'Ready');
  await expectText(popup.locator('tbody tr').first().locator('td.result'), 'status ready');
  const rows = await logRows(popup);
  assert.equal(rows[0][1], 'event STATE_CHANGED');
  assert.match(rows[0][0], /^\d\d:\d\d:\d\d\.\d{3}$/);
  assert.match(await popup.locator('.count').textContent(), /^\d+ entries$/);
});

test('Clear asks first; Cancel keeps the log, confirming empties it', async () => {
  const before = (await logRows(popup)).length;
  await popup.getByRole('button', { name: 'Clear', exact: true }).click();
  await expectText(popup.locator('.confirm p'), `Clear all ${before} log entries? This cannot be undone.`);
  await popup.getByRole('button', { name: 'Cancel', exact: true }).click();
  assert.equal(await popup.locator('.confirm').evaluate((e) => e.hidden), true);
  assert.equal((await logRows(popup)).length, before, 'nothing cleared');
  await popup.getByRole('button', { name: 'Clear', exact: true }).click();
  await popup.getByRole('button', { name: 'Clear log', exact: true }).click();
  await expectText(popup.locator('.count'), '0 entries');
  await expectText(popup.locator('tbody'), 'Nothing logged yet.');
});

test('a trusted tenant survives a reload and can be removed in the popup', async () => {
  await page.reload();
  await login(page); // no Trust prompt this time
  await popup.reload();
  await popup.locator('body[data-ready="true"]').waitFor();
  await popup.getByRole('button', { name: `Remove ${env.tenant}`, exact: true }).click();
  await expectText(popup.locator('ul.trusted'), 'No other tenants trusted.');
  // The open toolbar stops talking to the tenant at once.
  await expectText(toolbar(page).getByLabel('Agent status'), 'Not trusted');
  assert.equal(await channel(page).count(), 0, 'proxy iframe removed');
  await trust(page, env.tenant);
  await expectText(toolbar(page).getByLabel('Agent status'), LIVE_STATUS);
  await expectText(popup.locator('ul.trusted li span'), env.tenant);
});
