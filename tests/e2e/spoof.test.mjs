// Spoofed and malformed messages: nothing is shown or acted on, every one is counted, and no
// markup from the wire ever becomes an element.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, trust, login, expectText, openPopup, logRows } from './harness.mjs';

let env, page;
before(async () => {
  ({ env, page } = await setup('crm.html', { trusted: true, loggedIn: true }));
});
after(async () => env?.close());

const FAKE = JSON.stringify({ command: 'INTERACTION_RENDERED', data: { item_id: 'SPOOFED-ITEM' } });
const FAKE_STATE = JSON.stringify({ command: 'STATE_CHANGED', data: { status: 'busy', reason: '' } });

test('messages from page scripts are counted; other tenant frames are not our channel but not suspicious', async () => {
  const bar = toolbar(page);
  // A page script posts to its own window (origin: the CRM).
  await page.evaluate(([a, b]) => { window.postMessage(a, '*'); window.postMessage(b, '*'); }, [FAKE, FAKE_STATE]);
  // Another frame of the tenant origin that is not our proxy (the repeater itself): the tenant's
  // frames post to the page legitimately (the page's own SDK lives on that), so a well-formed
  // one is not counted as suspicious; a malformed one is. Neither is acted on.
  await desktop(page).locator(':root').evaluate((_, a) => { parent.postMessage(a, '*'); parent.postMessage('{"command":"STATE_CHANGED", broken', '*'); }, FAKE);
  // Unrelated page traffic is not even counted.
  await page.evaluate(() => { window.postMessage({ type: 'analytics' }, '*'); window.postMessage('hello', '*'); });
  await expectText(bar.getByText(/messages ignored/), '3 messages ignored (not from our desktop channel, or malformed)');
  assert.equal(await bar.getByLabel('Interaction ID', { exact: true }).inputValue(), '');
  await expectText(bar.getByLabel('Agent status'), 'Not ready');
});

test('a malformed message from the desktop channel is counted, not shown', async () => {
  const bar = toolbar(page);
  await desktop(page).getByRole('button', { name: 'Send malformed event', exact: true }).click();
  await expectText(bar.getByText(/messages ignored/), '4 messages ignored (not from our desktop channel, or malformed)');
  await expectText(bar.getByLabel('Agent status'), 'Not ready');
});

test('wire text with markup is shown as text in the toolbar and the popup', async () => {
  const evil = '<img src=x onerror="document.title=`pwned`">Lunch';
  await desktop(page).getByLabel('Reason').fill(evil);
  await desktop(page).getByRole('button', { name: 'Not ready', exact: true }).click();
  const bar = toolbar(page);
  await expectText(bar.getByLabel('Agent status'), `Not ready: ${evil}`);
  assert.equal(await page.locator('bp-call-toolbar img').count(), 0);
  const popup = await openPopup(env);
  const rows = await logRows(popup);
  assert.ok(rows.some((r) => r[3] === `status not_ready (${evil})`), 'logged verbatim');
  assert.equal(await popup.locator('td img').count(), 0);
  assert.notEqual(await page.title(), 'pwned');
  await popup.close();
});
