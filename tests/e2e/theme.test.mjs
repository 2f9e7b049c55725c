// Dark mode: the toolbar and the popup follow prefers-color-scheme.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, expectText, openPopup } from './harness.mjs';

let env, page;
before(async () => { ({ env, page } = await setup('crm.html', { dark: true })); });
after(async () => env?.close());

const colors = (locator) => locator.evaluate((e) => { const s = getComputedStyle(e); return [s.backgroundColor, s.color]; });

test('the toolbar is dark in a dark browser', async () => {
  const bar = toolbar(page);
  await expectText(bar.getByLabel('Agent status'), 'Not trusted');
  assert.deepEqual(await colors(bar.getByRole('region', { name: 'Call toolbar' })), ['rgb(27, 31, 39)', 'rgb(230, 233, 239)']);
  assert.deepEqual(await colors(bar.getByRole('button', { name: /^Trust / })), ['rgb(110, 160, 255)', 'rgb(11, 18, 32)']);
});

test('the popup is dark too', async () => {
  const popup = await openPopup(env);
  assert.deepEqual(await colors(popup.locator('body')), ['rgb(27, 31, 39)', 'rgb(230, 233, 239)']);
  await popup.close();
});
