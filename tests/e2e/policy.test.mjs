// Enterprise policy (storage.managed, from Chromium's managed policy directory and Firefox's
// policies.json): the organisation's tenant list is trusted without a prompt, the Trust prompt
// can be turned off, and locked settings take effect and show as locked on the options page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, toolbar, desktop, login, startCall, expectText, openOptions, installPolicy, channel, optionsList } from './harness.mjs';
import { freePort } from './webdriver.mjs';

// The browsers read policy from system paths only; the set-up runs as root, so does CI. Not
// being able to write them is a failure of the suite's environment, not a reason to skip.
const canInstall = process.getuid?.() === 0;
test('the suite can install a browser policy (it runs as root, as the set-up does)', () => {
  assert.ok(canInstall, 'run the tests as root: the browsers read policy from system paths only');
});
const ports = { tenantPort: await freePort(), crmPort: await freePort() };
const tenant = `http://localhost:${ports.tenantPort}`;
let env, page, removePolicy;

before(async () => {
  if (!canInstall) return;
  removePolicy = await installPolicy({
    trustedTenants: [tenant, 'not an origin'],
    disableTrustPrompt: true,
    requireDisposition: true,
    acwAlertMinutes: 7,
    blockedSites: ['blocked.example'],
    dialCountry: 'GB',
    outboundService: 'Outbound Sales',
    dialPrefix: 'nine',
    notReadyReasons: ['Lunch', 'Coaching', ' '],
    dispositions: ['Resolved | 100', 'Callback'],
    speedDial: ['Billing | 1020', 'Payroll'],
    acwLimitSeconds: 90,
    acwExtendSeconds: 30,
    defaultDisposition: 'Resolved',
  });
  try {
    env = await launch({ ports });
    page = await env.context.newPage();
  } catch (e) {
    await removePolicy();
    throw e;
  }
  // Firefox has read policies.json at start-up: take it away at once, so that nothing else on
  // this machine ever sees it. (Chromium rereads its directory, so that file stays to the end.)
  if (env.browser === 'firefox') {
    await removePolicy();
    removePolicy = null;
  }
});
after(async () => {
  await env?.close();
  await removePolicy?.();
});

