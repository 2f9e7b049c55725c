// A hostile CRM page, as an attacker would write it. Before anything else runs it wraps
// attachShadow (to keep any shadow root, open or closed) and starts collecting every window
// that posts to it (the repeater, our proxy, any SDK proxy) and every node that an event path
// shows it. The end-to-end suite then uses what it collected to forge and to press.
window.__attack = { roots: [], sources: [], seen: [], tenant: '{{TENANT}}' };
const original = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  const root = original.call(this, { ...init, mode: 'open' });
  window.__attack.roots.push(root);
  return root;
};
window.addEventListener('message', (e) => {
  if (e.source && !window.__attack.sources.includes(e.source)) window.__attack.sources.push(e.source);
}, true);
for (const type of ['click', 'pointerdown', 'keydown', 'focusin', 'input']) {
  window.addEventListener(type, (e) => {
    for (const n of e.composedPath()) if (n.nodeType === 1 && !window.__attack.seen.includes(n)) window.__attack.seen.push(n);
  }, true);
}
