// Agent Desktop 2.0: the Communicator Widget (/agent/crmembedded/) on a CRM page that drives it
// with its own brightpattern.AdApi. The toolbar finds the widget, opens its own api-proxy.html,
// and does the agent's job with the widget's packets; the page's adapter keeps working and
// never sees one of ours; what the widget refuses is said; forged packets change nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, trust, login, startCall, expectText, received, openPopup, logRows, channel } from './harness.mjs';

let env, page;
before(async () => {
  ({ env, page } = await setup('crm2.html'));
});
after(async () => env?.close());

const ours = (p) => typeof p === 'object' && /^bpct-/.test(p?.instanceId ?? '');
const asked = async (type) => (await received(page)).filter((p) => ours(p) && p.type === type);

test('the 2.0 widget is found; once trusted the toolbar talks to it through its own proxy', async () => {
  const bar = toolbar(page);
  await expectText(bar.getByLabel('Agent status'), 'Not trusted');
  await bar.getByText(`embeds an Agent Desktop from ${env.tenant}`).waitFor();
  assert.equal(await channel(page).count(), 0, 'no proxy before trust');
  await trust(page, env.tenant);
  await channel(page).waitFor({ state: 'attached' });
  await login(page);
  const logins = await asked('GET_LOGIN_STATE');
  assert.ok(logins.length >= 1, 'Get State asked the login state');
  assert.equal(typeof logins[0].uid, 'string');
  assert.ok(Array.isArray(logins[0].params), 'params is a list');
});

test('an offered call fills the Interaction ID by itself; Get State shows the widget state', async () => {
  const bar = toolbar(page);
  const itemId = await startCall(page);
  await expectText(bar.getByLabel('Interaction ID', { exact: true }), itemId);
  await bar.getByRole('button', { name: 'Get State', exact: true }).click();
  await expectText(bar.getByRole('status'), 'Desktop state: Busy, 1 interaction.');
});

