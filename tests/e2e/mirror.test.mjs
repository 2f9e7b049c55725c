// Mirror toolbars: the other tabs of the agent's CRM show the desktop tab's toolbar and act
// through it. The desktop tab is crm.html (it embeds the repeater); the CRM tab is a page of
// the same site without one. The site is a CRM site by default because the desktop was seen
// there; a site that is not on the list gets nothing. A command pressed in the mirror is sent
// once, by the desktop tab's toolbar, logged once, and its result shows in both tabs; the
// desktop tab gone, the mirror says so within a second and offers nothing, and comes back by
// itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BROWSER, setup, toolbar, desktop, startCall, expectText, received, trust, login, logRows, openPopup, openOptions, inExtension, extensionFrame, closedRoot, stopWorker } from './harness.mjs';

let env, page, crm;
// The mirror's host: its frame is in the host's closed root, out of the page's reach.
const MIRROR = 'bp-call-toolbar-mirror';
before(async () => {
  ({ env, page } = await setup('crm.html', { trusted: true, loggedIn: true }));
  crm = await env.context.newPage();
  await crm.goto(`${env.crm}/plain.html`);
  await expectText(status(), 'Not ready', 10000);
  await wait(600); // a card just shown takes no press yet (Chromium: not under a moving pointer)
});
after(async () => env?.close());

const sent = async (command) => (await received(page)).filter((c) => c.command === command);
// Frames a page made itself with a made-up token (Chromium finds ours by URL: not those).
const forgedTokens = new Set();
const mirror = (p = crm) => extensionFrame(p, (u) => u.includes('/mirror.html') && ![...forgedTokens].some((t) => u.includes(t)), MIRROR);
// Something in the mirror's document, for scripts run there.
const inMirror = (p = crm) => mirror(p).locator('#live');
const status = (p) => mirror(p).getByLabel('Agent status');
const button = (name, p) => mirror(p).getByRole('button', { name, exact: true });
const visible = (locator) => locator.evaluate((e) => !e.closest('[hidden]')).catch(() => false);
const frames = (p) => p.evaluate((css) => document.querySelectorAll(css).length, MIRROR);
const frameHeight = (p) => p.evaluate((css) => document.querySelector(css)?.getBoundingClientRect().height ?? -1, MIRROR);
const wait = (ms) => new Promise((r) => setTimeout(r, ms));

test('a CRM tab without the desktop shows the desktop tab\'s toolbar: status, agent, the call\'s item_id', async () => {
  await expectText(status(), 'Not ready', 10000);
  await expectText(mirror().locator('.where'), /^127\.0\.0\.1:\d+ · agent \S+$/);
  const item = await startCall(page);
  await expectText(status(), 'Busy');
  await expectText(mirror().getByLabel('Interaction ID'), item);
  assert.equal(await visible(button('Wrap up')), true);
  assert.ok((await frameHeight(crm)) > 60, 'the frame is as tall as its card');
  assert.equal(await frames(page), 0, 'the desktop tab has its own toolbar and no mirror');
  assert.equal(await closedRoot(crm, MIRROR).locator('iframe').getAttribute('title'), 'Call Toolbar: the desktop tab\'s toolbar', 'the frame is named for assistive technology');
});

test('Wrap up pressed in the CRM tab ends the call once; both tabs show it and the log has it once', async () => {
  const item = await mirror().getByLabel('Interaction ID').inputValue();
  assert.ok(item);
  await button('Wrap up').dblclick();
  await expectText(toolbar(page).getByRole('status'), `Wrapped up ${item}.`, 8000);
  await expectText(mirror().getByRole('status'), `Wrapped up ${item}.`);
  await expectText(status(), 'Ready');
  assert.deepEqual(await sent('TERMINATE_INTERACTION_FROM_API'), [{ command: 'TERMINATE_INTERACTION_FROM_API', data: item }]);
  assert.deepEqual(await sent('COMPLETE_INTERACTION_FROM_API'), [{ command: 'COMPLETE_INTERACTION_FROM_API', data: item }]);
  const popup = await openPopup(env);
  const rows = (await logRows(popup)).filter((r) => r[1] === 'Wrap up' && r[2] === item).map((r) => r[3]);
  assert.deepEqual(rows, ['done', 'started'], 'logged once, by the desktop tab\'s toolbar');
  await popup.close();
});

