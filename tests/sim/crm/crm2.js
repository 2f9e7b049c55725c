// The sample 2.0 CRM page's own integration: an AdApi on the page's widget frame, as a CRM's
// developers would write it. It lists every packet its adapter received (type and instanceId)
// and counts the events it handled: the suite reads both to prove that our channel took
// nothing from it and gave it nothing of ours.
(() => {
  const $ = (id) => document.getElementById(id);
  const api = new window.brightpattern.AdApi({ adcFrame: $('widget') });
  window.crmAdApi = api;
  const seen = api.seen;
  const show = () => {
    $('adapter-seen').replaceChildren(...seen.map((p) => {
      const li = document.createElement('li');
      li.textContent = p !== null && typeof p === 'object' ? `${p.type} ${p.instanceId ?? '-'}` : String(p);
      return li;
    }));
  };
  seen.push = function (...items) { const n = Array.prototype.push.apply(this, items); show(); return n; };
  let events = 0;
  const count = () => { $('adapter-events').textContent = String(++events); };
  api.onLogin(count);
  api.onAgentStateChange(count);
  api.onNewInteraction(count);
  api.onInteractionStateChange(count);
  api.onInteractionRemoved(count);
  $('adapter-state').onclick = async () => {
    $('adapter-result').textContent = 'asking…';
    const r = await api.getAgentState();
    $('adapter-result').textContent = r?.status === 'success' ? `state ${r.data.state}` : `error ${r?.error?.name}`;
  };
})();
