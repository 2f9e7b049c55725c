// Accessibility: axe-core finds no WCAG A/AA violation in the toolbar (in each of its states,
// light and dark), in the popup or on the options page; every control is reachable by keyboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, trust, login, startCall, expectText, openPopup, openOptions, axeViolations } from './harness.mjs';
import { inToolbarRoot } from './shadow.mjs';

for (const dark of [false, true]) {
  const theme = dark ? 'dark' : 'light';
  let env, page;
  test(`toolbar (${theme})`, async (t) => {
    ({ env, page } = await setup('crm.html', { dark }));
    try {
      const bar = toolbar(page);
      await expectText(bar.getByLabel('Agent status'), 'Not trusted');
      assert.deepEqual(await axeViolations(page, 'bp-call-toolbar'), [], 'trust prompt');
      await trust(page, env.tenant);
      await login(page);
      await startCall(page);
      await bar.getByText('Disposition and notes').click();
      await bar.getByRole('button', { name: 'Get State', exact: true }).click();
      await expectText(bar.getByRole('status'), /^Desktop state:/);
      assert.deepEqual(await axeViolations(page, 'bp-call-toolbar'), [], 'live call, fields open, success notice');
      await desktop(page).getByRole('button', { name: 'Customer hangs up', exact: true }).click();
      await bar.getByRole('timer').waitFor();
      assert.deepEqual(await axeViolations(page, 'bp-call-toolbar'), [], 'after-call work with its timer');
      await bar.getByRole('button', { name: 'Collapse toolbar', exact: true }).click();
      assert.deepEqual(await axeViolations(page, 'bp-call-toolbar'), [], 'collapsed');
      await bar.getByRole('button', { name: 'Expand toolbar', exact: true }).click();
      const popup = await openPopup(env);
      assert.deepEqual(await axeViolations(popup, 'body'), [], 'popup');
      await popup.getByRole('button', { name: 'Clear', exact: true }).click();
      assert.deepEqual(await axeViolations(popup, 'body'), [], 'popup asking to clear');
      await popup.close();
      const options = await openOptions(env);
      await options.getByLabel('Tenant origin').fill('http://x.example');
      await options.getByRole('button', { name: 'Add tenant', exact: true }).click();
      await expectText(options.getByRole('alert').first(), /plain http/);
      assert.deepEqual(await axeViolations(options, 'body'), [], 'options page with an error');
      await options.close();
    } finally {
      await env.close();
    }
  });
}

test('every toolbar control takes keyboard focus and draws a focus ring', async () => {
  const { env, page } = await setup('crm.html', { trusted: true, loggedIn: true });
  try {
    await startCall(page);
    const names = await inToolbarRoot(page, (root) => {
      const shown = (e) => (e.checkVisibility ? e.checkVisibility() : e.getClientRects().length > 0);
      const focusable = [...root.querySelectorAll('button, input, select, textarea, summary')].filter((e) => shown(e) && !e.disabled);
      return focusable.map((e) => {
        e.focus({ focusVisible: true });
        const ring = e.matches(':focus-visible') ? getComputedStyle(e).outlineStyle : 'n/a';
        return [e.getAttribute('aria-label') || e.textContent.trim() || e.id, root.activeElement === e, e.tabIndex >= 0, ring];
      });
    });
    for (const [name, focused, tabbable, ring] of names) {
      assert.ok(focused && tabbable, `${name} focusable by keyboard`);
      assert.ok(ring === 'solid' || ring === 'n/a', `${name} focus ring: ${ring}`);
    }
    assert.ok(names.some(([, , , ring]) => ring === 'solid'), 'focus rings are drawn');
    assert.ok(names.length >= 8, names.map((n) => n[0]).join(', '));
  } finally {
    await env.close();
  }
});
