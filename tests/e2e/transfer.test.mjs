// Transfer and conference of the current call, to a typed number or a speed-dial entry, each
// after a confirmation step; and the after-call-work limit, which counts down, can be extended
// once, completes once with the default disposition and the notes so far, and sends nothing
// after the agent's own Complete. The simulator takes SINGLE_STEP_TRANSFER by ending the agent's
// call (no _BLIND_TRANSFER by default), leaves it with the agent when the target is busy (said
// to nobody), and adds a conference's party without a word.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, startCall, expectText, received, openPopup, openOptions, logRows, optionsList } from './harness.mjs';

let env, page;
before(async () => {
  ({ env, page } = await setup('crm.html', { trusted: true, loggedIn: true }));
  const options = await openOptions(env);
  for (const entry of ['Billing | 1020', 'Head office | +44 20 7946 0018']) {
    await options.getByLabel('Entry', { exact: true }).fill(entry);
    await options.getByRole('button', { name: 'Add entry', exact: true }).click();
  }
  await expectText(optionsList(options, 'speed-dial'), 'Billing | 1020RemoveHead office | +44 20 7946 0018Remove');
  await options.getByLabel('Entry', { exact: true }).fill('Payroll');
  await options.getByRole('button', { name: 'Add entry', exact: true }).click();
  await expectText(options.locator('#speed-dial-error'), '“Payroll” is not a name and a number after a vertical bar (Billing | 1020).');
  await options.close();
  await page.bringToFront();
  await desktop(page).getByRole('button', { name: 'Ready', exact: true }).click();
});
after(async () => env?.close());

const bar = () => toolbar(page);
// With speed-dial entries the number field is a combobox (it has a list).
const number = () => bar().getByLabel('Number', { exact: true });
const status = () => bar().getByRole('status');
const shown = (locator) => locator.evaluate((e) => !e.closest('[hidden]'));
const since = async (n, command) => (await received(page)).slice(n).filter((c) => c.command === command);
const itemLine = (item) => desktop(page).locator(`#items li[data-item-id="${item}"]`);
const complete = async (item) => {
  await bar().getByRole('button', { name: 'Complete', exact: true }).click();
  await expectText(status(), `Completed ${item}.`);
};

test('a transfer to a speed-dial entry waits for its confirmation, goes once, and the call is wrapped up as any other', async () => {
  const item = await startCall(page);
  const transfer = bar().getByRole('button', { name: 'Transfer', exact: true });
  assert.equal(await transfer.isDisabled(), true, 'no number yet');
  assert.deepEqual(await number().evaluate((e) => [...e.list.options].map((o) => [o.value, o.label])), [['Billing', '1020'], ['Head office', '+44 20 7946 0018']], 'the speed-dial entries, offered as the agent types');
  const n = (await received(page)).length;
  await number().fill('billing');
  await transfer.click();
  await expectText(status(), 'Press Confirm transfer to transfer this call to Billing (1020).');
  assert.deepEqual(await since(n, 'SINGLE_STEP_TRANSFER'), [], 'nothing sent before the confirmation');
  await page.waitForTimeout(600);
  // A double click on Confirm transfer: one transfer.
  await bar().getByRole('button', { name: 'Confirm transfer', exact: true }).dblclick();
  await expectText(status(), 'Call transferred to Billing (1020).');
  await expectText(bar().getByLabel('Agent status'), 'After-call work');
  await page.waitForTimeout(300);
  assert.deepEqual(await since(n, 'SINGLE_STEP_TRANSFER'), [{ command: 'SINGLE_STEP_TRANSFER', number: '1020' }]);
  assert.match(await itemLine(item).textContent(), /transferred to 1020/, 'the desktop transferred it');
  assert.equal(await shown(bar().locator('.xfer')), false, 'nothing left to transfer');
  await complete(item);
  const rows = await logRows(await openPopup(env));
  const ours = rows.filter((r) => r[1] === 'Transfer to Billing (1020)').map((r) => [r[2], r[3]]);
  assert.deepEqual(ours, [[item, 'confirmed: call transferred'], [item, 'sent']], JSON.stringify(rows.slice(0, 10)));
  await page.bringToFront();
});

