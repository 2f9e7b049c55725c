// Content-script loader. Runs on every page, so it does as little as possible: it watches for
// an <iframe> whose URL names the Agent Desktop repeater and, only then, fetches and compiles
// the Rust module. Pages without the desktop never load the wasm.
(() => {
  'use strict';
  // Not inside the tenant's own frames (the manifest excludes them; a re-injection after an
  // update reaches every frame), and once per copy of the extension.
  if (location.pathname.startsWith('/agentdesktop/') || globalThis.__bpCallToolbarLoaded) return;
  globalThis.__bpCallToolbarLoaded = true;
  const api = globalThis.browser ?? globalThis.chrome;
  const NEEDLE = '/agentdesktop/UniversalRepeater.jsp';
  const isCandidate = (f) => f.src.includes(NEEDLE); // Rust checks the exact path and origin.

  // Take-over after the extension is reloaded or updated under an open page. A copy whose
  // extension context is gone (Chromium keeps such scripts running) leaves when a newer copy
  // announces itself; the event alone cannot make a live copy leave, so a page that sends it
  // achieves nothing. Whatever a dead copy left in the DOM (Firefox unloads such scripts
  // without running them again) is removed by the newer copy.
  const TAKEOVER = 'bp-call-toolbar-takeover';
  let teardown = () => {};
  document.addEventListener(TAKEOVER, () => { if (!api.runtime?.id) teardown(); });
  // Only a page that shows a toolbar can hold an older copy worth telling (one without a
  // toolbar stops by itself when its extension context is gone).
  const stale = document.getElementsByTagName('bp-call-toolbar');
  if (stale.length) {
    document.dispatchEvent(new CustomEvent(TAKEOVER));
    while (stale.length) stale[0].remove();
  }

  const scan = (root) => {
    if (root.tagName === 'IFRAME') return isCandidate(root);
    if (!root.firstElementChild) return false;
    for (const f of root.getElementsByTagName('iframe')) if (isCandidate(f)) return true;
    return false;
  };

  let started = false;
  teardown = () => { observer.disconnect(); try { if (started) wasm_bindgen.stop_content(); } catch { /* not started yet */ } };
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes') {
        if (r.target.tagName === 'IFRAME' && isCandidate(r.target)) return start();
      } else {
        for (const n of r.addedNodes) if (n.nodeType === 1 && scan(n)) return start();
      }
    }
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['src'] });
  if (scan(document.documentElement ?? document)) start();

  async function start() {
    if (started) return;
    started = true;
    observer.disconnect();
    // The settings that decide whether the toolbar may appear here, read while the wasm
    // compiles. Managed storage rejects where no policy exists (Firefox): that is no policy.
    const prefs = Promise.all([
      api.storage.local.get('settings').then((v) => v.settings ?? null, () => null),
      Promise.resolve(api.storage.managed?.get(null)).then((v) => v ?? {}, () => ({})),
    ]).then(([settings, policy]) => ({ settings, policy }));
    try {
      // wasm_bindgen is the glue listed before this file in the manifest; only the .wasm is
      // fetched and compiled now.
      await wasm_bindgen({ module_or_path: api.runtime.getURL('pkg/content_bg.wasm') });
    } catch (e) {
      // Chromium applies the page's Content-Security-Policy to content scripts: without
      // 'wasm-unsafe-eval' there, WebAssembly compilation throws CompileError. Firefox does not.
      // Fall back to the toolbar frame, an extension page where the same Rust runs.
      relay();
      return;
    }
    wasm_bindgen.start_content(api, await prefs);
  }

  // The relay for the toolbar frame: owns the proxy iframe, forwards messages both ways over a
  // runtime port that page scripts cannot reach. It decides nothing; the Rust in the frame does.
  function relay() {
    let mounted = null;
    let failed = null; // a repeater whose toolbar frame never answered: not retried in a loop
    const find = () => {
      for (const f of document.getElementsByTagName('iframe')) if (isCandidate(f) && f !== failed) return f;
      return null;
    };
    const check = () => {
      if (!api.runtime?.id) { obs.disconnect(); unmount(); return; } // extension reloaded
      if (mounted && (!mounted.repeater.isConnected || mounted.repeater.src !== mounted.src)) unmount();
      if (!mounted) { const r = find(); if (r) mount(r); }
    };
    // Keyboard shortcuts (from the background) go on to the toolbar frame.
    api.runtime.onMessage.addListener((msg) => {
      if (msg?.type === 'hotkey' && mounted?.port) mounted.port.postMessage({ t: 'hotkey', command: msg.command });
    });
    teardown = () => { obs.disconnect(); unmount(); };
    const obs = new MutationObserver(check);
    obs.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['src'] });
    check();

    function unmount() {
      if (!mounted) return;
      const m = mounted;
      mounted = null;
      window.removeEventListener('message', m.onMessage);
      try { m.port?.disconnect(); } catch { /* context gone */ }
      m.host.remove();
    }

    function mount(repeater) {
      const token = crypto.randomUUID();
      const host = document.createElement('bp-call-toolbar');
      const side = repeater.getBoundingClientRect();
      const left = side.left + side.width / 2 > innerWidth / 2;
      // Layout only, as in the Rust host (content.rs HOST_STYLE): text properties stay
      // overridable by the agent's own style sheet.
      for (const [k, v] of Object.entries({
        display: 'block', position: 'fixed', 'z-index': '2147483647', top: 'auto', bottom: '16px',
        [left ? 'left' : 'right']: '16px', [left ? 'right' : 'left']: 'auto', width: 'auto', height: 'auto',
        margin: '0', padding: '0', border: '0', background: 'transparent', overflow: 'visible',
        visibility: 'visible', opacity: '1', 'pointer-events': 'auto', transform: 'none', filter: 'none',
        'clip-path': 'none', float: 'none',
      })) host.style.setProperty(k, v, 'important');
      host.dataset.mode = 'frame';
      const root = host.attachShadow({ mode: 'open' });
      const frame = document.createElement('iframe');
      frame.src = api.runtime.getURL('toolbar.html') + '#' + token;
      frame.title = 'Call toolbar';
      for (const [k, v] of Object.entries({ border: '0', width: '400px', height: '150px', display: 'block', background: 'transparent', 'color-scheme': 'normal' })) {
        frame.style.setProperty(k, v, 'important');
      }
      root.append(frame);
      const m = { repeater, src: repeater.src, host, root, frame, port: null, proxy: null, origin: null, onMessage: null };
      m.onMessage = (ev) => {
        if (!m.port) return;
        const fromProxy = !!m.proxy && ev.source === m.proxy.contentWindow;
        const text = typeof ev.data === 'string' ? ev.data : null;
        // Unrelated page traffic is not forwarded; the frame counts everything else.
        if (!fromProxy && !(text && text.includes('"command"'))) return;
        m.port.postMessage({ t: 'message', data: text && text.length <= 262144 ? text : null, origin: ev.origin, fromProxy });
      };
      window.addEventListener('message', m.onMessage);
      frame.addEventListener('load', () => {
        if (mounted !== m || m.port) return;
        m.port = api.runtime.connect({ name: 'bp-relay:' + token });
        m.port.onMessage.addListener((msg) => onFrame(m, msg));
        m.port.onDisconnect.addListener(() => {
          if (mounted !== m) return;
          m.port = null;
          failed = m.repeater;
          unmount();
        });
        m.port.postMessage({ t: 'repeater', src: m.src, page: location.host });
      }, { once: true });
      document.documentElement.append(host);
      // Top layer (manual popover): above any z-index, untouched by the page's transforms.
      if (host.showPopover) { host.popover = 'manual'; host.showPopover(); }
      mounted = m;
    }

    function onFrame(m, msg) {
      switch (msg?.t) {
        case 'open': {
          m.proxy?.remove();
          const p = document.createElement('iframe');
          p.src = msg.url;
          p.title = 'Agent Desktop SDK channel';
          p.setAttribute('aria-hidden', 'true');
          p.tabIndex = -1;
          for (const [k, v] of Object.entries({ position: 'absolute', top: '-1000px', left: '-1000px', width: '1px', height: '1px', border: '0' })) p.style.setProperty(k, v);
          p.addEventListener('load', () => m.port?.postMessage({ t: 'proxyLoaded' }));
          m.root.append(p);
          m.proxy = p;
          m.origin = msg.origin;
          break;
        }
        case 'post':
          if (m.proxy?.contentWindow && m.origin) m.proxy.contentWindow.postMessage(msg.text, m.origin);
          break;
        case 'close':
          m.proxy?.remove();
          m.proxy = null;
          m.origin = null;
          break;
        case 'size':
          m.frame.style.setProperty('width', msg.width + 'px', 'important');
          m.frame.style.setProperty('height', msg.height + 'px', 'important');
          break;
        case 'move':
        case 'place': {
          const r = m.host.getBoundingClientRect();
          const x = Math.round(Math.min(Math.max(msg.t === 'move' ? r.left + msg.dx : msg.x, 0), Math.max(innerWidth - r.width, 0)));
          const y = Math.round(Math.min(Math.max(msg.t === 'move' ? r.top + msg.dy : msg.y, 0), Math.max(innerHeight - r.height, 0)));
          for (const [k, v] of [['left', x + 'px'], ['top', y + 'px'], ['right', 'auto'], ['bottom', 'auto']]) m.host.style.setProperty(k, v, 'important');
          if (msg.t === 'move' && msg.end) m.port?.postMessage({ t: 'placed', x, y });
          break;
        }
      }
    }
  }
})();
