// A hostile page, written as an attacker would: it keeps every window that ever posted to it
// (our proxy among them), wraps attachShadow before our script runs, watches event paths, then
// forges desktop messages with each window as `source` and the tenant as `origin`, presses and
// types into everything it can reach, and gives the background orders as a content script would.
// Nothing is shown, sent, stored or trusted; each attempt is counted in the health panel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, toolbar, desktop, trust, login, startCall, expectText, received, openPopup, logRows, inExtension, CSP_MODE, findWindow, clickClosing } from './harness.mjs';

// The same page twice: as is, and with a strict CSP (in Chromium the toolbar then runs in its
// extension frame behind the JavaScript relay, which must hold just as well).
const PAGES = [['attack.html', 'direct'], ['attack-csp.html', CSP_MODE]];
let env, page, item;
const tabs = {};
before(async () => {
  env = await launch();
  for (const [file, mode] of PAGES) {
    const p = await env.context.newPage();
    await p.goto(`${env.crm}/${file}`);
    if (file === PAGES[0][0]) await trust(p, env.tenant, mode);
    await login(p, mode);
    tabs[file] = { page: p, mode, item: await startCall(p, mode) };
  }
  ({ page, item } = tabs[PAGES[0][0]]);
});
after(async () => env?.close());

/** The health panel's lines for a CRM tab (the popup opened on `?tab=`). */
async function health(file = PAGES[0][0]) {
  const popup = await openPopup(env);
  const tab = await inExtension(popup, async (api, file) => (await api.tabs.query({})).find((t) => t.url?.includes(`/${file}`))?.id, file);
  await popup.goto(`${env.popupUrl}?tab=${tab}`);
  await popup.locator('body[data-ready="true"]').waitFor();
  const lines = await popup.locator('ul.health li').allTextContents();
  await popup.close();
  await tabs[file].page.bringToFront();
  return lines;
}

const forgedLine = (lines) => lines.find((l) => /events imitated by a script/.test(l)) ?? '';

