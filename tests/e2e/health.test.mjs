// The popup's health panel for a tab, in plain words with what to do next: a working toolbar,
// spoofed messages counted live, an untrusted tenant, a page without the desktop, the desktop
// itself, a browser page, a page where this copy of the content script does not run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, expectText, openPopup, inExtension } from './harness.mjs';

let env, page, helper;
before(async () => {
  ({ env, page } = await setup('crm.html', { trusted: true, loggedIn: true }));
  helper = await openPopup(env);
});
after(async () => env?.close());

/** The id of the tab showing `url` (host access lets the extension see tab URLs). */
const tabOf = (url) => inExtension(helper, async (api, u) => (await api.tabs.query({})).find((t) => t.url === u)?.id, url);

/** The popup describing tab `id`, as the toolbar icon would for the active tab. */
async function panelFor(id) {
  const popup = await env.context.newPage();
  await popup.goto(`${env.popupUrl}?tab=${id}`);
  await popup.locator('body[data-ready="true"]').waitFor();
  return popup;
}
const healthLines = (popup) => popup.locator('ul.health li').allTextContents();

test('a working toolbar: every line is fine; spoofed messages show up as they are counted', async () => {
  const id = await tabOf(`${env.crm}/crm.html`);
  assert.ok(id, 'the CRM tab');
  const popup = await panelFor(id);
  // Reports reach the panel live (at most one a second from a toolbar).
  await expectText(popup.locator('ul.health li').nth(3), 'Agent logged in.');
  const lines = await healthLines(popup);
  assert.equal(lines[0], `Agent Desktop found: ${env.tenant}`);
  assert.equal(lines[1], 'Tenant trusted.');
  assert.match(lines[2], /^Connected to the desktop since \d\d:\d\d:\d\d\.$/);
  assert.equal(lines[3], 'Agent logged in.');
  assert.match(lines[4], /^Last message from the desktop \d+ s ago\.$/);
  assert.equal(lines[5], 'No spoofed or malformed messages.');
  assert.deepEqual(await popup.locator('ul.health li').evaluateAll((ls) => ls.map((l) => l.dataset.level)), ['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
  // A page script posts look-alike desktop messages.
  await page.bringToFront();
  await page.evaluate(() => { for (let i = 0; i < 3; i++) window.postMessage(JSON.stringify({ command: 'INTERACTION_RENDERED', data: { item_id: 'FAKE' } }), '*'); });
  await popup.bringToFront();
  await expectText(popup.locator('ul.health li').nth(5), /^3 messages ignored as spoofed or malformed\.Nothing was acted on/, 8000);
  await popup.close();
  // The tab goes on to a page without the desktop: the old report no longer describes it.
  await page.bringToFront();
  await page.goto(`${env.crm}/plain.html`);
  const after = await panelFor(id);
  assert.deepEqual(await healthLines(after), ['No Agent Desktop found on this page.Open the CRM page that shows the Agent Desktop, or check that the page is not on the list of sites without the toolbar.']);
  await after.close();
});

test('an untrusted tenant: the panel says so and names the button to press', async () => {
  const other = await env.context.newPage();
  await other.goto(`${env.crm}/lookalike.html`);
  await other.locator('bp-call-toolbar').waitFor({ state: 'attached' });
  const popup = await panelFor(await tabOf(`${env.crm}/lookalike.html`));
  await expectText(popup.locator('ul.health li').nth(1), `Tenant not trusted yet: nothing is sent to it.If this is your company's desktop, press “Trust ${env.crm}…” on the toolbar and confirm in the window that opens.`);
  assert.equal(await popup.locator('ul.health li').nth(1).getAttribute('data-level'), 'problem');
  await popup.close();
  await other.close();
});

test('a page without the desktop, the desktop itself, a browser page', async () => {
  const plain = await env.context.newPage();
  await plain.goto(`${env.crm}/plain.html`);
  let popup = await panelFor(await tabOf(`${env.crm}/plain.html`));
  assert.deepEqual(await healthLines(popup), ['No Agent Desktop found on this page.Open the CRM page that shows the Agent Desktop, or check that the page is not on the list of sites without the toolbar.']);
  await popup.close();
  await plain.goto(`${env.tenant}/agentdesktop/UniversalRepeater.jsp`);
  popup = await panelFor(await tabOf(`${env.tenant}/agentdesktop/UniversalRepeater.jsp`));
  assert.deepEqual(await healthLines(popup), ['This is the Agent Desktop itself.The toolbar appears on the CRM pages that embed the Agent Desktop.']);
  await popup.close();
  await plain.close();
  // The extension's own page is not a web page.
  popup = await panelFor(await inExtension(helper, async (api) => (await api.tabs.getCurrent())?.id));
  assert.deepEqual(await healthLines(popup), ['This tab is not a web page.Open the CRM page that shows the Agent Desktop.']);
  await popup.close();
});

test('a page where this copy of the content script does not run: the panel says to reload it', async () => {
  const stale = await env.context.newPage();
  await stale.goto(`${env.crm}/plain.html?stale=1`);
  const id = await tabOf(`${env.crm}/plain.html?stale=1`);
  // What a tab opened before an update that could not be given the new script looks like to
  // the extension: no marker of this copy in the page's isolated world.
  await inExtension(helper, (api, tabId) => api.scripting.executeScript({ target: { tabId }, func: () => { delete globalThis.__bpCallToolbarLoaded; } }), id);
  const popup = await panelFor(id);
  assert.deepEqual(await healthLines(popup), ['The toolbar is not running in this tab: the page was open before the extension was installed or updated.Reload the page (finish the current call first).']);
  assert.equal(await popup.locator('ul.health li').first().getAttribute('data-level'), 'problem');
  await popup.close();
  await stale.close();
});