test('a transfer the desktop never carries out says the call may still be here; a conference goes once and is said to be unreported', async () => {
  const item = await startCall(page);
  await desktop(page).getByLabel('Transfer targets busy').check();
  const n = (await received(page)).length;
  await number().fill('+1 (415) 555-0100');
  await bar().getByRole('button', { name: 'Transfer', exact: true }).click();
  await page.waitForTimeout(600);
  await bar().getByRole('button', { name: 'Confirm transfer', exact: true }).click();
  await expectText(status(), 'Transferring the call to +14155550100…');
  assert.deepEqual(await since(n, 'SINGLE_STEP_TRANSFER'), [{ command: 'SINGLE_STEP_TRANSFER', number: '14155550100' }]);
  await expectText(status(), 'The desktop did not confirm the transfer to +14155550100: the call may still be with you.', 14000);
  await expectText(bar().getByLabel('Agent status'), 'Busy');

  // Still on the call: add a party instead.
  await number().fill('Head office');
  await bar().getByRole('button', { name: 'Conference', exact: true }).click();
  await expectText(status(), 'Press Confirm conference to add Head office (+442079460018) to this call.');
  await page.waitForTimeout(600);
  await bar().getByRole('button', { name: 'Confirm conference', exact: true }).dblclick();
  await expectText(status(), /^Asked the desktop to add Head office \(\+442079460018\) to the call\. The desktop does not report conferences/);
  await expectText(itemLine(item), /with 442079460018$/);
  await page.waitForTimeout(300);
  assert.deepEqual(await since(n, 'SINGLE_STEP_CONFERENCE'), [{ command: 'SINGLE_STEP_CONFERENCE', number: '442079460018' }]);

  await desktop(page).getByLabel('Transfer targets busy').uncheck();
  await desktop(page).getByRole('button', { name: 'Customer hangs up', exact: true }).click();
  await expectText(bar().getByLabel('Agent status'), 'After-call work');
  await complete(item);
});

test('the after-call-work limit counts down, can be extended once, and completes once with the default disposition and the notes', async () => {
  const options = await openOptions(env);
  await options.getByLabel('Complete automatically after this much after-call work (seconds, 0 = never)').fill('6');
  await options.getByLabel('Let me extend that once by (seconds, 0 = no extension)').fill('4');
  await options.getByLabel('Disposition to complete with when none is typed').fill('Resolved');
  await options.getByRole('button', { name: 'Save settings', exact: true }).click();
  await expectText(options.getByRole('status'), 'Saved.');
  await options.close();
  await page.bringToFront();

  // Left alone: completed at the limit, with the default disposition and the notes typed.
  let item = await startCall(page);
  await desktop(page).getByRole('button', { name: 'Customer hangs up', exact: true }).click();
  await expectText(bar().getByLabel('Agent status'), 'After-call work');
  await expectText(bar().locator('.countdown'), /^Completes automatically in 0:0[4-6]$/);
  if (!(await bar().locator('details.wrap-fields').evaluate((e) => e.open))) await bar().getByText('Disposition and notes').click();
  await bar().getByLabel('Notes').fill('left a voicemail');
  let n = (await received(page)).length;
  await expectText(status(), `Completed ${item}.`, 10000);
  const completes = async () => (await received(page)).slice(n).filter((c) => /^COMPLETE_/.test(c.command));
  assert.deepEqual(await completes(), [{ command: 'COMPLETE_INTERACTION_WITH_DISPOSITION', item_id: item, code: 'Resolved', notes: 'left a voicemail' }]);
  assert.equal(await shown(bar().locator('.acw-limit')), false, 'no countdown once completed');

  // Extended once: nothing at the first limit, completed at the second.
  item = await startCall(page);
  await desktop(page).getByRole('button', { name: 'Customer hangs up', exact: true }).click();
  await expectText(bar().getByLabel('Agent status'), 'After-call work');
  n = (await received(page)).length;
  const extend = bar().getByRole('button', { name: 'Extend by 4 s', exact: true });
  await extend.dblclick();
  await expectText(status(), 'After-call work extended by 4 s.');
  assert.equal(await extend.isDisabled(), true, 'once');
  await expectText(bar().locator('.countdown'), /^Completes automatically in 0:(0[7-9]|10)$/);
  await page.waitForTimeout(6500);
  assert.deepEqual(await completes(), [], 'not at the first limit');
  await expectText(status(), `Completed ${item}.`, 8000);
  assert.equal((await completes()).length, 1);

  // Completed by the agent, unconfirmed (a silent desktop): the limit sends nothing more.
  item = await startCall(page);
  await desktop(page).getByRole('button', { name: 'Customer hangs up', exact: true }).click();
  await expectText(bar().getByLabel('Agent status'), 'After-call work');
  await desktop(page).getByLabel('Silent (ignore every API command)').check();
  n = (await received(page)).length;
  await bar().getByRole('button', { name: 'Complete', exact: true }).click();
  assert.equal(await shown(bar().locator('.acw-limit')), false, 'the agent took over');
  await expectText(status(), /^The desktop did not confirm Complete of/, 8000);
  await page.waitForTimeout(2500);
  assert.equal((await completes()).length, 1, 'the agent\'s one Complete, nothing from the limit');
  await desktop(page).getByLabel('Silent (ignore every API command)').uncheck();
  await complete(item);
  const rows = await logRows(await openPopup(env));
  assert.equal(rows.filter((r) => r[1] === 'ACW limit' && r[3] === 'reached: completing').length, 2, JSON.stringify(rows.slice(0, 20)));
  assert.ok(rows.some((r) => r[1] === 'ACW limit' && r[3] === 'extended by 4 s'));
  await page.bringToFront();
});