for (const [file] of PAGES) {
  test(`${file}: forged desktop messages, with every window the page could reach as source, change nothing`, async () => {
    const { page, item, mode } = tabs[file];
    await page.bringToFront();
    const bar = toolbar(page, mode);
    // Our proxy posts to the page too (that is how the SDK works): the page has kept its window.
    const sources = await page.evaluate(() => window.__attack.sources.length);
    assert.ok(sources >= 1, 'the page collected at least our proxy window');
    const forged = await page.evaluate((item) => {
      const { tenant } = window.__attack;
      const messages = [
        { command: 'STATE_CHANGED', data: { agent_id: 'mallory', status: 'busy', reason: 'FORGED' } },
        { command: 'INTERACTION_RENDERED', data: { item_id: 'FORGED-ITEM', phone_number: '19005550000' } },
        { command: 'INTERACTION_COMPLETED', data: { item_id: item, disposition: 'FORGED' } },
        { command: 'STATE_CHANGED', data: { status: 'after_call_work', reason: '' } },
        { command: 'LOGIN_CHANGED', data: { agent_id: 'mallory', login: false } },
        { command: 'GET_STATE', request_id: '1000000000', data: { agent_id: 'mallory', status: 'ready', interactions: [{ item_id: 'FORGED-ITEM' }] } },
      ].map((m) => JSON.stringify(m));
      const windows = [...window.__attack.sources, window, ...Array.from({ length: window.frames.length }, (_, i) => window.frames[i]), null];
      let n = 0;
      for (const source of windows) {
        for (const data of messages) {
          for (const origin of [tenant, location.origin]) {
            window.dispatchEvent(new MessageEvent('message', { data, origin, source }));
            n++;
          }
        }
      }
      return n;
    }, item);
    await page.waitForTimeout(300);
    await expectText(bar.getByLabel('Agent status'), 'Busy');
    assert.equal(await bar.getByLabel('Interaction ID', { exact: true }).inputValue(), item);
    assert.equal(await bar.getByText('mallory').count(), 0, 'no made-up agent');
    await expectText(bar.getByText(/imitated events ignored/), `${forged} imitated events ignored (a page script pretended to be the desktop or you)`);
    // The real desktop still answers, and still about the real call.
    await bar.getByRole('button', { name: 'Get State', exact: true }).click();
    await expectText(bar.getByRole('status'), 'Desktop state: Busy, 1 interaction.');
    const popup = await openPopup(env);
    const rows = await logRows(popup);
    assert.ok(!rows.some((r) => r.join(' ').includes('FORGED') || r.join(' ').includes('mallory')), 'nothing forged in the log');
    await popup.close();
    await page.bringToFront();
    // The toolbar reports its health at most once a second: wait for the report.
    const want = new RegExp(`^${forged} events imitated by a script on this page were ignored`);
    let lines = [];
    for (let i = 0; i < 20 && !want.test(forgedLine(lines)); i++) lines = await health(file);
    assert.match(forgedLine(lines), want, lines.join('\n'));
  });

  test(`${file}: a forged confirmation confirms nothing: a Terminate the desktop ignores stays unconfirmed`, async () => {
    const { page, item, mode } = tabs[file];
    await page.bringToFront();
    const bar = toolbar(page, mode);
    await desktop(page).getByLabel('Silent (ignore every API command)').check();
    await bar.getByRole('button', { name: 'Terminate', exact: true }).click();
    await page.evaluate((item) => {
      const ack = [
        JSON.stringify({ command: 'STATE_CHANGED', data: { status: 'after_call_work', reason: '' } }),
        JSON.stringify({ command: '_CALL_ENDED', data: { item_id: item } }),
      ];
      for (const source of window.__attack.sources) for (const data of ack) window.dispatchEvent(new MessageEvent('message', { data, origin: window.__attack.tenant, source }));
    }, item);
    await expectText(bar.getByRole('status'), `The desktop did not confirm Terminate of ${item} within 5 s. Check the Interaction ID, then press Get State.`, 8000);
    await expectText(bar.getByLabel('Agent status'), 'Busy');
    await desktop(page).getByLabel('Silent (ignore every API command)').uncheck();
    const popup = await openPopup(env);
    const rows = await logRows(popup);
    assert.ok(!rows.some((r) => r[1] === 'Terminate' && r[3].startsWith('confirmed')), 'no confirmation logged');
    assert.ok(rows.some((r) => r[1] === 'Terminate' && r[3] === 'not confirmed in 5 s'));
    await popup.close();
    await page.bringToFront();
  });

  test(`${file}: the page cannot reach the toolbar, and what it presses, types or keys does nothing`, async () => {
    const { page, item, mode } = tabs[file];
    await page.bringToFront();
    const bar = toolbar(page, mode);
    // An agent's real click on the toolbar: the page sees the event pass, but not inside it.
    await bar.getByRole('button', { name: 'Get State', exact: true }).click();
    await expectText(bar.getByRole('status'), 'Desktop state: Busy, 1 interaction.');
    await bar.getByLabel('Interaction ID', { exact: true }).click(); // the agent's focus is in the toolbar
    const before = (await received(page)).length;
    const countOf = async () => Number(((await bar.getByText(/imitated events ignored/).count()) ? await bar.getByText(/imitated events ignored/).textContent() : '0').split(' ')[0]);
    const forgedBefore = await countOf();
    const { reached, atHost } = await page.evaluate(() => {
      const hosts = [...document.querySelectorAll('bp-call-toolbar')];
      const reached = {
        roots: window.__attack.roots.length,
        shadowRoot: hosts.map((h) => h.shadowRoot),
        active: document.activeElement?.tagName,
        activeRoot: document.activeElement?.shadowRoot ?? null,
        seen: window.__attack.seen.map((n) => n.tagName).filter((t) => ['BUTTON', 'INPUT', 'TEXTAREA', 'SELECT'].includes(t)),
      };
      let atHost = 0;
      // Everything it can reach: the host, whatever the event paths showed, the focused element.
      const targets = [...new Set([...hosts, ...window.__attack.seen, document.activeElement, document, window])];
      for (const t of targets) {
        const mine = hosts.includes(t);
        if (t.click) { t.click(); if (mine) atHost++; }
        for (const [Ev, type, init] of [
          [MouseEvent, 'click', { bubbles: true, composed: true }],
          [PointerEvent, 'pointerdown', { bubbles: true, composed: true }],
          [KeyboardEvent, 'keydown', { key: '2', code: 'Digit2', altKey: true, shiftKey: true, bubbles: true, composed: true }],
          [KeyboardEvent, 'keydown', { key: 'Enter', bubbles: true, composed: true }],
          [InputEvent, 'input', { data: 'FORGED-ITEM', inputType: 'insertText', bubbles: true, composed: true }],
          [Event, 'change', { bubbles: true }],
        ]) {
          t.dispatchEvent(new Ev(type, init));
          if (mine) atHost++;
        }
      }
      return { reached, atHost };
    });
    // (`reached.roots`, what the page's own attachShadow wrapper caught, is the attack's record
    // only: the content script's calls never go through the page's prototypes.)
    assert.deepEqual({ ...reached, roots: undefined }, { roots: undefined, shadowRoot: [null], active: 'BP-CALL-TOOLBAR', activeRoot: null, seen: [] }, 'nothing inside the toolbar reachable');
    await page.waitForTimeout(300);
    assert.deepEqual((await received(page)).slice(before), [], 'nothing sent to the desktop');
    assert.equal(await bar.getByLabel('Interaction ID', { exact: true }).inputValue(), item);
    await expectText(bar.getByLabel('Agent status'), 'Busy');
    // Each one aimed at the host (all the page can reach) is counted; the rest never reached us.
    assert.equal(atHost, 7);
    await expectText(bar.getByText(/imitated events ignored/), `${forgedBefore + atHost} imitated events ignored (a page script pretended to be the desktop or you)`);
  });
}

