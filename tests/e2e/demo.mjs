// The demo: the simulator, a sample CRM page and Chromium with the built extension.
// With a display (and without --headless) the browser stays open for you to click around;
// headless, it plays one call through the toolbar and saves a screenshot.
//   node tests/e2e/demo.mjs [--headless] [--dark] [--out FILE]
import path from 'node:path';
import { launch, toolbar, desktop, trust, login, startCall } from './harness.mjs';

const args = process.argv.slice(2);
const headless = args.includes('--headless') || !process.env.DISPLAY;
const out = path.resolve(args[args.indexOf('--out') + 1] && args.includes('--out') ? args[args.indexOf('--out') + 1] : 'dist/demo.png');

const env = await launch({ headless, dark: args.includes('--dark') });
const page = await env.context.newPage();
await page.goto(`${env.crm}/crm.html`);
console.log(`tenant (Agent Desktop simulator): ${env.tenant}\nCRM page: ${env.crm}/crm.html\nextension id: ${env.extId}`);
if (!headless) {
  console.log('Browser open: press Trust on the toolbar, then use the simulator\'s buttons. Ctrl+C to stop.');
  await new Promise((resolve) => { process.on('SIGINT', resolve); env.context.on('close', resolve); });
} else {
  await trust(page, env.tenant);
  await login(page);
  await desktop(page).getByRole('button', { name: 'Ready', exact: true }).click();
  await startCall(page);
  await desktop(page).getByRole('button', { name: 'Customer hangs up', exact: true }).click();
  await toolbar(page).getByRole('timer').waitFor();
  await toolbar(page).getByText('Disposition and notes').click();
  await toolbar(page).getByLabel('Disposition').fill('Resolved');
  await page.waitForTimeout(2100); // let the after-call-work timer count
  await toolbar(page).getByRole('button', { name: 'Get State', exact: true }).click();
  await toolbar(page).getByRole('status').filter({ hasText: 'Desktop state' }).waitFor();
  await page.screenshot({ path: out });
  console.log(`screenshot: ${out}`);
}
await env.close();
