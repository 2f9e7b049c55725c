// Simulated Agent Desktop 1.0 behind UniversalRepeater.jsp, following the protocol reference:
// string JSON; replies only to GET_STATE (request_id echoed as a string) and only to the asking
// proxy; events broadcast to every proxy; after-call work on terminate; ready on complete;
// commands for unknown items ignored; nothing answered while logged out; commands compared
// case-insensitively.
(() => {
  const $ = (id) => document.getElementById(id);
  // Proxies on this page register here; replies go to the asking proxy, events to all.
  const proxies = new Map();
  let alive = true;
  window.addEventListener('pagehide', () => { alive = false; });
  const agentId = 'jeffery.lozada';
  const s = { login: false, status: 'not_ready', reason: 'Not ready', items: [] };
  const guid = () => crypto.randomUUID().toUpperCase();

  const send = (msg, to) => {
    const text = typeof msg === 'string' ? msg : JSON.stringify(msg);
    for (const [w, deliver] of proxies) {
      if (w.closed) { proxies.delete(w); continue; }
      if (to === undefined || to === w) { try { deliver(text); } catch { proxies.delete(w); } }
    }
  };
  const event = (command, data) => send({ command, data });
  const setStatus = (status, reason = '') => {
    s.status = status; s.reason = reason;
    event('STATE_CHANGED', { agent_id: agentId, status, reason });
    render();
  };
  const wire = (it) => ({ item_id: it.item_id, global_id: it.global_id, phone_number: it.phone_number, service: it.service, screenpop_data: {}, attached_data: {} });

  function render() {
    $('status').textContent = !s.login ? 'Logged out' : s.status + (s.reason ? ` (${s.reason})` : '');
    $('items').replaceChildren(...s.items.map((it) => {
      const li = document.createElement('li');
      li.textContent = `${it.item_id} ${it.phone_number} ${it.state}`;
      li.dataset.itemId = it.item_id;
      li.dataset.state = it.state;
      return li;
    }));
  }

  const handlers = {
    GET_STATE(req, from) {
      send({ command: 'GET_STATE', request_id: String(req.request_id ?? ''), data: { agent_id: agentId, status: s.status, reason: s.reason, interactions: s.items.map(wire) } }, from);
    },
    TERMINATE_INTERACTION_FROM_API(req) {
      const it = s.items.find((i) => i.item_id === req.data);
      if (!it || it.state === 'acw') return;
      endCall(it);
    },
    COMPLETE_INTERACTION_FROM_API(req) { complete(req.data, '', undefined); },
    COMPLETE_INTERACTION_WITH_DISPOSITION(req) { complete(req.item_id, req.code ?? '', req.notes); },
    CHANGE_STATE(req) {
      const st = String(req.data?.state ?? '').toLowerCase();
      if (st === 'ready' || st === 'not_ready') setStatus(st, st === 'ready' ? '' : (req.data?.reason ?? 'Not ready'));
    },
  };

  function endCall(it) {
    it.state = 'acw';
    setStatus('after_call_work', '');
    event('_CALL_ENDED', { item_id: it.item_id, call_id: it.call_id });
  }

  function complete(itemId, disposition, notes) {
    const it = s.items.find((i) => i.item_id === itemId);
    if (!it || it.state !== 'acw') return; // completes only what is in after-call work
    s.items = s.items.filter((i) => i !== it);
    const data = { ...wire(it), disposition, recording_url: `/msgplayback?tenant_id=sim&message=recordings/${it.item_id}` };
    if (notes !== undefined) data.notes = notes;
    event('INTERACTION_COMPLETED', data);
    if (!s.items.some((i) => i.state !== 'acw')) setStatus(s.items.length ? 'after_call_work' : 'ready', '');
    render();
  }

  window.__bpSimDesktop = {
    alive: () => alive,
    register(w, deliver) { proxies.set(w, deliver); },
    command(from, text) {
      const li = document.createElement('li');
      li.textContent = text;
      $('received').append(li);
      if (!s.login || $('silent').checked) return; // no reply while logged out or silent
      let req;
      try { req = JSON.parse(text); } catch { return; }
      const h = handlers[String(req.command ?? '').toUpperCase()];
      if (h) setTimeout(() => h(req, from), 5); // a real desktop answers asynchronously
    },
  };

  $('login').onclick = () => {
    if (s.login) return;
    s.login = true;
    event('LOGIN_CHANGED', { agent_id: agentId, login: true });
    setStatus('not_ready', 'Not ready');
  };
  $('logout').onclick = () => {
    if (!s.login) return;
    s.login = false; s.items = [];
    event('LOGIN_CHANGED', { agent_id: agentId, login: false });
    render();
  };
  $('ready').onclick = () => s.login && setStatus('ready', '');
  $('notready').onclick = () => s.login && setStatus('not_ready', $('reason').value);
  $('offer').onclick = () => {
    if (!s.login) return;
    const it = { item_id: guid(), global_id: guid(), call_id: `${guid()}/1`, phone_number: $('caller').value, service: 'Maintenance Renewal', state: 'ringing' };
    s.items.push(it);
    event('_I_CALL_OFFERED', { item_id: it.item_id });
    event('INTERACTION_RENDERED', wire(it));
    setStatus('ringing', '');
  };
  $('answer').onclick = () => {
    const it = s.items.find((i) => i.state === 'ringing');
    if (!it) return;
    it.state = 'connected';
    event('_I_CALL_ANSWERED', { call_id: it.call_id });
    setStatus('busy', '');
  };
  $('hangup').onclick = () => {
    const it = s.items.find((i) => i.state === 'connected' || i.state === 'ringing');
    if (it) endCall(it);
  };
  $('malformed').onclick = () => send('{"command":"STATE_CHANGED", this is not JSON');
  render();
})();
