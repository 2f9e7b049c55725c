// Disposition lists: the options' (or the organisation's) dispositions are offered in the
// Disposition field as the agent types; a listed one is sent as the SDK sends it, by code
// (COMPLETE_INTERACTION_WITH_DISPOSITION with the notes) or by name (SET_DISPOSITION_BY_NAME,
// SET_NOTES, then Complete); text that is not on the list holds Complete and Wrap up, with the
// reason, unless the agent's settings allow free text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, startCall, expectText, received, openPopup, openOptions, logRows, optionsList } from './harness.mjs';

let env, page;
before(async () => {
  ({ env, page } = await setup('crm.html', { trusted: true, loggedIn: true }));
  const options = await openOptions(env);
  for (const d of ['Resolved | 100', 'Callback|200', 'Offer rejected']) {
    await options.getByLabel('Disposition', { exact: true }).fill(d);
    await options.getByRole('button', { name: 'Add disposition', exact: true }).click();
  }
  await expectText(optionsList(options, 'disposition'), 'Resolved | 100RemoveCallback | 200RemoveOffer rejectedRemove');
  await options.close();
  await page.bringToFront();
  await desktop(page).getByRole('button', { name: 'Ready', exact: true }).click();
});
after(async () => env?.close());

const bar = () => toolbar(page);
const field = () => bar().getByLabel('Disposition', { exact: true });
const complete = () => bar().getByRole('button', { name: 'Complete', exact: true });
const since = async (n) => (await received(page)).slice(n).filter((c) => c.command !== 'GET_STATE');
/** Opens "Disposition and notes" as the agent does, unless it is open. */
const openFields = async () => {
  if (!(await bar().locator('details.wrap-fields').evaluate((e) => e.open))) await bar().getByText('Disposition and notes').click();
};
const hangUp = async () => {
  await desktop(page).getByRole('button', { name: 'Customer hangs up', exact: true }).click();
  await expectText(bar().getByLabel('Agent status'), 'After-call work');
};

test('the list is offered as the agent types; a listed disposition goes by its code, or by its name, as the SDK sends them', async () => {
  let item = await startCall(page);
  await hangUp();
  await openFields();
  assert.deepEqual(await field().evaluate((e) => [...e.list.options].map((o) => o.value)), ['Resolved', 'Callback', 'Offer rejected'], 'the field\'s suggestions, in order');
  let n = (await received(page)).length;
  await field().fill('callback');
  await bar().getByLabel('Notes').fill('ring at 5');
  await complete().click();
  await expectText(bar().getByRole('status'), `Completed ${item}.`);
  assert.deepEqual(await since(n), [{ command: 'COMPLETE_INTERACTION_WITH_DISPOSITION', item_id: item, code: '200', notes: 'ring at 5' }]);

  item = await startCall(page);
  n = (await received(page)).length;
  await openFields();
  await field().fill('Offer rejected');
  await bar().getByLabel('Notes').fill('too expensive');
  await bar().getByRole('button', { name: 'Wrap up', exact: true }).click();
  await expectText(bar().getByRole('status'), `Wrapped up ${item}.`, 10000);
  assert.deepEqual(await since(n), [
    { command: 'TERMINATE_INTERACTION_FROM_API', data: item },
    { command: 'SET_DISPOSITION_BY_NAME', item_id: item, name: 'Offer rejected' },
    { command: 'SET_NOTES', item_id: item, notes: 'too expensive' },
    { command: 'COMPLETE_INTERACTION_FROM_API', data: item },
  ]);
  const rows = await logRows(await openPopup(env));
  for (const d of ['Callback', 'Offer rejected']) {
    assert.ok(rows.some((r) => r[1] === 'event INTERACTION_COMPLETED' && r[3] === `completed, disposition ${d}`), `the desktop recorded ${d}: ${JSON.stringify(rows.slice(0, 12))}`);
  }
  await page.bringToFront();
});

test('a disposition not on the list holds Complete and Wrap up, saying why, until the agent\'s settings allow free text', async () => {
  const item = await startCall(page);
  await hangUp();
  await openFields();
  await field().fill('Whatever');
  await expectText(bar().locator('.hint'), 'Choose a disposition from your organization\'s list to complete.');
  assert.equal(await complete().isDisabled(), true);
  assert.equal(await bar().getByRole('button', { name: 'Wrap up', exact: true }).isDisabled(), true);
  assert.equal(await field().getAttribute('aria-invalid'), 'true');
  assert.equal(await complete().getAttribute('aria-describedby'), 'bp-hint', 'the reason is the button\'s description');
  const options = await openOptions(env);
  const allow = options.getByLabel('With a list of dispositions, allow one that is not on it');
  assert.equal(await allow.isDisabled(), false);
  await allow.check();
  await options.getByRole('button', { name: 'Save settings', exact: true }).click();
  await expectText(options.getByRole('status'), 'Saved.');
  await options.close();
  await page.bringToFront();
  for (let i = 0; i < 100 && (await complete().isDisabled()); i++) await page.waitForTimeout(50);
  assert.equal(await complete().isDisabled(), false, 'free text allowed: Complete is back');
  assert.equal(await bar().locator('.hint').evaluate((e) => e.hidden), true, 'and the hint is gone');
  const n = (await received(page)).length;
  await complete().click();
  await expectText(bar().getByRole('status'), `Completed ${item}.`);
  assert.deepEqual(await since(n), [{ command: 'COMPLETE_INTERACTION_WITH_DISPOSITION', item_id: item, code: 'Whatever', notes: '' }]);
});
