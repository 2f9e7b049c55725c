// Shared helpers of the end-to-end suite: the simulator, a real browser with the built
// extension loaded, and locators for the toolbar, the simulated desktop and the popup.
import { chromium } from 'playwright-core';
import { mkdtemp, rm, readFile, writeFile, mkdir, realpath, readdir } from 'node:fs/promises';
import { randomUUID, createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServers } from '../sim/server.mjs';
import { startGeckodriver, Session, Context, Page } from './webdriver.mjs';
import { ShadowLocator, withOpenedRoot } from './shadow.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Which browser this run drives: `BROWSER=chromium` (default) or `BROWSER=firefox`. */
export const BROWSER = process.env.BROWSER ?? 'chromium';
export const EXT_DIR = path.join(root, BROWSER === 'firefox' ? 'dist/firefox' : 'dist/chrome');
export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
export const FIREFOX = process.env.FIREFOX_BIN ?? '/usr/bin/firefox-esr';
export const GECKODRIVER = process.env.GECKODRIVER ?? path.join(process.env.HOME ?? '/root', '.cargo/bin/geckodriver');
/** Chromium applies a page's CSP to content scripts (wasm cannot compile there): the toolbar
 *  runs in its extension frame on strict-CSP pages. Firefox does not, so it stays direct. */
export const CSP_MODE = BROWSER === 'firefox' ? 'direct' : 'frame';

export const FLAGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--disable-default-apps', '--no-default-browser-check',
];

/** Starts the simulator and the browser with the extension. Call `close()` when done. */
export async function launch(opts = {}) {
  return BROWSER === 'firefox' ? launchFirefox(opts) : launchChromium(opts);
}

/** Firefox through geckodriver; `extension: false` gives the same browser without it (the
 *  benchmark's baseline). */
export async function launchFirefox({ headless = true, lang, dark = false, extension = true, extDir = path.join(root, 'dist/firefox'), ports, sim } = {}) {
  const servers = await startServers({ ...ports, sim });
  const manifest = JSON.parse(await readFile(path.join(extDir, 'manifest.json'), 'utf8'));
  const geckoId = manifest.browser_specific_settings.gecko.id;
  const uuid = randomUUID();
  // Downloads land here without a dialog; expectDownload() reads them.
  const downloads = await mkdtemp(path.join(tmpdir(), 'bp-dl-'));
  const driver = await startGeckodriver(GECKODRIVER);
  let session;
  try {
    session = await Session.create(driver.base, { alwaysMatch: { browserName: 'firefox', 'moz:firefoxOptions': {
      binary: FIREFOX,
      args: headless ? ['-headless'] : [],
      // A fixed moz-extension:// UUID, so that the suite can open the popup page.
      prefs: {
        'extensions.webextensions.uuids': JSON.stringify({ [geckoId]: uuid }),
        'browser.aboutConfig.showWarning': false,
        'browser.download.dir': downloads,
        'browser.download.folderList': 2,
        'browser.download.useDownloadDir': true,
        'browser.download.always_ask_before_handling_new_types': false,
        // The UI language (needs Debian's firefox-esr-l10n-* language pack for anything but en-US).
        ...(lang ? { 'intl.locale.requested': lang } : {}),
        // prefers-color-scheme for web content: 0 = dark, 1 = light.
        'layout.css.prefers-color-scheme.content-override': dark ? 0 : 1,
      },
    } } });
    await session.cmd('POST', '/window/rect', { width: 1280, height: 860 });
    if (extension) await session.cmd('POST', '/moz/addon/install', { path: extDir, temporary: true });
  } catch (e) {
    await session?.quit();
    driver.proc.kill();
    await servers.close();
    throw e;
  }
  const context = new Context(session, await session.cmd('GET', '/window'));
  return {
    ...servers,
    browser: 'firefox',
    context,
    extId: uuid,
    popupUrl: `moz-extension://${uuid}/popup.html`,
    downloads,
    async close() {
      await session.quit();
      driver.proc.kill();
      await servers.close();
      await rm(downloads, { recursive: true, force: true });
    },
  };
}

