// Click-to-dial from the toolbar: a number typed in the agent's own format is dialled once, in
// the form the desktop's dial plan takes; the new call's item_id is captured as for any call; no
// dial while on a call or logged out, each with the reason on the control; a desktop that never
// starts the call shows a timeout; every dial is in the popup's log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, login, expectText, received, openPopup, openOptions, logRows } from './harness.mjs';

let env, page;
before(async () => {
  // A desktop that takes its time to report the call (events 200–400 ms after the dial), so that
  // a second click lands while the first dial is still unconfirmed.
  ({ env, page } = await setup('crm.html', { trusted: true, sim: { latency: [200, 400] } }));
});
after(async () => env?.close());

const dials = async () => (await received(page)).filter((c) => c.command === 'DIAL_NUMBER');

test('logged out: Call is off and says why', async () => {
  const bar = toolbar(page);
  // The desktop answers nothing while the agent is logged out: the toolbar does not know the
  // agent yet, and a dial is not placed on a guess.
  await bar.getByRole('textbox', { name: 'Number' }).fill('(415) 555-0100');
  const call = bar.getByRole('button', { name: 'Call', exact: true });
  assert.equal(await call.isDisabled(), true);
  await expectText(bar.locator('#bp-dial-hint'), 'Log in to the Agent Desktop to place calls.', 10000);
  assert.equal(await call.getAttribute('aria-describedby'), 'bp-dial-hint', 'the reason is the button\'s description');
});

test('a typed number, double-clicked, is dialled once and the call\'s item_id is captured', async () => {
  const bar = toolbar(page);
  await login(page);
  await expectText(bar.locator('#bp-dial-hint'), '');
  const call = bar.getByRole('button', { name: 'Call', exact: true });
  await call.dblclick();
  await expectText(bar.getByRole('status'), 'Call to +14155550100 started.');
  assert.deepEqual(await dials(), [{ command: 'DIAL_NUMBER', number: '14155550100' }]);
  const d = desktop(page);
  const item = d.locator('#items li[data-state="dialing"]');
  await item.waitFor();
  const itemId = await item.getAttribute('data-item-id');
  await expectText(bar.getByLabel('Interaction ID', { exact: true }), itemId);
  await expectText(bar.getByLabel('Agent status'), 'Busy');
  assert.equal((await received(page)).filter((c) => c.command === 'SELECT_SERVICE').length, 0, 'no outbound service set: none selected');
});

