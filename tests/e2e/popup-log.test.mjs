// The popup's log panel as the agent's record: filter by kind of action, search by item_id or
// text, copy one entry, export what is shown as JSON and CSV files, redaction of phone numbers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, startCall, expectText, openPopup, openOptions, logRows, expectDownload } from './harness.mjs';

let env, page, popup, item;
before(async () => {
  ({ env, page } = await setup('crm.html', { trusted: true, loggedIn: true }));
  item = await startCall(page);
  await toolbar(page).getByRole('button', { name: 'Terminate', exact: true }).click();
  await expectText(toolbar(page).getByLabel('Agent status'), 'After-call work');
  popup = await openPopup(env);
});
after(async () => env?.close());

test('the log filters by kind of action and searches by item_id or text', async () => {
  const all = (await logRows(popup)).length;
  await popup.getByLabel('Show').selectOption('commands');
  let rows = await logRows(popup);
  assert.ok(rows.length >= 1 && rows.length < all, `${rows.length} of ${all}`);
  assert.ok(rows.every((r) => r[1] === 'Terminate' || r[1] === 'Complete'), JSON.stringify(rows));
  await expectText(popup.locator('.count'), `${rows.length} of ${all} entries`);
  await popup.getByLabel('Show').selectOption('');
  await popup.getByLabel('Search').fill(item);
  rows = await logRows(popup);
  assert.ok(rows.length >= 2, 'the capture and the Terminate at least');
  assert.ok(rows.every((r) => r[2] === item), JSON.stringify(rows));
  await popup.getByLabel('Search').fill('captured');
  rows = await logRows(popup);
  assert.ok(rows.length >= 1 && rows.every((r) => r[3] === 'item_id captured'));
  await popup.getByLabel('Search').fill('no-such-entry-anywhere');
  await expectText(popup.locator('tbody'), 'No entry matches.');
  await popup.getByLabel('Search').fill('');
});

test('Copy puts one entry on the clipboard as a line of text', async () => {
  await popup.getByLabel('Show').selectOption('commands');
  await popup.locator('tbody tr').first().getByRole('button').click();
  await expectText(popup.getByRole('status').first(), 'Entry copied.');
  await page.bringToFront();
  const search = page.getByLabel('Search the CRM');
  await search.fill('');
  await search.press('Control+V');
  const pasted = await search.inputValue();
  assert.match(pasted, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z \\| Terminate \\| ${item} \\| `));
  await popup.bringToFront();
  await popup.getByLabel('Show').selectOption('');
});

test('Export downloads the shown entries as JSON and as CSV', async () => {
  await popup.getByLabel('Search').fill(item);
  const shown = (await logRows(popup)).length;
  const json = await expectDownload(env, popup, () => popup.getByRole('button', { name: 'Export JSON', exact: true }).click());
  assert.match(json.name, /^call-toolbar-log-\d{14}\.json$/);
  const entries = JSON.parse(json.text);
  assert.equal(entries.length, shown);
  assert.ok(entries.every((e) => e.item_id === item && /^\d{4}-\d\d-\d\dT/.test(e.time)));
  assert.ok(entries.some((e) => e.action === 'Terminate'));
  const csv = await expectDownload(env, popup, () => popup.getByRole('button', { name: 'Export CSV', exact: true }).click());
  assert.match(csv.name, /^call-toolbar-log-\d{14}\.csv$/);
  const lines = csv.text.split('\r\n').filter(Boolean);
  assert.equal(lines[0], 'time,action,item_id,result,latency_ms,tenant,page');
  assert.equal(lines.length, shown + 1);
  await expectText(popup.getByRole('status').first(), new RegExp(`^${shown} entries saved as call-toolbar-log-\\d{14}\\.csv\\.$`));
  await popup.getByLabel('Search').fill('');
});

test('with redaction on, phone numbers never reach the stored log or an export', async () => {
  const options = await openOptions(env);
  await options.getByLabel('Mask phone numbers and free text in the log and its exports').check();
  await options.getByRole('button', { name: 'Save settings', exact: true }).click();
  await expectText(options.getByRole('status'), 'Saved.');
  await options.close();
  await page.bringToFront();
  const desk = desktop(page);
  await desk.getByLabel('Reason').fill('Call back 555-010-9999');
  await desk.getByRole('button', { name: 'Not ready', exact: true }).click();
  await expectText(toolbar(page).getByLabel('Agent status'), /Not ready/);
  await popup.bringToFront();
  await popup.getByLabel('Search').fill('Call back');
  let rows = [];
  for (let i = 0; i < 50 && !rows.some((r) => r[1] === 'event STATE_CHANGED'); i++) {
    rows = await logRows(popup);
    await popup.waitForTimeout(100);
  }
  assert.ok(rows.some((r) => r[3] === 'status not_ready (Call back [redacted])'), JSON.stringify(rows));
  const json = await expectDownload(env, popup, () => popup.getByRole('button', { name: 'Export JSON', exact: true }).click());
  assert.ok(!json.text.includes('555'), 'no phone number in the export');
  assert.ok(json.text.includes('Call back [redacted]'));
});
