// Click-to-dial from the CRM page itself: a Call control appears beside a number in the page's
// text or a tel: link while the pointer is on it (or it has focus), the page's own layout, text
// and DOM stay as they were, the control says why when it cannot dial, Tab reaches it from a
// focusable number, numbers the page adds or re-renders later are dialable too, a control whose
// number the page removed or changed goes, and what is not a number (dates, amounts, an IP
// address, an order number) gets no control.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, login, expectText, received, dialControl, textPoint, mouseTo, pressKey, menuCall, menuEntryExists, pageUrl, openPopup, openOptions } from './harness.mjs';

let env, page;
before(async () => {
  ({ env, page } = await setup('contacts.html', { trusted: true }));
});
after(async () => env?.close());

const dials = async () => (await received(page)).filter((c) => c.command === 'DIAL_NUMBER');
const control = () => dialControl(page).getByRole('button');
/** Points at `text` on the page; returns the control's accessible name once it shows, or
 *  null when none shows within `wait` ms. */
async function hover(text, wait = 1500) {
  await mouseTo(page, 5, 5);
  // The last control goes once the pointer has left it a moment.
  for (let i = 0; i < 40 && (await control().count()); i++) await page.waitForTimeout(50);
  const at = await textPoint(page, text);
  assert.ok(at, `${text} is on the page`);
  await mouseTo(page, at.x, at.y);
  const deadline = Date.now() + wait;
  while (Date.now() < deadline) {
    // count() does not wait: a hidden control is not in the accessibility tree. A click too
    // soon after the control appeared is not counted: the agent's pointer takes longer.
    if (await control().count()) { await page.waitForTimeout(400); return control().getAttribute('aria-label'); }
    await page.waitForTimeout(50);
  }
  return null;
}
/** What a page could observe of itself: its body's markup and its table's box. */
const pageShape = () => page.evaluate(() => {
  const r = document.getElementById('contacts').getBoundingClientRect();
  return { html: document.body.innerHTML, box: [r.x, r.y, r.width, r.height].map(Math.round) };
});

test('logged out: the control beside a number says why it cannot dial, and dials nothing', async () => {
  const name = await hover('(415) 555-0100');
  assert.equal(name, 'Call (415) 555-0100: Log in to the Agent Desktop to place calls.');
  assert.equal(await control().getAttribute('aria-disabled'), 'true');
  await expectText(control(), '☎ Log in to the Agent Desktop to place calls.');
  await control().click();
  await page.waitForTimeout(300);
  assert.equal((await dials()).length, 0);
});

test('a number in a table cell: the control dials it once, and the page is as it was', async () => {
  await login(page);
  const shape = await pageShape();
  const name = await hover('(415) 555-0100');
  assert.equal(name, 'Call (415) 555-0100');
  await expectText(control(), '☎ Call (415) 555-0100', 1000);
  assert.deepEqual(await pageShape(), shape, 'the control changes nothing of the page: its markup and layout');
  await control().dblclick();
  await expectText(toolbar(page).getByRole('status'), 'Call to +14155550100 started.');
  assert.deepEqual(await dials(), [{ command: 'DIAL_NUMBER', number: '14155550100' }], 'dialled once');
  assert.deepEqual(await pageShape(), shape);
});

test('on a call: the control says why and dials nothing', async () => {
  await desktop(page).getByRole('button', { name: 'Callee answers', exact: true }).click();
  await expectText(toolbar(page).getByLabel('Agent status'), 'Busy');
  const name = await hover('+52 55 1234 5678');
  assert.equal(name, 'Call +52 55 1234 5678: Finish the current call before placing another.');
  await control().click();
  await page.waitForTimeout(300);
  assert.equal((await dials()).length, 1);
  await toolbar(page).getByRole('button', { name: 'Wrap up', exact: true }).click();
  await expectText(toolbar(page).getByLabel('Agent status'), 'Ready', 10000);
});