test('on a call: Call is off, says why, and Enter in the field dials nothing', async () => {
  const bar = toolbar(page);
  await desktop(page).getByRole('button', { name: 'Callee answers', exact: true }).click();
  await expectText(bar.locator('#bp-dial-hint'), 'Finish the current call before placing another.');
  assert.equal(await bar.getByRole('button', { name: 'Call', exact: true }).isDisabled(), true);
  const field = bar.getByRole('textbox', { name: 'Number' });
  await field.fill('+44 20 7946 0018');
  await field.press('Enter');
  await expectText(bar.getByRole('status'), 'Finish the current call before placing another.');
  await page.waitForTimeout(300);
  assert.equal((await dials()).length, 1, 'still the one dial');
  // The call ends and is wrapped up: Call is back.
  await bar.getByRole('button', { name: 'Wrap up', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'Ready', 10000);
  await expectText(bar.locator('#bp-dial-hint'), '');
});

test('Enter dials a number written the international way, with its extension shown', async () => {
  const bar = toolbar(page);
  const field = bar.getByRole('textbox', { name: 'Number' });
  await field.fill('+44 (0)20 7946 0018 ext. 12');
  await field.press('Enter');
  await expectText(bar.getByRole('status'), 'Call to +442079460018 started. Extension 12: key it in once connected.');
  assert.deepEqual((await dials()).at(-1), { command: 'DIAL_NUMBER', number: '442079460018' });
  await bar.getByRole('button', { name: 'Wrap up', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'Ready', 10000);
});

test('text that is not a number is refused with the reason and sends nothing', async () => {
  const bar = toolbar(page);
  const before = (await dials()).length;
  const field = bar.getByRole('textbox', { name: 'Number' });
  await field.fill('555-0100');
  await bar.getByRole('button', { name: 'Call', exact: true }).click();
  await expectText(bar.getByRole('status'), '“555-0100” has too few digits for a phone number.');
  await page.waitForTimeout(300);
  assert.equal((await dials()).length, before);
});

test('a desktop that never starts the call: the toolbar says so after 10 s', async () => {
  const bar = toolbar(page);
  await desktop(page).getByLabel('Silent (ignore every API command)').check();
  await bar.getByRole('textbox', { name: 'Number' }).fill('415 555 0199');
  await bar.getByRole('button', { name: 'Call', exact: true }).click();
  await expectText(bar.getByRole('status'), 'Calling +14155550199…');
  assert.equal(await bar.getByRole('button', { name: 'Call', exact: true }).getAttribute('aria-busy'), 'true');
  await expectText(bar.getByRole('status'), 'The Agent Desktop did not start the call to +14155550199 within 10 s.', 15000);
  assert.equal(await bar.getByRole('button', { name: 'Call', exact: true }).isEnabled(), true, 'the agent can try again');
  await desktop(page).getByLabel('Silent (ignore every API command)').uncheck();
});

test('the options page sets the dial rules and the outbound service; the next call follows them', async () => {
  const options = await openOptions(env);
  await options.getByLabel(/^Country of numbers written without a country code/).fill('es');
  await options.getByLabel(/^Outside-line prefix/).fill('9');
  await options.getByLabel(/^Outbound service selected before each call/).fill('Ventas');
  await options.getByRole('button', { name: 'Save settings', exact: true }).click();
  await expectText(options.getByRole('status'), 'Saved.');
  assert.equal(await options.getByLabel(/^Country of numbers written without a country code/).inputValue(), 'ES', 'stored as its code');
  // A country the rules do not know is refused, with the field named, and nothing is saved.
  await options.getByLabel(/^Country of numbers written without a country code/).fill('XX');
  await options.getByRole('button', { name: 'Save settings', exact: true }).click();
  await expectText(options.getByRole('alert'), /^Country of numbers written without a country code.*“XX” is not a country the dial rules know/);
  await options.close();

  const bar = toolbar(page);
  const field = bar.getByRole('textbox', { name: 'Number' });
  const count = (await dials()).length;
  // The toolbar open on the page takes the new rules without a reload: a Spanish national number.
  await field.fill('912 345 678');
  await field.press('Enter');
  await expectText(bar.getByRole('status'), 'Call to +34912345678 started.');
  const sent = (await received(page)).slice(-2);
  assert.deepEqual(sent, [{ command: 'SELECT_SERVICE', data: 'Ventas' }, { command: 'DIAL_NUMBER', number: '934912345678' }], 'the service first, then the number with the outside line');
  assert.equal((await dials()).length, count + 1);
  const d = desktop(page);
  await expectText(d.locator('#items li[data-state="dialing"]'), /^\S+ 934912345678 dialing$/);
  await bar.getByRole('button', { name: 'Wrap up', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'Ready', 10000);
});

test('the popup log has each dial and how it ended', async () => {
  const popup = await openPopup(env);
  const rows = (await logRows(popup)).map((r) => `${r[1]}|${r[3]}`);
  for (const want of [
    'Dial +14155550100|sent',
    'Dial +14155550100|call started (dialing)',
    'Dial +442079460018|call started (dialing)',
    'Dial +14155550199|no call started in 10 s',
    'Select service|Ventas',
    'Dial +34912345678|call started (dialing)',
  ]) {
    assert.ok(rows.includes(want), `${want} in the log:\n${rows.join('\n')}`);
  }
  await popup.close();
});
