// Recording pause for card payments: Pause recording (a toggle) sends MUTE_CALL_RECORDING for the
// current call and counts as paused only when the desktop's flat call_recording_status says so;
// the recording's state is on the toolbar for the whole call, collapsed too; a desktop that never
// confirms gets "may not be paused" in plain words (and is asked); a double click sends one
// command; with the setting on, Wrap up and Complete wait for Resume.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, startCall, expectText, received, openPopup, openOptions, logRows, shortcut } from './harness.mjs';

let env, page;
before(async () => { ({ env, page } = await setup('crm.html', { trusted: true, loggedIn: true })); });
after(async () => env?.close());

const sent = async (command) => (await received(page)).filter((c) => c.command === command);
const bar = () => toolbar(page);
/** The recording's state in the toolbar's head. */
const rec = () => bar().locator('.rec');
/** Whether the recording's state takes room on the screen (not hidden, not collapsed away). */
const recShown = () => rec().evaluate((e) => e.getClientRects().length > 0);
const toggle = () => bar().getByRole('button', { name: 'Pause recording', exact: true });
/** The recording as the desktop itself has it (its page lists each call's). */
const onDesktop = (item) => desktop(page).locator(`#items li[data-item-id="${item}"]`).getAttribute('data-recording');
/** Presses the toggle as an agent does: never within the half second that makes two presses one
 *  double click (whose second click the toolbar does not count). */
let lastPress = 0;
const press = async () => {
  await page.waitForTimeout(Math.max(0, lastPress + 600 - Date.now()));
  // Not while the toolbar is still being placed (it grows when a call starts): a click there
  // can land beside the toggle on a loaded machine.
  await settled();
  await toggle().click();
  lastPress = Date.now();
};
/** Waits until the toolbar stops moving (it is placed again after it grows back from collapsed). */
const settled = async () => {
  let last = '';
  for (let i = 0; i < 40; i++) {
    const box = JSON.stringify(await toggle().boundingBox());
    if (box === last) return;
    last = box;
    await page.waitForTimeout(100);
  }
};
const hangUpAndWrap = async () => {
  await desktop(page).getByRole('button', { name: 'Customer hangs up', exact: true }).click();
  await expectText(bar().getByLabel('Agent status'), 'After-call work');
  await bar().getByRole('button', { name: 'Complete', exact: true }).click();
  await expectText(bar().getByLabel('Agent status'), 'Ready', 10000);
};

test('a double-clicked Pause recording pauses once, confirmed by the desktop; pressed again it resumes', async () => {
  await desktop(page).getByRole('button', { name: 'Ready', exact: true }).click();
  assert.equal(await recShown(), false, 'no recording state without a call');
  const item = await startCall(page);
  await expectText(rec(), '● Recording');
  assert.equal(await toggle().getAttribute('aria-pressed'), 'false');
  await toggle().dblclick();
  lastPress = Date.now();
  await expectText(rec(), '❚❚ Recording paused');
  await expectText(bar().getByRole('status'), 'Recording paused.');
  assert.equal(await toggle().getAttribute('aria-pressed'), 'true', 'the toggle is pressed while paused');
  assert.equal(await rec().getAttribute('title'), 'The recording of this call is paused.');
  assert.equal(await onDesktop(item), 'paused');
  assert.deepEqual(await sent('MUTE_CALL_RECORDING'), [{ command: 'MUTE_CALL_RECORDING', item_id: item }]);
  assert.deepEqual(await sent('UNMUTE_CALL_RECORDING'), [], 'the second click of the double click resumed nothing');
  // Collapsed, the toolbar still says so.
  await bar().getByRole('button', { name: 'Collapse toolbar' }).click();
  await expectText(rec(), '❚❚ Recording paused');
  assert.equal(await recShown(), true);
  await bar().getByRole('button', { name: 'Expand toolbar' }).click();
  await settled();
  await press();
  await expectText(rec(), '● Recording');
  assert.equal(await toggle().getAttribute('aria-pressed'), 'false');
  assert.equal(await onDesktop(item), 'on');
  assert.deepEqual(await sent('UNMUTE_CALL_RECORDING'), [{ command: 'UNMUTE_CALL_RECORDING', item_id: item }]);
  const rows = await logRows(await openPopup(env));
  for (const [action, result] of [['Pause recording', 'sent'], ['Pause recording', 'confirmed: paused'], ['Resume recording', 'confirmed: resumed']]) {
    assert.ok(rows.some((r) => r[1] === action && r[2] === item && r[3].startsWith(result)), `${action}: ${result} in ${JSON.stringify(rows.slice(0, 8))}`);
  }
  await hangUpAndWrap();
  assert.equal(await recShown(), false, 'gone with the call');
});

