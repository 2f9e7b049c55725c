// A CRM theme that styles everything (display:none on buttons, huge fonts, transforms, a
// max-z-index overlay, rules aimed at our host element): the toolbar stays visible and usable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, trust, login, startCall, expectText } from './harness.mjs';

let env, page;
before(async () => {
  ({ env, page } = await setup('hostile.html'));
});
after(async () => env?.close());

test('the toolbar is visible, on screen and styled by itself', async () => {
  const host = page.locator('bp-call-toolbar');
  await host.waitFor({ state: 'attached' });
  await expectText(toolbar(page).getByLabel('Agent status'), 'Not trusted'); // fully rendered
  const box = await host.boundingBox();
  assert.ok(box && box.width >= 380 && box.height > 80, `host box ${JSON.stringify(box)}`);
  assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= 1280 && box.y + box.height <= 860, 'inside the viewport');
  const style = await toolbar(page).getByRole('button', { name: /^Trust / }).evaluate((b) => {
    const s = getComputedStyle(b);
    return { display: s.display, fontSize: s.fontSize, color: s.color };
  });
  assert.deepEqual(style, { display: 'inline-block', fontSize: '13px', color: 'rgb(255, 255, 255)' });
  // Nothing of the page's style sheet that would hide it while it stays clickable (a mask),
  // or shrink it away, applies to the host.
  const host_style = await host.evaluate((h) => { const s = getComputedStyle(h); return { mask: s.maskImage, webkitMask: s.webkitMaskImage, scale: s.scale, zoom: s.zoom, blend: s.mixBlendMode }; });
  assert.deepEqual(host_style, { mask: 'none', webkitMask: 'none', scale: 'none', zoom: '1', blend: 'normal' });
  // On top of the page's max-z-index overlay: the toolbar's centre is the toolbar.
  const hit = await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.tagName, { x: box.x + box.width / 2, y: box.y + box.height / 2 });
  assert.equal(hit, 'BP-CALL-TOOLBAR');
});

test('the agent can still trust, see the call and terminate it', async () => {
  await trust(page, env.tenant);
  await login(page);
  const itemId = await startCall(page);
  const bar = toolbar(page);
  await expectText(bar.getByLabel('Interaction ID', { exact: true }), itemId);
  await bar.getByRole('button', { name: 'Terminate', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'After-call work');
});
