// Status with reasons: Ready and Not Ready (with a reason from the options) from the toolbar and
// by shortcut; a change counts only when the desktop's STATE_CHANGED (or its state) says so; a
// reason the tenant does not know is reported back; a desktop that never confirms gets a
// visible timeout; on a call, Not Ready waits for the call to be completed (the simulator
// ignores status changes during a call, as a desktop may); a double click sends one command.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, startCall, expectText, received, openPopup, openOptions, logRows, shortcut, optionsList } from './harness.mjs';

let env, page;
before(async () => {
  ({ env, page } = await setup('crm.html', { trusted: true }));
  // The agent's reasons: two the tenant knows, one it does not.
  const options = await openOptions(env);
  for (const reason of ['Lunch', 'Coffee', 'Break']) {
    await options.getByLabel('Reason', { exact: true }).fill(reason);
    await options.getByRole('button', { name: 'Add reason', exact: true }).click();
    await expectText(optionsList(options, 'reason'), new RegExp(reason));
  }
  await options.close();
  await page.bringToFront();
  const d = desktop(page);
  await d.locator('body[data-ready="true"]').waitFor();
  await d.getByRole('button', { name: 'Log in', exact: true }).click();
  await expectText(bar().getByLabel('Agent status'), 'Not ready');
});
after(async () => env?.close());

const bar = () => toolbar(page);
const status = () => bar().getByLabel('Agent status');
const ready = () => bar().getByRole('button', { name: 'Ready', exact: true });
const notReady = () => bar().getByRole('button', { name: 'Not Ready', exact: true });
const afterCall = () => bar().getByRole('button', { name: 'Not Ready after this call', exact: true });
const reason = () => bar().getByLabel('Reason', { exact: true });
const changes = async () => (await received(page)).filter((c) => c.command === 'CHANGE_STATE');
const onDesktop = () => desktop(page).locator('#status').textContent();
/** Presses as an agent does: never within the half second that makes two presses one double click. */
let lastPress = 0;
const press = async (button) => {
  await page.waitForTimeout(Math.max(0, lastPress + 600 - Date.now()));
  await button.click();
  lastPress = Date.now();
};

test('Ready and Not Ready with a reason: sent as setStatus sends them, confirmed by the desktop; a double click sends one', async () => {
  assert.deepEqual(await reason().evaluate((s) => [...s.options].map((o) => o.textContent)), ['Lunch', 'Coffee', 'Break'], 'the reasons from the options, in order');
  const before = (await changes()).length;
  await ready().dblclick();
  lastPress = Date.now();
  await expectText(status(), 'Ready');
  await expectText(bar().getByRole('status'), 'You are Ready.');
  assert.deepEqual((await changes()).slice(before), [{ command: 'CHANGE_STATE', data: { state: 'READY' } }], 'one command for the double click');
  assert.equal(await ready().isDisabled(), true, 'already Ready');
  assert.equal(await onDesktop(), 'ready');

  await reason().selectOption('Break');
  await press(notReady());
  await expectText(status(), 'Not ready: Break');
  await expectText(bar().getByRole('status'), 'You are Not Ready (Break).');
  assert.equal(await onDesktop(), 'not_ready (Break)');
  assert.deepEqual((await changes()).at(-1), { command: 'CHANGE_STATE', data: { state: 'NOT_READY', reason: 'Break' } });
  assert.equal(await notReady().isDisabled(), true, 'already Not Ready for that reason');
  await reason().selectOption('Lunch');
  assert.equal(await notReady().isDisabled(), false, 'another reason is a change');
  await press(notReady());
  await expectText(status(), 'Not ready: Lunch');

  // A reason the tenant does not have: the desktop chooses its own, and the toolbar says so.
  await reason().selectOption('Coffee');
  await press(notReady());
  await expectText(bar().getByRole('status'), 'The desktop set Not Ready without the reason “Coffee”.');
  await expectText(status(), 'Not ready');

  const rows = await logRows(await openPopup(env));
  for (const [action, result] of [['Ready', 'sent'], ['Ready', 'confirmed'], ['Not Ready: Break', 'confirmed'], ['Not Ready: Lunch', 'confirmed'], ['Not Ready: Coffee', 'desktop set no reason']]) {
    assert.ok(rows.some((r) => r[1] === action && r[3].startsWith(result)), `${action}: ${result} in ${JSON.stringify(rows.slice(0, 10))}`);
  }
  await page.bringToFront();
});

