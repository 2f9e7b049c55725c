// Simulated Agent Desktop 2.0 api-proxy.html (/agent/crmembedded/adapters/): the endpoint every
// host's packets go through. On load it greets its parent with {type:'hello', uid} once (a
// host that is not listening yet misses it); it takes structured-clone objects from its parent
// only, answers nothing before the host's `hi` (what came before is dropped, as a real proxy
// that has no instance yet would), records the instanceId the `hi` names (in the packet, or
// in its APIInstanceParams), and stamps it on every packet it delivers back. Requests go to the
// widget (a same-origin sibling frame); without one on the page nothing answers.
(() => {
  const rand = () => Math.random().toString(16).slice(2);
  let instance = null;
  let widget = null;
  const deliver = (packet) => parent.postMessage(instance && packet !== null && typeof packet === 'object' ? { ...packet, instanceId: instance } : packet, '*');
  const find = () => {
    for (let i = 0; i < parent.frames.length; i++) {
      try {
        const w = parent.frames[i];
        if (w !== window && w.__bpSimWidget) return w.__bpSimWidget;
      } catch { /* cross-origin sibling */ }
    }
    return null;
  };
  const attach = () => {
    if (widget && widget.alive()) return true;
    widget = find();
    if (widget && instance) widget.register(window, deliver);
    return !!widget;
  };
  const timer = setInterval(() => { if (attach()) clearInterval(timer); }, 200);
  window.addEventListener('message', (e) => {
    const p = e.data;
    if (e.source !== parent || p === null || typeof p !== 'object' || typeof p.type !== 'string') return;
    if (p.type === 'hi') {
      const params = Array.isArray(p.params) ? p.params[0] : null;
      instance = String(p.instanceId ?? params?.instanceId ?? `host-${rand()}`);
      if (attach()) widget.register(window, deliver);
      return;
    }
    if (!instance) return; // no handshake yet: dropped
    if (attach()) widget.request(window, p);
  });
  parent.postMessage({ type: 'hello', uid: rand() }, '*');
})();
