// The side panel: the desktop tab's toolbar, live, above the log, acting through that tab from
// wherever the agent is. Driven as a page (the panel's own document, opened in a tab of its
// own), with the desktop tab elsewhere: the state, the item_id and every result show in the
// panel; a control pressed there is pressed once in the desktop tab's toolbar, which sends it,
// logs it and shows it; the desktop tab reloaded or closed, the panel says so within a second
// and offers nothing, and comes back by itself with the desktop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, startCall, expectText, received, trust, login, logRows } from './harness.mjs';

let env, page, panel;
before(async () => {
  ({ env, page } = await setup('crm.html', { trusted: true, loggedIn: true }));
  panel = await env.context.newPage();
  await panel.goto(env.popupUrl.replace('popup.html', 'sidepanel.html'));
  await panel.locator('body[data-ready="true"]').waitFor();
});
after(async () => env?.close());

const sent = async (command) => (await received(page)).filter((c) => c.command === command);
const live = () => panel.locator('#live');
const status = () => live().getByLabel('Agent status');
const button = (name) => live().getByRole('button', { name, exact: true });
const LIVE_OR_READY = /^(Ready|Not ready)$/;
const visible = (locator) => locator.evaluate((e) => !e.closest('[hidden]')).catch(() => false);

test('the panel repeats the desktop tab: status, page, agent and the item_id of a call', async () => {
  await expectText(status(), 'Not ready');
  await expectText(live().locator('.where'), /^127\.0\.0\.1:\d+ · agent \S+$|^localhost:\d+ · agent \S+$/);
  const item = await startCall(page);
  await expectText(status(), 'Busy');
  await expectText(live().getByLabel('Interaction ID'), item);
  assert.equal(await visible(button('Wrap up')), true);
  assert.equal(await button('Wrap up').isDisabled(), false);
  assert.equal(await visible(button('Ready')), true, 'the status controls come along');
});

test('Wrap up pressed in the panel ends the call once; both the panel and the toolbar show it, the log has it', async () => {
  const item = await live().getByLabel('Interaction ID').evaluate((e) => e.value);
  assert.ok(item);
  await button('Wrap up').dblclick();
  await expectText(toolbar(page).getByRole('status'), `Wrapped up ${item}.`, 8000);
  await expectText(live().getByRole('status'), `Wrapped up ${item}.`);
  await expectText(status(), 'Ready');
  await expectText(live().getByLabel('Interaction ID'), '');
  assert.deepEqual(await sent('TERMINATE_INTERACTION_FROM_API'), [{ command: 'TERMINATE_INTERACTION_FROM_API', data: item }]);
  assert.deepEqual(await sent('COMPLETE_INTERACTION_FROM_API'), [{ command: 'COMPLETE_INTERACTION_FROM_API', data: item }]);
  assert.equal(await desktop(page).locator('#items li').count(), 0);
  const rows = (await logRows(panel)).filter((r) => r[1] === 'Wrap up' && r[2] === item).map((r) => r[3]);
  assert.deepEqual(rows, ['done', 'started'], 'logged once, by the desktop tab\'s toolbar');
});

test('after-call work shows its timer in the panel', async () => {
  const item = await startCall(page);
  await expectText(live().getByLabel('Interaction ID'), item);
  await button('Terminate').click();
  await expectText(status(), 'After-call work', 8000);
  await expectText(live().getByRole('timer'), /^After-call work 0:0\d$/);
  await button('Complete').click();
  await expectText(status(), 'Ready', 8000);
  assert.equal(await visible(live().getByRole('timer')), false);
  assert.equal((await sent('COMPLETE_INTERACTION_FROM_API')).filter((c) => c.data === item).length, 1);
});

// The panel records each of its own changes as it happens (a mutation observer: not slowed in a
// tab in the background): what it said, what it offered, and when. Kept in the DOM: the harness
// may run each script in a scope of its own.
const watchPanel = () => panel.evaluate(() => {
  const seen = [];
  const look = () => {
    seen.push({
      at: Date.now(),
      status: document.querySelector('#live .pill')?.textContent,
      shown: [...document.querySelectorAll('#live .controls button')].filter((b) => !b.hidden).map((b) => b.textContent),
    });
    document.documentElement.dataset.seen = JSON.stringify(seen);
  };
  new MutationObserver(look).observe(document.querySelector('#live'), { subtree: true, childList: true, characterData: true, attributes: true });
});
const panelSaw = async () => JSON.parse(await panel.evaluate(() => document.documentElement.dataset.seen ?? '[]'));

test('the desktop tab navigated to a page without the desktop: the panel says so within a second, offers nothing, and resumes when the desktop is back', async () => {
  await expectText(status(), LIVE_OR_READY);
  await watchPanel();
  const t0 = Date.now();
  await page.goto(`${env.crm}/plain.html`);
  await expectText(status(), 'No desktop', 3000);
  const seen = await panelSaw();
  const gone = seen.find((s) => s.status === 'No desktop');
  assert.deepEqual(gone.shown, [], 'no desktop, nothing to press');
  assert.ok(gone.at - t0 < 1000, `the panel noticed in ${gone.at - t0} ms`);
  await page.goto(`${env.crm}/crm.html`);
  await login(page);
  await expectText(status(), LIVE_OR_READY, 10000);
  assert.equal(await visible(button('Wrap up')), true);
});

test('the desktop tab reloaded: the panel says so within a second, then resumes with the desktop', async () => {
  await expectText(status(), 'Ready');
  await watchPanel();
  const t0 = Date.now();
  await page.reload();
  // The desktop's session outlives the reload: the toolbar comes back live, and so does the panel.
  await login(page);
  await expectText(status(), 'Ready', 10000);
  const seen = await panelSaw();
  const gone = seen.find((s) => s.status === 'No desktop');
  assert.ok(gone, `the panel said the desktop was gone (it said ${JSON.stringify(seen.map((s) => s.status))})`);
  assert.deepEqual(gone.shown, [], 'no desktop, nothing to press');
  assert.ok(gone.at - t0 < 1000, `the panel noticed in ${gone.at - t0} ms`);
  assert.ok(seen.slice(seen.indexOf(gone)).some((s) => s.status === 'Ready' && s.shown.includes('Wrap up')), 'and resumed by itself');
});

test('the desktop tab closed: the panel has no desktop and sends nothing; a new desktop tab takes over', async () => {
  await page.close();
  await expectText(status(), 'No desktop', 3000);
  assert.equal(await visible(live().getByText(/^No desktop tab\./)), true);
  page = await env.context.newPage();
  await page.goto(`${env.crm}/crm.html`);
  await trust(page, env.tenant).catch(() => {});
  await login(page);
  await expectText(status(), LIVE_OR_READY, 10000);
  await expectText(live().locator('.where'), /· agent /);
});

