// A CRM that runs its own servicepattern-sdk-v1.js integration (the documented sample: its own
// Get State button and proxy) keeps working beside ours: its request ids and callbacks are
// untouched, its events still arrive. Its traffic is legitimate: after a whole call with both in
// use, the toolbar counts nothing as suspicious and the health panel is all fine. With a desktop
// that answers every proxy of the page (the default of the simulator) and with one that answers
// only the asker.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, startCall, expectText, received, openPopup, logRows, inExtension } from './harness.mjs';

const envs = [];
after(async () => { for (const e of envs) await e.close(); });

for (const broadcastReplies of [true, false]) {
  const which = broadcastReplies ? 'replies to every proxy' : 'replies to the asker only';
  test(`the page SDK and the toolbar side by side, a desktop that ${which}`, async () => {
    const { env, page } = await setup('sdk.html', { trusted: true, loggedIn: true, sim: { broadcastReplies } });
    envs.push(env);
    const bar = toolbar(page);
    // Both sides ask several times, interleaved.
    for (let i = 0; i < 3; i++) {
      await page.getByRole('button', { name: 'Page SDK Get State', exact: true }).click();
      await bar.getByRole('button', { name: 'Get State', exact: true }).click();
      await expectText(bar.getByRole('status'), /^Desktop state:/);
      await expectText(page.locator('#sdk-callbacks'), String(i + 1));
    }
    await desktop(page).getByRole('button', { name: 'Ready', exact: true }).click();
    await expectText(page.locator('#sdk-status'), 'ready');
    await expectText(bar.getByLabel('Agent status'), 'Ready');
    assert.equal(await page.locator('#sdk-sent').textContent(), '3');
    assert.equal(await page.locator('#sdk-callbacks').textContent(), '3', 'each page request answered exactly once');
    const last = JSON.parse(await page.locator('#sdk-out').textContent());
    assert.equal(last.request_id, '2', 'the page sees its own reply');

    // A whole call, the page SDK asking during it, the toolbar wrapping it up.
    const item = await startCall(page);
    await page.getByRole('button', { name: 'Page SDK Get State', exact: true }).click();
    await expectText(page.locator('#sdk-callbacks'), '4');
    await bar.getByRole('button', { name: 'Wrap up', exact: true }).click();
    await expectText(bar.getByRole('status'), `Wrapped up ${item}.`, 10000);
    await page.getByRole('button', { name: 'Page SDK Get State', exact: true }).click();
    await expectText(page.locator('#sdk-callbacks'), '5');

    const ids = (await received(page)).filter((c) => c.command === 'GET_STATE').map((c) => Number(c.request_id));
    const pageIds = ids.filter((n) => n < 1e9);
    const ourIds = ids.filter((n) => n >= 1e9);
    assert.deepEqual(pageIds, [0, 1, 2, 3, 4], 'the page counter is its own');
    assert.ok(ourIds.length >= 4, `ours: ${ourIds}`);
    assert.equal(new Set(ourIds).size, ourIds.length, 'our ids are unique');

    // Nothing of that was suspicious: no counter on the toolbar, no late reply in the log.
    await page.waitForTimeout(300);
    assert.equal(await bar.getByText(/ignored/).count(), 0, 'no "ignored" line on the toolbar');
    const popup = await openPopup(env);
    const rows = await logRows(popup);
    assert.ok(!rows.some((r) => r[1].includes('late reply')), rows.map((r) => r[1]).join('\n'));
    // The health panel for the tab: every line fine, the page's own integration noted as such.
    const tab = await inExtension(popup, async (api) => (await api.tabs.query({})).find((t) => t.url?.includes('/sdk.html'))?.id);
    await popup.goto(`${env.popupUrl}?tab=${tab}`);
    await popup.locator('body[data-ready="true"]').waitFor();
    let lines = [];
    for (let i = 0; i < 30 && !lines.some((l) => l.text.startsWith('This page also runs')); i++) {
      lines = await popup.locator('ul.health li').evaluateAll((ls) => ls.map((l) => ({ text: l.textContent, level: l.dataset.level })));
      await popup.waitForTimeout(200);
    }
    assert.deepEqual(lines.filter((l) => l.level !== 'ok'), [], JSON.stringify(lines, null, 1));
    assert.ok(lines.some((l) => l.text === 'No spoofed or malformed messages.'), JSON.stringify(lines));
    assert.ok(lines.some((l) => /^This page also runs its own Agent Desktop integration \(\d+ of its messages seen\)/.test(l.text)), JSON.stringify(lines));
    await popup.close();
  });
}