test('a CRM page loaded in a tab behind another makes no mirror until the agent looks at it', { skip: BROWSER !== 'firefox' && 'Playwright keeps every Chromium tab visible; Firefox hides the tabs behind the selected one' }, async () => {
  // The CRM tab goes on to another page of the site while the desktop tab is in front.
  await crm.evaluate((url) => setTimeout(() => { location.href = url; }, 500), `${env.crm}/later.html`);
  await page.bringToFront();
  await wait(3000);
  // Looking at it (the tab selected) is when its mirror may be made.
  await crm.bringToFront();
  let seen = null;
  for (let i = 0; i < 30 && !seen?.shown; i++) {
    if (i) await wait(100);
    seen = await crm.evaluate(() => ({ path: location.pathname, shown: window.__shown }));
  }
  assert.equal(seen.path, '/later.html');
  assert.ok(seen.shown > 1500, `loaded behind the desktop tab and shown only now (${seen.shown} ms after its start)`);
  await expectText(status(), /^(Ready|Not ready)$/, 10000);
  const { shown, mirrorAt } = await crm.evaluate(() => ({ shown: window.__shown, mirrorAt: window.__mirrorAt }));
  assert.ok(mirrorAt !== null && mirrorAt >= shown, `the mirror made once the tab was shown (${mirrorAt} ms), not before (${shown} ms)`);
  await crm.goto(`${env.crm}/plain.html`);
  await expectText(status(), /^(Ready|Not ready)$/, 10000);
  await wait(600);
});

test('a site that is not a CRM site gets no mirror; a page script cannot press through a mirror frame it made itself', async () => {
  // The same pages under another host name: not where the desktop was seen.
  const other = await env.context.newPage();
  await other.goto(`${env.crm.replace('127.0.0.1', 'localhost')}/plain.html`);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await frames(other), 0, 'no mirror on a site that is not on the list');
  const item = await startCall(page);
  // The page learns the mirror's URL (here from the suite: Chromium's is one per session) and
  // frames it itself, with a made-up token: the background knows no such token, tells it nothing, and it shows
  // nothing to press.
  const url = (await closedRoot(crm, MIRROR).locator('iframe').getAttribute('src')).split('#')[0];
  await other.evaluate((src) => { const f = document.createElement('iframe'); f.src = `${src}#${crypto.randomUUID()}`; f.setAttribute('data-bp-call-toolbar-mirror', ''); f.style.cssText = 'width:400px;height:300px'; document.body.append(f); }, url);
  const forged = BROWSER === 'firefox' ? other.frameLocator('iframe[data-bp-call-toolbar-mirror]') : extensionFrame(other, '/mirror.html');
  await forged.locator('#live').waitFor({ state: 'attached' });
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(await forged.locator('#live').evaluate((e) => e.ownerDocument.body.dataset.ready), 'true');
  assert.equal(await visible(forged.getByLabel('Interaction ID')), false, 'no call shown');
  assert.equal(await visible(forged.getByRole('button', { name: 'Terminate', exact: true })), false, 'nothing to press');
  assert.equal(await forged.locator('#live').evaluate((e) => e.hidden), true);
  // Even a press written into that frame by hand (as a compromised page might) is refused:
  // the frame is not on a CRM page. The desktop tab's own report key, from the panel's store.
  const popup = await openPopup(env);
  const key = await inExtension(popup, (api) => api.storage.session.get('live').then((v) => Object.entries(v.live).find(([, l]) => l.desktop)[0]));
  await popup.close();
  const press = { type: 'desktop', command: 'terminate', key, item_id: item };
  const answer = await forged.locator('#live').evaluate((e, msg) => {
    (globalThis.browser ?? globalThis.chrome).runtime.sendMessage(msg).then((r) => { e.dataset.answer = JSON.stringify(r); });
  }, press);
  assert.ok(answer == null);
  let refused = null;
  for (let i = 0; i < 50 && typeof refused !== 'string'; i++) {
    refused = await forged.locator('#live').evaluate((e) => e.dataset.answer ?? null);
    if (typeof refused !== 'string') await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(refused, JSON.stringify({ ok: false }), 'the background refused it');
  assert.equal((await sent('TERMINATE_INTERACTION_FROM_API')).filter((c) => c.data === item).length, 0, 'nothing was sent');
  // A CRM page too can frame the mirror (the site is on the list), but not with the token its
  // own mirror has, which it never sees: its frame gets nothing either.
  const guess = crypto.randomUUID();
  forgedTokens.add(guess);
  await crm.evaluate(([src, token]) => { const f = document.createElement('iframe'); f.src = `${src}#${token}`; f.setAttribute('data-bp-call-toolbar-mirror', ''); f.style.cssText = 'width:400px;height:300px'; document.body.append(f); }, [url, guess]);
  const own = BROWSER === 'firefox' ? crm.frameLocator('iframe[data-bp-call-toolbar-mirror]') : extensionFrame(crm, `/mirror.html#${guess}`);
  await own.locator('#live').waitFor({ state: 'attached' });
  await wait(1000);
  assert.equal(await own.locator('#live').evaluate((e) => e.ownerDocument.body.dataset.ready), 'true');
  assert.equal(await own.locator('#live').evaluate((e) => e.hidden), true, 'nothing shown in a frame with a made-up token');
  assert.equal(await visible(own.getByLabel('Interaction ID')), false);
  assert.equal(await mirror().getByLabel('Interaction ID').inputValue(), item, 'the real one still shows the call');
  await crm.evaluate(() => document.querySelector('iframe[data-bp-call-toolbar-mirror]').remove());
  // From the CRM tab it goes.
  await button('Terminate').click();
  await expectText(status(), 'After-call work', 8000);
  await expectText(mirror().getByRole('timer'), /^After-call work 0:0\d$/);
  await button('Complete').click();
  await expectText(status(), 'Ready', 8000);
  assert.equal((await sent('TERMINATE_INTERACTION_FROM_API')).filter((c) => c.data === item).length, 1);
  assert.equal((await sent('COMPLETE_INTERACTION_FROM_API')).filter((c) => c.data === item).length, 1);
  await other.close();
});

