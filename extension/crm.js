// The content script of the agent's CRM sites only, and only while a desktop tab is open (the
// background registers it for those sites then, runs it in their open tabs when a desktop tab
// appears, and for no other site): the mirror toolbar, on a page of the CRM while another tab
// is the desktop tab. The mirror is an extension page in a frame (mirror.html) that names a
// token only this script and the frame know: the background feeds the frame only once this
// script, asked in its own world (scripting.executeScript, out of the page's reach), says the
// token is its own; the frame presses only through the background, so nothing here, and
// nothing the page can reach, sends a command. The page pays for no extension messaging: this
// script sends none and listens for none.
(() => {
  'use strict';
  if (window !== window.top) return;
  // Run again (a desktop tab appeared after none): a page that had a repeater of its own then
  // and has none now shows the mirror.
  // (A copy of an older version of the extension, gone with it, leaves no such function.)
  if (typeof (Object.hasOwn(globalThis, '__bpCallToolbarCrm') && globalThis.__bpCallToolbarCrm.again) === 'function') {
    globalThis.__bpCallToolbarCrm.again();
    return;
  }
  const api = Object.hasOwn(globalThis, 'browser') ? globalThis.browser : globalThis.chrome;
  const page = api?.runtime?.getURL?.('mirror.html');
  if (!page) return;
  // In the frame's URL only, inside a closed root: the page never sees it, so a mirror frame
  // it makes itself (it can guess the extension's URL) gets nothing from the background.
  const token = crypto.randomUUID();
  // What the background asks, in this script's world (the page's cannot see it): whether a
  // frame's token is this page's, with the frame's title in the agent's language.
  globalThis.__bpCallToolbarCrm = Object.freeze({
    claim(t, title) {
      if (m === null || t !== token) return false;
      if (typeof title === 'string') m.frame.title = title.slice(0, 200);
      return true;
    },
    again() { start(); },
  });
  // Layout only, as for the toolbar's host (content.rs HOST_STYLE, relay.js): a page that
  // would make the card transparent, move it or shrink it under the agent's pointer finds
  // every such property set, and set back (below).
  const css = (o) => Object.entries(o).map(([k, v]) => `${k}:${v}!important`).join(';');
  const HOST = css({
    display: 'block', position: 'fixed', 'z-index': '2147483647', top: 'auto', left: 'auto', bottom: '16px', right: '16px',
    width: '400px', height: 'auto', 'max-height': 'calc(100vh - 32px)', margin: '0', padding: '0', border: '0',
    background: 'transparent', overflow: 'hidden', visibility: 'visible', opacity: '1', 'pointer-events': 'auto',
    transform: 'none', filter: 'none', 'clip-path': 'none', float: 'none', mask: 'none', '-webkit-mask': 'none', scale: 'none',
    translate: 'none', rotate: 'none', zoom: '1', 'offset-path': 'none', 'content-visibility': 'visible',
    'mix-blend-mode': 'normal', 'backdrop-filter': 'none', 'color-scheme': 'normal',
  });
  const FRAME = css({ display: 'block', width: '400px', height: '0', margin: '0', padding: '0', border: '0', background: 'transparent', 'color-scheme': 'normal' });
  let m = null; // { host, frame, guard }
  let removals = 0;
  let removedAt = 0;
  let waiting = null;

  // The frame, once: fixed at the bottom right, above the page (top layer where the browser has
  // popovers), its height the one the mirror asks for (0 while it has nothing to show here).
  function show() {
    // A page with a repeater of its own has its own toolbar (and may be the desktop tab).
    if (m !== null || waiting !== null || !api.runtime?.id || document.querySelector('iframe[src*="UniversalRepeater.jsp"], iframe[src*="/agent/crmembedded/"]:not([src*="/adapters/"]), bp-call-toolbar')) return;
    // Made in a document of no browsing context (as detect.js does): a page's own definition
    // of the element name cannot reach its closed root.
    const host = document.implementation.createHTMLDocument('').createElement('bp-call-toolbar-mirror');
    // One style attribute each (a property at a time costs a style change each).
    host.setAttribute('style', HOST);
    const root = host.attachShadow({ mode: 'closed' });
    const frame = document.createElement('iframe');
    frame.src = `${page}#${token}`;
    frame.setAttribute('style', FRAME);
    root.append(frame);
    const mine = { host, frame, guard: null };
    // The page can navigate the frame (window.frames[i].location) to a page of its own, which
    // would then sit where the agent expects the toolbar: a second load is that, and the
    // frame goes (a new one is made, with the backoff below).
    let loads = 0;
    frame.addEventListener('load', (e) => { if (e.isTrusted && ++loads > 1 && m === mine) drop(); });
    document.documentElement.append(host);
    if (host.showPopover) { host.popover = 'manual'; host.showPopover(); }
    // Keep the host as made: a page that changes its style, its popover, or hides it gets it
    // back before the next paint.
    const style = host.getAttribute('style');
    mine.guard = new MutationObserver(() => {
      if (host.getAttribute('style') !== style) host.setAttribute('style', style);
      for (const a of ['hidden', 'inert']) if (host.hasAttribute(a)) host.removeAttribute(a);
      if (host.showPopover && host.getAttribute('popover') !== 'manual') { host.popover = 'manual'; try { host.showPopover(); } catch { /* open */ } }
    });
    mine.guard.observe(host, { attributes: true, attributeFilter: ['style', 'popover', 'hidden', 'inert'] });
    // (The event's own newState: asking the element whether it is open would recompute the
    // page's style first, a millisecond on a large page.)
    host.addEventListener('toggle', (e) => {
      if (e.newState === 'closed' && host.isConnected) { try { host.showPopover(); } catch { /* gone */ } }
    });
    m = mine;
    listen();
  }

  // The frame gone (taken out by the page, or navigated): made again, at once the first time,
  // then after 1, 2, 4… up to 30 s while it keeps happening, so that a page doing it in a loop
  // costs next to nothing.
  function drop() {
    if (m === null) return;
    m.guard.disconnect();
    m.host.remove();
    m = null;
    const now = Date.now();
    removals = now - removedAt > 60000 ? 1 : removals + 1;
    removedAt = now;
    const later = removals > 1 ? Math.min(1000 * 2 ** Math.min(removals - 2, 5), 30000) : 0;
    waiting = setTimeout(() => { waiting = null; show(); }, later);
  }
  // Both listen only once there is a mirror (a CRM page without one pays for neither).
  let origin = null; // the extension's, for the mirror's messages
  function listen() {
    if (origin !== null) return;
    origin = new URL(api.runtime.getURL('')).origin; // not the frame URL's: a dynamic one (use_dynamic_url)
    new MutationObserver(() => {
      if (m !== null && m.host.parentNode !== document.documentElement) drop();
      if (!api.runtime?.id && m !== null) { m.guard.disconnect(); m.host.remove(); m = null; } // extension reloaded
    }).observe(document.documentElement, { childList: true });
    window.addEventListener('message', onHeight);
  }

  // The mirror's height, from the mirror itself: a trusted message from our frame's window and
  // the extension's origin (a page script can forge neither isTrusted nor, for a real message,
  // the source), and only a number within bounds.
  function onHeight(e) {
    if (m === null || !e.isTrusted || e.source !== m.frame.contentWindow || e.origin !== origin) return;
    const h = e.data?.bpMirrorHeight;
    if (typeof h !== 'number' || !(h >= 0 && h <= 2000)) return;
    m.frame.style.setProperty('height', `${Math.ceil(h)}px`, 'important');
  }

  // Not in a tab the agent has not looked at yet (opened in the background): no frame, and no
  // mirror page loaded for it, until the tab is shown.
  let unseen = false;
  function start() {
    if (document.visibilityState !== 'hidden') { show(); return; }
    if (unseen) return;
    unseen = true;
    const seen = (e) => {
      if (!e.isTrusted || document.visibilityState === 'hidden') return;
      document.removeEventListener('visibilitychange', seen);
      unseen = false;
      show();
    };
    document.addEventListener('visibilitychange', seen);
  }
  start();
})();
