// One-click wrap-up: Terminate, wait for after-call work, Complete (with disposition and notes
// when given), confirmed by the desktop; a double click sends each command once; a desktop
// that never confirms after-call work stops the sequence with a plain message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, startCall, expectText, received, openPopup, logRows } from './harness.mjs';

let env, page;
before(async () => { ({ env, page } = await setup('crm.html', { trusted: true, loggedIn: true })); });
after(async () => env?.close());

const sent = async (command) => (await received(page)).filter((c) => c.command === command);

test('a double-clicked Wrap up ends the call and leaves after-call work, each command sent once', async () => {
  const bar = toolbar(page);
  const item = await startCall(page);
  await bar.getByRole('button', { name: 'Wrap up', exact: true }).dblclick();
  await expectText(bar.getByRole('status'), `Wrapped up ${item}.`);
  await expectText(bar.getByLabel('Agent status'), 'Ready');
  await expectText(bar.getByLabel('Interaction ID', { exact: true }), '');
  assert.deepEqual(await sent('TERMINATE_INTERACTION_FROM_API'), [{ command: 'TERMINATE_INTERACTION_FROM_API', data: item }]);
  assert.deepEqual(await sent('COMPLETE_INTERACTION_FROM_API'), [{ command: 'COMPLETE_INTERACTION_FROM_API', data: item }]);
  assert.equal(await desktop(page).locator('#items li').count(), 0);
});

test('disposition and notes go with the completion', async () => {
  const bar = toolbar(page);
  await desktop(page).getByRole('button', { name: 'Ready', exact: true }).click();
  const item = await startCall(page);
  await bar.getByText('Disposition and notes').click();
  await bar.getByLabel('Disposition').fill('Resolved');
  await bar.getByLabel('Notes').fill('Replaced the router; <b>no</b> markup here.');
  await bar.getByRole('button', { name: 'Wrap up', exact: true }).click();
  await expectText(bar.getByRole('status'), `Wrapped up ${item}.`);
  assert.deepEqual(await sent('COMPLETE_INTERACTION_WITH_DISPOSITION'), [
    { command: 'COMPLETE_INTERACTION_WITH_DISPOSITION', item_id: item, code: 'Resolved', notes: 'Replaced the router; <b>no</b> markup here.' },
  ]);
  const popup = await openPopup(env);
  const rows = await logRows(popup);
  assert.ok(rows.some((r) => r[1] === 'event INTERACTION_COMPLETED' && r[2] === item && r[3] === 'completed, disposition Resolved'));
  assert.ok(rows.some((r) => r[1] === 'Wrap up' && r[2] === item && r[3] === 'done' && /^\d+ ms$/.test(r[4])));
  await popup.close();
});

test('a desktop that never confirms after-call work: the wrap-up stops and nothing more is sent', async () => {
  const bar = toolbar(page);
  const item = await startCall(page);
  await desktop(page).getByLabel(/Silent/).check();
  const completesBefore = (await sent('COMPLETE_INTERACTION_FROM_API')).length;
  await bar.getByRole('button', { name: 'Wrap up', exact: true }).click();
  await expectText(bar.getByRole('status'), `Wrap-up of ${item} stopped: the desktop did not confirm after-call work. Nothing more was sent; check the desktop.`, 8000);
  const terminates = (await sent('TERMINATE_INTERACTION_FROM_API')).filter((c) => c.data === item);
  assert.equal(terminates.length, 1);
  assert.equal((await sent('COMPLETE_INTERACTION_FROM_API')).length, completesBefore, 'no Complete after an unconfirmed Terminate');
  assert.equal(await bar.getByRole('button', { name: 'Wrap up', exact: true }).isEnabled(), true);
  await desktop(page).getByLabel(/Silent/).uncheck();
});