test('orders from a content script are refused by the background, and counted', async () => {
  const popup = await openPopup(env);
  const tab = await inExtension(popup, async (api) => (await api.tabs.query({})).find((t) => t.url?.includes('/attack.html'))?.id);
  const stored = async () => inExtension(popup, async (api) => api.storage.local.get(['settings', 'trustedOrigins', 'log']));
  const before = await stored();
  assert.ok(before.trustedOrigins.includes(env.tenant) && before.log.length > 5);
  const sent = (await received(page)).length;
  // Run in the tab's content-script world (what a compromised page renderer could do).
  const answers = await inExtension(popup, async (api, { tab, tenant }) => {
    const [{ result }] = await api.scripting.executeScript({
      target: { tabId: tab },
      args: [tenant, tab],
      func: async (tenant, tab) => {
        const api = globalThis.browser ?? globalThis.chrome;
        const orders = [
          { type: 'settings', settings: { acwAlertMinutes: 0, logLimit: 1000, logRetentionDays: 1, redact: true, requireDisposition: true, blockedSites: [] } },
          { type: 'clearLog' },
          { type: 'untrust', origin: tenant },
          { type: 'trust', origin: 'https://evil.example' },
          { type: 'trust', origin: 'javascript:alert(1)//' },
          { type: 'command', name: 'terminate', tab },
        ];
        const out = [];
        for (const o of orders) out.push(await api.runtime.sendMessage(o).then((r) => r, (e) => ({ error: String(e) })));
        // A report is taken, but the page it names is the sender's, and its fields are cut.
        out.push(await api.runtime.sendMessage({ type: 'log', entries: [{ ts: Date.now(), action: 'x'.repeat(300000), item_id: 'ATTACK', result: 'sent', tenant, page: 'bank.example' }] }));
        return out;
      },
    });
    return result;
  }, { tab, tenant: env.tenant });
  assert.deepEqual(answers.slice(0, 6), Array(6).fill({ ok: false }), JSON.stringify(answers));
  await page.waitForTimeout(500);
  const now = await stored();
  assert.deepEqual(now.settings, before.settings, 'settings unchanged');
  assert.deepEqual(now.trustedOrigins, before.trustedOrigins, 'trusted list unchanged');
  assert.ok(now.log.length >= before.log.length, 'log not cleared');
  const entry = now.log.find((e) => e.item_id === 'ATTACK');
  assert.equal(entry.page, new URL(env.crm).host, 'the page is the sender\'s');
  assert.ok(entry.action.length <= 1024 && entry.action.endsWith('… [cut]'), `capped: ${entry.action.length}`);
  assert.deepEqual((await received(page)).slice(sent), [], 'no command reached the desktop');
  await popup.close();
  await page.bringToFront();
  let lines = [];
  for (let i = 0; i < 20 && !lines.some((l) => l.startsWith('6 orders')); i++) lines = await health();
  assert.ok(lines.includes("6 orders to the extension from this page were refused (only the extension's own pages may change settings, trust, the log or send commands).Nothing was changed. Tell your IT team: something on this page tries to give the extension orders."), lines.join('\n'));
});