test('a tel: link: the control dials the link\'s number, and names it', async () => {
  const name = await hover('020 7946 0018 (London)');
  assert.equal(name, 'Call +44-20-7946-0018');
  await expectText(control(), '☎ Call +44-20-7946-0018', 1000);
  await control().click();
  await expectText(toolbar(page).getByRole('status'), 'Call to +442079460018 started.');
  assert.deepEqual((await dials()).at(-1), { command: 'DIAL_NUMBER', number: '442079460018' });
  await toolbar(page).getByRole('button', { name: 'Wrap up', exact: true }).click();
  await expectText(toolbar(page).getByLabel('Agent status'), 'Ready', 10000);
});

test('a number in running text, with its extension', async () => {
  const name = await hover('415-555-0199');
  assert.equal(name, 'Call 415-555-0199 ext. 204');
  await control().click();
  await expectText(toolbar(page).getByRole('status'), 'Call to +14155550199 started. Extension 204: key it in once connected.');
  await toolbar(page).getByRole('button', { name: 'Wrap up', exact: true }).click();
  await expectText(toolbar(page).getByLabel('Agent status'), 'Ready', 10000);
});

test('dates, amounts, an IP address and an order number get no control', async () => {
  for (const text of ['2024-01-05', '1,234.56', '192.168.100.200', '#4155550123', 'Dana Whitfield']) {
    assert.equal(await hover(text, 800), null, `no control for ${text}`);
  }
});

/** Focus on the element before a number, then a real Tab onto it. (The script's focus comes
 *  well after the last Tab: right after one, it would count as the agent's.) */
const tabOnto = async (before) => {
  await page.waitForTimeout(700);
  await page.evaluate((sel) => document.querySelector(sel).focus(), before);
  await pressKey(page, 'Tab');
};

