// The agent's whole job on a CRM page: trust the tenant, see the state, get the item_id without
// copying it, Terminate, Complete; with the popup log as the record.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, trust, login, startCall, expectText, received, openPopup, logRows, channel } from './harness.mjs';

let env, page;
before(async () => {
  ({ env, page } = await setup('crm.html'));
});
after(async () => env?.close());

test('untrusted tenant: the toolbar names the origin and sends nothing until trusted', async () => {
  const bar = toolbar(page);
  await expectText(bar.getByLabel('Agent status'), 'Not trusted');
  await bar.getByText(`embeds an Agent Desktop from ${env.tenant}`).waitFor();
  await page.waitForTimeout(300);
  assert.equal(await channel(page).count(), 0, 'no proxy iframe before trust');
  assert.deepEqual(await received(page), []);
  await trust(page, env.tenant);
  // Logged out: the desktop stays silent, the toolbar keeps asking and says so.
  await channel(page).waitFor({ state: 'attached' });
  await desktop(page).locator('#received li').first().waitFor();
  const sent = await received(page);
  assert.equal(sent[0].command, 'GET_STATE');
  assert.ok(Number(sent[0].request_id) >= 1e9, 'request ids stay clear of the page SDK counter');
});

test('login shows the status; an offered call fills the Interaction ID by itself', async () => {
  const bar = toolbar(page);
  await login(page);
  assert.equal(await bar.getByRole('button', { name: 'Terminate', exact: true }).isDisabled(), true, 'no item: Terminate disabled');
  assert.equal(await bar.getByRole('button', { name: 'Complete', exact: true }).isDisabled(), true, 'no item: Complete disabled');
  const itemId = await startCall(page);
  await expectText(bar.getByLabel('Interaction ID', { exact: true }), itemId);
  assert.equal(await bar.getByRole('button', { name: 'Terminate', exact: true }).isEnabled(), true);
  assert.match(await bar.getByRole('button', { name: 'Wrap up', exact: true }).getAttribute('class'), /primary/, 'one-click wrap-up is the obvious step');
});

test('Get State shows the fresh state', async () => {
  const bar = toolbar(page);
  await bar.getByRole('button', { name: 'Get State', exact: true }).click();
  await expectText(bar.getByRole('status'), 'Desktop state: Busy, 1 interaction.');
});

test('Terminate (double-clicked) sends one command and leads to after-call work with Complete primary', async () => {
  const bar = toolbar(page);
  const itemId = await bar.getByLabel('Interaction ID', { exact: true }).inputValue();
  await bar.getByRole('button', { name: 'Terminate', exact: true }).dblclick();
  await expectText(bar.getByLabel('Agent status'), 'After-call work');
  await expectText(desktop(page).locator(`#items li[data-item-id="${itemId}"]`), `${itemId} 4151234567 acw`);
  const terminates = (await received(page)).filter((c) => c.command === 'TERMINATE_INTERACTION_FROM_API');
  assert.deepEqual(terminates, [{ command: 'TERMINATE_INTERACTION_FROM_API', data: itemId }]);
  assert.match(await bar.getByRole('button', { name: 'Complete', exact: true }).getAttribute('class'), /primary/);
  assert.equal(await bar.getByRole('button', { name: 'Terminate', exact: true }).isDisabled(), true);
});

test('Complete wraps the call up: the desktop is ready and the field empties', async () => {
  const bar = toolbar(page);
  const itemId = await bar.getByLabel('Interaction ID', { exact: true }).inputValue();
  await bar.getByRole('button', { name: 'Complete', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'Ready');
  await expectText(bar.getByLabel('Interaction ID', { exact: true }), '');
  await expectText(bar.getByRole('status'), `Completed ${itemId}.`);
  assert.equal(await desktop(page).locator('#items li').count(), 0);
  const completes = (await received(page)).filter((c) => c.command === 'COMPLETE_INTERACTION_FROM_API');
  assert.deepEqual(completes, [{ command: 'COMPLETE_INTERACTION_FROM_API', data: itemId }]);
});

test('the popup log has every step, newest first, as text', async () => {
  const popup = await openPopup(env);
  const rows = await logRows(popup);
  const actions = rows.map((r) => `${r[1]}|${r[3]}`);
  // Each step is there (an index of -1 would make every comparison below meaningless)…
  const idx = (s) => {
    const i = actions.findIndex((a) => a.startsWith(s));
    assert.ok(i >= 0, `${s} is logged:\n${actions.join('\n')}`);
    return i;
  };
  // …and newest first: the completion, its sending, the termination, the capture, the login, trust.
  const order = ['Complete|confirmed', 'Complete|sent', 'Terminate|confirmed', 'Terminate|sent', 'event INTERACTION_RENDERED|item_id captured', 'event LOGIN_CHANGED', 'Trust|tenant trusted by the agent', 'Trust|confirmation asked'].map(idx);
  assert.deepEqual(order, [...order].sort((a, b) => a - b), actions.join('\n'));
  const latency = rows.find((r) => r[1] === 'Complete' && r[3].startsWith('confirmed'))[4];
  assert.match(latency, /^\d+ ms$/);
  await popup.close();
});