test('a page that removes the toolbar in a loop gets it back, and the log is not flooded', { timeout: 60000 }, async () => {
  const popup = await openPopup(env);
  const before = (await logRows(popup)).length;
  await page.bringToFront();
  const removed = await page.evaluate(async () => {
    let n = 0;
    const obs = new MutationObserver(() => {
      for (const h of document.querySelectorAll('bp-call-toolbar')) { h.remove(); n++; }
    });
    obs.observe(document.documentElement, { childList: true });
    for (const h of document.querySelectorAll('bp-call-toolbar')) { h.remove(); n++; }
    await new Promise((r) => setTimeout(r, 3000));
    obs.disconnect();
    return n;
  });
  assert.ok(removed >= 2 && removed < 20, `removed ${removed} times in 3 s: the toolbar backs off`);
  await page.locator('bp-call-toolbar[data-live="true"]').waitFor({ state: 'attached', timeout: 20000 });
  await expectText(toolbar(page).getByLabel('Agent status'), 'Busy');
  const rows = await logRows(popup);
  assert.ok(rows.length - before < 10, `${rows.length - before} entries`);
  await popup.close();
});

test('the page cannot load the extension\'s resources at a fixed URL (no fingerprinting, no framing)', async (t) => {
  if (env.browser === 'firefox') return t.skip('Firefox names an extension by a random UUID per installation: a page cannot know the URL');
  await page.bringToFront();
  const result = await page.evaluate(async (id) => {
    const out = {};
    for (const path of ['toolbar.html', 'pkg/content_bg.wasm', 'pkg/content.js', 'relay.js', 'detect.js', 'manifest.json']) {
      out[path] = await fetch(`chrome-extension://${id}/${path}`).then((r) => r.status, () => 'refused');
    }
    const f = document.createElement('iframe');
    f.src = `chrome-extension://${id}/toolbar.html`;
    f.title = 'framed by the page';
    document.body.append(f);
    await new Promise((resolve) => { f.onload = resolve; setTimeout(resolve, 3000); });
    return out;
  }, env.extId);
  assert.deepEqual(
    result,
    Object.fromEntries(Object.keys(result).map((k) => [k, 'refused'])),
  );
  // The frame the page made lands on Chromium's error page, not on our toolbar (the browser,
  // not the page, tells what it shows).
  const framed = page.frames().filter((f) => f.url().includes('toolbar.html'));
  assert.deepEqual(framed.map((f) => f.url()), [], 'no toolbar page at the fixed URL');
  await page.evaluate(() => document.querySelector('iframe[title="framed by the page"]').remove());
});