test('on a call, Not Ready waits for the call to be completed, then goes; pressed again it is dropped', async () => {
  await press(ready());
  await expectText(status(), 'Ready');
  await startCall(page);
  assert.equal(await ready().isDisabled(), true, 'the desktop makes the agent Ready when the call is completed');
  assert.equal(await afterCall().getAttribute('aria-pressed'), 'false');
  await reason().selectOption('Lunch');
  const before = (await changes()).length;
  await afterCall().dblclick();
  lastPress = Date.now();
  assert.equal(await afterCall().getAttribute('aria-pressed'), 'true', 'kept for after the call, once for the double click');
  await expectText(bar().getByRole('status'), 'Not Ready (Lunch) once this call is completed.');
  await desktop(page).getByRole('button', { name: 'Customer hangs up', exact: true }).click();
  await expectText(status(), 'After-call work');
  assert.deepEqual((await changes()).slice(before), [], 'nothing sent during the call');
  await bar().getByRole('button', { name: 'Complete', exact: true }).click();
  await expectText(status(), 'Not ready: Lunch', 10000);
  assert.deepEqual((await changes()).slice(before), [{ command: 'CHANGE_STATE', data: { state: 'NOT_READY', reason: 'Lunch' } }]);
  assert.equal(await onDesktop(), 'not_ready (Lunch)');

  // Asked for, then taken back: the desktop's Ready after the call stands.
  await press(ready());
  await expectText(status(), 'Ready');
  await startCall(page);
  await press(afterCall());
  await press(afterCall());
  assert.equal(await afterCall().getAttribute('aria-pressed'), 'false');
  await expectText(bar().getByRole('status'), 'No status change after this call.');
  const mid = (await changes()).length;
  await bar().getByRole('button', { name: 'Wrap up', exact: true }).click();
  await expectText(status(), 'Ready', 10000);
  await page.waitForTimeout(500);
  assert.deepEqual((await changes()).slice(mid), []);
});

test('the shortcuts set Ready and Not Ready (with the chosen reason); the popup lists them', async () => {
  const popup = await openPopup(env);
  const names = await popup.locator('dl.shortcuts dd').allTextContents();
  assert.ok(names.includes('Set Ready') && names.includes('Set Not Ready with the chosen reason (after the call, when on one)'), JSON.stringify(names));
  await reason().selectOption('Break');
  assert.equal(await shortcut(env, popup, page, 'not-ready'), true);
  await expectText(status(), 'Not ready: Break');
  assert.equal(await shortcut(env, popup, page, 'ready'), true);
  await expectText(status(), 'Ready');
  await popup.close();
});

test('a desktop that never confirms: the toolbar says the status may not have changed, and lets the agent try again', async () => {
  await desktop(page).getByLabel('Silent (ignore every API command)').check();
  await reason().selectOption('Lunch');
  await press(notReady());
  assert.equal(await notReady().getAttribute('aria-busy'), 'true');
  assert.equal(await ready().isDisabled(), true, 'one change at a time');
  await expectText(bar().getByRole('status'), 'The desktop did not confirm Not Ready (Lunch): your status may not have changed.', 9000);
  await expectText(status(), 'Ready', 100);
  assert.equal(await notReady().isDisabled(), false, 'the agent can try again');
  await desktop(page).getByLabel('Silent (ignore every API command)').uncheck();
  await press(notReady());
  await expectText(status(), 'Not ready: Lunch');
  const rows = await logRows(await openPopup(env));
  assert.ok(rows.some((r) => r[1] === 'Not Ready: Lunch' && r[3].startsWith('not confirmed in 5 s')), JSON.stringify(rows.slice(0, 6)));
  await page.bringToFront();
});
