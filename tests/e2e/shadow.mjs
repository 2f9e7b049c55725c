// The toolbar lives in a closed shadow root: page scripts cannot reach it, and neither can
// Playwright's selector engine, which runs as a script in the page. The suite reaches it the way
// a debugger or assistive technology does: in Chromium through the DevTools protocol (the DOM
// domain hands out closed roots, the accessibility tree gives each control's computed role and
// name), in Firefox through WebDriver's Get Element Shadow Root (see webdriver.mjs). Clicks and
// typing are real input (CDP Input events): the toolbar accepts nothing else.
//
// `ShadowLocator` offers the part of Playwright's Locator API the suite uses.
import { QUERY } from './webdriver.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sessions = new WeakMap();
let group = 0;

/** The page's CDP session (one per page, reused). */
export async function cdp(page) {
  let s = sessions.get(page);
  if (!s) {
    s = page.context().newCDPSession(page).then(async (c) => {
      await c.send('DOM.enable');
      await c.send('Accessibility.enable');
      return c;
    });
    sessions.set(page, s);
  }
  return s;
}

/** Runs `fn` with a fresh CDP object group, released afterwards. */
async function withObjects(page, fn) {
  const s = await cdp(page);
  const objectGroup = `bp-test-${++group}`;
  try {
    return await fn(s, objectGroup);
  } finally {
    await s.send('Runtime.releaseObjectGroup', { objectGroup }).catch(() => {});
  }
}

async function call(s, objectId, fn, args = [], { byValue = true } = {}) {
  const r = await s.send('Runtime.callFunctionOn', {
    objectId, functionDeclaration: fn.toString(), arguments: args, returnByValue: byValue, awaitPromise: true,
  });
  if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
  return r.result;
}

/** The closed shadow roots of the toolbar hosts of the page's top document, as CDP objects. */
async function roots(s, objectGroup, selector = 'bp-call-toolbar') {
  const { result } = await s.send('Runtime.evaluate', { expression: `[...document.querySelectorAll(${JSON.stringify(selector)})]`, objectGroup });
  const hosts = await elements(s, result.objectId);
  const out = [];
  for (const host of hosts) {
    const { node } = await s.send('DOM.describeNode', { objectId: host, depth: 1, pierce: true });
    const root = node.shadowRoots?.[0];
    if (!root) continue;
    const { object } = await s.send('DOM.resolveNode', { backendNodeId: root.backendNodeId, objectGroup });
    out.push({ host, root: object.objectId });
  }
  return out;
}

/** The object ids of an array object's items. */
async function elements(s, arrayId) {
  const { result } = await s.send('Runtime.getProperties', { objectId: arrayId, ownProperties: true });
  return result.filter((p) => /^\d+$/.test(p.name)).sort((a, b) => a.name - b.name).map((p) => p.value.objectId);
}

/** An array object made of the given objects (the scopes of the next step). */
async function arrayOf(s, ids, objectGroup, anchor) {
  const r = await s.send('Runtime.callFunctionOn', {
    objectId: anchor, functionDeclaration: 'function (...items) { return items; }', arguments: ids.map((objectId) => ({ objectId })), objectGroup,
  });
  return r.result.objectId;
}

/** Chromium's own computed role and name of an element. */
async function axOf(s, objectId) {
  const { nodes } = await s.send('Accessibility.getPartialAXTree', { objectId, fetchRelatives: false });
  const n = nodes.find((x) => !x.ignored) ?? nodes[0];
  return { role: n?.role?.value ?? '', name: (n?.name?.value ?? '').trim(), ignored: !!n?.ignored };
}

// Chromium's role names where they differ from ARIA's.
const ROLE_ALIASES = { combobox: ['combobox', 'ComboBoxSelect', 'ComboBoxMenuButton'], textbox: ['textbox', 'searchbox'] };

export class ShadowLocator {
  /** `hosts`: the closed hosts searched (the toolbar's, or the page's Call control's). */
  constructor(page, steps = [], hosts = 'bp-call-toolbar') { this.page = page; this.steps = steps; this.hosts = hosts; }
  _with(step) { return new ShadowLocator(this.page, [...this.steps, step], this.hosts); }
  locator(css) { return this._with({ css }); }
  getByRole(role, opts = {}) { return this._with({ role, name: opts.name, exact: opts.exact }); }
  getByLabel(label) { return this._with({ label: pattern(label) }); }
  getByText(text) { return this._with({ text: pattern(text) }); }
  filter({ hasText }) { return this._with({ hasText: pattern(hasText) }); }
  first() { return this._with({ nth: 0 }); }
  nth(i) { return this._with({ nth: i }); }