async function launchChromium({ headless = true, lang, dark = false, ports, profile: keep, extDir = EXT_DIR, sim } = {}) {
  const servers = await startServers({ ...ports, sim });
  // `profile`: a directory the caller owns and keeps (a browser restart on the same profile).
  const profile = keep ?? await mkdtemp(path.join(tmpdir(), 'bp-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: false, // --headless=new is passed below: the old headless mode has no extensions
    ignoreDefaultArgs: ['--disable-extensions'],
    // --enable-unsafe-extension-debugging: lets reloadExtension() update the extension over CDP.
    args: [...FLAGS.filter((f) => headless || f !== '--headless=new'), '--enable-unsafe-extension-debugging', `--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`, ...(lang ? [`--lang=${lang}`] : [])],
    ...(lang ? { locale: lang } : {}),
    colorScheme: dark ? 'dark' : 'light',
    viewport: { width: 1280, height: 860 },
  });
  let [sw] = context.serviceWorkers();
  if (!sw) sw = await context.waitForEvent('serviceworker', { timeout: 15000 });
  const extId = new URL(sw.url()).host;
  return {
    ...servers,
    browser: 'chromium',
    context,
    extId,
    popupUrl: `chrome-extension://${extId}/popup.html`,
    async close() {
      await context.close().catch(() => {});
      await servers.close();
      if (!keep) await rm(profile, { recursive: true, force: true });
    },
  };
}

/** The toolbar's content: in the page's closed shadow root (reached through CDP in Chromium,
 *  through WebDriver in Firefox; see shadow.mjs), or (strict-CSP pages) in its extension frame. */
export function toolbar(page, mode = 'direct') {
  if (mode === 'frame') return new FrameToolbar(page);
  return page.evaluateAsync ? page.locator('bp-call-toolbar') : new ShadowLocator(page);
}

/** The Call control that click-to-dial shows next to a number on the page (its own closed host). */
export function dialControl(page) {
  return page.evaluateAsync ? page.locator('bp-call-dial') : new ShadowLocator(page, [], 'bp-call-dial');
}

/** The centre of the first occurrence of `text` in the page's text (a number in a paragraph:
 *  the element's centre is not over it). */
export async function textPoint(page, text) {
  return page.evaluate((t) => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const at = n.data.indexOf(t);
      if (at < 0) continue;
      const r = document.createRange();
      r.setStart(n, at); r.setEnd(n, at + t.length);
      const b = r.getClientRects()[0];
      return { x: Math.round(b.left + b.width / 2), y: Math.round(b.top + b.height / 2) };
    }
    return null;
  }, text);
}

/** Real pointer movement to (x, y) in the viewport. */
export async function mouseTo(page, x, y) {
  // One jump: a path across the page would pass over other numbers on its way.
  if (!page.evaluateAsync) return page.mouse.move(x, y);
  await page.session.focus(page.handle);
  await page.session.cmd('POST', '/actions', { actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions: [
    { type: 'pointerMove', origin: 'viewport', x, y, duration: 0 },
  ] }] });
  await page.session.cmd('DELETE', '/actions');
}

/** A real key press on whatever has focus (Tab, Enter, Shift+Tab, Escape). */
export async function pressKey(page, key) {
  if (!page.evaluateAsync) return page.keyboard.press(key);
  const KEYS = { Tab: '\uE004', Enter: '\uE007', Escape: '\uE00C', Shift: '\uE008' };
  const keys = key.split('+').map((k) => KEYS[k] ?? k);
  await page.session.focus(page.handle);
  await page.session.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions: [
    ...keys.map((value) => ({ type: 'keyDown', value })), ...keys.reverse().map((value) => ({ type: 'keyUp', value })),
  ] }] });
  await page.session.cmd('DELETE', '/actions');
}

/** The toolbar frame's body (Chromium, strict-CSP pages): the frame sits in the host's closed
 *  root, so it is found among the page's frames by its URL rather than by a selector. */
