// The simulator's switches, each where the reference is silent and a real desktop may well be
// harder than the easy case (tests/sim/tenant/desktop.js and proxy.js list them): the toolbar
// copes with each setting. The defaults (replies to every proxy, a session that outlives a
// reload, a little latency, status events only on change, minimal payloads, the flat recording
// status) are what the rest of the suite runs against; here each one is turned on its own.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, startCall, login, expectText, received, openPopup, logRows } from './harness.mjs';

const envs = [];
after(async () => { for (const e of envs) await e.close(); });
async function start(file, sim, opts = { trusted: true, loggedIn: true }) {
  const r = await setup(file, { ...opts, sim });
  envs.push(r.env);
  return r;
}
const closeAll = async () => { while (envs.length) await envs.pop().close(); };

test('a session that outlives a reload: the CRM page reloaded mid-call shows the call again, and Terminate works', async () => {
  const { page } = await start('crm.html', { persistentSession: true });
  const bar = toolbar(page);
  const item = await startCall(page);
  await page.reload();
  // No Log in this time: the desktop still has the agent, mid-call; the new toolbar asks for
  // the state and finds the call.
  await expectText(bar.getByLabel('Agent status'), 'Busy', 10000);
  await expectText(bar.getByLabel('Interaction ID', { exact: true }), item);
  await bar.getByRole('button', { name: 'Terminate', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'After-call work');
  assert.deepEqual((await received(page)).filter((c) => c.command === 'TERMINATE_INTERACTION_FROM_API'), [{ command: 'TERMINATE_INTERACTION_FROM_API', data: item }]);
  await closeAll();
});

test('a session that does not outlive a reload: the agent is logged out after it', async () => {
  const { page } = await start('crm.html', { persistentSession: false });
  await startCall(page);
  await page.reload();
  await expectText(desktop(page).locator('#status'), 'Logged out');
  // The toolbar asks, gets no answer (a logged-out desktop is silent) and says so; no call shows.
  await expectText(toolbar(page).getByRole('status'), 'Waiting for the Agent Desktop: log in to it if you have not.', 10000);
  assert.equal(await toolbar(page).getByLabel('Interaction ID', { exact: true }).inputValue(), '');
  await closeAll();
});

test('a slow desktop (1.5 to 2 s a reply): Get State, Terminate and Complete still succeed', async () => {
  const { page } = await start('crm.html', { latency: [1500, 2000] }, { trusted: true });
  const bar = toolbar(page);
  await desktop(page).getByRole('button', { name: 'Log in', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'Not ready', 10000);
  await desktop(page).getByRole('button', { name: 'Offer call', exact: true }).click();
  await desktop(page).locator('#items li').first().waitFor();
  const item = await desktop(page).locator('#items li').first().getAttribute('data-item-id');
  await desktop(page).getByRole('button', { name: 'Answer', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'Busy', 10000);
  const t0 = Date.now();
  await bar.getByRole('button', { name: 'Get State', exact: true }).click();
  await expectText(bar.getByRole('status'), 'Desktop state: Busy, 1 interaction.', 6000);
  assert.ok(Date.now() - t0 >= 1400, 'answered after the desktop took its time');
  await bar.getByRole('button', { name: 'Wrap up', exact: true }).click();
  await expectText(bar.getByRole('status'), `Wrapped up ${item}.`, 15000);
  await closeAll();
});

test('replies after our timeout: the toolbar says so, then takes the late reply', async () => {
  const { page } = await start('crm.html', { latency: [3500, 3600] }, { trusted: true });
  const bar = toolbar(page);
  await desktop(page).getByRole('button', { name: 'Log in', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'Not ready', 15000);
  await page.waitForTimeout(4000); // the automatic requests settle
  await bar.getByRole('button', { name: 'Get State', exact: true }).click();
  await expectText(bar.getByRole('status'), 'No reply from the Agent Desktop in 3 s. Is the agent logged in?', 5000);
  const popup = await openPopup(envs[envs.length - 1]);
  let rows = [];
  for (let i = 0; i < 50 && !rows.some((r) => r[1] === 'Get State (late reply)'); i++) { rows = await logRows(popup); await popup.waitForTimeout(100); }
  assert.ok(rows.some((r) => r[1] === 'Get State' && r[3] === 'no reply in 3 s'), 'the timeout is logged');
  assert.ok(rows.some((r) => r[1] === 'Get State (late reply)'), 'the late reply is logged as late');
  await closeAll();
});

test('a late proxy (it drops what it is sent for 2.5 s after loading): the toolbar asks again and goes live', async () => {
  const { page } = await start('crm.html', { proxyReadyAfter: 2500 });
  const bar = toolbar(page);
  // The agent is logged in and stays so across the reload: no LOGIN_CHANGED comes to prompt a
  // new request; only the toolbar's own retries can find the state once the proxy listens.
  const asked = async () => (await received(page)).filter((c) => c.command === 'GET_STATE').length;
  await page.reload();
  await page.locator('bp-call-toolbar[data-live="true"]').waitFor({ state: 'attached', timeout: 20000 });
  await expectText(bar.getByLabel('Agent status'), 'Not ready');
  assert.ok(await asked() >= 1, 'answered once the proxy listened');
  await closeAll();
});

test('status events only on change, the agent staying in after-call work: a second call terminated there is confirmed for it alone', async () => {
  const { page } = await start('crm.html', { quietState: true, acwSticky: true });
  const bar = toolbar(page);
  const first = await startCall(page);
  await desktop(page).getByRole('button', { name: 'Customer hangs up', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'After-call work');
  // A second call while the first is in after-call work: the status stays after_call_work.
  await desktop(page).getByRole('button', { name: 'Offer call', exact: true }).click();
  await desktop(page).locator('#items li').nth(1).waitFor();
  const second = await desktop(page).locator('#items li').nth(1).getAttribute('data-item-id');
  await desktop(page).getByRole('button', { name: 'Answer', exact: true }).click();
  await expectText(bar.getByLabel('Interaction ID', { exact: true }), second);
  await bar.getByRole('button', { name: 'Terminate', exact: true }).click();
  await expectText(bar.getByRole('status'), `Terminated ${second}. After-call work: press Complete when done.`, 8000);
  const popup = await openPopup(envs[envs.length - 1]);
  const confirmed = (await logRows(popup)).filter((r) => r[1] === 'Terminate' && r[3].startsWith('confirmed'));
  assert.deepEqual(confirmed.map((r) => r[2]), [second], `confirmed for the second call only (the first: ${first})`);
  await closeAll();
});

test('minimal payloads (only item_id and screenpop_data): the item is captured and the picker shows the ids', async () => {
  const { page } = await start('crm.html', { minimalPayloads: true });
  const bar = toolbar(page);
  const first = await startCall(page);
  await desktop(page).getByRole('button', { name: 'Offer call', exact: true }).click();
  const second = await desktop(page).locator('#items li').nth(1).getAttribute('data-item-id');
  await expectText(bar.getByLabel('Interaction ID', { exact: true }), second);
  const picker = bar.getByLabel('Interactions').locator('option');
  let options;
  for (let i = 0; i < 100; i++) {
    options = await picker.allTextContents();
    if (options.length === 3) break;
    await page.waitForTimeout(50);
  }
  assert.deepEqual(options, ['Choose an interaction…', first, second]);
  await closeAll();
});

test('the flat, lower-case call_recording_status: a desktop event like any other, nothing counted against it', async () => {
  for (const recordingStatus of [true, false]) {
    const { env, page } = await start('crm.html', { recordingStatus });
    await startCall(page);
    const popup = await openPopup(env);
    await page.waitForTimeout(500);
    const rows = await logRows(popup);
    assert.equal(rows.some((r) => r[1] === 'event CALL_RECORDING_STATUS'), recordingStatus, `recordingStatus ${recordingStatus}`);
    assert.equal(await toolbar(page).getByText(/ignored/).count(), 0);
    await closeAll();
  }
});

test('a desktop that announces transfers (_BLIND_TRANSFER before the call ends): the event is logged for its call, and the transfer is confirmed once', async () => {
  const { env, page } = await start('crm.html', { transferEvent: true });
  const bar = toolbar(page);
  const item = await startCall(page);
  await bar.getByRole('textbox', { name: 'Number' }).fill('1020');
  await bar.getByRole('button', { name: 'Transfer', exact: true }).click();
  await page.waitForTimeout(600);
  await bar.getByRole('button', { name: 'Confirm transfer', exact: true }).click();
  await expectText(bar.getByRole('status'), 'Call transferred to 1020.');
  await expectText(bar.getByLabel('Agent status'), 'After-call work');
  // Newest first, each for the call.
  const rows = (await logRows(await openPopup(env))).filter((r) => /_BLIND_TRANSFER|_CALL_ENDED|^Transfer to/.test(r[1]));
  assert.deepEqual(rows.map((r) => [r[1], r[2], r[3]]), [
    ['event _CALL_ENDED', item, 'received'],
    ['Transfer to 1020', item, 'confirmed: call transferred'],
    ['event _BLIND_TRANSFER', item, 'received'],
    ['Transfer to 1020', item, 'sent'],
  ]);
  await closeAll();
});