test('Terminate (double-clicked) sends one LEAVE_INTERACTION with the id, and Complete finishes the call', async () => {
  const bar = toolbar(page);
  const itemId = await bar.getByLabel('Interaction ID', { exact: true }).inputValue();
  await bar.getByRole('button', { name: 'Terminate', exact: true }).dblclick();
  await expectText(bar.getByLabel('Agent status'), 'After-call work');
  await expectText(desktop(page).locator(`#items li[data-item-id="${itemId}"]`), `${itemId} 4151234567 wrap_up`);
  assert.deepEqual((await asked('LEAVE_INTERACTION')).map((p) => p.params), [[itemId]]);
  await bar.getByRole('button', { name: 'Complete', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'Ready');
  await expectText(bar.getByLabel('Interaction ID', { exact: true }), '');
  await expectText(bar.getByRole('status'), `Completed ${itemId}.`);
  assert.equal(await desktop(page).locator('#items li').count(), 0);
  assert.deepEqual((await asked('COMPLETE_INTERACTION')).map((p) => p.params), [[itemId]]);
});

test('a Complete the widget refuses (the service requires a disposition) says why and keeps the call', async () => {
  const bar = toolbar(page);
  await desktop(page).getByLabel('Service requires a disposition').check();
  const itemId = await startCall(page);
  await desktop(page).getByRole('button', { name: 'Customer hangs up', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'After-call work');
  await bar.getByRole('button', { name: 'Complete', exact: true }).click();
  await expectText(bar.getByRole('status'), `The desktop refused Complete for ${itemId}: the service requires a disposition first: choose one, then Complete.`);
  await expectText(bar.getByLabel('Interaction ID', { exact: true }), itemId);
  assert.equal(await desktop(page).locator(`#items li[data-item-id="${itemId}"]`).getAttribute('data-state'), 'wrap_up');
  assert.equal(await bar.getByRole('button', { name: 'Complete', exact: true }).isEnabled(), true, 'the agent can try again');
  await desktop(page).getByLabel('Service requires a disposition').uncheck();
  await bar.getByRole('button', { name: 'Complete', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'Ready');
});

test('one-click Wrap up leaves and completes the call', async () => {
  const bar = toolbar(page);
  const itemId = await startCall(page);
  await bar.getByRole('button', { name: 'Wrap up', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'Ready', 10000);
  assert.equal(await desktop(page).locator('#items li').count(), 0);
  assert.deepEqual((await asked('LEAVE_INTERACTION')).filter((p) => p.params[0] === itemId).length, 1);
  assert.deepEqual((await asked('COMPLETE_INTERACTION')).filter((p) => p.params[0] === itemId).length, 1);
});

test("the widget's own dispositions are offered; a service that requires one holds Complete until one from its list is chosen", async () => {
  // A new channel asks the widget's services afresh: the page reloaded (the agent's session
  // outlives it), the service made to require a disposition before the call.
  await page.reload();
  await login(page);
  const bar = toolbar(page);
  await desktop(page).getByLabel('Service requires a disposition').check();
  const itemId = await startCall(page);
  const complete = bar.getByRole('button', { name: 'Complete', exact: true });
  const wrapUp = bar.getByRole('button', { name: 'Wrap up', exact: true });
  const field = bar.getByLabel('Disposition', { exact: true });
  await expectText(bar.locator('.hint'), 'Enter a disposition to complete this interaction.');
  assert.equal(await bar.locator('.hint').evaluate((e) => e.hidden), false, 'said before anything is pressed');
  assert.equal(await complete.isEnabled(), false, 'Complete waits for a disposition');
  assert.equal(await wrapUp.isEnabled(), false, 'so does Wrap up');
  for (let i = 0; i < 50 && (await field.evaluate((e) => e.list?.options.length ?? 0)) !== 3; i++) await page.waitForTimeout(100);
  assert.deepEqual(await field.evaluate((e) => [...e.list.options].map((o) => o.value)), ['Resolved', 'Callback', 'Offer rejected'], "the widget's list, as it gave it");
  assert.deepEqual((await asked('GET_DISPOSITIONS_LIST')).filter((p) => p.params[0]?.interactionId === itemId).length, 1, 'asked once for this call');
  // Something not on the widget's list would be refused by it: not sent.
  await field.fill('Sold');
  await expectText(bar.locator('.hint'), "Choose a disposition from your organization's list to complete.");
  assert.equal(await wrapUp.isEnabled(), false);
  await field.fill('callback');
  for (let i = 0; i < 30 && !(await wrapUp.isEnabled()); i++) await page.waitForTimeout(100);
  await wrapUp.click();
  await expectText(bar.getByLabel('Agent status'), 'Ready', 10000);
  await expectText(bar.getByRole('status'), `Wrapped up ${itemId}.`);
  assert.deepEqual((await asked('SET_DISPOSITION')).filter((p) => p.params[1] === itemId).map((p) => p.params), [['D2', itemId]], "set by the widget's id for it");
  const popup = await openPopup(env);
  const rows = await logRows(popup);
  assert.ok(rows.some((r) => r[1] === 'Dispositions' && r[2] === itemId && r[3] === '3 offered by the desktop'), JSON.stringify(rows.slice(0, 8)));
  assert.ok(rows.some((r) => r[2] === itemId && r[3] === 'completed, disposition Callback'), 'the widget completed it with that disposition');
  await popup.close();
  await page.bringToFront();
  await desktop(page).getByLabel('Service requires a disposition').uncheck();
});

test('the page adapter keeps working and never received a packet of ours', async () => {
  await page.getByRole('button', { name: 'Page adapter: Get agent state' }).click();
  await expectText(page.getByLabel('Page adapter result'), 'state ready');
  assert.ok(Number(await page.getByLabel('Page adapter events').textContent()) > 0, 'the page adapter handled the widget events');
  const seen = await page.getByLabel('Packets the page adapter received').locator('li').allTextContents();
  assert.ok(seen.some((t) => /^ON_AGENT_STATE_CHANGE crm-/.test(t)), `the page adapter got its own events:\n${seen.join('\n')}`);
  assert.deepEqual(seen.filter((t) => /bpct-/.test(t)), [], 'none of ours reached it');
});

test('packets forged by the page (any origin, any source) change nothing', async () => {
  const bar = toolbar(page);
  const forged = await page.evaluate((tenant) => {
    const packet = (id) => ({ uid: 'f1', type: 'ON_NEW_INTERACTION', params: [{ interactionId: id, state: 'delivered', type: 'voice', phoneNumber: '5550000' }] });
    const sources = [window, ...Array.from({ length: window.frames.length }, (_, i) => window.frames[i])];
    for (const source of sources) window.dispatchEvent(new MessageEvent('message', { data: packet('FORGED-EVENT'), origin: tenant, source }));
    window.postMessage(packet('FORGED-POST'), '*');
    return sources.length;
  }, env.tenant);
  assert.ok(forged >= 2);
  await page.waitForTimeout(500);
  await expectText(bar.getByLabel('Interaction ID', { exact: true }), '');
  await expectText(bar.getByLabel('Agent status'), 'Ready');
});

test('a malformed packet from the widget changes nothing; the popup log has the 2.0 steps', async () => {
  const bar = toolbar(page);
  await desktop(page).getByRole('button', { name: 'Send malformed event', exact: true }).click();
  await page.waitForTimeout(300);
  await expectText(bar.getByLabel('Agent status'), 'Ready');
  const popup = await openPopup(env);
  const actions = (await logRows(popup)).map((r) => r[1]);
  for (const a of ['Complete', 'Terminate']) assert.ok(actions.some((x) => x.startsWith(a)), `${a} is logged:\n${actions.join('\n')}`);
  await popup.close();
});