test('the CRM page attacks its mirror: restyled, covered, removed or navigated, it stays the agent\'s, and a covered press sends nothing', async () => {
  const item = await startCall(page);
  await expectText(mirror().getByLabel('Interaction ID'), item);
  // Made see-through and shrunk (to have the agent click it unseen): set back at once.
  const after = await crm.evaluate(async (css) => {
    const host = document.querySelector(css);
    host.style.setProperty('opacity', '0', 'important');
    host.style.setProperty('transform', 'scale(0.01)', 'important');
    host.hidePopover?.();
    const state = () => { const cs = getComputedStyle(host); return { opacity: cs.opacity, transform: cs.transform, open: host.matches(':popover-open') }; };
    for (let i = 0; i < 40 && JSON.stringify(state()) !== JSON.stringify({ opacity: '1', transform: 'none', open: true }); i++) await new Promise((r) => setTimeout(r, 25));
    return state();
  }, MIRROR);
  assert.deepEqual(after, { opacity: '1', transform: 'none', open: true });
  assert.equal(await crm.evaluate((css) => document.querySelector(css).shadowRoot, MIRROR), null, 'its root is closed');
  if (BROWSER !== 'firefox') {
    // A decoy the page lays over the card (in the top layer, above it, letting clicks through):
    // the agent's click lands, and is not taken.
    await crm.evaluate((css) => {
      const r = document.querySelector(css).getBoundingClientRect();
      const d = document.createElement('div');
      d.id = 'decoy';
      d.popover = 'manual';
      d.textContent = 'Save record';
      d.style.cssText = `position:fixed;inset:auto;left:${r.left}px;top:${r.top}px;width:${r.width}px;height:${r.height}px;margin:0;border:0;background:#fff;opacity:.9;pointer-events:none`;
      document.body.append(d);
      d.showPopover();
    }, MIRROR);
    await wait(300);
    await button('Terminate').click();
    await expectText(mirror().getByRole('status'), /^Not pressed: this toolbar was covered/);
    await wait(500);
    assert.equal((await sent('TERMINATE_INTERACTION_FROM_API')).filter((c) => c.data === item).length, 0, 'nothing was sent');
    await crm.evaluate(() => document.getElementById('decoy').remove());
    await wait(700);
  }
  // Taken out of the page: a new one comes.
  await crm.evaluate((css) => document.querySelector(css).remove(), MIRROR);
  await expectText(mirror().getByLabel('Interaction ID'), item, 5000);
  // Every frame of the page navigated to a page of its own (ours among them): ours is dropped,
  // and a new one comes.
  await crm.evaluate(() => { for (let i = 0; i < window.length; i++) window[i].location = `${location.origin}/plain.html?inside`; });
  await wait(1500);
  assert.equal(await frames(crm), 1, 'one mirror');
  await expectText(mirror().getByLabel('Interaction ID'), item, 5000);
  // Its frame now is the mirror again: the page's document went with the old one (the page's
  // Help frame, navigated too, is the only one left with it).
  assert.equal(await inMirror().evaluate(() => location.pathname), '/mirror.html');
  if (crm.frames) assert.equal(crm.frames().filter((f) => f.url().includes('?inside')).length, 1, 'the page\'s own document is not in the mirror\'s place');
  await wait(700); // a card just shown takes no press yet (Chromium)
  await button('Terminate').click();
  await expectText(status(), 'After-call work', 8000);
  await button('Complete').click();
  await expectText(status(), /^(Ready|Not ready)$/, 8000);
  assert.equal((await sent('TERMINATE_INTERACTION_FROM_API')).filter((c) => c.data === item).length, 1);
});

