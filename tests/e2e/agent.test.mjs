// What an agent meets on a shift besides the happy path: a silent desktop, several
// interactions, the customer hanging up first, a Complete the desktop never confirms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, trust, login, startCall, expectText, received, channel } from './harness.mjs';

let env, page;
before(async () => {
  // Interactions with their phone numbers and services (the picker shows them); the minimal
  // payloads a real desktop may send instead are sim.test.mjs's.
  ({ env, page } = await setup('crm.html', { trusted: true, sim: { minimalPayloads: false } }));
});
after(async () => env?.close());

test('logged out, the desktop is silent: Get State says so in words within 3 s', async () => {
  const bar = toolbar(page);
  await channel(page).waitFor({ state: 'attached' });
  await page.waitForTimeout(200);
  const t0 = Date.now();
  await bar.getByRole('button', { name: 'Get State', exact: true }).click();
  await expectText(bar.getByRole('status'), 'No reply from the Agent Desktop in 3 s. Is the agent logged in?', 4500);
  const waited = Date.now() - t0;
  assert.ok(waited >= 2900, `not before the 3 s are up (shown after ${waited} ms)`);
});

test('several interactions: the newest is current, the agent can pick another', async () => {
  const bar = toolbar(page);
  await login(page);
  const first = await startCall(page);
  await desktop(page).getByLabel('Caller').fill('2125550100');
  await desktop(page).getByRole('button', { name: 'Offer call', exact: true }).click();
  const second = await desktop(page).locator('#items li').nth(1).getAttribute('data-item-id');
  await expectText(bar.getByLabel('Interaction ID', { exact: true }), second);
  const picker = bar.getByLabel('Interactions');
  assert.deepEqual(await picker.locator('option').allTextContents(), [
    'Choose an interaction…',
    `4151234567, Maintenance Renewal (${first})`,
    `2125550100, Maintenance Renewal (${second})`,
  ]);
  await picker.selectOption(first);
  await expectText(bar.getByLabel('Interaction ID', { exact: true }), first);
  await bar.getByRole('button', { name: 'Terminate', exact: true }).click();
  await expectText(desktop(page).locator(`#items li[data-item-id="${first}"]`), /acw$/);
  const terminated = (await received(page)).filter((c) => c.command === 'TERMINATE_INTERACTION_FROM_API');
  assert.deepEqual(terminated, [{ command: 'TERMINATE_INTERACTION_FROM_API', data: first }]);
});

test('a Complete the desktop does not confirm shows a plain message after 5 s', async () => {
  const bar = toolbar(page);
  await desktop(page).getByLabel(/Silent/).check();
  const item = await bar.getByLabel('Interaction ID', { exact: true }).inputValue();
  await bar.getByRole('button', { name: 'Complete', exact: true }).click();
  await expectText(bar.getByRole('status'), `The desktop did not confirm Complete of ${item} within 5 s. Check the Interaction ID, then press Get State.`, 7000);
  assert.equal(await bar.getByRole('button', { name: 'Complete', exact: true }).isEnabled(), true, 'the agent can try again');
  await desktop(page).getByLabel(/Silent/).uncheck();
});

test('the customer hangs up first: Complete becomes the next step', async () => {
  const bar = toolbar(page);
  await desktop(page).getByRole('button', { name: 'Log out', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'Logged out');
  await login(page);
  const item = await startCall(page);
  await desktop(page).getByRole('button', { name: 'Customer hangs up', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'After-call work');
  assert.equal(await bar.getByRole('button', { name: 'Terminate', exact: true }).isDisabled(), true);
  assert.match(await bar.getByRole('button', { name: 'Complete', exact: true }).getAttribute('class'), /primary/);
  await bar.getByRole('button', { name: 'Complete', exact: true }).click();
  await expectText(bar.getByRole('status'), `Completed ${item}.`);
});
