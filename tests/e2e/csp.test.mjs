// A CRM served with a strict Content-Security-Policy (script-src 'self', no wasm). Chromium
// applies it to content scripts, so the toolbar runs in its extension frame behind the relay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, CSP_MODE, toolbar, desktop, trust, login, startCall, expectText, received, openOptions, openPopup, inExtension, LIVE_STATUS, optionsList } from './harness.mjs';

let env, page;
before(async () => {
  ({ env, page } = await setup('csp.html'));
});
after(async () => env?.close());

test('the page really forbids wasm; the toolbar runs (in its frame where the browser needs it)', async () => {
  await expectText(page.locator('#csp-check'), 'page CSP forbids wasm');
  await page.locator('bp-call-toolbar').waitFor({ state: 'attached' });
  const mode = (await page.locator('bp-call-toolbar').getAttribute('data-mode')) ?? 'direct';
  assert.equal(mode, CSP_MODE);
  await expectText(toolbar(page, CSP_MODE).getByLabel('Agent status'), 'Not trusted');
});

test('the whole call works through the frame: trust, capture, Terminate, Complete', async () => {
  const bar = toolbar(page, CSP_MODE);
  await trust(page, env.tenant, CSP_MODE);
  await login(page, CSP_MODE);
  const itemId = await startCall(page, CSP_MODE);
  await expectText(bar.getByLabel('Interaction ID', { exact: true }), itemId);
  await bar.getByRole('button', { name: 'Terminate', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'After-call work');
  await bar.getByRole('button', { name: 'Complete', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'Ready');
  const cmds = (await received(page)).filter((c) => c.command !== 'GET_STATE');
  assert.deepEqual(cmds, [
    { command: 'TERMINATE_INTERACTION_FROM_API', data: itemId },
    { command: 'COMPLETE_INTERACTION_FROM_API', data: itemId },
  ]);
});

test('spoofed messages on a strict-CSP page are ignored too', async () => {
  const spoof = JSON.stringify({ command: 'INTERACTION_RENDERED', data: { item_id: 'SPOOF' } });
  // From the page (the suite's script runs despite the CSP) and from the repeater, a frame of
  // the tenant that is not our proxy: neither is the desktop talking to us; only the page's
  // counts as suspicious (the tenant's own frames post to the page legitimately).
  await page.evaluate((m) => window.postMessage(m, '*'), spoof);
  await desktop(page).locator(':root').evaluate((_, m) => parent.postMessage(m, '*'), spoof);
  await expectText(toolbar(page, CSP_MODE).getByText(/ignored/), '1 message ignored (not from our desktop channel, or malformed)');
  assert.equal(await toolbar(page, CSP_MODE).getByLabel('Interaction ID', { exact: true }).inputValue(), '');
});

test('the toolbar moves and collapses in its frame too', async () => {
  const bar = toolbar(page, CSP_MODE);
  const host = page.locator('bp-call-toolbar');
  const before = await host.boundingBox();
  const handle = bar.getByRole('button', { name: 'Move toolbar', exact: true });
  await handle.press('ArrowUp');
  await handle.press('ArrowRight');
  const deadline = Date.now() + 3000;
  let moved = await host.boundingBox();
  while ((Math.round(before.y - moved.y) !== 10 || Math.round(moved.x - before.x) !== 10) && Date.now() < deadline) {
    await page.waitForTimeout(50);
    moved = await host.boundingBox();
  }
  assert.deepEqual([Math.round(moved.x - before.x), Math.round(before.y - moved.y)], [10, 10]);
  await bar.getByRole('button', { name: 'Collapse toolbar', exact: true }).click();
  await bar.getByRole('button', { name: 'Expand toolbar', exact: true }).waitFor();
});

test('a blocked site gets no toolbar on a strict-CSP page either', async () => {
  const options = await openOptions(env);
  const host = new URL(env.crm).hostname;
  await options.getByLabel('Host name or *.domain', { exact: true }).fill(host);
  await options.getByRole('button', { name: 'Add site', exact: true }).click();
  await expectText(optionsList(options, 'site'), new RegExp(host.replace(/\./g, '\\.')));
  await page.bringToFront();
  await page.reload();
  await expectText(page.locator('#csp-check'), 'page CSP forbids wasm');
  await page.waitForTimeout(2000);
  assert.equal(await page.locator('bp-call-toolbar').count(), 0, 'no toolbar on a blocked site');
  await options.bringToFront();
  await options.getByRole('button', { name: `Remove ${host}`, exact: true }).click();
  await options.close();
});

test('the health panel says when the toolbar runs in its own frame', async (t) => {
  if (CSP_MODE !== 'frame') return t.skip('Firefox runs the toolbar directly on strict-CSP pages');
  await page.bringToFront();
  await page.reload();
  await page.locator('bp-call-toolbar').waitFor({ state: 'attached' });
  // The tenant is trusted and the agent still logged in (the desktop keeps its session).
  await expectText(toolbar(page, CSP_MODE).getByLabel('Agent status'), LIVE_STATUS);
  const helper = await openPopup(env);
  const id = await inExtension(helper, async (api, u) => (await api.tabs.query({})).find((x) => x.url === u)?.id, `${env.crm}/csp.html`);
  await helper.close();
  const popup = await env.context.newPage();
  await popup.goto(`${env.popupUrl}?tab=${id}`);
  await popup.locator('body[data-ready="true"]').waitFor();
  await expectText(popup.locator('ul.health li').last(), "This page's security policy blocks WebAssembly, so the toolbar runs in its own frame. Everything works the same.");
  await popup.close();
});
