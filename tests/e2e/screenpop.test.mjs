// Screen pop: when a call arrives, the caller's record opens in a tab of its own from the URL
// templates on the options page, once per interaction, filled with URL-encoded values; the tab
// that hosts the desktop is never navigated; a template that is not https is refused; the log
// and the popup show the pop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, login, expectText, openOptions, openPopup, logRows, findWindow } from './harness.mjs';

let env, page;
before(async () => {
  // Full payloads: INTERACTION_RENDERED carries phone_number and the case in screenpop_data.
  ({ env, page } = await setup('crm.html', { trusted: true, sim: { minimalPayloads: false } }));
});
after(async () => env?.close());

/** The URLs of the open tabs that hold `part`. */
async function tabsWith(part) {
  if (env.browser === 'firefox') {
    const { session } = env.context;
    const out = [];
    for (const h of await session.cmd('GET', '/window/handles')) {
      await session.focus(h);
      const url = await session.cmd('GET', '/url');
      if (url.includes(part)) out.push(url);
    }
    return out;
  }
  return env.context.pages().map((p) => p.url()).filter((u) => u.includes(part));
}

/** The tabs that hold `part`, once `done(tabs)` holds (or after 10 s). */
async function waitForTabs(part, done = (tabs) => tabs.length > 0) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const tabs = await tabsWith(part);
    if (done(tabs) || Date.now() > deadline) return tabs;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function offer(caseId) {
  const d = desktop(page);
  await d.getByLabel('Case').fill(caseId);
  const before = await d.locator('#items li').count();
  await d.getByRole('button', { name: 'Offer call', exact: true }).click();
  await d.locator('#items li').nth(before).waitFor();
  return d.locator('#items li').nth(before).getAttribute('data-item-id');
}

test('templates are set on the options page; one that is not https is refused', async () => {
  const options = await openOptions(env);
  const field = options.getByLabel('URL template');
  await field.fill('http://crm.example.com/x?id={item_id}');
  await options.getByRole('button', { name: 'Add template', exact: true }).click();
  await expectText(options.locator('#pop-error'), '“http://crm.example.com/x?id={item_id}” must use https (plain http only for localhost).');
  await field.fill('https://{tenant}/x');
  await options.getByRole('button', { name: 'Add template', exact: true }).click();
  await expectText(options.locator('#pop-error'), /is not a usable URL template/);
  for (const t of [`${env.crm}/record.html?case={screenpop_data.case_id}`, `${env.crm}/record.html?phone={phone_number}&account={attached_data.account}`]) {
    await field.fill(t);
    await options.getByRole('button', { name: 'Add template', exact: true }).click();
    await expectText(options.locator('#pop-error'), '');
  }
  const list = await options.locator('#pop-input').evaluate((e) => [...e.closest('section').querySelectorAll('ul.list li .value')].map((v) => v.textContent));
  assert.equal(list.length, 2, `two templates listed: ${list}`);
  await options.close();
});

test('an offered call opens its record once, in a new tab, and the desktop tab stays where it is', async () => {
  const bar = toolbar(page);
  await login(page);
  const here = () => page.evaluate(() => location.href);
  const crmUrl = await here();
  const item = await offer('C-42/7 & more');
  await expectText(bar.getByLabel('Interaction ID', { exact: true }), item);
  const tabs = await waitForTabs('/record.html');
  assert.deepEqual(tabs, [`${env.crm}/record.html?case=C-42%2F7%20%26%20more`], 'the case, URL-encoded: it cannot add a path or a parameter');
  assert.equal(await here(), crmUrl, 'the tab with the desktop was not navigated');
  // The same call reported again (Get State, the answer) pops nothing more.
  await bar.getByRole('button', { name: 'Get State', exact: true }).click();
  await desktop(page).getByRole('button', { name: 'Answer', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'Busy');
  await page.waitForTimeout(1000);
  assert.equal((await tabsWith('/record.html')).length, 1, 'once per interaction');
  await bar.getByRole('button', { name: 'Wrap up', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), /^(Ready|Not ready)/, 10000);
});

test('the next call without a case takes the next template, in the last pop\'s tab', async () => {
  const bar = toolbar(page);
  await offer('');
  const tabs = await waitForTabs('/record.html', (t) => t.some((u) => u.includes('phone=')));
  assert.deepEqual(tabs, [`${env.crm}/record.html?phone=4151234567&account=ACME%20%26%20Co`], 'the same tab, navigated to the new record');
  await desktop(page).getByRole('button', { name: 'Answer', exact: true }).click();
  await bar.getByRole('button', { name: 'Wrap up', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), /^(Ready|Not ready)/, 10000);
});

test('a pop tab that now hosts a desktop of its own is never navigated: the next pop opens a new tab', async () => {
  // The agent turned the last pop's tab into a page with the Agent Desktop (its toolbar appears).
  const popTab = await findWindow(env, '/record.html');
  assert.ok(popTab, 'the last pop\'s tab is open');
  await popTab.goto(`${env.crm}/crm.html`);
  await expectText(toolbar(popTab).getByLabel('Agent status'), /./, 10000);
  await page.bringToFront?.();
  const bar = toolbar(page);
  await offer('C-77');
  const pops = await waitForTabs('/record.html');
  assert.deepEqual(pops, [`${env.crm}/record.html?case=C-77`], 'a new tab for the record');
  assert.equal((await tabsWith('/crm.html')).length, 2, 'both desktop tabs still on their CRM page');
  await desktop(page).getByRole('button', { name: 'Answer', exact: true }).click();
  await bar.getByRole('button', { name: 'Wrap up', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), /^(Ready|Not ready)/, 10000);
});

test('the log has each pop, and the popup links the last one', async () => {
  const popup = await openPopup(env);
  const rows = (await logRows(popup)).map((r) => `${r[1]}|${r[3]}`);
  assert.ok(rows.includes(`Screen pop|opened ${env.crm}/record.html?case=C-42%2F7%20%26%20more`), rows.join('\n'));
  assert.ok(rows.includes(`Screen pop|opened ${env.crm}/record.html?phone=4151234567&account=ACME%20%26%20Co (in the last pop's tab)`), rows.join('\n'));
  const link = popup.locator('.last-pop a');
  await expectText(link, `${env.crm}/record.html?case=C-77`);
  assert.equal(await link.getAttribute('href'), `${env.crm}/record.html?case=C-77`);
  await popup.close();
});
