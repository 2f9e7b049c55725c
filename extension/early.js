// The frame's first `message` listener, registered at document_start before any page script
// can register one of its own. An Agent Desktop 2.0 page adapter (brightpattern.AdApi) stops
// every message of the widget's origin in its own listener; a listener the toolbar added once
// it loaded would never hear its own proxy. This one hands each message to the toolbar's
// channel while one is open (detect.js passes it to the channel), and does nothing else: on a
// page without the desktop it is one listener that returns at once. Content-script world:
// out of the page's reach.
(() => {
  'use strict';
  if (Object.hasOwn(globalThis, '__bpCallToolbarEarly')) return;
  const listeners = new Set();
  globalThis.__bpCallToolbarEarly = Object.freeze({
    listen(f) { listeners.add(f); },
    unlisten(f) { listeners.delete(f); },
  });
  addEventListener('message', (e) => {
    if (listeners.size !== 0) for (const f of listeners) f(e);
  }, true);
})();