  /** The matching elements' object ids, resolved afresh in object group `objectGroup`. */
  async _resolve(s, objectGroup) {
    const found = await roots(s, objectGroup, this.hosts);
    if (!found.length) return [];
    const anchor = found[0].root;
    let scopes = await arrayOf(s, found.map((f) => f.root), objectGroup, anchor);
    let ids = found.map((f) => f.root);
    for (const step of this.steps) {
      if (step.nth !== undefined) {
        ids = ids[step.nth] ? [ids[step.nth]] : [];
      } else {
        const r = await s.send('Runtime.callFunctionOn', {
          objectId: anchor, functionDeclaration: `function (scopes, step) { return (${QUERY})(scopes, step); }`,
          arguments: [{ objectId: scopes }, { value: step }], objectGroup,
        });
        if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
        ids = await elements(s, r.result.objectId);
        if (step.role !== undefined) ids = await this._byAccessibility(s, ids, step);
      }
      if (!ids.length) return [];
      scopes = await arrayOf(s, ids, objectGroup, anchor);
    }
    return ids;
  }

  async _byAccessibility(s, ids, step) {
    const out = [];
    for (const id of ids) {
      const { role, name, ignored } = await axOf(s, id);
      if (ignored || !(ROLE_ALIASES[step.role] ?? [step.role]).includes(role)) continue;
      if (step.name !== undefined) {
        const ok = step.name instanceof RegExp ? step.name.test(name)
          : step.exact ? name === step.name : name.toLowerCase().includes(String(step.name).toLowerCase());
        if (!ok) continue;
      }
      out.push(id);
    }
    return out;
  }

  /** Runs `fn(s, id)` on the one matching element, waiting for it like Playwright does. */
  async _one(fn, timeout = 10000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const done = await withObjects(this.page, async (s, g) => {
        const ids = await this._resolve(s, g);
        if (ids.length > 1) throw new Error(`strict mode: ${ids.length} elements match ${JSON.stringify(this.steps)}`);
        if (ids.length === 1) return { value: await fn(s, ids[0]) };
        return null;
      }).catch((e) => { if (/strict mode/.test(e.message) || Date.now() > deadline) throw e; return null; });
      if (done) return done.value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(this.steps)}`);
      await sleep(50);
    }
  }

  async count() { return withObjects(this.page, async (s, g) => (await this._resolve(s, g)).length); }
  async waitFor({ state = 'visible', timeout = 10000 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const n = await this.count();
      if (state === 'detached' ? n === 0 : n > 0) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${state}: ${JSON.stringify(this.steps)}`);
      await sleep(50);
    }
  }
  async evaluate(fn, arg) {
    return this._one(async (s, id) => (await call(s, id, `function (arg) { return (${fn})(this, arg); }`, [{ value: arg }])).value);
  }
  async evaluateAll(fn, arg) {
    return withObjects(this.page, async (s, g) => {
      const ids = await this._resolve(s, g);
      if (!ids.length) return fn([], arg);
      const list = await arrayOf(s, ids, g, ids[0]);
      return (await call(s, list, `function (arg) { return (${fn})(this, arg); }`, [{ value: arg }])).value;
    });
  }
  async textContent() { return this.evaluate((e) => e.textContent); }
  async allTextContents() { return this.evaluateAll((els) => els.map((e) => e.textContent)); }
  async inputValue() { return this.evaluate((e) => e.value); }
  async getAttribute(name) { return this.evaluate((e, n) => e.getAttribute(n), name); }
  async isEnabled() { return this.evaluate((e) => !e.disabled); }
  async isDisabled() { return this.evaluate((e) => !!e.disabled); }
  async boundingBox() {
    return this._one(async (s, id) => {
      const { quads } = await s.send('DOM.getContentQuads', { objectId: id });
      if (!quads?.length) return null;
      const xs = quads[0].filter((_, i) => i % 2 === 0);
      const ys = quads[0].filter((_, i) => i % 2 === 1);
      return { x: Math.min(...xs), y: Math.min(...ys), width: Math.max(...xs) - Math.min(...xs), height: Math.max(...ys) - Math.min(...ys) };
    });
  }

  /** The element's centre on screen, once it is enabled and scrolled into view. */
  async _point() {
    const deadline = Date.now() + 10000;
    for (;;) {
      const at = await this._one(async (s, id) => {
        if ((await call(s, id, 'function () { return !!this.disabled; }')).value) return null;
        await s.send('DOM.scrollIntoViewIfNeeded', { objectId: id }).catch(() => {});
        const { quads } = await s.send('DOM.getContentQuads', { objectId: id });
        if (!quads?.length) return null;
        const q = quads[0];
        return { x: (q[0] + q[2] + q[4] + q[6]) / 4, y: (q[1] + q[3] + q[5] + q[7]) / 4 };
      });
      if (at) return at;
      if (Date.now() > deadline) throw new Error(`element stayed disabled or hidden: ${JSON.stringify(this.steps)}`);
      await sleep(50);
    }
  }
  async click() { const { x, y } = await this._point(); await this.page.mouse.click(x, y); }
  async dblclick() { const { x, y } = await this._point(); await this.page.mouse.dblclick(x, y); }
  async dragBy(dx, dy) {
    const { x, y } = await this._point();
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    await this.page.mouse.move(x + dx, y + dy, { steps: 5 });
    await this.page.mouse.up();
  }
  async focus() { await this._one(async (s, id) => { await s.send('DOM.focus', { objectId: id }); }); }
  async press(key) { await this.focus(); await this.page.keyboard.press(key); }
  /** Selects the field's text and types over it, as an agent does (trusted input events). */
  async fill(value) {
    await this._one(async (s, id) => {
      await s.send('DOM.focus', { objectId: id });
      await call(s, id, 'function () { if (this.select) this.select(); }');
    });
    if (value) await (await cdp(this.page)).send('Input.insertText', { text: value });
    else await this.page.keyboard.press('Delete');
  }
  /** Picks an option of a <select> with the keyboard (a real `change`, as an agent makes it). */
  async selectOption(value) {
    const { from, to } = await this.evaluate((e, v) => ({ from: e.selectedIndex, to: [...e.options].findIndex((o) => o.value === v) }), value);
    if (to < 0) throw new Error(`no option ${value}`);
    await this.focus();
    for (let i = from; i !== to; i += to > from ? 1 : -1) await this.page.keyboard.press(to > from ? 'ArrowDown' : 'ArrowUp');
  }
}

