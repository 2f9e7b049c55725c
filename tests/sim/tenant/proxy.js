// Simulated AgentDesktopSdkProxy.jsp: forwards string commands from its parent window to the
// desktop (the repeater, a same-origin sibling frame on the same page) and the desktop's
// replies and events back to its parent. Without a desktop on the page, nothing answers.
// Switch (server.mjs): proxyReadyAfter ms, during which a freshly loaded proxy drops what it is
// sent (a slow proxy page: its load event fires before it listens).
(() => {
  const SIM = { proxyReadyAfter: 0, ...JSON.parse('{{SIM}}' || '{}') };
  const readyAt = performance.now() + SIM.proxyReadyAfter;
  let desktop = null;
  const deliver = (text) => parent.postMessage(text, '*');
  const find = () => {
    for (let i = 0; i < parent.frames.length; i++) {
      try {
        const w = parent.frames[i];
        if (w !== window && w.__bpSimDesktop) return w.__bpSimDesktop;
      } catch { /* cross-origin sibling */ }
    }
    return null;
  };
  const attach = () => {
    if (desktop && desktop.alive()) return true;
    desktop = find();
    if (desktop) desktop.register(window, deliver);
    return !!desktop;
  };
  const timer = setInterval(() => { if (attach()) clearInterval(timer); }, 200);
  attach();
  window.addEventListener('message', (e) => {
    if (e.source !== parent || typeof e.data !== 'string' || performance.now() < readyAt) return;
    if (attach()) desktop.command(window, e.data);
  });
})();