class FrameToolbar {
  constructor(page, chain = [], url = '/toolbar.html') { this.page = page; this.chain = chain; this.url = url; }
  _with(...call) { return new FrameToolbar(this.page, [...this.chain, call], this.url); }
  locator(css) { return this._with('locator', css); }
  getByRole(role, opts) { return this._with('getByRole', role, opts); }
  getByLabel(label, opts) { return this._with('getByLabel', label, opts); }
  getByText(text, opts) { return this._with('getByText', text, opts); }
  filter(opts) { return this._with('filter', opts); }
  first() { return this._with('first'); }
  nth(i) { return this._with('nth', i); }
  async _base(timeout = 10000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const frame = this.page.frames().find((f) => (typeof this.url === 'function' ? this.url(f.url()) : f.url().includes(this.url)));
      if (frame) return this.chain.reduce((l, [m, ...a]) => l[m](...a), frame.locator('body'));
      if (Date.now() > deadline) return null;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
for (const m of ['click', 'dblclick', 'fill', 'press', 'evaluate', 'evaluateAll', 'waitFor', 'isEnabled', 'isDisabled', 'getAttribute', 'inputValue', 'textContent', 'allTextContents', 'boundingBox', 'focus', 'selectOption']) {
  FrameToolbar.prototype[m] = async function (...args) {
    const base = await this._base();
    if (!base) throw new Error('no toolbar frame on the page');
    return base[m](...args);
  };
}
FrameToolbar.prototype.count = async function () { return (await this._base(0))?.count() ?? 0; };
FrameToolbar.prototype.dragBy = async function (dx, dy) { return dragBy(this.page, await this._base(), dx, dy); };

/** Our channel to the tenant: the host of the hidden proxy iframe (one per open channel; it
 *  sits apart from the toolbar, in a closed root of its own). */
export function channel(page) {
  return page.locator('bp-call-toolbar-channel');
}

/** The closed shadow root of the page's host `host`, as the suite reaches it (not a page). */
export function closedRoot(page, host) {
  return page.evaluateAsync ? page.locator(host) : new ShadowLocator(page, [], host);
}

/** The body of an extension page framed in a closed shadow root of the page (Chromium: found
 *  among the page's frames by its URL, a part of it or a test of it; Firefox: through the
 *  host named `host`). */
export function extensionFrame(page, url, host) {
  return page.evaluateAsync ? page.locator(host).frameLocator('iframe') : new FrameToolbar(page, [], url);
}

/** Stops the extension's service worker as Chromium does when it is idle (CDP closes its
 *  target); resolves with how many are left (0 once it is stopped). */
export async function stopWorker(env) {
  const cdp = await env.context.browser().newBrowserCDPSession();
  const workers = async () => (await cdp.send('Target.getTargets')).targetInfos.filter((t) => t.type === 'service_worker' && t.url.startsWith('chrome-extension://'));
  for (const t of await workers()) await cdp.send('Target.closeTarget', { targetId: t.targetId });
  for (let i = 0; i < 100 && (await workers()).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
  const left = (await workers()).length;
  await cdp.detach();
  return left;
}

/** The simulated Agent Desktop inside the repeater iframe. */
export function desktop(page) {
  return page.frameLocator('iframe[title="Agent Desktop"]');
}

/** Runs `action` and resolves with the extension window it opens (the page whose URL holds
 *  `urlPart`), once that has rendered. */
export async function openedWindow(page, action, urlPart) {
  if (page.evaluateAsync) {
    const { session, context } = page;
    const before = new Set(await session.cmd('GET', '/window/handles'));
    await action();
    for (let i = 0; i < 200; i++) {
      for (const h of await session.cmd('GET', '/window/handles')) {
        if (before.has(h)) continue;
        const win = new Page(session, h, context);
        await session.focus(h);
        if ((await session.cmd('GET', '/url')).includes(urlPart)) {
          await win.locator('body[data-ready="true"]').waitFor();
          return win;
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no window ${urlPart} opened`);
  }
  const [win] = await Promise.all([page.context().waitForEvent('page', { timeout: 10000 }), action()]);
  await win.waitForURL((u) => String(u).includes(urlPart));
  await win.locator('body[data-ready="true"]').waitFor();
  return win;
}

/** An open extension window (or tab) whose URL holds `urlPart`, if any. */
export async function findWindow(env, urlPart) {
  if (env.browser === 'firefox') {
    const { session } = env.context;
    for (const h of await session.cmd('GET', '/window/handles')) {
      await session.focus(h);
      if ((await session.cmd('GET', '/url')).includes(urlPart)) return new Page(session, h, env.context);
    }
    return null;
  }
  return env.context.pages().find((p) => p.url().includes(urlPart)) ?? null;
}

/** Clicks a button whose action closes its own window (the trust window's Trust and Cancel):
 *  the window may be gone before the click's round trip ends, which is the button working. */
export async function clickClosing(locator) {
  try {
    await locator.click();
  } catch (e) {
    if (!/has been closed|no such window|window was closed/i.test(String(e.message))) throw e;
  }
}

/** Trusts the tenant as an agent does: the toolbar's Trust button opens the extension's trust
 *  window, where the agent confirms; the window closes itself. */
export async function trust(page, tenant, mode = 'direct') {
  const win = await openedWindow(page, () => toolbar(page, mode).getByRole('button', { name: `Trust ${tenant}` }).click(), '/trust.html');
  await clickClosing(win.getByRole('button', { name: `Trust ${tenant}`, exact: true }));
  await expectText(toolbar(page, mode).getByLabel('Agent status'), /^(?!Not trusted$)./, 10000);
}

/** Logs the simulated agent in and waits until the toolbar shows the live status. The desktop
 *  keeps its session across a reload of the page (see tests/sim/tenant/desktop.js): an agent
 *  still logged in is left as they are. */
export async function login(page, mode = 'direct') {
  const d = desktop(page);
  await d.locator('body[data-ready="true"]').waitFor();
  if ((await d.locator('#status').textContent()) === 'Logged out') {
    await d.getByRole('button', { name: 'Log in', exact: true }).click();
    await expectText(toolbar(page, mode).getByLabel('Agent status'), 'Not ready');
  } else {
    await expectText(toolbar(page, mode).getByLabel('Agent status'), LIVE_STATUS, 10000);
  }
}

/** A status the toolbar shows for a logged-in agent. */
export const LIVE_STATUS = /^(Not ready|Ready|Busy|Ringing|After-call work)(: .*)?$/;

/** Offers and answers a call in the simulator; returns the desktop's item_id. */
export async function startCall(page, mode = 'direct') {
  const d = desktop(page);
  const before = await d.locator('#items li').count();
  await d.getByRole('button', { name: 'Offer call', exact: true }).click();
  await d.locator('#items li').nth(before).waitFor();
  const itemId = await d.locator('#items li').nth(before).getAttribute('data-item-id');
  await d.getByRole('button', { name: 'Answer', exact: true }).click();
  await expectText(toolbar(page, mode).getByLabel('Agent status'), 'Busy');
  return itemId;
}

/** Waits until a locator's text (or input value) equals or matches `want`. */
export async function expectText(locator, want, timeout = 5000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    // A failed lookup never matches (not even a pattern that its error text would fit).
    let found = true;
    last = await locator.evaluate((e) => (['INPUT', 'TEXTAREA', 'SELECT'].includes(e.tagName) ? e.value : e.textContent)).catch((e) => { found = false; return `<${e.message}>`; });
    if (found && (want instanceof RegExp ? want.test(last) : last === want)) return last;
    if (Date.now() > deadline) throw new Error(`expected ${want} but found ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The commands the simulated desktop received, in order, as parsed JSON. */
export async function received(page) {
  const texts = await desktop(page).locator('#received li').allTextContents();
  return texts.map((t) => { try { return JSON.parse(t); } catch { return t; } });
}

/** Opens the extension popup in a tab and waits for it to render. */
export async function openPopup(env) {
  const page = await env.context.newPage();
  await page.goto(env.popupUrl);
  await page.locator('body[data-ready="true"]').waitFor();
  return page;
}

/** Opens the options page in a tab and waits for it to render. */
export async function openOptions(env) {
  const page = await env.context.newPage();
  await page.goto(env.popupUrl.replace('popup.html', 'options.html'));
  await page.locator('body[data-ready="true"]').waitFor();
  return page;
}

/** The options page's list named `name` (the prefix of its input's id: `tenant`, `site`,
 *  `crm-site`, `pop`, `reason`, `disposition`, `speed-dial`). */
export function optionsList(options, name) {
  return options.locator(`section:has(#${name}-input) ul.list`);
}

/** The popup's log rows as arrays of cell texts, newest first. */
export async function logRows(popup) {
  return popup.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
}

/** The usual start of a test file: browser, simulator, one CRM page, optionally trusted and
 *  logged in. Returns `{ env, page }`; `env.close()` ends it all. */
export async function setup(file, { trusted = false, loggedIn = false, mode = 'direct', lang, dark, sim } = {}) {
  const env = await launch({ lang, dark, sim });
  try {
    const page = await env.context.newPage();
    await page.goto(`${env.crm}/${file}`);
    if (trusted) await trust(page, env.tenant, mode);
    if (loggedIn) await login(page, mode);
    return { env, page };
  } catch (e) {
    await env.close();
    throw e;
  }
}

/** Reloads the extension as an update does, with the CRM pages left open: Chromium restarts
 *  it from its service worker; Firefox installs the same temporary add-on again. Resolves once
 *  the new copy's background runs. */
export async function reloadExtension(env) {
  if (env.browser === 'firefox') {
    await env.context.session.cmd('POST', '/moz/addon/install', { path: EXT_DIR, temporary: true });
    return;
  }
  // Loading the same unpacked directory again is how Chromium updates it in place (same id);
  // runtime.reload() would unload a command-line extension for good.
  const cdp = await env.context.browser().newBrowserCDPSession();
  await cdp.send('Extensions.loadUnpacked', { path: EXT_DIR });
  await cdp.detach();
}

/** Runs `fn(api, arg)` in an extension page (the popup) and returns its resolved value. */
export async function inExtension(popup, fn, arg) {
  const body = `(arg) => (${fn})(globalThis.browser ?? globalThis.chrome, arg)`;
  // eslint-disable-next-line no-new-func
  if (popup.evaluateAsync) return popup.evaluateAsync(body, arg);
  return popup.evaluate(new Function('return ' + body)(), arg);
}

/** The badge texts of every tab, as the extension set them. */
export async function badges(popup) {
  return inExtension(popup, async (api) => {
    const tabs = await api.tabs.query({});
    return Promise.all(tabs.map((t) => api.action.getBadgeText({ tabId: t.id })));
  });
}

/** Presses a keyboard shortcut as the browser does, with `page` the active tab: the listener
 *  that `commands.onCommand` has registered (checked to be the one) runs in the background and
 *  looks up the active tab itself. Headless browsers do not route key presses to extension
 *  shortcuts, so this is as close to the keyboard as a test can get. Chromium: in the service
 *  worker. Firefox: in the event page, started from `popup` a moment before `page` comes to
 *  the front. Returns whether the listener was the registered one. */
export async function shortcut(env, popup, page, name) {
  if (env.browser === 'chromium') {
    await page.bringToFront();
    let [sw] = env.context.serviceWorkers();
    if (!sw) sw = await env.context.waitForEvent('serviceworker', { timeout: 15000 });
    return sw.evaluate(async (name) => {
      if (!chrome.commands.onCommand.hasListener(globalThis.onShortcut)) return false;
      await globalThis.onShortcut(name);
      return true;
    }, name);
  }
  const registered = await inExtension(popup, async (api, name) => {
    const bg = await api.runtime.getBackgroundPage();
    if (!bg || !bg.browser.commands.onCommand.hasListener(bg.onShortcut)) return false;
    bg.setTimeout(() => bg.onShortcut(name), 1500);
    return true;
  }, name);
  await page.bringToFront();
  await page.waitForTimeout(1600);
  return registered;
}

/** The address a page shows. */
export async function pageUrl(page) {
  if (page.url) return page.url();
  await page.session.focus(page.handle);
  return page.session.cmd('GET', '/url');
}

/** Whether the context menu's Call entry exists (an update of it succeeds; neither browser
 *  lets an extension read its menu items back). */
export async function menuEntryExists(env, popup) {
  if (env.browser === 'chromium') {
    let [sw] = env.context.serviceWorkers();
    if (!sw) sw = await env.context.waitForEvent('serviceworker', { timeout: 15000 });
    return sw.evaluate(() => chrome.contextMenus.update('call-selection', {}).then(() => true, () => false));
  }
  return inExtension(popup, async () => {
    const bg = await (globalThis.browser ?? globalThis.chrome).runtime.getBackgroundPage();
    return bg.browser.contextMenus.update('call-selection', {}).then(() => true, () => false);
  });
}

/** Chooses the context menu's Call on `text` selected in `page`: runs the background's own
 *  `contextMenus.onClicked` listener (checked to be the one registered) with what the browser
 *  passes it, as for shortcuts. Returns whether the listener was registered. */
export async function menuCall(env, popup, page, text) {
  const url = await pageUrl(page);
  if (env.browser === 'chromium') {
    let [sw] = env.context.serviceWorkers();
    if (!sw) sw = await env.context.waitForEvent('serviceworker', { timeout: 15000 });
    return sw.evaluate(async ({ text, url }) => {
      if (!chrome.contextMenus.onClicked.hasListener(globalThis.onMenuClick)) return false;
      const tab = (await chrome.tabs.query({})).find((t) => t.url === url);
      await globalThis.onMenuClick({ menuItemId: 'call-selection', selectionText: text }, tab);
      return true;
    }, { text, url });
  }
  return inExtension(popup, async (api, { text, url }) => {
    const bg = await api.runtime.getBackgroundPage();
    if (!bg || !bg.browser.contextMenus.onClicked.hasListener(bg.onMenuClick)) return false;
    const tab = (await api.tabs.query({})).find((t) => t.url === url);
    await bg.onMenuClick({ menuItemId: 'call-selection', selectionText: text }, tab);
    return true;
  }, { text, url });
}

/** Runs axe-core (WCAG 2.0/2.1 A and AA) on the part of `page` that `selector` names (shadow
 *  trees included) and returns its violations as "rule: target" strings. */
export async function axeViolations(page, selector) {
  // The toolbar's root is closed: lend it to axe (and only to axe) for the run.
  if (selector === 'bp-call-toolbar') return withOpenedRoot(page, () => runAxe(page, selector));
  return runAxe(page, selector);
}

async function runAxe(page, selector) {
  const source = await readFile(path.join(root, 'tests/e2e/node_modules/axe-core/axe.min.js'), 'utf8');
  const run = async ({ selector }) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run({ include: [[selector]] }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`));
  };
  if (page.evaluateAsync) {
    await page.session.focus(page.handle);
    await page.session.cmd('POST', '/execute/sync', { script: source + '\nreturn true;', args: [] });
    return page.evaluateAsync(run.toString(), { selector });
  }
  await page.evaluate(source);
  return page.evaluate(run, { selector });
}

/** Drags a locator's element by (dx, dy) with the mouse (Playwright or WebDriver). */
export async function dragBy(page, locator, dx, dy) {
  if (locator.dragBy) return locator.dragBy(dx, dy);
  const box = await locator.boundingBox();
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx, y + dy, { steps: 5 });
  await page.mouse.up();
}

/** Installs an enterprise policy for the extension where the browser reads it (system paths,
 *  so this needs root, as the set-up does): Chromium's managed policy directory, keyed by the
 *  unpacked extension's id (derived from its path), or Firefox's distribution/policies.json,
 *  keyed by the add-on id. Returns a function that removes it again. */
export async function installPolicy(values) {
  const manifest = JSON.parse(await readFile(path.join(EXT_DIR, 'manifest.json'), 'utf8'));
  if (BROWSER === 'firefox') {
    const dir = path.join(path.dirname(await realpath(FIREFOX)), 'distribution');
    const file = path.join(dir, 'policies.json');
    const previous = await readFile(file, 'utf8').catch(() => null);
    await mkdir(dir, { recursive: true });
    const id = manifest.browser_specific_settings.gecko.id;
    await writeFile(file, JSON.stringify({ policies: { '3rdparty': { Extensions: { [id]: values } } } }, null, 2));
    return async () => { if (previous === null) await rm(file, { force: true }); else await writeFile(file, previous); };
  }
  // Chromium names an unpacked extension after the SHA-256 of its absolute path, a-p for 0-f.
  const hex = createHash('sha256').update(path.resolve(EXT_DIR)).digest('hex').slice(0, 32);
  const id = [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
  const dir = '/etc/chromium/policies/managed';
  const file = path.join(dir, 'bp-call-toolbar-e2e.json');
  await mkdir(dir, { recursive: true });
  await writeFile(file, JSON.stringify({ '3rdparty': { extensions: { [id]: values } } }, null, 2));
  return async () => { await rm(file, { force: true }); };
}

/** Runs `action` (a click that downloads a file) and resolves with the file's name and text. */
export async function expectDownload(env, page, action) {
  if (env.browser === 'firefox') {
    const before = new Set(await readdir(env.downloads));
    await action();
    for (let i = 0; i < 100; i++) {
      const fresh = (await readdir(env.downloads)).filter((f) => !before.has(f) && !f.endsWith('.part'));
      if (fresh.length) {
        await new Promise((r) => setTimeout(r, 100)); // written in full
        return { name: fresh[0], text: await readFile(path.join(env.downloads, fresh[0]), 'utf8') };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('no download');
  }
  const [download] = await Promise.all([page.waitForEvent('download'), action()]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
}