const pattern = (v) => (v instanceof RegExp ? { re: v.source, flags: v.flags } : { s: String(v) });

/** Runs `fn(root, arg)` on the toolbar's closed shadow root with the test's own privileges (what
 *  a page script cannot do): for checks and faults that need the inside of the toolbar. */
export async function inToolbarRoot(page, fn, arg) {
  if (page.evaluateAsync) {
    // Firefox: WebDriver hands the closed root to the script as an argument.
    await page.session.focus(page.handle);
    const [pair] = await page.closedRoots();
    if (!pair) throw new Error('no toolbar on the page');
    return page.session.script(`function (host, root, arg) { return (${fn})(root, arg); }`, [pair[0], pair[1], arg]);
  }
  return withObjects(page, async (s, g) => {
    const [found] = await roots(s, g);
    if (!found) throw new Error('no toolbar on the page');
    return (await call(s, found.root, `function (arg) { return (${fn})(this, arg); }`, [{ value: arg }])).value;
  });
}

/** Makes the toolbar host's closed root readable as `host.shadowRoot` in the page's own world
 *  while `fn()` runs (for axe-core, which walks shadow trees through that property), then takes
 *  it away again. Page scripts other than the test's own never see it. */
export async function withOpenedRoot(page, fn) {
  const lend = `function (root) { Object.defineProperty(this, 'shadowRoot', { configurable: true, get: () => root }); }`;
  const take = `function () { delete this.shadowRoot; }`;
  if (page.evaluateAsync) {
    await page.session.focus(page.handle);
    const pairs = await page.closedRoots();
    for (const [host, root] of pairs) await page.session.script(`function (h, r) { (${lend}).call(h, r); }`, [host, root]);
    try { return await fn(); } finally {
      for (const [host] of pairs) await page.session.script(`function (h) { (${take}).call(h); }`, [host]).catch(() => {});
    }
  }
  const s = await cdp(page);
  const objectGroup = `bp-test-lend-${++group}`;
  const found = await roots(s, objectGroup);
  for (const { host, root } of found) await call(s, host, lend, [{ objectId: root }]);
  try { return await fn(); } finally {
    for (const { host } of found) await call(s, host, take).catch(() => {});
    await s.send('Runtime.releaseObjectGroup', { objectGroup }).catch(() => {});
  }
}
