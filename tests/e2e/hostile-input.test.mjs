// Hostile input: page scripts, another frame of the tenant origin and a look-alike repeater
// throw everything at the toolbar. Nothing spoofed is shown or acted on, no markup runs, the
// ignored count follows the rule (a string that claims to be a desktop message and is not from
// our proxy frame counts; other page traffic is not ours to count), and the page stays usable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, toolbar, desktop, startCall, expectText, received, channel } from './harness.mjs';

let env, page;
before(async () => { ({ env, page } = await setup('crm.html', { trusted: true, loggedIn: true })); });
after(async () => env?.close());

const PAYLOADS = [
  // [payload, counted from the page?, counted from a tenant frame that is not our proxy?]
  // The tenant's other frames post well-formed messages to the page legitimately (the page's own
  // SDK): only a malformed one of theirs is suspicious.
  [{ command: 'INTERACTION_RENDERED', data: { item_id: 'OBJ' } }, false, false], // not a string: not the wire format
  [42, false, false],
  [null, false, false],
  [['{"command":"STATE_CHANGED"}'], false, false],
  ['{"command":"STATE_CHANGED", not json', true, true],
  ['{"command":"STATE_CHANGED","data":{"status":7}}', true, false],
  ['{"command":"INTERACTION_RENDERED","data":{"item_id":"<img src=x onerror=\\"document.title=\'pwned\'\\">"}}', true, false],
  ['{"command":"NO_SUCH_COMMAND","data":{}}', true, false],
  ['{"command":"GET_STATE","request_id":"1000000000","data":{"status":"busy","interactions":[{"item_id":"FAKE"}]}}', true, false],
  ['{"command": 7}', true, true],
  ['plain text', false, false],
];

test('odd and spoofed messages from the page and from a tenant frame change nothing and are counted', async () => {
  const bar = toolbar(page);
  const item = await startCall(page);
  await page.evaluate((payloads) => { for (const [p] of payloads) window.postMessage(p, '*'); }, PAYLOADS);
  await desktop(page).locator(':root').evaluate((_, payloads) => { for (const [p] of payloads) parent.postMessage(p, '*'); }, PAYLOADS);
  // A 10 MB string that claims to be a desktop message.
  await page.evaluate(() => window.postMessage('{"command":"STATE_CHANGED","pad":"' + 'x'.repeat(10 * 1024 * 1024) + '"}', '*'));
  const expected = PAYLOADS.filter(([, page]) => page).length + PAYLOADS.filter(([, , tenant]) => tenant).length + 1;
  await expectText(bar.getByText(/messages ignored/), `${expected} messages ignored (not from our desktop channel, or malformed)`);
  await expectText(bar.getByLabel('Interaction ID', { exact: true }), item);
  await expectText(bar.getByLabel('Agent status'), 'Busy');
  assert.equal(await page.locator('bp-call-toolbar img').count(), 0);
  assert.notEqual(await page.title(), 'pwned');
  const commands = (await received(page)).filter((c) => c.command !== 'GET_STATE');
  assert.deepEqual(commands, [], 'nothing was sent to the desktop');
});

test('a flood of 10,000 messages a second for 10 s: counted, and the page and toolbar stay usable', async () => {
  const bar = toolbar(page);
  const before = Number((await bar.getByText(/messages ignored/).textContent()).split(' ')[0]);
  await page.evaluate(() => {
    window.__flood = { sent: 0, maxLag: 0, done: false };
    const msg = '{"command":"INTERACTION_RENDERED","data":{"item_id":"FLOOD"}}';
    let last = performance.now();
    const started = last;
    const timer = setInterval(() => {
      const now = performance.now();
      window.__flood.maxLag = Math.max(window.__flood.maxLag, now - last - 10);
      last = now;
      // Keep to 10 messages per millisecond whatever the timer's real cadence.
      const due = Math.min(100000, Math.floor((now - started) * 10));
      for (; window.__flood.sent < due; window.__flood.sent++) window.postMessage(msg, '*');
      if (window.__flood.sent >= 100000) { clearInterval(timer); window.__flood.done = true; }
    }, 10);
  });
  const deadline = Date.now() + 60000;
  let flood;
  // Mid-flood the agent types into the CRM: every key lands, soon.
  const search = page.getByLabel('Search the CRM');
  do {
    await page.waitForTimeout(250);
    flood = await page.evaluate(() => window.__flood);
  } while (flood.sent < 10000 && Date.now() < deadline);
  await search.click();
  await search.fill('');
  const sentBefore = await page.evaluate(() => window.__flood.sent);
  const typedAt = Date.now();
  await search.pressSequentially('ACME 42');
  const typing = Date.now() - typedAt;
  const sentAfter = await page.evaluate(() => window.__flood.sent);
  assert.equal(await search.inputValue(), 'ACME 42');
  // Mid-flood: the page was still posting when the typing began and went on posting during it.
  assert.ok(sentBefore < 100000 && sentAfter > sentBefore, `typed while the flood was on (${sentBefore} then ${sentAfter} sent)`);
  do {
    await page.waitForTimeout(250);
    flood = await page.evaluate(() => window.__flood);
  } while (!flood.done && Date.now() < deadline);
  assert.ok(flood.done, 'the flood finished');
  console.log(`# flood: 7 keys typed in ${typing} ms mid-flood`);
  assert.ok(typing < 3000, `typing mid-flood took ${typing} ms`);
  // The page's own 10 ms timer never stalls for long (a handler that blocked the page would
  // show here as seconds).
  assert.ok(flood.maxLag < 1000, `page timer's worst lag ${flood.maxLag} ms`);
  await expectText(bar.getByText(/messages ignored/), `${before + flood.sent} messages ignored (not from our desktop channel, or malformed)`, 15000);
  console.log(`# flood: ${flood.sent} messages, page timer's worst lag ${flood.maxLag.toFixed(0)} ms`);
  assert.equal(flood.sent, 100000);
  // Still working: a real Get State answers and the spoofed item never appeared.
  await bar.getByRole('button', { name: 'Get State', exact: true }).click();
  await expectText(bar.getByRole('status'), 'Desktop state: Busy, 1 interaction.');
  assert.notEqual(await bar.getByLabel('Interaction ID', { exact: true }).inputValue(), 'FLOOD');
});

test('a look-alike repeater on an untrusted origin gets a trust prompt and nothing else', async () => {
  const other = await env.context.newPage();
  await other.goto(`${env.crm}/lookalike.html`);
  const bar = toolbar(other);
  await expectText(bar.getByLabel('Agent status'), 'Not trusted');
  await bar.getByText(`embeds an Agent Desktop from ${env.crm}`).waitFor();
  await other.waitForTimeout(500);
  assert.equal(await channel(other).count(), 0, 'no channel opened to it');
  await other.close();
});
