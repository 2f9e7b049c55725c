// A tab with a toolbar in two frames (the CRM's console embeds the desktop, and a case view in
// an iframe embeds another): shortcuts go to the frame that speaks for the tab, the top frame
// first, never to every frame; the tab's badge is the top frame's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, startCall, expectText, received, openPopup, badges, shortcut } from './harness.mjs';

let env, page;
before(async () => { ({ env, page } = await setup('frames.html', { trusted: true, loggedIn: true })); });
after(async () => env?.close());

/** The simulated desktop of the case view's own repeater. */
const inner = () => page.frameLocator('iframe[title="Inner CRM"]').frameLocator('iframe[title="Agent Desktop"]');

async function innerReceived() {
  const texts = await inner().locator('#received li').allTextContents();
  return texts.map((t) => JSON.parse(t));
}

test('a shortcut reaches the top frame\'s toolbar only; the badge is the top frame\'s', async () => {
  const item = await startCall(page);
  // The case view's desktop: logged in, on a call of its own (its toolbar captures it).
  await inner().getByRole('button', { name: 'Log in', exact: true }).click();
  await inner().getByRole('button', { name: 'Offer call', exact: true }).click();
  await inner().locator('#items li').first().waitFor();
  const innerItem = await inner().locator('#items li').first().getAttribute('data-item-id');
  await inner().getByRole('button', { name: 'Answer', exact: true }).click();
  // The inner toolbar is live too: its desktop has been asked for the state.
  for (let i = 0; i < 100 && !(await innerReceived()).some((c) => c.command === 'GET_STATE'); i++) await page.waitForTimeout(50);
  assert.ok((await innerReceived()).some((c) => c.command === 'GET_STATE'), 'the inner toolbar runs');
  const popup = await openPopup(env);
  // Top frame busy, inner frame busy: now make the inner one stand out.
  await inner().getByRole('button', { name: 'Customer hangs up', exact: true }).click();
  await page.waitForTimeout(500);
  assert.ok((await badges(popup)).includes('BUSY'), `the badge is the top frame's: ${await badges(popup)}`);
  assert.equal(await shortcut(env, popup, page, 'wrap-up'), true, 'the listener commands.onCommand runs');
  await page.bringToFront();
  await expectText(toolbar(page).getByRole('status'), `Wrapped up ${item}.`);
  const cmds = (await received(page)).filter((c) => c.command !== 'GET_STATE').map((c) => `${c.command} ${c.data ?? c.item_id}`);
  assert.deepEqual(cmds, [`TERMINATE_INTERACTION_FROM_API ${item}`, `COMPLETE_INTERACTION_FROM_API ${item}`]);
  await page.waitForTimeout(500);
  assert.deepEqual((await innerReceived()).filter((c) => c.command !== 'GET_STATE'), [], `nothing reached the inner desktop (its call ${innerItem})`);
  assert.ok((await badges(popup)).includes('RDY'), `still the top frame's: ${await badges(popup)}`);
  await popup.close();
});