test('the recording shortcut pauses and resumes the current call', async () => {
  const item = await startCall(page);
  await expectText(rec(), '● Recording');
  const popup = await openPopup(env);
  assert.equal(await shortcut(env, popup, page, 'recording'), true, 'the background\'s listener ran');
  await expectText(rec(), '❚❚ Recording paused');
  await page.waitForTimeout(600);
  await shortcut(env, popup, page, 'recording');
  await expectText(rec(), '● Recording');
  assert.deepEqual([...await sent('MUTE_CALL_RECORDING'), ...await sent('UNMUTE_CALL_RECORDING')].filter((c) => c.item_id === item).map((c) => c.command), ['MUTE_CALL_RECORDING', 'UNMUTE_CALL_RECORDING']);
  await popup.close();
  await hangUpAndWrap();
});

test('a desktop that never confirms: the toolbar says the recording may not be paused, and asks', async () => {
  const item = await startCall(page);
  await expectText(rec(), '● Recording');
  await desktop(page).getByLabel('Recording changes unconfirmed').check();
  await press();
  await expectText(bar().getByRole('status'), 'Pausing the recording…');
  // Not shown as paused while the desktop has not said so.
  for (const end = Date.now() + 1000; Date.now() < end; await page.waitForTimeout(100)) assert.equal(await rec().textContent(), '● Recording');
  await expectText(rec(), '⚠ May not be paused', 8000);
  await expectText(bar().getByRole('status'), 'The desktop did not confirm the pause in 5 s: the recording may not be paused.');
  assert.equal(await rec().getAttribute('title'), 'The desktop did not confirm the pause: the recording may not be paused.');
  assert.deepEqual(await sent('CALL_RECORDING_STATUS'), [{ command: 'CALL_RECORDING_STATUS', item_id: item }], 'the toolbar asked the desktop');
  assert.equal(await toggle().getAttribute('aria-pressed'), 'false', 'not shown as paused');
  // The desktop answers again: pressing again pauses, and this time it says so.
  await desktop(page).getByLabel('Recording changes unconfirmed').uncheck();
  await press();
  await expectText(rec(), '❚❚ Recording paused');
  assert.equal((await sent('MUTE_CALL_RECORDING')).filter((c) => c.item_id === item).length, 2, 'pressed twice, sent twice');
  await press();
  await expectText(rec(), '● Recording');
  await hangUpAndWrap();
});

test('with Resume required, Wrap up and Complete wait while the recording is paused, and say why', async () => {
  const options = await openOptions(env);
  await options.getByLabel('Wrap up and Complete wait while the call recording is paused').check();
  await options.getByRole('button', { name: 'Save settings', exact: true }).click();
  await expectText(options.getByRole('status'), 'Saved.');
  await options.close();
  const item = await startCall(page);
  await press();
  await expectText(rec(), '❚❚ Recording paused');
  const wrap = bar().getByRole('button', { name: 'Wrap up', exact: true });
  assert.equal(await wrap.isDisabled(), true);
  assert.equal(await bar().getByRole('button', { name: 'Complete', exact: true }).isDisabled(), true);
  await expectText(bar().locator('.resume-hint'), 'Resume the recording before wrapping up.');
  assert.equal(await wrap.getAttribute('aria-describedby'), 'bp-resume-hint', 'the reason is the button\'s description');
  await press();
  await expectText(rec(), '● Recording');
  assert.equal(await wrap.isDisabled(), false);
  assert.equal(await wrap.getAttribute('aria-describedby'), null);
  await wrap.click();
  await expectText(bar().getByRole('status'), `Wrapped up ${item}.`);
  assert.deepEqual((await sent('TERMINATE_INTERACTION_FROM_API')).at(-1), { command: 'TERMINATE_INTERACTION_FROM_API', data: item });
});
