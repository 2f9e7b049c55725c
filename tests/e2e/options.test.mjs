// The options page: trusted tenants (validated, nothing saved half-way), sites where the
// toolbar never appears, and settings that change what the toolbar does (a required
// disposition), all through the page's own controls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, login, startCall, expectText, received, openOptions, inExtension, channel, optionsList } from './harness.mjs';

let env, page;
before(async () => { ({ env, page } = await setup('crm.html')); });
after(async () => env?.close());

const stored = (options, key) => inExtension(options, async (api, k) => (await api.storage.local.get(k))[k] ?? null, key);

test('a bad tenant origin gets a clear message and nothing is saved; a good one is trusted on the CRM page', async () => {
  const options = await openOptions(env);
  const field = options.getByLabel('Tenant origin');
  await field.fill('http://acme.example.com');
  await options.getByRole('button', { name: 'Add tenant', exact: true }).click();
  await expectText(options.getByRole('alert').first(), /plain http, which would expose call data/);
  await field.fill('https://acme.example.com/agentdesktop/');
  await field.press('Enter');
  await expectText(options.getByRole('alert').first(), /has more than an origin/);
  assert.equal(await stored(options, 'trustedOrigins'), null, 'nothing saved');
  // The simulator's tenant (loopback http is allowed for a local desktop).
  await field.fill(env.tenant);
  await options.getByRole('button', { name: 'Add tenant', exact: true }).click();
  await expectText(optionsList(options, 'tenant'), new RegExp(env.tenant.replace(/[.:/]/g, '\\$&')));
  for (let i = 0; i < 30 && !(await stored(options, 'trustedOrigins')); i++) await options.waitForTimeout(100);
  assert.deepEqual(await stored(options, 'trustedOrigins'), [env.tenant]);
  await options.close();
  await page.bringToFront();
  await page.reload();
  // No Trust prompt: the channel opens by itself.
  await channel(page).waitFor({ state: 'attached', timeout: 10000 });
  assert.equal(await toolbar(page).getByRole('button', { name: /^Trust / }).count(), 0);
});

test('settings are checked as a whole: a bad value names its field and saves nothing', async () => {
  const options = await openOptions(env);
  const before = await stored(options, 'settings');
  await options.getByLabel('Require a disposition before Complete').check();
  await options.getByLabel('Log size limit (entries)').fill('50');
  await options.getByRole('button', { name: 'Save settings', exact: true }).click();
  await expectText(options.locator('#settings-error'), 'Log size limit (entries): Enter a whole number from 1000 to 20000. Nothing was saved.');
  await options.waitForTimeout(300);
  assert.deepEqual(await stored(options, 'settings'), before, 'the valid checkbox was not saved either');
  await options.close();
});

test('a required disposition: Complete waits for it, then sends it', async () => {
  const options = await openOptions(env);
  await options.getByLabel('Require a disposition before Complete').check();
  await options.getByLabel('Log size limit (entries)').fill('3000');
  await options.getByRole('button', { name: 'Save settings', exact: true }).click();
  await expectText(options.getByRole('status'), 'Saved.');
  await options.close();
  await page.bringToFront();
  await login(page);
  const bar = toolbar(page);
  const item = await startCall(page);
  await desktop(page).getByRole('button', { name: 'Customer hangs up', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'After-call work');
  const complete = bar.getByRole('button', { name: 'Complete', exact: true });
  assert.equal(await complete.isDisabled(), true);
  assert.equal(await bar.getByRole('button', { name: 'Wrap up', exact: true }).isDisabled(), true);
  await expectText(bar.locator('.hint'), 'Enter a disposition to complete this interaction.');
  await bar.getByLabel('Disposition').fill('Sale');
  await bar.getByRole('button', { name: 'Complete', exact: true }).click();
  await expectText(bar.getByRole('status'), `Completed ${item}.`);
  const sent = (await received(page)).filter((c) => c.command?.startsWith('COMPLETE'));
  assert.equal(sent.length, 1);
  assert.equal(sent[0].command, 'COMPLETE_INTERACTION_WITH_DISPOSITION');
});

test('a blocked site never gets the toolbar; removing it brings it back', async () => {
  const options = await openOptions(env);
  const host = new URL(env.crm).hostname;
  await options.getByLabel('Host name or *.domain', { exact: true }).fill(`http://${host}:1234/some/page`); // a pasted URL
  await options.getByRole('button', { name: 'Add site', exact: true }).click();
  await expectText(optionsList(options, 'site'), new RegExp(host.replace(/\./g, '\\.')));
  for (let i = 0; i < 30 && !((await stored(options, 'settings'))?.blockedSites ?? []).length; i++) await options.waitForTimeout(100);
  assert.deepEqual((await stored(options, 'settings')).blockedSites, [host]);
  await page.bringToFront();
  await page.reload();
  await desktop(page).getByRole('button', { name: 'Log in', exact: true }).waitFor();
  await page.waitForTimeout(1500);
  assert.equal(await page.locator('bp-call-toolbar').count(), 0, 'no toolbar on a blocked site');
  await options.bringToFront();
  await options.getByRole('button', { name: `Remove ${host}`, exact: true }).click();
  for (let i = 0; i < 30 && ((await stored(options, 'settings'))?.blockedSites ?? []).length; i++) await options.waitForTimeout(100);
  await options.close();
  await page.bringToFront();
  await page.reload();
  await page.locator('bp-call-toolbar').waitFor({ state: 'attached', timeout: 10000 });
});
