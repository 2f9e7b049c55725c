// The demo: the simulator, a sample CRM page and Chromium with the built extension.
// With a display (and without --headless) the browser stays open for you to click around;
// headless, it plays one call through the toolbar and saves a screenshot of the page, one of the
// call with its recording paused (FILE-recording.png), one of a transfer to a speed-dial entry
// waiting for its confirmation (FILE-transfer.png), one of the side panel in after-call work
// (FILE-sidepanel.png), one of another CRM tab with the mirror toolbar (FILE-mirror.png) and one
// of the popup for that tab (FILE-popup.png).
//   node tests/e2e/demo.mjs [--headless] [--dark] [--out FILE]
import path from 'node:path';
import { launch, toolbar, desktop, trust, login, startCall, dialControl, textPoint, mouseTo, openOptions, extensionFrame } from './harness.mjs';

const args = process.argv.slice(2);
const headless = args.includes('--headless') || !process.env.DISPLAY;
const out = path.resolve(args[args.indexOf('--out') + 1] && args.includes('--out') ? args[args.indexOf('--out') + 1] : 'dist/demo.png');

const env = await launch({ headless, dark: args.includes('--dark') });
const page = await env.context.newPage();
await page.goto(`${env.crm}/crm.html`);
console.log(`tenant (Agent Desktop simulator): ${env.tenant}\nCRM page: ${env.crm}/crm.html\nextension id: ${env.extId}`);
if (!headless) {
  console.log('Browser open: press Trust on the toolbar and confirm in the window that opens, then use the simulator\'s buttons. Ctrl+C to stop.');
  await new Promise((resolve) => { process.on('SIGINT', resolve); env.context.on('close', resolve); });
} else {
  // Screen pop: the case's record opens by itself when the call arrives.
  const options = await openOptions(env);
  await options.getByLabel('URL template').fill(`${env.crm}/record.html?case={screenpop_data.case_id}`);
  await options.getByRole('button', { name: 'Add template', exact: true }).click();
  // The Not Ready reasons the toolbar offers.
  for (const reason of ['Lunch', 'Break', 'Training']) {
    await options.getByLabel('Reason', { exact: true }).fill(reason);
    await options.getByRole('button', { name: 'Add reason', exact: true }).click();
  }
  // Speed dial, and an after-call-work limit of two minutes that completes with "Resolved".
  for (const entry of ['Billing | 1020', 'Head office | +44 20 7946 0018']) {
    await options.getByLabel('Entry', { exact: true }).fill(entry);
    await options.getByRole('button', { name: 'Add entry', exact: true }).click();
  }
  await options.getByLabel(/^Complete automatically after/).fill('120');
  await options.getByLabel('Disposition to complete with when none is typed').fill('Resolved');
  await options.getByRole('button', { name: 'Save settings', exact: true }).click();
  await options.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  await options.close();
  await page.bringToFront();
  await trust(page, env.tenant);
  await login(page);
  await toolbar(page).getByRole('button', { name: 'Ready', exact: true }).click();
  await toolbar(page).getByRole('status').filter({ hasText: 'You are Ready.' }).waitFor();
  await desktop(page).getByLabel('Case').fill('00042');
  await startCall(page);
  // The recording paused for a card payment: the toolbar says so for as long as it is.
  const pause = toolbar(page).getByRole('button', { name: 'Pause recording', exact: true });
  await pause.click();
  await toolbar(page).getByText('❚❚ Recording paused').waitFor();
  await toolbar(page).getByRole('status').filter({ hasText: 'Recording paused.' }).waitFor();
  const recordingOut = out.replace(/\.png$/, '-recording.png');
  await page.screenshot({ path: recordingOut });
  console.log(`screenshot: ${recordingOut}`);
  await page.waitForTimeout(600);
  await pause.click();
  await toolbar(page).getByText('● Recording').waitFor();
  // A transfer to a speed-dial entry, asking for its confirmation (not confirmed here).
  await toolbar(page).getByLabel('Number', { exact: true }).fill('Billing');
  await toolbar(page).getByRole('button', { name: 'Transfer', exact: true }).click();
  await toolbar(page).getByRole('button', { name: 'Confirm transfer', exact: true }).waitFor();
  const transferOut = out.replace(/\.png$/, '-transfer.png');
  await page.screenshot({ path: transferOut });
  console.log(`screenshot: ${transferOut}`);
  await toolbar(page).getByLabel('Number', { exact: true }).fill('');
  // Lunch once this call is completed.
  await toolbar(page).getByRole('button', { name: 'Not Ready after this call', exact: true }).click();
  await desktop(page).getByRole('button', { name: 'Customer hangs up', exact: true }).click();
  await toolbar(page).getByRole('timer').waitFor();
  await toolbar(page).getByText('Disposition and notes').click();
  await toolbar(page).getByLabel('Disposition').fill('Resolved');
  await page.waitForTimeout(2100); // let the after-call-work timer count
  await toolbar(page).getByRole('button', { name: 'Get State', exact: true }).click();
  await toolbar(page).getByRole('status').filter({ hasText: 'Desktop state' }).waitFor();
  await page.screenshot({ path: out });
  console.log(`screenshot: ${out}`);
  // The side panel in after-call work: the desktop tab's toolbar, usable from any tab (a narrow
  // window, as the browser's panel is).
  const side = await env.context.newPage();
  await side.setViewportSize?.({ width: 380, height: 760 });
  await side.goto(env.popupUrl.replace('popup.html', 'sidepanel.html'));
  await side.locator('body[data-ready="true"]').waitFor();
  await side.locator('#live').getByRole('timer').waitFor();
  const sideOut = out.replace(/\.png$/, '') + '-sidepanel.png';
  await side.screenshot({ path: sideOut });
  console.log(`screenshot: ${sideOut}`);
  await side.close();
  // Another tab of the CRM (a customer's record, no Agent Desktop there): the mirror toolbar,
  // the desktop tab's toolbar acting through that tab.
  const other = await env.context.newPage();
  await other.goto(`${env.crm}/record.html`);
  await extensionFrame(other, '/mirror.html', 'bp-call-toolbar-mirror').getByRole('timer').waitFor();
  await other.waitForTimeout(300);
  const mirrorOut = out.replace(/\.png$/, '') + '-mirror.png';
  await other.screenshot({ path: mirrorOut });
  console.log(`screenshot: ${mirrorOut}`);
  await other.close();
  // The popup for that tab (health and log), as the toolbar icon shows it; beside the page shot.
  const helper = await env.context.newPage();
  await helper.goto(env.popupUrl);
  const tab = await helper.evaluate(async (u) => (await (globalThis.browser ?? globalThis.chrome).tabs.query({})).find((t) => t.url === u)?.id, `${env.crm}/crm.html`);
  await helper.close();
  const popup = await env.context.newPage();
  await popup.setViewportSize?.({ width: 720, height: 640 }); // Chromium; Firefox keeps its window size
  await popup.goto(`${env.popupUrl}?tab=${tab}`);
  await popup.locator('body[data-ready="true"]').waitFor();
  await popup.locator('ul.health li').nth(3).waitFor();
  const popupOut = out.replace(/\.png$/, '') + '-popup.png';
  await popup.screenshot({ path: popupOut });
  console.log(`screenshot: ${popupOut}`);
  // Click-to-dial: the pointer on the customer's number in the record, the Call control beside it.
  await popup.close();
  await page.bringToFront();
  const at = await textPoint(page, '(415) 123-4567');
  await mouseTo(page, at.x, at.y);
  await dialControl(page).getByRole('button').waitFor();
  const dialOut = out.replace(/\.png$/, '') + '-dial.png';
  await page.screenshot({ path: dialOut });
  console.log(`screenshot: ${dialOut}`);
}
await env.close();
