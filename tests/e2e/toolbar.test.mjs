// The agent-grade toolbar: after-call-work timer and badge, Copy, collapse to a pill, moving it
// (remembered per site), keyboard shortcuts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, login, startCall, expectText, openPopup, badges, shortcut, received, inExtension, logRows, dragBy, openOptions } from './harness.mjs';

let env, page, popup;
before(async () => {
  ({ env, page } = await setup('crm.html', { trusted: true, loggedIn: true }));
  popup = await openPopup(env);
  await page.bringToFront();
});
after(async () => env?.close());

test('after-call work shows a count-up timer, and the badge tells the state', async () => {
  const bar = toolbar(page);
  await startCall(page);
  assert.ok((await badges(popup)).includes('BUSY'), 'badge shows the call');
  await desktop(page).getByRole('button', { name: 'Customer hangs up', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'After-call work');
  const timer = bar.getByRole('timer');
  await expectText(timer, /^0:0[0-2]$/);
  await expectText(timer, /^0:0[2-4]$/, 4000);
  const texts = await badges(popup);
  assert.ok(texts.some((t) => /^0:0\d$/.test(t)), `badge counts up too: ${texts}`);
  await bar.getByRole('button', { name: 'Complete', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'Ready');
  assert.equal(await timer.count(), 0, 'timer gone after ACW');
  assert.ok((await badges(popup)).includes('RDY'));
});

test('Copy puts the Interaction ID on the clipboard', async () => {
  const bar = toolbar(page);
  const item = await startCall(page);
  await expectText(bar.getByLabel('Interaction ID', { exact: true }), item);
  await page.bringToFront();
  await page.getByLabel('Search the CRM').click(); // the agent is working in the CRM page
  await bar.getByRole('button', { name: 'Copy Interaction ID', exact: true }).click();
  await expectText(bar.getByRole('status'), `Copied ${item}.`);
  // What an agent does next: paste it into the CRM.
  const search = page.getByLabel('Search the CRM');
  await search.fill('');
  await search.press('Control+V');
  await expectText(search, item);
});

test('keyboard shortcuts reach the toolbar; the popup lists them', async () => {
  const bar = toolbar(page);
  const item = await bar.getByLabel('Interaction ID', { exact: true }).inputValue();
  await popup.reload();
  await popup.locator('body[data-ready="true"]').waitFor();
  const keys = await popup.locator('dl.shortcuts dt').allTextContents();
  // Pause recording, Ready and Not Ready have no default key (Chromium allows four): the agent
  // or the admin sets one.
  assert.deepEqual(keys, ['Alt+Shift+1', 'Alt+Shift+2', 'Alt+Shift+3', 'Alt+Shift+4', 'not set', 'not set', 'not set'], 'in toolbar order: Get State, Wrap up, Terminate, Complete, Pause recording, Ready, Not Ready');
  assert.equal(await shortcut(env, popup, page, 'wrap-up'), true, 'the listener commands.onCommand runs');
  await page.bringToFront();
  await expectText(bar.getByRole('status'), `Wrapped up ${item}.`);
  const cmds = (await received(page)).filter((c) => c.data === item || c.item_id === item).map((c) => c.command);
  assert.deepEqual(cmds, ['TERMINATE_INTERACTION_FROM_API', 'COMPLETE_INTERACTION_FROM_API']);
});

test('collapse to a pill and move with the keyboard: both remembered for the site', async () => {
  const host = page.locator('bp-call-toolbar');
  const bar = toolbar(page);
  const before = await host.boundingBox();
  const handle = bar.getByRole('button', { name: 'Move toolbar', exact: true });
  for (let i = 0; i < 3; i++) await handle.press('ArrowUp');
  await handle.press('ArrowRight');
  const moved = await host.boundingBox();
  assert.equal(Math.round(before.y - moved.y), 30);
  assert.equal(Math.round(moved.x - before.x), 10);
  await bar.getByRole('button', { name: 'Collapse toolbar', exact: true }).click();
  await bar.getByRole('button', { name: 'Expand toolbar', exact: true }).waitFor();
  const pill = await host.boundingBox();
  assert.ok(pill.width < 250 && pill.height < 50, `collapsed: ${JSON.stringify(pill)}`);
  assert.equal(await bar.getByRole('button', { name: 'Get State', exact: true }).count(), 0);
  await page.waitForTimeout(300); // the background stores the placement
  await page.reload();
  await bar.getByRole('button', { name: 'Expand toolbar', exact: true }).waitFor();
  const again = await host.boundingBox();
  assert.deepEqual([Math.round(again.x), Math.round(again.y)], [Math.round(moved.x), Math.round(moved.y)]);
  await bar.getByRole('button', { name: 'Expand toolbar', exact: true }).click();
  await bar.getByRole('button', { name: 'Get State', exact: true }).waitFor();
});

test('drag the toolbar with the pointer', async () => {
  const host = page.locator('bp-call-toolbar');
  const before = await host.boundingBox();
  await dragBy(page, toolbar(page).getByRole('button', { name: 'Move toolbar', exact: true }), 200, -100);
  const after = await host.boundingBox();
  assert.ok(Math.abs(after.x - (before.x + 200)) <= 2 && Math.abs(after.y - (before.y - 100)) <= 2, `${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
});

test('an after-call-work alert fires once past the threshold the agent set', async () => {
  const options = await openOptions(env);
  await options.getByLabel('Alert me when after-call work lasts longer than (minutes)').fill('0.03'); // about 2 s
  await options.getByRole('button', { name: 'Save settings', exact: true }).click();
  await expectText(options.getByRole('status'), 'Saved.');
  await options.close();
  await popup.bringToFront();
  await popup.reload();
  await popup.locator('body[data-ready="true"]').waitFor();
  await page.bringToFront();
  await login(page); // still logged in after the reload above: the desktop keeps its session
  await startCall(page);
  await desktop(page).getByRole('button', { name: 'Customer hangs up', exact: true }).click();
  await expectText(toolbar(page).getByLabel('Agent status'), 'After-call work');
  const alerts = async () => (await logRows(popup)).filter((r) => r[1] === 'ACW alert');
  for (let i = 0; i < 80 && (await alerts()).length === 0; i++) await page.waitForTimeout(100);
  const [first] = await alerts();
  assert.ok(first, 'an ACW alert is logged');
  assert.match(first[3], /^notification shown after 0:0[1-5]$/);
  if (env.browser === 'chromium') {
    // Headless Firefox has no notification service to list them; Chromium does.
    const ids = await inExtension(popup, async (api) => Object.keys(await api.notifications.getAll()));
    assert.equal(ids.length, 1);
    assert.match(ids[0], /^acw-\d+$/);
  }
  await page.waitForTimeout(2000);
  assert.equal((await alerts()).length, 1, 'once per episode');
});
