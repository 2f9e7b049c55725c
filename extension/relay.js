// The relay for the toolbar frame, loaded only where Chromium refuses WebAssembly to content
// scripts (a page whose Content-Security-Policy lacks 'wasm-unsafe-eval'). It owns the proxy iframe, forwards our proxy's messages over a
// runtime port that page scripts cannot reach, and counts (never forwards) the rest. Like the
// Rust channel it takes only what the browser dispatched (isTrusted): a page script can build
// a MessageEvent with our proxy's window as source and the tenant as origin, or a click on
// the host, but not a trusted one. The host's shadow root is closed: the page cannot reach
// the toolbar frame or the proxy. The relay decides nothing else; the Rust in the frame does.
const MAX_MESSAGE = 262144; // core::protocol::MAX_MESSAGE_LEN
const PROXY_PATH = '/agentdesktop/AgentDesktopSdkProxy.jsp';
// Agent Desktop 2.0's endpoint (core::detect::WIDGET_PROXY_PATH): its packets are objects, not
// strings; the frame's Rust reads and writes them as JSON text, the relay converts. The page's
// own AdApi takes every packet of the tenant's origin for its own: ours are stopped in the
// capture phase before it can see them.
const WIDGET_PROXY_PATH = '/agent/crmembedded/adapters/api-proxy.html';
const isPacket = (d) => d !== null && typeof d === 'object' && typeof d.type === 'string';
// What a page script would imitate to press the toolbar (see src/web/guard.rs).
const INPUT_EVENTS = ['click', 'dblclick', 'auxclick', 'mousedown', 'mouseup', 'pointerdown', 'pointerup', 'keydown', 'keyup', 'keypress', 'beforeinput', 'input', 'change', 'submit'];
// A string that claims to be a desktop message (core::protocol::looks_like_desktop_message),
// and one that is well formed (core::protocol::is_well_formed).
const looksLikeDesktop = (text) => text.includes('"command"') && (text.length > MAX_MESSAGE || text.trimStart().startsWith('{'));
const wellFormed = (text) => {
  if (text.length > MAX_MESSAGE) return false;
  try { const v = JSON.parse(text); return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.command === 'string'; } catch { return false; }
};
export function relay(api, isCandidate, early) {
  let mounted = null;
  let failed = null; // a repeater whose toolbar frame never answered: not retried in a loop
  const find = () => {
    for (const f of document.getElementsByTagName('iframe')) if (isCandidate(f) && f !== failed) return f;
    return null;
  };
  const check = () => {
    if (!api.runtime?.id) { obs.disconnect(); unmount(); return; } // extension reloaded
    if (mounted && (!mounted.repeater.isConnected || mounted.repeater.src !== mounted.src)) unmount();
    // The page took our host out of the document (its frames are gone with it): mount a new
    // one, at once the first time, then after 1, 2, 4… up to 30 s while it keeps happening
    // (as content.rs does), so that a page removing it in a loop costs next to nothing.
    // Our proxy (or its host) taken out of the document: the frame reopens it.
    if (mounted?.proxy && !mounted.proxy.isConnected) { closeProxy(mounted); mounted.port?.postMessage({ t: 'lost' }); }
    if (mounted && mounted.host.parentNode !== document.documentElement) { // taken out, or moved into a frame of the page's
      unmount();
      const now = Date.now();
      removals = now - removedAt > 60000 ? 1 : removals + 1;
      removedAt = now;
      if (removals > 1) waiting = setTimeout(() => { waiting = null; check(); }, Math.min(1000 * 2 ** Math.min(removals - 2, 5), 30000));
    }
    if (!mounted && !waiting) { const r = find(); if (r) mount(r); }
  };
  let removals = 0;
  let removedAt = 0;
  let waiting = null;
  const obs = new MutationObserver(check);
  obs.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['src'] });
  check();
  return () => { obs.disconnect(); unmount(); };

  function unmount() {
    if (!mounted) return;
    const m = mounted;
    mounted = null;
    clearTimeout(m.report);
    m.guard?.disconnect();
    closeProxy(m);
    if (early) early.unlisten(m.onMessage);
    else window.removeEventListener('message', m.onMessage, true);
    try { m.port?.disconnect(); } catch { /* context gone */ }
    m.host.remove();
  }

  function mount(repeater) {
    const token = crypto.randomUUID();
    // Hosts are made in a document of no browsing context (as detect.js does): a page's own
    // definition of the element name cannot reach their closed roots.
    const host = document.implementation.createHTMLDocument('').createElement('bp-call-toolbar');
    const side = repeater.getBoundingClientRect();
    const left = side.left + side.width / 2 > innerWidth / 2;
    // Layout only, as in the Rust host (content.rs HOST_STYLE and UNHIDDEN): text properties stay
    // overridable by the agent's own style sheet.
    for (const [k, v] of Object.entries({
      display: 'block', position: 'fixed', 'z-index': '2147483647', top: 'auto', bottom: '16px',
      [left ? 'left' : 'right']: '16px', [left ? 'right' : 'left']: 'auto', width: 'auto', height: 'auto',
      margin: '0', padding: '0', border: '0', background: 'transparent', overflow: 'visible',
      visibility: 'visible', opacity: '1', 'pointer-events': 'auto', transform: 'none', filter: 'none',
      'clip-path': 'none', float: 'none', mask: 'none', '-webkit-mask': 'none', scale: 'none', translate: 'none',
      rotate: 'none', zoom: '1', 'offset-path': 'none', 'content-visibility': 'visible', 'mix-blend-mode': 'normal', 'backdrop-filter': 'none',
    })) host.style.setProperty(k, v, 'important');
    host.dataset.mode = 'frame';
    const root = host.attachShadow({ mode: 'closed' });
    const frame = document.createElement('iframe');
    frame.src = api.runtime.getURL('toolbar.html') + '#' + token;
    frame.title = 'Call toolbar';
    for (const [k, v] of Object.entries({ border: '0', width: '400px', height: '150px', display: 'block', background: 'transparent', 'color-scheme': 'normal' })) {
      frame.style.setProperty(k, v, 'important');
    }
    root.append(frame);
    const m = { repeater, src: repeater.src, host, root, frame, port: null, proxy: null, origin: null, objects: false, onMessage: null, ignored: 0, forged: 0, neighbours: 0, report: null };
    // Counts go to the frame at most every 100 ms: a flood costs the port one message.
    const count = (kind) => {
      m[kind]++;
      m.report ??= setTimeout(() => {
        m.report = null;
        if (m.port && (m.ignored || m.forged || m.neighbours)) m.port.postMessage({ t: 'counted', ignored: m.ignored, forged: m.forged, neighbours: m.neighbours });
        m.ignored = 0;
        m.forged = 0;
        m.neighbours = 0;
      }, 100);
    };
    m.onMessage = (ev) => {
      // Nothing is heard before the channel opens (as the Rust channel, which listens only then).
      if (!m.port || m.origin === null) return;
      // Forged: counted if it even claims to be a desktop message (other libraries' synthetic
      // events are not an attack on us).
      if (!ev.isTrusted) return (typeof ev.data === 'string' ? ev.data.includes('"command"') : isPacket(ev.data) && typeof ev.data.uid === 'string') ? count('forged') : undefined;
      const tenant = m.origin !== null && ev.origin === m.origin;
      const ours = tenant && m.proxy && ev.source === m.proxy.contentWindow;
      if (m.objects) {
        if (ours) {
          ev.stopImmediatePropagation();
          let text = null;
          if (ev.data !== null && typeof ev.data === 'object') try { text = JSON.stringify(ev.data); } catch { /* not JSON: ignored */ }
          m.port.postMessage({ t: 'message', data: text !== null && text.length <= MAX_MESSAGE ? text : null });
        } else if (isPacket(ev.data)) {
          if (tenant) count('neighbours');
          else if (typeof ev.data.uid === 'string') count('ignored');
        }
        return;
      }
      const text = typeof ev.data === 'string' ? ev.data : null;
      if (ours) {
        m.port.postMessage({ t: 'message', data: text !== null && text.length <= MAX_MESSAGE ? text : null });
      } else if (text !== null && looksLikeDesktop(text)) {
        // The tenant's other frames (the page's own SDK) are legitimate, unless malformed.
        count(tenant && wellFormed(text) ? 'neighbours' : 'ignored');
      }
    };
    // Ahead of the page's own listeners (a 2.0 page adapter stops every widget message).
    if (early) early.listen(m.onMessage);
    else window.addEventListener('message', m.onMessage, true);
    for (const type of INPUT_EVENTS) host.addEventListener(type, (ev) => { if (!ev.isTrusted) count('forged'); });
    frame.addEventListener('load', (ev) => {
      if (!ev.isTrusted || mounted !== m || m.port) return;
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
    // Keep the host as we made it (as content.rs does): a page that changes its style (to
    // make the toolbar transparent and have the agent click it unseen), its popover, or hides
    // it gets it back before the next paint, and the attempt is counted.
    m.style = host.getAttribute('style');
    m.guard = new MutationObserver(() => {
      let tampered = false;
      if (host.getAttribute('style') !== m.style) { host.setAttribute('style', m.style); tampered = true; }
      for (const a of ['hidden', 'inert']) if (host.hasAttribute(a)) { host.removeAttribute(a); tampered = true; }
      if (host.showPopover && host.getAttribute('popover') !== 'manual') { host.popover = 'manual'; try { host.showPopover(); } catch { /* open */ } tampered = true; }
      if (tampered) count('forged');
    });
    m.guard.observe(host, { attributes: true, attributeFilter: ['style', 'popover', 'hidden', 'inert'] });
    host.addEventListener('toggle', () => {
      if (host.parentNode === document.documentElement && host.showPopover && !host.matches(':popover-open')) { try { host.showPopover(); } catch { /* gone */ } count('forged'); }
    });
    mounted = m;
  }

  function closeProxy(m) {
    m.proxyObs?.disconnect();
    m.proxyHost?.remove();
    m.proxy = null;
    m.proxyHost = null;
    m.proxyRoot = null;
    m.origin = null;
  }

  function onFrame(m, msg) {
    switch (msg?.t) {
      case 'open': {
        // Only the tenant's SDK proxy page, named by the frame that decided to trust it.
        if (typeof msg.origin !== 'string' || (msg.url !== msg.origin + PROXY_PATH && msg.url !== msg.origin + WIDGET_PROXY_PATH)) break;
        closeProxy(m);
        m.objects = msg.url === msg.origin + WIDGET_PROXY_PATH;
        // In a hidden host of its own with a closed root, never the toolbar's: a page that
        // navigates the proxy to a document of its own reaches the proxy's root through
        // frameElement, and there must be nothing else in it (as channel.rs does).
        const ph = document.implementation.createHTMLDocument('').createElement('bp-call-toolbar-channel');
        for (const [k, v] of Object.entries({ display: 'block', position: 'absolute', top: '-1000px', left: '-1000px', width: '1px', height: '1px', overflow: 'hidden', border: '0', margin: '0', padding: '0' })) ph.style.setProperty(k, v, 'important');
        ph.setAttribute('aria-hidden', 'true');
        const proot = ph.attachShadow({ mode: 'closed' });
        const p = document.createElement('iframe');
        p.src = msg.url;
        p.title = 'Agent Desktop SDK channel';
        p.tabIndex = -1;
        for (const [k, v] of Object.entries({ width: '1px', height: '1px', border: '0' })) p.style.setProperty(k, v);
        let loads = 0;
        p.addEventListener('load', (ev) => {
          if (!ev.isTrusted) return count('forged');
          loads++;
          // A document we can read is the page's, not the tenant's: the page navigated our
          // proxy. The frame drops it and opens a new one (with the channel's backoff).
          let href = null;
          try { href = p.contentWindow.location.href; } catch { /* the tenant's: cross-origin */ }
          if (href !== null && (loads > 1 || href !== 'about:blank')) m.port?.postMessage({ t: 'lost' });
          else m.port?.postMessage({ t: 'proxyLoaded' });
        });
        proot.append(p);
        document.documentElement.append(ph);
        // The proxy taken out of its own root (by a page that reached it): reopened too.
        m.proxyObs = new MutationObserver(check);
        m.proxyObs.observe(proot, { childList: true });
        m.proxy = p;
        m.proxyHost = ph;
        m.proxyRoot = proot;
        m.origin = msg.origin;
        break;
      }
      case 'post':
        if (m.proxy?.contentWindow && m.origin && typeof msg.text === 'string') {
          let packet = msg.text;
          if (m.objects) try { packet = JSON.parse(msg.text); } catch { break; }
          m.proxy.contentWindow.postMessage(packet, m.origin);
        }
        break;
      case 'close':
        closeProxy(m);
        break;
      case 'background':
        // What the toolbar frame reports for this page goes out from here, a content script
        // of the page's own frame, so that the background names the page the browser knows
        // this frame by. Reports only: orders are the extension pages' (and refused anyway).
        if (['log', 'askTrust', 'placement'].includes(msg.msg?.type)) api.runtime.sendMessage(msg.msg).catch(() => { /* context gone */ });
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
        m.style = m.host.getAttribute('style');
        if (msg.t === 'move' && msg.end) m.port?.postMessage({ t: 'placed', x, y });
        break;
      }
    }
  }
}