test('keyboard: tabbing onto a number shows the control, Tab moves into it, Enter dials', async () => {
  const count = (await dials()).length;
  // Focus a page script moves (the link before the number) shows nothing; a real Tab does.
  await page.evaluate(() => document.getElementById('lucia').focus());
  await page.waitForTimeout(300);
  assert.equal(await control().count(), 0, 'focus() from a script shows no control');
  await tabOnto('a[href^="tel:"]');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'lucia');
  await expectText(control(), '☎ Call +34 612 34 56 78');
  assert.equal(await control().getAttribute('aria-label'), 'Call +34 612 34 56 78');
  await pressKey(page, 'Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.localName), 'bp-call-dial', 'Tab went into the control');
  await pressKey(page, 'Enter');
  await expectText(toolbar(page).getByRole('status'), 'Call to +34612345678 started.');
  assert.equal((await dials()).length, count + 1);
  assert.deepEqual((await dials()).at(-1), { command: 'DIAL_NUMBER', number: '34612345678' });
  await toolbar(page).getByRole('button', { name: 'Wrap up', exact: true }).click();
  await expectText(toolbar(page).getByLabel('Agent status'), 'Ready', 10000);
  // Tab from the control goes on in the page's order; Escape goes back to the number and
  // closes the control, so that the next Tab goes on too.
  await tabOnto('a[href^="tel:"]');
  await pressKey(page, 'Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.localName), 'bp-call-dial');
  await pressKey(page, 'Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'more', 'past the control, the page\'s next stop');
  await pressKey(page, 'Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'lucia', 'back to the number');
  await pressKey(page, 'Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.localName), 'bp-call-dial', 'the control is offered again');
  await pressKey(page, 'Escape');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'lucia');
  assert.equal(await control().count(), 0, 'Escape closed the control');
  await pressKey(page, 'Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'more');
});

/** Tabs onto the table cell that reads `text` from the focusable cell before it. */
async function tabToCell(text) {
  await page.waitForTimeout(700);
  await page.evaluate((t) => {
    const cells = [...document.querySelectorAll('[tabindex]')];
    cells[cells.findIndex((c) => c.textContent === t) - 1].focus();
  }, text);
  await pressKey(page, 'Tab');
}

test('numbers the page adds or re-renders later are dialable, by pointer and by keyboard', async () => {
  await page.locator('#more').click();
  assert.equal(await hover('+1 212 555 0142'), 'Call +1 212 555 0142');
  // From the keyboard the focused cell is read when the Tab reaches it: the new row's.
  await tabToCell('+1 212 555 0142');
  await expectText(control(), '☎ Call +1 212 555 0142');
  assert.equal(await control().getAttribute('aria-label'), 'Call +1 212 555 0142');
  // The table is rebuilt from scratch (new nodes): the old numbers are forgotten, the new found.
  await page.locator('#rerender').click();
  assert.equal(await hover('+49 30 1234567'), 'Call +49 30 1234567');
  await tabToCell('+49 30 1234567');
  await expectText(control(), '☎ Call +49 30 1234567');
  assert.equal(await control().getAttribute('aria-label'), 'Call +49 30 1234567');
  await pressKey(page, 'Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.localName), 'bp-call-dial');
  await pressKey(page, 'Enter');
  await expectText(toolbar(page).getByRole('status'), 'Call to +49301234567 started.');
  assert.deepEqual((await dials()).at(-1), { command: 'DIAL_NUMBER', number: '49301234567' });
  await toolbar(page).getByRole('button', { name: 'Wrap up', exact: true }).click();
  await expectText(toolbar(page).getByLabel('Agent status'), 'Ready', 10000);
});

test('a control whose number the page changes or re-renders under the resting pointer goes: it never offers a number no longer shown', async () => {
  /** Whether the control stays hidden for `ms` (a control that went, and did not come back). */
  const goneFor = async (ms) => {
    for (const end = Date.now() + ms; Date.now() < end;) {
      if (await control().count()) return false;
      await page.waitForTimeout(50);
    }
    return true;
  };
  /** The control's accessible name once it shows (logged in or not, it names its number). */
  const named = async (number) => {
    for (const end = Date.now() + 3000; Date.now() < end; await page.waitForTimeout(50)) {
      const name = (await control().count()) ? await control().getAttribute('aria-label') : null;
      if (name?.startsWith(`Call ${number}`)) return true;
    }
    return false;
  };
  assert.match(await hover('+52 55 1234 5678'), /^Call \+52 55 1234 5678/);
  // The page edits the number's own text (a live update): the pointer has not moved.
  await page.evaluate(() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.data.includes('+52 55 1234 5678')) n.data = n.data.replace('+52 55 1234 5678', '+52 55 8765 4321');
  });
  assert.ok(await goneFor(1000), 'the control for the old number went');
  // The pointer moves on over the new text (the same element): its number.
  let at = await textPoint(page, '+52 55 8765 4321');
  await mouseTo(page, at.x + 1, at.y);
  assert.ok(await named('+52 55 8765 4321'), 'the new number');
  // The page's own timer rebuilds the list (new nodes, under the same pointer).
  await page.evaluate(() => document.getElementById('rerender').click());
  assert.ok(await goneFor(1000), 'the control for the replaced row went');
  at = await textPoint(page, '+52 55 8765 4321');
  await mouseTo(page, at.x, at.y);
  assert.ok(await named('+52 55 8765 4321'), 'the new number');
  await mouseTo(page, 5, 5);
});

test('the context menu\'s Call dials the selection, from this tab or from a tab without the desktop', async () => {
  const popup = await openPopup(env);
  assert.equal(await menuEntryExists(env, popup), true, 'the background made the entry');
  assert.equal(await menuCall(env, popup, page, ' 415.555.0188 '), true, 'the background\'s listener is the one registered');
  await expectText(toolbar(page).getByRole('status'), 'Call to +14155550188 started.');
  assert.deepEqual((await dials()).at(-1), { command: 'DIAL_NUMBER', number: '14155550188' });
  await toolbar(page).getByRole('button', { name: 'Wrap up', exact: true }).click();
  await expectText(toolbar(page).getByLabel('Agent status'), 'Ready', 10000);
  // A selection that is not a number: the toolbar says why, nothing is dialled.
  const count = (await dials()).length;
  await menuCall(env, popup, page, 'Dana Whitfield');
  await expectText(toolbar(page).getByRole('status'), /is not a phone number/);
  // From another tab (an e-mail, say) with no desktop in it: the desktop's tab dials it.
  const other = await env.context.newPage();
  await other.goto((await pageUrl(page)).replace('contacts.html', 'plain.html'));
  await menuCall(env, popup, other, '+44 20 7946 0018');
  await expectText(toolbar(page).getByRole('status'), 'Call to +442079460018 started.', 10000);
  assert.equal((await dials()).length, count + 1);
  await other.close();
  await page.bringToFront();
  await toolbar(page).getByRole('button', { name: 'Wrap up', exact: true }).click();
  await expectText(toolbar(page).getByLabel('Agent status'), 'Ready', 10000);
  await popup.close();
});

test('with the confirmation step on, the control fills the Number field and Confirm call dials', async () => {
  const options = await openOptions(env);
  await options.getByLabel('Ask for a second press of Call before each call').check();
  await options.getByRole('button', { name: 'Save settings', exact: true }).click();
  await expectText(options.getByRole('status'), 'Saved.');
  await options.close();
  await page.bringToFront();
  const bar = toolbar(page);
  const count = (await dials()).length;
  assert.equal(await hover('(415) 555-0100'), 'Call (415) 555-0100');
  await control().dblclick();
  await expectText(bar.getByRole('status'), 'Press Confirm call to dial +14155550100.');
  await expectText(bar.getByRole('textbox', { name: 'Number' }), '(415) 555-0100');
  // The agent's move to the toolbar takes longer than a double click's second click.
  await page.waitForTimeout(600);
  assert.equal((await dials()).length, count, 'a double click is no confirmation');
  await bar.getByRole('button', { name: 'Confirm call', exact: true }).click();
  await expectText(bar.getByRole('status'), 'Call to +14155550100 started.');
  assert.equal((await dials()).length, count + 1);
  await bar.getByRole('button', { name: 'Wrap up', exact: true }).click();
  await expectText(bar.getByLabel('Agent status'), 'Ready', 10000);
  const again = await openOptions(env);
  await again.getByLabel('Ask for a second press of Call before each call').uncheck();
  await again.getByRole('button', { name: 'Save settings', exact: true }).click();
  await expectText(again.getByRole('status'), 'Saved.');
  await again.close();
  await page.bringToFront();
});

test('a page script cannot show the control, hide it, or bring it under the agent\'s pointer', async () => {
  const count = (await dials()).length;
  await mouseTo(page, 5, 5);
  await page.waitForTimeout(600);
  // Forged pointer and focus events on a number, and a number of its own focused by script
  // (element.focus() fires trusted focus events): no control.
  await page.evaluate(() => {
    const cell = [...document.querySelectorAll('td')].find((td) => td.textContent === '(415) 555-0100');
    const r = cell.getBoundingClientRect();
    const at = { clientX: r.left + 5, clientY: r.top + 5, bubbles: true, composed: true };
    cell.dispatchEvent(new PointerEvent('pointerover', at));
    cell.dispatchEvent(new PointerEvent('pointermove', at));
    cell.dispatchEvent(new FocusEvent('focusin', { bubbles: true }));
    const bait = document.createElement('span');
    bait.tabIndex = 0;
    bait.id = 'bait';
    bait.textContent = '+1 900 555 0199';
    bait.style.cssText = 'position:fixed;left:10px;top:300px';
    document.body.append(bait);
    bait.focus();
  });
  await page.waitForTimeout(500);
  assert.equal(await control().count(), 0, 'no control for forged events or script focus');
  // The agent points at a real number; the page then makes the control invisible and moves it
  // over its own button, where the agent is about to click: the control goes instead.
  assert.equal(await hover('(415) 555-0100'), 'Call (415) 555-0100');
  const target = await page.evaluate(() => {
    const b = document.getElementById('more').getBoundingClientRect();
    const host = document.querySelector('bp-call-dial');
    host.style.setProperty('opacity', '0', 'important');
    host.style.setProperty('left', `${b.left}px`, 'important');
    host.style.setProperty('top', `${b.top}px`, 'important');
    return { x: Math.round(b.left + 10), y: Math.round(b.top + 8) };
  });
  await page.waitForTimeout(300);
  assert.equal(await control().count(), 0, 'a restyled control is gone');
  await mouseTo(page, target.x, target.y);
  await page.mouse?.click(target.x, target.y);
  if (!page.mouse) await page.locator('#more').click();
  await page.waitForTimeout(500);
  assert.equal((await dials()).length, count, 'nothing dialled');
  await page.evaluate(() => document.getElementById('bait').remove());
});
