// The side panel: the desktop tab's toolbar, live, above the log, acting through that tab from
// wherever the agent is. Driven as a page (the panel's own document, opened in a tab of its
// own), with the desktop tab elsewhere: the state, the item_id and every result show in the
// panel; a control pressed there is pressed once in the desktop tab's toolbar, which sends it,
// logs it and shows it; the desktop tab reloaded or closed, the panel says so within a second
// and offers nothing, and comes back by itself with the desktop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BROWSER, setup, toolbar, desktop, startCall, expectText, received, trust, login, logRows, openPopup, inExtension, stopWorker } from './harness.mjs';

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
  await watchPanel();
  await button('Wrap up').dblclick();
  await expectText(toolbar(page).getByRole('status'), `Wrapped up ${item}.`, 8000);
  await expectText(live().getByRole('status'), `Wrapped up ${item}.`);
  await expectText(status(), 'Ready');
  await expectText(live().getByLabel('Interaction ID'), '');
  assert.deepEqual(await sent('TERMINATE_INTERACTION_FROM_API'), [{ command: 'TERMINATE_INTERACTION_FROM_API', data: item }]);
  assert.deepEqual(await sent('COMPLETE_INTERACTION_FROM_API'), [{ command: 'COMPLETE_INTERACTION_FROM_API', data: item }]);
  assert.equal(await desktop(page).locator('#items li').count(), 0);
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual((await panelSaw()).filter((s) => s.status === 'No desktop'), [], 'the desktop tab stayed the desktop tab throughout');
  const rows = (await logRows(panel)).filter((r) => r[1] === 'Wrap up' && r[2] === item).map((r) => r[3]);
  assert.deepEqual(rows, ['done', 'started'], 'logged once, by the desktop tab\'s toolbar');
});

test('a press for a report that is not the desktop tab, or a click the browser did not dispatch, sends nothing; after-call work shows its timer', async () => {
  const item = await startCall(page);
  await expectText(live().getByLabel('Interaction ID'), item);
  // A press naming another report (a tab that is not the desktop) is refused by the background.
  const answer = await inExtension(panel, (api, item) => api.runtime.sendMessage({ type: 'desktop', command: 'terminate', key: '99999:0', item_id: item }), item);
  assert.deepEqual(answer, { ok: false });
  // A script's click on the panel's button is no press.
  await panel.evaluate(() => [...document.querySelectorAll('#live .controls button')].find((b) => b.textContent === 'Terminate').click());
  await new Promise((r) => setTimeout(r, 700));
  assert.equal((await sent('TERMINATE_INTERACTION_FROM_API')).filter((c) => c.data === item).length, 0, 'nothing was sent');
  assert.equal(await toolbar(page).getByLabel('Agent status').textContent(), 'Busy');
  await button('Terminate').click();
  await expectText(status(), 'After-call work', 8000);
  await expectText(live().getByRole('timer'), /^After-call work 0:0\d$/);
  await button('Complete').click();
  await expectText(status(), 'Ready', 8000);
  assert.equal(await visible(live().getByRole('timer')), false);
  assert.equal((await sent('COMPLETE_INTERACTION_FROM_API')).filter((c) => c.data === item).length, 1);
});

test('the background stopped mid-call (Chromium stops an idle service worker): the panel keeps the call, and Wrap up from it still ends it once', { skip: BROWSER === 'firefox' && "Chromium stops its service worker when idle; a test cannot stop Firefox ESR's event page" }, async () => {
  const item = await startCall(page);
  await expectText(live().getByLabel('Interaction ID'), item);
  assert.equal(await stopWorker(env), 0, 'the worker is stopped');
  await expectText(status(), 'Busy');
  await button('Wrap up').click();
  await expectText(toolbar(page).getByRole('status'), `Wrapped up ${item}.`, 8000);
  await expectText(live().getByRole('status'), `Wrapped up ${item}.`);
  assert.equal((await sent('TERMINATE_INTERACTION_FROM_API')).filter((c) => c.data === item).length, 1);
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

test('the desktop tab closed: the panel has no desktop and offers nothing; a new desktop tab takes over', async () => {
  await page.close();
  await expectText(status(), 'No desktop', 3000);
  assert.equal(await visible(live().getByText(/^No desktop tab\./)), true);
  assert.equal(await visible(live().getByRole('group')), false, 'no controls');
  assert.equal(await visible(live().getByLabel('Interaction ID')), false);
  page = await env.context.newPage();
  await page.goto(`${env.crm}/crm.html`);
  await trust(page, env.tenant).catch(() => {});
  await login(page);
  await expectText(status(), LIVE_OR_READY, 10000);
  await expectText(live().locator('.where'), /· agent /);
});

test('the popup opens the side panel for real', async () => {
  const popup = await openPopup(env);
  assert.equal(await panel.getByRole('button', { name: 'Open side panel' }).count(), 0, 'not offered in the panel itself');
  await popup.getByRole('button', { name: 'Open side panel' }).click();
  if (env.browser === 'chromium') {
    const cdp = await env.context.browser().newBrowserCDPSession();
    let opened = [];
    for (let i = 0; i < 60 && opened.length === 0; i++) {
      opened = (await cdp.send('Target.getTargets')).targetInfos.filter((t) => t.url === `chrome-extension://${env.extId}/sidepanel.html` && t.targetId !== undefined);
      // The panel page opened as a tab by this suite is one target; the browser's side panel another.
      if (opened.length < 2) { opened = []; await new Promise((r) => setTimeout(r, 50)); }
    }
    await cdp.detach();
    assert.equal(opened.length, 2, 'a side panel showing sidepanel.html, beside the tab this suite opened');
  } else {
    assert.equal(await inExtension(popup, (api) => api.sidebarAction.isOpen({})), true);
  }
  await popup.close();
});