test('a tenant on the policy list is trusted without a prompt; a locked required disposition holds Complete', async (t) => {
  if (!canInstall) return t.skip('installing a browser policy needs root');
  await page.goto(`${env.crm}/crm.html`);
  const bar = toolbar(page);
  await channel(page).waitFor({ state: 'attached', timeout: 10000 });
  assert.equal(await bar.getByRole('button', { name: /^Trust / }).count(), 0);
  await login(page);
  // The organisation's Not Ready reasons, the usable ones, in its order.
  assert.deepEqual(await bar.getByLabel('Reason', { exact: true }).evaluate((s) => [...s.options].map((o) => o.value)), ['Lunch', 'Coaching']);
  const item = await startCall(page);
  await desktop(page).getByRole('button', { name: 'Customer hangs up', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'After-call work');
  // The organisation's after-call-work limit counts down, with its extension.
  await expectText(bar.locator('.countdown'), /^Completes automatically in 1:(2\d|30)$/);
  assert.equal(await bar.getByRole('button', { name: 'Extend by 30 s', exact: true }).isDisabled(), false);
  assert.equal(await bar.getByRole('button', { name: 'Complete', exact: true }).isDisabled(), true);
  await expectText(bar.locator('.hint'), 'Enter a disposition to complete this interaction.');
  // The organisation's dispositions, and only those.
  assert.deepEqual(await bar.getByLabel('Disposition').evaluate((e) => [...e.list.options].map((o) => o.value)), ['Resolved', 'Callback']);
  await bar.getByLabel('Disposition').fill('Sold');
  await expectText(bar.locator('.hint'), 'Choose a disposition from your organization\'s list to complete.');
  assert.equal(await bar.getByRole('button', { name: 'Complete', exact: true }).isDisabled(), true);
  await bar.getByLabel('Disposition').fill('Resolved');
  await bar.getByRole('button', { name: 'Complete', exact: true }).click();
  await expectText(bar.getByRole('status'), `Completed ${item}.`);
});

test('the policy\'s dial rules and outbound service shape the toolbar\'s calls', async (t) => {
  if (!canInstall) return t.skip('installing a browser policy needs root');
  const bar = toolbar(page);
  // With the organisation's speed dial the field has a list (a combobox, found by its label).
  const field = bar.getByLabel('Number', { exact: true });
  assert.deepEqual(await field.evaluate((e) => [...e.list.options].map((o) => o.value)), ['Billing'], 'the usable entries');
  await field.fill('020 7946 0018');
  await field.press('Enter');
  await expectText(bar.getByRole('status'), 'Call to +442079460018 started.');
  const sent = (await desktop(page).locator('#received li').allTextContents()).slice(-2).map((x) => JSON.parse(x));
  // dialPrefix "nine" is not digits: not used (and reported below); the country and service are.
  assert.deepEqual(sent, [{ command: 'SELECT_SERVICE', data: 'Outbound Sales' }, { command: 'DIAL_NUMBER', number: '442079460018' }]);
  // Connected: transferred to the organisation's speed-dial entry.
  await desktop(page).getByRole('button', { name: 'Callee answers', exact: true }).click();
  await field.fill('Billing');
  await bar.getByRole('button', { name: 'Transfer', exact: true }).click();
  await page.waitForTimeout(600);
  await bar.getByRole('button', { name: 'Confirm transfer', exact: true }).click();
  await expectText(bar.getByRole('status'), 'Call transferred to Billing (1020).');
  assert.deepEqual(JSON.parse((await desktop(page).locator('#received li').allTextContents()).filter((x) => x.includes('SINGLE_STEP')).at(-1)), { command: 'SINGLE_STEP_TRANSFER', number: '1020' });
  await expectText(bar.getByLabel('Agent status'), 'After-call work');
  await bar.getByLabel('Disposition').fill('Resolved');
  await bar.getByRole('button', { name: 'Complete', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'Ready', 10000);
});

test('with the Trust prompt turned off, a tenant not on the list cannot be trusted from the toolbar', async (t) => {
  if (!canInstall) return t.skip('installing a browser policy needs root');
  await page.goto(`${env.crm}/lookalike.html`);
  const bar = toolbar(page);
  await expectText(bar.locator('.trust p'), /is not on your organization's list of tenants/);
  assert.equal(await bar.getByRole('button', { name: /^Trust / }).count(), 0);
  assert.equal(await channel(page).count(), 0, 'no channel to it');
});

test('the options page shows what the policy set, locked, and what it could not use', async (t) => {
  if (!canInstall) return t.skip('installing a browser policy needs root');
  const options = await openOptions(env);
  const acw = options.getByLabel('Alert me when after-call work lasts longer than (minutes)');
  assert.equal(await acw.inputValue(), '7');
  assert.equal(await acw.isDisabled(), true);
  const required = options.getByLabel('Require a disposition before Complete');
  assert.equal(await required.evaluate((e) => e.checked), true);
  assert.equal(await required.isDisabled(), true);
  assert.equal(await options.getByLabel('Log size limit (entries)').isDisabled(), false, 'not managed: still the agent\'s');
  const lists = {};
  for (const name of ['tenant', 'site', 'reason', 'disposition', 'speed-dial']) lists[name] = await optionsList(options, name).textContent();
  assert.match(lists['tenant'], new RegExp(`${tenant.replace(/[.:/]/g, '\\$&')}Set by your organization`));
  assert.match(lists['site'], /blocked\.exampleSet by your organization/);
  assert.equal(await options.getByLabel('Tenant origin').isDisabled(), true, 'agents cannot add tenants');
  await expectText(options.locator('ul.problems'), /trustedTenants: "not an origin" is not an https origin/);
  const country = options.getByLabel(/^Country of numbers written without a country code/);
  assert.equal(await country.inputValue(), 'GB');
  assert.equal(await country.isDisabled(), true, 'set by the organisation');
  assert.equal(await options.getByLabel(/^Outbound service selected before each call/).isDisabled(), true);
  assert.equal(await options.getByLabel(/^Dial in national format/).isDisabled(), false, 'not managed: still the agent\'s');
  await expectText(options.locator('ul.problems'), /dialPrefix: "nine" is not up to 4 digits/);
  assert.match(lists['reason'], /^LunchSet by your organizationCoachingSet by your organization$/, 'the organisation\'s reasons, locked');
  assert.match(lists['disposition'], /^Resolved \| 100Set by your organizationCallbackSet by your organization$/, 'and its dispositions');
  assert.equal(await options.getByLabel('Disposition', { exact: true }).isDisabled(), true, 'agents cannot add dispositions');
  assert.equal(await options.getByLabel('Reason', { exact: true }).isDisabled(), true, 'agents cannot add reasons');
  assert.equal(await options.getByRole('button', { name: 'Add reason', exact: true }).isDisabled(), true);
  await expectText(options.locator('ul.problems'), /notReadyReasons: " " cannot be used \(empty, too long, on several lines, or not in the form the list takes\)/);
  assert.match(lists['speed-dial'], /^Billing \| 1020Set by your organization$/, 'the organisation\'s speed dial, the usable entries');
  assert.equal(await options.getByLabel('Entry', { exact: true }).isDisabled(), true, 'agents cannot add speed-dial entries');
  await expectText(options.locator('ul.problems'), /speedDial: "Payroll" cannot be used/);
  for (const [label, value] of [
    ['Complete automatically after this much after-call work (seconds, 0 = never)', '90'],
    ['Let me extend that once by (seconds, 0 = no extension)', '30'],
    ['Disposition to complete with when none is typed', 'Resolved'],
  ]) {
    assert.equal(await options.getByLabel(label).inputValue(), value, label);
    assert.equal(await options.getByLabel(label).isDisabled(), true, `${label}: set by the organisation`);
  }
  await options.close();
});
