// The benchmark's floor: notices iframes as they are added, nothing more.
new MutationObserver((records) => {
  for (const r of records) for (const n of r.addedNodes) if (n.nodeName === 'IFRAME') globalThis.__floorSeen = (globalThis.__floorSeen ?? 0) + 1;
}).observe(document, { childList: true, subtree: true });