test('the background stopped mid-call (Chromium): the mirror keeps the call, and Wrap up from it still ends it once', { skip: BROWSER === 'firefox' && "Chromium stops its service worker when idle; a test cannot stop Firefox ESR's event page" }, async () => {
  const item = await startCall(page);
  await expectText(mirror().getByLabel('Interaction ID'), item);
  assert.equal(await stopWorker(env), 0, 'the worker is stopped');
  await expectText(status(), 'Busy');
  await button('Wrap up').click();
  await expectText(toolbar(page).getByRole('status'), `Wrapped up ${item}.`, 8000);
  await expectText(mirror().getByRole('status'), `Wrapped up ${item}.`);
  assert.equal((await sent('TERMINATE_INTERACTION_FROM_API')).filter((c) => c.data === item).length, 1);
  assert.equal((await sent('COMPLETE_INTERACTION_FROM_API')).filter((c) => c.data === item).length, 1);
});

// The mirror records each of its own changes as it happens (a mutation observer in its frame):
// what it said, what it offered, and when. Kept in its DOM, outside what it watches.
const watchMirror = async () => {
  const root = mirror().locator('#live');
  await root.evaluate((live) => {
    const seen = [];
    const look = () => {
      seen.push({
        at: Date.now(),
        status: live.querySelector('.pill')?.textContent,
        shown: [...live.querySelectorAll('.controls button')].filter((b) => !b.closest('[hidden]')).map((b) => b.textContent),
      });
      document.body.dataset.seen = JSON.stringify(seen);
    };
    new MutationObserver(look).observe(live, { subtree: true, childList: true, characterData: true, attributes: true });
  });
};
const mirrorSaw = async () => JSON.parse(await inMirror().evaluate((e) => e.ownerDocument.body.dataset.seen ?? '[]'));

test('the desktop tab closed: the mirror says so within a second and offers nothing; a new desktop tab brings it back', async () => {
  await expectText(status(), /^(Ready|Not ready)$/);
  await watchMirror();
  const t0 = Date.now();
  await page.close();
  await expectText(status(), 'No desktop', 3000);
  const gone = (await mirrorSaw()).find((s) => s.status === 'No desktop');
  assert.ok(gone.at - t0 < 1000, `the mirror noticed in ${gone.at - t0} ms`);
  assert.deepEqual(gone.shown, [], 'no desktop, nothing to press');
  assert.equal(await visible(mirror().getByText(/^The desktop tab is gone/)), true);
  page = await env.context.newPage();
  await page.goto(`${env.crm}/crm.html`);
  await trust(page, env.tenant).catch(() => {});
  await login(page);
  await expectText(status(), /^(Ready|Not ready)$/, 10000);
  assert.equal(await visible(button('Wrap up')), true, 'resumed by itself');
});

test('a CRM tab opened while there is no desktop shows nothing; it shows the mirror once a desktop tab is there', async () => {
  await page.close();
  await expectText(status(), 'No desktop', 3000);
  const late = await env.context.newPage();
  await late.goto(`${env.crm}/plain.html?late`);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(await frames(late), 0, 'nothing before the background has confirmed a desktop tab');
  page = await env.context.newPage();
  await page.goto(`${env.crm}/crm.html`);
  await login(page);
  await expectText(status(late), /^(Ready|Not ready)$/, 10000);
  await late.close();
});

