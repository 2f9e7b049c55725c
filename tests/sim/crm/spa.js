// A single-page CRM: routes insert and remove the softphone (the repeater iframe) at run time.
// It also measures, for the test suite, how long the toolbar takes to appear after insertion.
const tenant = '{{TENANT}}';
const slot = document.getElementById('softphone');
// toolbarAt: the toolbar's host is in the document (painted in the next frame); filledAt: the
// toolbar rendered its state (it marks its host with data-status).
window.__timing = { insertedAt: 0, toolbarAt: 0, filledAt: 0, nextFrameAt: 0 };
new MutationObserver((records) => {
  for (const r of records) for (const n of r.addedNodes) {
    if (n.nodeName !== 'BP-CALL-TOOLBAR' || window.__timing.toolbarAt) continue;
    const timing = window.__timing;
    timing.toolbarAt = performance.now();
    const filled = () => { if (!timing.filledAt && n.hasAttribute('data-status')) timing.filledAt = performance.now(); };
    new MutationObserver(filled).observe(n, { attributes: true, attributeFilter: ['data-status'] });
    filled();
  }
}).observe(document.documentElement, { childList: true });
function route(name, suffix = '') {
  document.getElementById('view').firstElementChild.textContent = name;
  slot.replaceChildren();
  if (name === 'Softphone') {
    const f = document.createElement('iframe');
    f.title = 'Agent Desktop';
    f.src = tenant + '/agentdesktop/UniversalRepeater.jsp' + suffix;
    const timing = { insertedAt: performance.now(), toolbarAt: 0, filledAt: 0, nextFrameAt: 0 };
    window.__timing = timing;
    slot.append(f);
    // The first frame drawn after the insertion starts here: a toolbar there before it is
    // painted with the repeater.
    requestAnimationFrame(() => { timing.nextFrameAt = performance.now(); });
  }
}
document.getElementById('to-cases').onclick = () => route('Cases');
document.getElementById('to-phone').onclick = () => route('Softphone');
document.getElementById('to-phone-q').onclick = () => route('Softphone', '?lang=en#main');
document.getElementById('to-reports').onclick = () => route('Reports');
