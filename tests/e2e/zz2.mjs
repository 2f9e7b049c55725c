import { chromium } from 'playwright-core';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServers } from '../sim/server.mjs';
import { FLAGS, CHROMIUM } from './harness.mjs';
const EXT = process.env.EXT;
const servers = await startServers({});
const profile = await mkdtemp(path.join(tmpdir(), 'bp-dbg-'));
const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: false, ignoreDefaultArgs: ['--disable-extensions'], args: [...FLAGS, `--disable-extensions-except=${EXT}`, `--load-extension=${EXT}`] });
const page = await context.newPage();
page.on('console', (m) => { if (m.text().startsWith('T ')) console.log(m.text()); });
for (let i = 0; i < 4; i++) {
  await page.goto(`${servers.crm}/spa.html`);
  await page.getByRole('button', { name: 'Softphone', exact: true }).click();
  await page.locator('bp-call-toolbar').waitFor({ state: 'attached' });
  const t = await page.evaluate(() => window.__timing);
  console.log('first', (t.toolbarAt - t.insertedAt).toFixed(1));
  await page.waitForTimeout(300);
}
await context.close(); await servers.close();
