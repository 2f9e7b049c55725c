// A small W3C WebDriver client (geckodriver) exposing the subset of Playwright's Page/Locator
// API the end-to-end suite uses, so that the same tests run in Firefox ESR. Elements are found
// by the browser's own accessibility data (WebDriver computedrole/computedlabel), CSS selectors
// pierce open shadow roots like Playwright's, and clicks are real WebDriver input.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** Starts geckodriver and waits until it answers. */
export async function startGeckodriver(bin) {
  const port = await freePort();
  const proc = spawn(bin, ['--port', String(port), '--allow-system-access'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${base}/status`)).ok) return { base, proc }; } catch { /* not yet */ }
    await sleep(100);
  }
  proc.kill();
  throw new Error(`geckodriver did not start: ${stderr}`);
}

export class Session {
  constructor(base, id) { this.base = base; this.id = id; this.current = null; this.frames = null; }

  static async create(base, capabilities) {
    const r = await (await fetch(`${base}/session`, { method: 'POST', body: JSON.stringify({ capabilities }), headers: { 'content-type': 'application/json' } })).json();
    if (r.value?.error) throw new Error(`${r.value.error}: ${r.value.message}`);
    return new Session(base, r.value.sessionId);
  }

  async cmd(method, path, body) {
    const res = await fetch(`${this.base}/session/${this.id}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const json = await res.json();
    if (json.value && json.value.error) {
      const e = new Error(`${json.value.error}: ${json.value.message} (${method} ${path})`);
      e.code = json.value.error;
      throw e;
    }
    return json.value;
  }

  async quit() { await fetch(`${this.base}/session/${this.id}`, { method: 'DELETE' }).catch(() => {}); }

  /** Makes `handle` current, with its top-level document selected. */
  async focus(handle) {
    if (this.current !== handle) { await this.cmd('POST', '/window', { handle }); this.current = handle; }
    await this.cmd('POST', '/frame', { id: null });
  }

  async script(fn, args = []) {
    return this.cmd('POST', '/execute/sync', { script: `return (${fn}).apply(null, arguments);`, args });
  }
}

/** Hosts whose closed shadow roots the suite reaches through the automation channel (what a
 *  page script cannot do): the toolbar's, the page's Call control's and the mirror's. */
export const SHADOW_HOSTS = 'bp-call-toolbar, bp-call-dial, bp-call-toolbar-mirror';

// In-page helpers, sent with each query. Deep CSS: each space-separated part is matched in the
// scope's whole composed subtree (open shadow roots included, and the closed ones in `closed`,
// [host, root] pairs handed over by the automation channel), like Playwright's CSS engine.
export const QUERY = function (scopes, step, closed = []) {
  const hidden = new Map(closed);
  const rootOf = (e) => e.shadowRoot ?? hidden.get(e) ?? null;
  const all = (root, sel) => {
    const out = [];
    const walk = (node) => {
      if (node.querySelectorAll) for (const e of node.querySelectorAll(sel)) out.push(e);
      const each = node.querySelectorAll ? node.querySelectorAll('*') : [];
      for (const e of each) if (rootOf(e)) walk(rootOf(e));
      if (node.nodeType === 1 && rootOf(node)) walk(rootOf(node));
    };
    walk(root);
    return out;
  };
  const split = (sel) => {
    const parts = []; let cur = ''; let depth = 0; let quote = null;
    for (const ch of sel) {
      if (quote) { cur += ch; if (ch === quote) quote = null; continue; }
      if (ch === '"' || ch === "'") { quote = ch; cur += ch; continue; }
      if (ch === '[' || ch === '(') depth++;
      if (ch === ']' || ch === ')') depth--;
      if (/\s/.test(ch) && depth === 0) { if (cur) parts.push(cur); cur = ''; continue; }
      cur += ch;
    }
    if (cur) parts.push(cur);
    return parts;
  };
  const visible = (e) => (e.checkVisibility ? e.checkVisibility() : e.getClientRects().length > 0) && !e.closest('[hidden]');
  const norm = (s) => (s ?? '').replace(/\s+/g, ' ').trim();
  const matches = (text, want) => (want.re ? new RegExp(want.re, want.flags).test(text) : norm(text).toLowerCase().includes(norm(want.s).toLowerCase()));
  const roots = scopes.length ? scopes : [document];
  const uniq = (list) => [...new Set(list)];
  if (step.css !== undefined) {
    let cur = roots;
    for (const part of split(step.css)) {
      if (part === ':root') { cur = cur.map((r) => (r === document ? document.documentElement : r)); continue; }
      cur = uniq(cur.flatMap((r) => all(r, part)));
    }
    return cur;
  }
  if (step.role !== undefined) {
    const SEL = {
      button: 'button, input[type=button], input[type=submit], input[type=reset], [role=button]',
      status: '[role=status], output',
      textbox: 'input:not([type]), input[type=text], input[type=search], input[type=tel], input[type=email], input[type=url], textarea, [role=textbox]',
      combobox: 'select, [role=combobox]',
      checkbox: 'input[type=checkbox], [role=checkbox]',
    }[step.role] ?? `[role=${step.role}]`;
    return uniq(roots.flatMap((r) => all(r, SEL))).filter(visible);
  }
  if (step.label !== undefined) {
    const controls = uniq(roots.flatMap((r) => all(r, 'input, select, textarea, output, [aria-label], [aria-labelledby]')));
    return controls.filter((e) => {
      const names = [e.getAttribute('aria-label')];
      if (e.labels) for (const l of e.labels) names.push(l.textContent);
      const by = e.getAttribute('aria-labelledby');
      if (by) names.push(by.split(/\s+/).map((id) => e.getRootNode().getElementById?.(id)?.textContent ?? '').join(' '));
      return names.some((n) => n != null && (step.label.re ? new RegExp(step.label.re, step.label.flags).test(norm(n)) : norm(n) === norm(step.label.s)));
    });
  }
  if (step.text !== undefined) {
    const els = uniq(roots.flatMap((r) => all(r, '*'))).filter((e) => !['SCRIPT', 'STYLE', 'HEAD', 'HTML'].includes(e.tagName) && matches(e.textContent, step.text));
    return els.filter((e) => ![...e.children].some((c) => matches(c.textContent, step.text))).filter(visible);
  }
  if (step.hasText !== undefined) return roots.filter((e) => matches(e.textContent, step.hasText));
  return [];
};

const pattern = (v) => (v instanceof RegExp ? { re: v.source, flags: v.flags } : { s: String(v) });

export class Locator {
  constructor(page, steps) { this.page = page; this.steps = steps; }
  _with(step) { return new Locator(this.page, [...this.steps, step]); }
  locator(css) { return this._with({ css }); }
  frameLocator(css) { return this._with({ css })._with({ frame: true }); }
  getByRole(role, opts = {}) { return this._with({ role, name: opts.name, exact: opts.exact }); }
  getByLabel(label) { return this._with({ label: pattern(label) }); }
  getByText(text) { return this._with({ text: pattern(text) }); }
  filter({ hasText }) { return this._with({ hasText: pattern(hasText) }); }
  first() { return this._with({ nth: 0 }); }
  nth(i) { return this._with({ nth: i }); }

  /** All matching element references, in the right frame (which becomes current). */
  async _resolve() {
    const s = this.page.session;
    await s.focus(this.page.handle);
    let scopes = [];
    for (const step of this.steps) {
      if (step.frame) {
        if (scopes.length !== 1) throw new Error(`frame locator matched ${scopes.length} iframes`);
        await s.cmd('POST', '/frame', { id: scopes[0] });
        scopes = [];
        continue;
      }
      if (step.nth !== undefined) { scopes = scopes[step.nth] ? [scopes[step.nth]] : []; continue; }
      let found = await s.script(QUERY, [scopes, step, await this.page.closedRoots()]);
      if (step.role !== undefined) found = await this._byAccessibility(found, step);
      scopes = found;
      if (!scopes.length) return [];
    }
    return scopes;
  }

  async _byAccessibility(candidates, step) {
    const s = this.page.session;
    const out = [];
    for (const el of candidates) {
      const id = el[ELEMENT];
      // A failed lookup is an error, not a match: a negative check must not pass on failure.
      const role = await s.cmd('GET', `/element/${id}/computedrole`);
      if (role !== step.role && !(step.role === 'textbox' && role === 'entry')) continue;
      if (step.name !== undefined) {
        const label = (await s.cmd('GET', `/element/${id}/computedlabel`)).trim();
        const ok = step.name instanceof RegExp ? step.name.test(label)
          : step.exact ? label === step.name : label.toLowerCase().includes(String(step.name).toLowerCase());
        if (!ok) continue;
      }
      out.push(el);
    }
    return out;
  }

  async _one(timeout = 10000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const els = await this._resolve().catch((e) => { if (Date.now() > deadline) throw e; return []; });
      if (els.length === 1) return els[0];
      if (els.length > 1) throw new Error(`strict mode: ${els.length} elements match ${JSON.stringify(this.steps)}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(this.steps)}`);
      await sleep(50);
    }
  }

  async count() { return (await this._resolve()).length; }
  async waitFor({ state = 'visible', timeout = 10000 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      // A page that re-renders or reloads mid-lookup leaves stale references: look again, never count it.
      const n = await this._fresh(() => this.count()).catch((e) => {
        if (Date.now() > deadline || (e.code !== 'stale element reference' && e.code !== 'no such frame')) throw e;
        return null;
      });
      if (n !== null && (state === 'detached' ? n === 0 : n > 0)) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${state}: ${JSON.stringify(this.steps)}`);
      await sleep(50);
    }
  }
  /** Re-resolves and retries when the page replaced the element in between (stale reference). */
  async _fresh(op) {
    for (let i = 0; ; i++) {
      try { return await op(); } catch (e) { if (e.code !== 'stale element reference' || i >= 10) throw e; }
      await sleep(20);
    }
  }
  async evaluate(fn, arg) { return this._fresh(async () => this.page.session.script(fn, [await this._one(), arg])); }
  async evaluateAll(fn, arg) { return this._fresh(async () => this.page.session.script(fn, [await this._resolve(), arg])); }
  async click() {
    const el = await this._one();
    await this._waitEnabled(el);
    await this.page.session.cmd('POST', `/element/${el[ELEMENT]}/click`, {});
  }
  async dblclick() {
    const el = await this._one();
    await this.page.session.cmd('POST', '/actions', { actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions: [
      { type: 'pointerMove', origin: el, x: 0, y: 0 },
      { type: 'pointerDown', button: 0 }, { type: 'pointerUp', button: 0 },
      { type: 'pointerDown', button: 0 }, { type: 'pointerUp', button: 0 },
    ] }] });
    await this.page.session.cmd('DELETE', '/actions');
  }
  /** Drags the element by (dx, dy) with the mouse, in small steps. */
  async dragBy(dx, dy) {
    const el = await this._one();
    const steps = 5;
    const moves = Array.from({ length: steps }, () => ({ type: 'pointerMove', origin: 'pointer', x: Math.round(dx / steps), y: Math.round(dy / steps), duration: 20 }));
    await this.page.session.cmd('POST', '/actions', { actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions: [
      { type: 'pointerMove', origin: el, x: 0, y: 0 }, { type: 'pointerDown', button: 0 }, ...moves, { type: 'pointerUp', button: 0 },
    ] }] });
    await this.page.session.cmd('DELETE', '/actions');
  }
  async _waitEnabled(el) {
    const deadline = Date.now() + 10000;
    while (!(await this.page.session.cmd('GET', `/element/${el[ELEMENT]}/enabled`))) {
      if (Date.now() > deadline) throw new Error(`element stayed disabled: ${JSON.stringify(this.steps)}`);
      await sleep(50);
    }
  }
  async fill(value) {
    const el = await this._one();
    await this.page.session.cmd('POST', `/element/${el[ELEMENT]}/clear`, {});
    await this.page.session.cmd('POST', `/element/${el[ELEMENT]}/value`, { text: value });
  }
  async _setChecked(on) {
    const el = await this._one();
    if ((await this.page.session.script((e) => e.checked, [el])) !== on) await this.page.session.cmd('POST', `/element/${el[ELEMENT]}/click`, {});
  }
  check() { return this._setChecked(true); }
  uncheck() { return this._setChecked(false); }
  async selectOption(value) {
    const el = await this._one();
    const option = await this.page.session.script((s, v) => [...s.options].find((o) => o.value === v) ?? null, [el, value]);
    if (!option) throw new Error(`no option ${value}`);
    await this.page.session.cmd('POST', `/element/${option[ELEMENT]}/click`, {});
  }
  /** Types text key by key (WebDriver's element send keys: trusted key events). */
  async pressSequentially(text) {
    const el = await this._one();
    await this.page.session.cmd('POST', `/element/${el[ELEMENT]}/value`, { text });
  }
  async press(key) {
    const el = await this._one();
    const KEYS = { ArrowLeft: '\uE012', ArrowUp: '\uE013', ArrowRight: '\uE014', ArrowDown: '\uE015', Enter: '\uE007', Tab: '\uE004', Control: '\uE009', Shift: '\uE008', Alt: '\uE00A' };
    // "Control+V": modifiers are held until the end of the sequence (\uE000 releases them).
    const text = key.split('+').map((k) => KEYS[k] ?? k.toLowerCase()).join('') + (key.includes('+') ? '\uE000' : '');
    await this.page.session.cmd('POST', `/element/${el[ELEMENT]}/value`, { text });
  }
  async focus() { await this.evaluate((e) => e.focus()); }
  async inputValue() { return this.evaluate((e) => e.value); }
  async textContent() { return this.evaluate((e) => e.textContent); }
  async allTextContents() { return this.evaluateAll((els) => els.map((e) => e.textContent)); }
  async getAttribute(name) { return this.evaluate((e, n) => e.getAttribute(n), name); }
  async isEnabled() { const el = await this._one(); return this.page.session.cmd('GET', `/element/${el[ELEMENT]}/enabled`); }
  async isDisabled() { return !(await this.isEnabled()); }
  async boundingBox() { const el = await this._one(); const r = await this.page.session.cmd('GET', `/element/${el[ELEMENT]}/rect`); return { x: r.x, y: r.y, width: r.width, height: r.height }; }
}

export class Page {
  constructor(session, handle, context) { this.session = session; this.handle = handle; this.context = context; }
  /** [host, shadow root] pairs of the toolbar hosts in the current frame, their roots fetched
   *  with WebDriver's Get Element Shadow Root (which reaches closed roots). */
  async closedRoots() {
    const hosts = await this.session.cmd('POST', '/elements', { using: 'css selector', value: SHADOW_HOSTS });
    const pairs = [];
    for (const h of hosts) {
      const root = await this.session.cmd('GET', `/element/${h[ELEMENT]}/shadow`).catch((e) => { if (e.code === 'no such shadow root' || e.code === 'stale element reference') return null; throw e; });
      if (root) pairs.push([h, root]);
    }
    return pairs;
  }
  locator(css) { return new Locator(this, [{ css }]); }
  frameLocator(css) { return new Locator(this, [{ css }, { frame: true }]); }
  getByRole(role, opts) { return new Locator(this, []).getByRole(role, opts); }
  getByLabel(label) { return new Locator(this, []).getByLabel(label); }
  getByText(text) { return new Locator(this, []).getByText(text); }
  async goto(url) {
    await this.session.focus(this.handle);
    // Firefox's WebDriver may not report extension pages as loaded; the suite waits for content.
    await this.session.cmd('POST', '/url', { url }).catch((e) => { if (!url.startsWith('moz-extension:')) throw e; });
  }
  async reload() { await this.session.focus(this.handle); await this.session.cmd('POST', '/refresh', {}); }
  async bringToFront() { await this.session.focus(this.handle); }
  async evaluate(fn, arg) { await this.session.focus(this.handle); return this.session.script(fn, [arg]); }
  /** Runs an async function in the page and waits for its promise. */
  async evaluateAsync(fn, arg) {
    await this.session.focus(this.handle);
    return this.session.cmd('POST', '/execute/async', { script: `const done = arguments[arguments.length - 1]; Promise.resolve((${fn})(arguments[0])).then(done, (e) => done({ error: String(e) }));`, args: [arg] });
  }
  async title() { await this.session.focus(this.handle); return this.session.cmd('GET', '/title'); }
  async waitForTimeout(ms) { await sleep(ms); }
  async screenshot({ path }) { await this.session.focus(this.handle); await writeFile(path, Buffer.from(await this.session.cmd('GET', '/screenshot'), 'base64')); }
  async close() {
    await this.session.focus(this.handle);
    // Closing the last window would end the WebDriver session: blank it and keep it for reuse.
    if ((await this.session.cmd('GET', '/window/handles')).length === 1) {
      await this.session.cmd('POST', '/url', { url: 'about:blank' });
      this.context.spare = this.handle;
      return;
    }
    const left = await this.session.cmd('DELETE', '/window');
    // WebDriver keeps pointing at the closed tab: select a live one before the next command.
    await this.session.cmd('POST', '/window', { handle: left[0] });
    this.session.current = left[0];
  }
}

/** A browser "context": new pages are new tabs of the one session. */
export class Context {
  constructor(session, firstHandle) { this.session = session; this.spare = firstHandle; }
  async newPage() {
    let handle = this.spare;
    this.spare = null;
    if (!handle) handle = (await this.session.cmd('POST', '/window/new', { type: 'tab' })).handle;
    return new Page(this.session, handle, this);
  }
}