test('the page navigates our proxy to a document of its own: it reaches the proxy\'s root only, and the channel comes back', async () => {
  const bar = toolbar(page);
  await page.bringToFront();
  const reached = await page.evaluate(async (tenant) => {
    // Our proxy's window, from its own messages: a window that posted to the page, is not the
    // page and is not one of the page's frames (an iframe in a shadow tree is not listed there).
    const listed = Array.from({ length: window.frames.length }, (_, i) => window.frames[i]);
    const ours = window.__attack.sources.filter((w) => w !== window && !listed.includes(w));
    const proxy = ours[0];
    let root = null;
    // To a page of its own that is slow to finish loading: its document is the page's origin
    // (readable) from the start, before the frame's load event.
    for (const w of ours) {
      try {
        w.location = `${location.origin}/slow`;
      } catch { /* not navigable */ }
    }
    // Grab the frame's element as soon as the document is the page's (the toolbar drops such a
    // proxy on its load: the attacker gets a moment at most).
    const end = performance.now() + 2000;
    while (!root && performance.now() < end) {
      for (const w of ours) {
        try { if (w.frameElement) { root = w.frameElement.getRootNode(); break; } } catch { /* still cross-origin */ }
      }
      await new Promise((r) => setTimeout(r, 0));
    }
    return {
      proxy: !!proxy,
      root: root ? { host: root.host?.tagName ?? null, controls: root.querySelectorAll('button, input, textarea, select').length, frames: root.querySelectorAll('iframe').length } : null,
    };
  }, env.tenant);
  // What it got hold of is the channel's own root: one iframe, no control of the toolbar.
  assert.ok(reached.proxy, 'the page found our proxy window');
  assert.deepEqual(reached.root, { host: 'BP-CALL-TOOLBAR-CHANNEL', controls: 0, frames: 1 }, JSON.stringify(reached));
  // The toolbar drops that proxy when it has loaded, opens a new one, and works; a Get State
  // asked meanwhile is answered on the new channel.
  await bar.getByRole('button', { name: 'Get State', exact: true }).click();
  await expectText(bar.getByRole('status'), /^Desktop state: /, 10000);
});

