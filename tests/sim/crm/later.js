// Notes when this page was first shown to the agent and when a mirror toolbar's host appeared
// on it (page clock, ms): the suite loads it in a tab behind another one.
window.__shown = document.visibilityState === 'visible' ? performance.now() : null;
window.__mirrorAt = null;
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && window.__shown === null) window.__shown = performance.now();
});
new MutationObserver(() => {
  if (window.__mirrorAt === null && document.querySelector('bp-call-toolbar-mirror')) window.__mirrorAt = performance.now();
}).observe(document.documentElement, { childList: true });
