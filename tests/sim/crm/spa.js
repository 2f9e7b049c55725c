// A single-page CRM: routes insert and remove the softphone (the repeater iframe) at run time.
// It also measures, for the test suite, how long the toolbar takes to appear after insertion.
const tenant = '{{TENANT}}';
const slot = document.getElementById('softphone');
window.__timing = { insertedAt: 0, toolbarAt: 0 };
new MutationObserver((records) => {
  for (const r of records) for (const n of r.addedNodes) {
    if (n.nodeName === 'BP-CALL-TOOLBAR' && !window.__timing.toolbarAt) window.__timing.toolbarAt = performance.now();
  }
}).observe(document.documentElement, { childList: true });
function route(name, suffix = '') {
  document.getElementById('view').firstElementChild.textContent = name;
  slot.replaceChildren();
  if (name === 'Softphone') {
    const f = document.createElement('iframe');
    f.title = 'Agent Desktop';
    f.src = tenant + '/agentdesktop/UniversalRepeater.jsp' + suffix;
    window.__timing = { insertedAt: performance.now(), toolbarAt: 0 };
    slot.append(f);
  }
}
document.getElementById('to-cases').onclick = () => route('Cases');
document.getElementById('to-phone').onclick = () => route('Softphone');
document.getElementById('to-phone-q').onclick = () => route('Softphone', '?lang=en#main');
document.getElementById('to-reports').onclick = () => route('Reports');
