// The content script: the only code on every page and frame the agent opens. It watches for an
// <iframe> whose URL names the Agent Desktop repeater and does nothing else; only then does it
// load the toolbar: the Rust glue (pkg/content.js, an ES module) and the wasm, or on a page
// whose CSP refuses WebAssembly, the relay for the toolbar frame (relay.js). Pages without
// the desktop load none of them.
(() => {
  'use strict';
  // Not inside the tenant's own frames (the manifest excludes them; a re-injection after an
  // update reaches every frame), and once per copy of the extension.
  const url = document.URL;
  if (globalThis.__bpCallToolbarLoaded || url.startsWith('/agentdesktop/', url.indexOf('/', url.indexOf('//') + 2))) return;
  globalThis.__bpCallToolbarLoaded = true;
  // The extension API object is made on first use: only once there is something to do.
  const ext = () => globalThis.browser ?? globalThis.chrome;
  const isCandidate = (f) => f.src.includes('/agentdesktop/UniversalRepeater.jsp'); // Rust checks the exact path and origin

  // Take-over after the extension is reloaded or updated under an open page. A copy whose
  // extension context is gone (Chromium keeps such scripts running) leaves when a newer copy
  // announces itself; the event alone cannot make a live copy leave, so a page that sends it
  // achieves nothing. What a dead copy left in the DOM (Firefox unloads such scripts without
  // running them again) is removed by the newer copy.
  // Only a copy that started has anything to stop: it listens from then on.
  const TAKEOVER = 'bp-call-toolbar-takeover';
  let stop = () => {};
  // A repeater anywhere in the document: one native query, run only when an element that could
  // hold one was added (a busy page that replaces hundreds of rows a frame costs a type check
  // per row and one query). A query that finds nothing makes no DOM object in this world.
  const REPEATER = 'iframe[src*="agentdesktop/UniversalRepeater.jsp"]';
  const present = () => document.querySelector(REPEATER) !== null;
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes') {
        if (r.target.tagName === 'IFRAME' && isCandidate(r.target)) return start();
      } else {
        for (const n of r.addedNodes) {
          if (n.nodeType !== 1) continue;
          if (n.tagName === 'IFRAME') {
            if (isCandidate(n)) return start();
          } else if (n.firstElementChild !== null) {
            return present() ? start() : undefined; // that query saw every iframe there is
          }
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
    if (present()) start();
  }

  async function start() {
    observer.disconnect();
    const api = ext();
    if (!api?.runtime?.id) return; // an old copy whose extension is gone: the new one takes this
    document.addEventListener(TAKEOVER, () => { if (!api.runtime?.id) stop(); });
    // Everything the toolbar needs, at once and in parallel: the settings and trusted list
    // (storage, read here rather than through the background), the wasm compiling as it
    // streams in, the Rust glue. Managed storage rejects where no policy exists (Firefox):
    // that is no policy.
    const url = (p) => api.runtime.getURL(p);
    const prefs = Promise.all([
      api.storage.local.get(['settings', 'trustedOrigins']).catch(() => ({})),
      Promise.resolve(api.storage.managed?.get(null)).catch(() => ({})),
    ]).then(([local, policy]) => ({ settings: local.settings ?? null, trusted: local.trustedOrigins ?? [], policy: policy ?? {} }));
    const wasm = WebAssembly.compileStreaming(fetch(url('pkg/content_bg.wasm')));
    wasm.catch(() => { /* below */ });
    const glue = await import(url('pkg/content.js'));
    let module;
    try {
      module = await wasm;
    } catch (e) {
      // Chromium applies the page's Content-Security-Policy to content scripts: without
      // 'wasm-unsafe-eval' there, compiling throws CompileError (Firefox never does). The
      // toolbar then runs in an extension frame of its own, the content script relaying for it.
      if (e instanceof WebAssembly.CompileError) {
        stop = (await import(url('relay.js'))).relay(api, isCandidate);
        return;
      }
      // Served without the wasm MIME type: compiled from the bytes instead.
      module = await WebAssembly.compile(await (await fetch(url('pkg/content_bg.wasm'))).arrayBuffer());
    }
    await glue.default({ module_or_path: module });
    stop = glue.stop_content;
    glue.start_content(api, await prefs);
  }
})();