test('the options page: CRM sites replace where the desktop was seen; a site taken off the list has no mirror on its next page', async () => {
  const options = await openOptions(env);
  await options.getByLabel('CRM site: host name or *.domain').fill('crm.example.com');
  await options.getByRole('button', { name: 'Add CRM site' }).click();
  await expectText(options.getByRole('button', { name: 'Remove CRM site crm.example.com' }), 'Remove');
  await new Promise((r) => setTimeout(r, 500));
  const next = await env.context.newPage();
  await next.goto(`${env.crm}/plain.html?after`);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await frames(next), 0, '127.0.0.1 is no longer a CRM site');
  // The mirror already open there shows nothing more of the desktop tab.
  assert.equal(await visible(mirror().getByLabel('Interaction ID')), false);
  assert.equal(await mirror().locator('#live').evaluate((e) => e.hidden), true, 'the open mirror is blank');
  assert.equal(await frameHeight(crm), 0);
  await options.getByRole('button', { name: 'Remove CRM site crm.example.com' }).click();
  await new Promise((r) => setTimeout(r, 500));
  await next.reload();
  await expectText(status(next), /^(Ready|Not ready)$/, 10000);
  await expectText(status(), /^(Ready|Not ready)$/);
  assert.equal(await mirror().locator('#live').evaluate((e) => e.hidden), false, 'and is back');
  await next.close();
  await options.close();
  assert.deepEqual(await inExtension(await openPopup(env), (api) => api.storage.local.get('crmSeen').then((v) => v.crmSeen)), ['127.0.0.1']);
});

test('two desktop tabs: the later login is the desktop tab, Act through in the popup makes the other one it; a press from the mirror goes to the chosen tab only, and the page SDK keeps working', async () => {
  await expectText(status(), /^(Ready|Not ready)$/, 10000);
  const first = await startCall(page);
  // A second page of the CRM with the desktop, and the CRM's own SDK integration.
  const second = await env.context.newPage();
  await second.goto(`${env.crm}/sdk.html`);
  await login(second);
  const other = await startCall(second);
  await expectText(mirror().getByLabel('Interaction ID'), other, 8000);
  assert.equal(await frames(second), 0, 'a tab with its own desktop keeps its own toolbar');
  const popup = await openPopup(env);
  const choice = popup.getByLabel('Act through');
  await choice.waitFor();
  const options = await choice.locator('option').evaluateAll((os) => os.map((o) => ({ value: o.value, selected: o.selected, text: o.textContent })));
  assert.equal(options.length, 2, 'one entry per desktop tab');
  for (const o of options) assert.match(o.text, /^127\.0\.0\.1:\d+ · agent jeffery\.lozada \(tab \d+\)$/);
  const now = options.findIndex((o) => o.selected);
  assert.ok(now >= 0, 'the desktop tab is the selected entry');
  // The agent picks the other entry with the keyboard (trusted input, as a page cannot).
  await choice.focus();
  await choice.press(now === 0 ? 'ArrowDown' : 'ArrowUp');
  await expectText(mirror().getByLabel('Interaction ID'), first, 8000);
  await expectText(choice, options[1 - now].value);
  await button('Wrap up').click();
  await expectText(toolbar(page).getByRole('status'), `Wrapped up ${first}.`, 8000);
  await expectText(mirror().getByRole('status'), `Wrapped up ${first}.`);
  assert.deepEqual((await sent('TERMINATE_INTERACTION_FROM_API')).filter((c) => c.data === first).length, 1);
  assert.deepEqual((await sent('COMPLETE_INTERACTION_FROM_API')).filter((c) => c.data === first).length, 1);
  const there = (await received(second)).filter((c) => /TERMINATE|COMPLETE/.test(c.command ?? ''));
  assert.deepEqual(there, [], 'the other desktop was sent nothing');
  assert.equal(await expectText(toolbar(second).getByLabel('Agent status'), 'Busy'), 'Busy', 'its call goes on');
  // The CRM's own integration in the second tab still talks to its desktop.
  const callbacks = Number(await second.locator('#sdk-callbacks').textContent());
  await second.getByRole('button', { name: 'Page SDK Get State', exact: true }).click();
  await expectText(second.locator('#sdk-callbacks'), String(callbacks + 1));
  await popup.close();
  await second.close();
});