test('a page that keeps navigating our proxy does not flood the log, and the toolbar comes back', { timeout: 60000 }, async () => {
  const popup = await openPopup(env);
  const before = (await logRows(popup)).length;
  await page.bringToFront();
  const navigations = await page.evaluate(async (tenant) => {
    let n = 0;
    const end = performance.now() + 3000;
    while (performance.now() < end) {
      const listed = Array.from({ length: window.frames.length }, (_, i) => window.frames[i]);
      for (const w of window.__attack.sources.filter((x) => x !== window && !listed.includes(x))) {
        try { w.location = `${tenant}/agentdesktop/AgentDesktopSdkProxy.jsp?again=${n}`; n++; } catch { /* gone */ }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return n;
  }, env.tenant);
  assert.ok(navigations > 20, `navigated ${navigations} times`);
  await page.locator('bp-call-toolbar[data-live="true"]').waitFor({ state: 'attached', timeout: 30000 });
  const channelRows = (await logRows(popup)).slice(0, (await logRows(popup)).length - before).filter((r) => r[1] === 'Channel');
  assert.ok(channelRows.length <= 3, `${channelRows.length} channel entries for ${navigations} navigations: ${JSON.stringify(channelRows)}`);
  await popup.close();
});

test('the page cannot make the toolbar invisible, move it or take it out of the top layer', async () => {
  await page.bringToFront();
  const bar = toolbar(page);
  const countOf = async () => Number(((await bar.getByText(/imitated events ignored/).count()) ? await bar.getByText(/imitated events ignored/).textContent() : '0').split(' ')[0]);
  const before = await countOf();
  const box = await page.locator('bp-call-toolbar').boundingBox();
  const seen = await page.evaluate(async () => {
    const host = document.querySelector('bp-call-toolbar');
    host.style.setProperty('opacity', '0', 'important');
    host.style.left = '5000px';
    host.setAttribute('hidden', '');
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const after = { opacity: getComputedStyle(host).opacity, hidden: host.hidden, open: host.matches(':popover-open') };
    host.hidePopover?.();
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return { ...after, reopened: host.matches(':popover-open') };
  });
  assert.deepEqual(seen, { opacity: '1', hidden: false, open: true, reopened: true });
  assert.deepEqual(await page.locator('bp-call-toolbar').boundingBox(), box, 'where the agent left it');
  await expectText(bar.getByText(/imitated events ignored/), new RegExp(`^(${before + 2}|${before + 3}|${before + 4}) imitated events ignored`));
});

test('a burst of trust requests from a content script opens one trust window, with Cancel focused and Trust held back', async () => {
  const popup = await openPopup(env);
  const tab = await inExtension(popup, async (api) => (await api.tabs.query({})).find((t) => t.url?.includes('/attack.html'))?.id);
  const count = async () => inExtension(popup, async (api) => (await api.tabs.query({})).filter((t) => t.url?.includes('/trust.html')).length);
  assert.equal(await count(), 0);
  await inExtension(popup, async (api, tab) => {
    await api.scripting.executeScript({
      target: { tabId: tab },
      func: async () => {
        const api = globalThis.browser ?? globalThis.chrome;
        for (const o of ['https://evil1.example', 'https://evil2.example', 'https://evil3.example', 'https://evil4.example']) {
          api.runtime.sendMessage({ type: 'askTrust', origin: o });
          await new Promise((r) => setTimeout(r, 300));
        }
      },
    });
  }, tab);
  await popup.waitForTimeout(1500);
  assert.equal(await count(), 1, 'one window');
  const win = await findWindow(env, '/trust.html');
  await win.locator('body[data-ready="true"]').waitFor();
  assert.match(await win.evaluate(() => location.search), /origin=https%3A%2F%2Fevil1\.example/, 'the first request\'s, not swapped for a later one');
  // Cancel has the focus; Trust takes no click for a moment after the window comes to the front.
  assert.equal(await win.evaluate(() => document.activeElement?.textContent), 'Cancel');
  await win.bringToFront();
  await win.evaluate(() => window.dispatchEvent(new FocusEvent('focus')));
  assert.equal(await win.getByRole('button', { name: 'Trust https://evil1.example', exact: true }).isDisabled(), true, 'held back');
  await clickClosing(win.getByRole('button', { name: 'Cancel', exact: true }));
  for (let i = 0; i < 50 && (await count()) > 0; i++) await popup.waitForTimeout(100);
  assert.equal(await count(), 0, 'Cancel closes it');
  const trusted = await inExtension(popup, async (api) => (await api.storage.local.get('trustedOrigins')).trustedOrigins ?? []);
  assert.ok(!trusted.some((o) => o.includes('evil')), JSON.stringify(trusted));
  await popup.close();
});

test('a page that defines the toolbar\'s element names first cannot reach the closed roots through attachInternals', async () => {
  const p = await env.context.newPage();
  await p.goto(`${env.crm}/attack-ce.html`);
  const bar = toolbar(p);
  await login(p);
  const itemId = await startCall(p);
  await expectText(bar.getByLabel('Interaction ID', { exact: true }), itemId);
  // The page's constructors ran for our hosts (they upgraded in its document), and yet no
  // root is theirs to read: not the toolbar's, not the channel's.
  const leaked = await p.evaluate(() => window.__leaked());
  assert.ok(leaked.some((l) => l.name === 'bp-call-toolbar'), `the page's constructor ran for the toolbar's host: ${JSON.stringify(leaked)}`);
  assert.ok(leaked.some((l) => l.name === 'bp-call-toolbar-channel'), 'and for the channel\'s');
  assert.deepEqual(leaked.filter((l) => l.root !== null), [], 'no shadow root handed to the page');
  // The toolbar works as ever.
  await bar.getByRole('button', { name: 'Terminate', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'After-call work');
  await p.close();
});

test('a page that moves the toolbar into a frame of its own (to make it invisible there) gets it back where it was', async () => {
  // A page of its own: the removal loop above left its page in the restore backoff.
  const page = await env.context.newPage();
  await page.goto(`${env.crm}/attack.html`);
  await login(page);
  const before = await page.locator('bp-call-toolbar').boundingBox();
  await page.evaluate(() => {
    const f = document.createElement('iframe');
    f.style.cssText = 'position:fixed;inset:0;width:100%;height:100%;opacity:0;border:0';
    f.title = 'invisible frame';
    document.body.append(f);
    f.contentDocument.body.append(document.querySelector('bp-call-toolbar'));
  });
  let where;
  for (let i = 0; i < 40; i++) {
    await page.waitForTimeout(50);
    where = await page.evaluate(() => document.querySelector('bp-call-toolbar')?.parentNode === document.documentElement);
    if (where) break;
  }
  assert.equal(where, true, 'back under the document element');
  await page.evaluate(() => document.querySelector('iframe[title="invisible frame"]').remove());
  assert.deepEqual(await page.locator('bp-call-toolbar').boundingBox(), before, 'where the agent had it');
  await page.close();
});
