// The content script: the only code on every page and frame the agent opens. It watches for an
// <iframe> whose URL names an embedded Agent Desktop (the 1.0 repeater, or Agent Desktop 2.0's
// Communicator Widget under /agent/crmembedded/) and does nothing else; only then does it
// load the toolbar: the Rust glue (pkg/content.js, an ES module) and the wasm, or on a page
// whose CSP refuses WebAssembly, the relay for the toolbar frame (relay.js). Pages without
// the desktop load none of them.
(() => {
  'use strict';
  // Not inside the tenant's own frames (the manifest excludes them; a re-injection after an
  // update reaches every frame), and once per copy of the extension.
  const url = document.URL;
  const path = url.indexOf('/', url.indexOf('//') + 2);
  if (Object.hasOwn(globalThis, '__bpCallToolbarLoaded') || ['/agentdesktop/', '/agent/crmembedded/', '/agent/communicator/'].some((p) => url.startsWith(p, path))) return;
  globalThis.__bpCallToolbarLoaded = true;
  // The extension API object is made on first use: only once there is something to do.
  // Own properties only: an element a page names `browser` is a property of the window too.
  const ext = () => (Object.hasOwn(globalThis, 'browser') ? globalThis.browser : globalThis.chrome);
  // early.js's hook, the frame's first `message` listener (none where it did not run: a copy
  // put into a page that was already open).
  const early = () => (Object.hasOwn(globalThis, '__bpCallToolbarEarly') ? globalThis.__bpCallToolbarEarly : null);
  // Rust checks the exact path and origin. A 2.0 widget's adapter frames (the page's own
  // api-proxy.html) are not the desktop.
  const isCandidate = (f) => f.src.includes('/agentdesktop/UniversalRepeater.jsp') || (f.src.includes('/agent/crmembedded/') && !f.src.includes('/agent/crmembedded/adapters/'));

  // Take-over after the extension is reloaded or updated under an open page. A copy whose
  // extension context is gone (Chromium keeps such scripts running) leaves when a newer copy
  // announces itself; the event alone cannot make a live copy leave, so a page that sends it
  // achieves nothing. What a dead copy left in the DOM (Firefox unloads such scripts without
  // running them again) is removed by the newer copy.
  // Only a copy that started has anything to stop: it listens from then on.
  const TAKEOVER = 'bp-call-toolbar-takeover';
  let stop = () => {};
  // A repeater in an added subtree: a native query of that subtree, only for an element that
  // has children (a query that finds nothing makes nothing); past 8 such elements in one
  // batch, one query of the whole document instead (a view that replaces hundreds of rows a
  // frame pays one query, a small batch on a huge page a few small ones). The selector is
  // loose (the file name anywhere in the attribute, whatever the base URL or dot segments):
  // the resolved URL decides what is a repeater (drawShell here, the Rust for the toolbar).
  const REPEATER = 'iframe[src*="UniversalRepeater.jsp"], iframe[src*="/agent/crmembedded/"]:not([src*="/adapters/"])';
  const observer = new MutationObserver((records) => {
    let parents = 0;
    for (const r of records) {
      if (r.type === 'attributes') {
        if (r.target.tagName === 'IFRAME' && isCandidate(r.target)) return start();
        continue;
      }
      for (const n of r.addedNodes) {
        if (n.nodeType !== 1) continue;
        if (n.tagName === 'IFRAME') {
          if (isCandidate(n)) return start();
        } else if (n.firstElementChild !== null) {
          if (++parents > 8) return document.querySelector(REPEATER) !== null ? start() : undefined;
          if (n.querySelector(REPEATER) !== null) return start();
        }
      }
    }
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['src'] });
  // At load, one query for both a repeater and an older copy's toolbar; a page without the
  // desktop stops here. Only a page that shows a toolbar can hold an older copy worth telling.
  if (document.querySelector(`bp-call-toolbar, ${REPEATER}`)) {
    if (document.querySelector('bp-call-toolbar')) {
      document.dispatchEvent(new CustomEvent(TAKEOVER));
      for (const e of document.querySelectorAll('bp-call-toolbar, bp-call-toolbar-channel')) e.remove();
    }
    if (document.querySelector(REPEATER)) start();
  }

  function start() {
    observer.disconnect();
    const api = ext();
    if (!api?.runtime?.id) return; // an old copy whose extension is gone: the new one takes this
    document.addEventListener(TAKEOVER, () => { if (!api.runtime?.id) stop(); });
    let shell;
    try {
      shell = drawShell(api);
    } catch (e) {
      // No shell then (the toolbar comes when the module is ready), and none left behind.
      console.warn('[Call Toolbar] shell:', e);
    }
    load(api, shell).catch((e) => {
      // The module could not load (the extension was reloaded meanwhile, say): no shell is
      // left saying "Connecting…" for ever; the new copy, if any, draws its own.
      shell?.host.remove();
      console.warn('[Call Toolbar] could not start:', e);
    });
  }

  async function load(api, shell) {
    // Everything the toolbar needs, at once and in parallel: the settings and trusted list
    // (storage, read here rather than through the background), the wasm compiling as it
    // streams in, the Rust glue. Managed storage rejects where no policy exists (Firefox):
    // that is no policy.
    const url = (p) => api.runtime.getURL(p);
    // The organisation's policy comes from the background's copy in storage.local where there
    // is one (storage.managed can take a second to answer after the browser starts); the Rust
    // confirms it against storage.managed once the toolbar is up.
    // Until then the toolbar trusts no tenant on the copy's word (policyIsCopy).
    const prefs = api.storage.local.get(['settings', 'trustedOrigins', 'policyMirror']).catch(() => ({})).then(async (local) => ({
      settings: local.settings ?? null,
      trusted: local.trustedOrigins ?? [],
      policyIsCopy: local.policyMirror !== undefined,
      policy: local.policyMirror ?? (await Promise.resolve(api.storage.managed?.get(null)).catch(() => null)) ?? {},
    }));
    const wasm = WebAssembly.compileStreaming(fetch(url('pkg/content_bg.wasm')));
    wasm.catch(() => { /* below */ });
    // chrome.runtime.getURL written out (both browsers have `chrome`): the form the add-on
    // linter reads as an extension file rather than a URL from anywhere.
    const glue = await import(chrome.runtime.getURL('pkg/content.js'));
    let module;
    try {
      module = await wasm;
    } catch (e) {
      // Chromium applies the page's Content-Security-Policy to content scripts: without
      // 'wasm-unsafe-eval' there, compiling throws CompileError (Firefox never does). The
      // toolbar then runs in an extension frame of its own, the content script relaying for it.
      if (e instanceof WebAssembly.CompileError) {
        const { relay } = await import(chrome.runtime.getURL('relay.js'));
        shell?.host.remove();
        stop = relay(api, isCandidate, early());
        return;
      }
      // Served without the wasm MIME type: compiled from the bytes instead.
      module = await WebAssembly.compile(await (await fetch(url('pkg/content_bg.wasm'))).arrayBuffer());
    }
    await glue.default({ module_or_path: module });
    stop = glue.stop_content;
    glue.start_content(api, await prefs, shell, early());
  }

  // The toolbar's shell, drawn in the same task that saw the repeater, so that the agent sees the
  // toolbar in the frame the desktop appears, while the module loads: the host and its closed
  // root, placed as the Rust places the toolbar (away from the repeater), showing the title
  // and "Connecting…". start_content fills it in place, or removes it where no toolbar belongs
  // (a site the agent or the organisation turned it off on, a URL the Rust does not take for a
  // repeater). Only for an iframe whose URL path is exactly the repeater's.
  function drawShell(api) {
    const repeater = [...document.querySelectorAll(REPEATER)].find((f) => {
      try {
        const u = new URL(f.src);
        const desktop = u.pathname === '/agentdesktop/UniversalRepeater.jsp' || (u.pathname.startsWith('/agent/crmembedded/') && !u.pathname.startsWith('/agent/crmembedded/adapters/') && !u.pathname.includes('%'));
        return (u.protocol === 'https:' || u.protocol === 'http:') && desktop && !u.username && !u.password;
      } catch {
        return false;
      }
    });
    if (!repeater) return undefined;
    const r = repeater.getBoundingClientRect();
    const side = r.left + r.width / 2 > innerWidth / 2 ? 'left' : 'right';
    // Made in a document of no browsing context: a page that defined this element name itself
    // (and would read the root through attachInternals) gets a host whose root is not its own.
    const host = document.implementation.createHTMLDocument('').createElement('bp-call-toolbar');
    const root = host.attachShadow({ mode: 'closed' });
    for (const [k, v] of [['display', 'block'], ['position', 'fixed'], ['z-index', '2147483647'], ['top', 'auto'], ['bottom', '16px'], [side, '16px'], ['margin', '0'], ['padding', '0'], ['border', '0'], ['background', 'transparent'], ['opacity', '1'], ['visibility', 'visible'], ['mask', 'none'], ['filter', 'none'], ['transform', 'none']]) {
      host.style.setProperty(k, v, 'important');
    }
    const style = document.createElement('style');
    style.textContent = ':host{all:initial}div{box-sizing:border-box;width:400px;display:flex;gap:8px;font:13px/1.35 system-ui,sans-serif;color:#1d2330;background:#fff;border:1px solid #b8c0cc;border-radius:10px;box-shadow:0 6px 24px rgba(15,23,42,.22);padding:10px 12px}b{flex:1}span{border-radius:999px;padding:1px 9px;font-weight:600;background:#e6e9ef}@media (prefers-color-scheme:dark){div{color:#e6e9ef;background:#1b1f27;border-color:#4a5466}span{background:#2a303b}}';
    const bar = document.createElement('div');
    const title = document.createElement('b');
    title.textContent = api.i18n.getMessage('toolbar_title');
    const status = document.createElement('span');
    status.textContent = api.i18n.getMessage('status_connecting');
    bar.append(title, status);
    root.append(style, bar);
    document.documentElement.append(host);
    if (host.showPopover) { host.popover = 'manual'; host.showPopover(); }
    return { host, root };
  }
})();
