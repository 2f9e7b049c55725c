// Simulated Agent Desktop 2.0 Communicator Widget (/agent/crmembedded/), following
// bright-pattern-agent-desktop-2.md: structured-clone packets {uid, type, params}; every request
// answered by <TYPE>_RESPONSE with the request's uid and {status, data | error{code, name}},
// to the asking proxy only; events ON_* to every proxy that finished its handshake (see
// api-proxy.js); request types compared exactly (UPPER_SNAKE); an interaction named by its id,
// or the active one when none is given.
//
// Where the reference is silent it takes the harder plausible behaviour, each a switch
// (`startServers({ sim })`, server.mjs):
//   duplicateEvents   every event is delivered twice (the adapter's isDuplicateEvent suggests
//                     they can be); on by default
//   persistentSession the agent's session outlives a reload of the CRM page (server.mjs keeps
//                     it under /agent/crmembedded/sim/); on by default
//   latency [lo, hi]  every answer and event takes lo..hi ms (random), in order
//   requireDisposition the service requires a disposition: COMPLETE_INTERACTION of one without
//                     is refused with 16 no_disposition (also a checkbox on its page)
//   dispositions      the service's dispositions, [name, code]: GET_DISPOSITIONS_LIST gives them
//                     with ids D1, D2, ...; SET_DISPOSITION takes an id, code or name; another is
//                     refused with 17 object_not_found. GET_SERVICES_LIST and GET_SERVICE say
//                     whether a disposition is required as the switch or checkbox is when asked
//   recordingSilent   a recording pause is answered but no state change tells of it (also a
//                     checkbox); transferBusy: a transfer is answered and nothing happens
// And, always: logged out, every request but GET_LOGIN_STATE is refused with 2 not_logged_in;
// an unknown interaction is 13 no_interaction; a Leave of one in wrap-up, a Complete of one not
// in wrap-up, a state change on a call, are 15 not_suitable_state; an unknown type is 14
// api_method_not_implemented; a state change that changes only the data (the recording
// paused) is sent as ON_INTERACTION_STATE_CHANGE with the same state. "Silent" answers nothing.
(() => {
  const SIM = { duplicateEvents: true, persistentSession: true, latency: [0, 30], requireDisposition: false, reasons: ['Break', 'Lunch', 'Training', 'Away from Desk'], dispositions: [['Resolved', '100'], ['Callback', '200'], ['Offer rejected', '300']], ...JSON.parse('{{SIM}}' || '{}') };
  const $ = (id) => document.getElementById(id);
  const ERRORS = { 2: 'not_logged_in', 3: 'invalid_args', 10: 'empty_number', 13: 'no_interaction', 14: 'api_method_not_implemented', 15: 'not_suitable_state', 16: 'no_disposition', 17: 'object_not_found' };
  const proxies = new Map(); // window → deliver
  let alive = true;
  const agentId = 'jeffery.lozada';
  const fresh = () => ({ login: false, state: 'not_ready', reason: 'Not ready', items: [], active: null, service: '' });
  let s = fresh();
  const guid = () => crypto.randomUUID().toUpperCase();
  const rand = () => Math.random().toString(16).slice(2);
  const id = crypto.randomUUID();
  const save = () => {
    if (SIM.persistentSession) fetch(`/agent/crmembedded/sim/session?id=${id}`, { method: 'POST', body: JSON.stringify(s), keepalive: true }).catch(() => {});
  };
  if (SIM.persistentSession) setInterval(() => { if (alive && window.__bpSimWidget) save(); }, 500);
  window.addEventListener('pagehide', () => {
    alive = false;
    if (SIM.persistentSession) navigator.sendBeacon(`/agent/crmembedded/sim/park?id=${id}`, JSON.stringify(s));
  });

  // One queue, one timer: what the widget sends arrives in order, lo..hi ms later.
  const queue = [];
  let timer = 0;
  const pump = () => {
    timer = 0;
    while (queue.length && queue[0].due <= performance.now()) queue.shift().fn();
    if (queue.length) timer = setTimeout(pump, Math.max(0, queue[0].due - performance.now()));
  };
  const later = (fn) => {
    const [lo, hi] = SIM.latency;
    const last = queue.length ? queue[queue.length - 1].due : 0;
    queue.push({ fn, due: Math.max(last, performance.now() + lo + Math.random() * (hi - lo)) });
    if (!timer) timer = setTimeout(pump, Math.max(0, queue[0].due - performance.now()));
  };
  const post = (packet, to) => later(() => {
    for (const [w, deliver] of proxies) {
      if (w.closed) { proxies.delete(w); continue; }
      if (to === undefined || to === w) { try { deliver(packet); } catch { proxies.delete(w); } }
    }
  });
  const event = (type, ...params) => {
    const packet = { uid: rand(), type, params };
    post(packet);
    if (SIM.duplicateEvents) post(packet);
  };

  // InteractionData as the widget reports it.
  const data = (it) => ({
    interactionId: it.interactionId, globalInteractionId: it.globalInteractionId, state: it.state, type: 'voice',
    callParties: [{ id: it.partyId, name: '', phone: it.phoneNumber }, ...(it.parties ?? []).map((p, i) => ({ id: `${it.partyId}-${i}`, name: '', phone: p }))],
    callMuted: false, callRecording: it.state === 'delivered' && !it.recordingMuted, attachedData: it.attachedData ?? {},
    internal: false, interactionKind: it.callDirection === 'outbound' ? 'outbound' : 'scenario', phoneNumber: it.phoneNumber,
    callDirection: it.callDirection, startTime: it.startTime, service: it.service, disposition: it.disposition ?? undefined,
  });
  const setState = (state, reason = '') => {
    const same = s.state === state && s.reason === reason;
    s.state = state; s.reason = reason;
    if (!same) event('ON_AGENT_STATE_CHANGE', state, reason || undefined);
    render();
  };
  const changed = (it) => { event('ON_INTERACTION_STATE_CHANGE', data(it)); render(); };

  function render() {
    $('status').textContent = !s.login ? 'Logged out' : s.state + (s.reason ? ` (${s.reason})` : '');
    $('service').textContent = s.service || '(default)';
    $('items').replaceChildren(...s.items.map((it) => {
      const li = document.createElement('li');
      const parties = it.parties?.length ? ` with ${it.parties.join(', ')}` : '';
      const rec = it.state === 'delivered' ? (it.recordingMuted ? ' recording paused' : ' recording') : '';
      li.textContent = `${it.interactionId} ${it.phoneNumber} ${it.state}${rec}${parties}${it.disposition ? ` disposition ${it.disposition}` : ''}${it.notes ? ` notes ${it.notes}` : ''}${it.transferredTo ? ` transferred to ${it.transferredTo}` : ''}`;
      li.dataset.itemId = it.interactionId;
      li.dataset.state = it.state;
      li.dataset.recording = it.state === 'delivered' ? (it.recordingMuted ? 'paused' : 'on') : 'off';
      return li;
    }));
    save();
  }

  class Refused { constructor(code) { this.code = code; } }
  const refuse = (code) => { throw new Refused(code); };
  const find = (itemId) => {
    const want = itemId ?? s.active;
    return s.items.find((i) => i.interactionId === want) ?? refuse(13);
  };
  const live = () => s.items.find((i) => i.state === 'delivered') ?? refuse(15);
  const leave = (it) => {
    if (it.state === 'wrap_up') refuse(15);
    it.state = 'wrap_up';
    it.recordingMuted = false;
    changed(it);
    setState('after_call_work');
  };
  const complete = (it) => {
    if (it.state !== 'wrap_up') refuse(15);
    if (!it.disposition && required()) refuse(16);
    s.items = s.items.filter((i) => i !== it);
    event('ON_INTERACTION_REMOVED', { ...data(it), state: 'completed', disposition: it.disposition ?? '', recordingUrl: `/msgplayback?tenant_id=sim&message=recordings/${it.interactionId}` });
    if (s.active === it.interactionId) { s.active = s.items[0]?.interactionId ?? null; event('ON_ACTIVE_INTERACTION_SWITCHED', s.active); }
    if (!s.items.some((i) => i.state !== 'wrap_up')) setState(s.items.length ? 'after_call_work' : 'ready');
    render();
  };
  const required = () => !!SIM.requireDisposition || $('require-disposition').checked;
  const dispositions = () => SIM.dispositions.map(([name, code], i) => ({ id: `D${i + 1}`, code, name, type: i === 0 ? 'SUCCESS' : 'CONTINUE' }));
  const dispose = (it, value) => {
    const want = String(value ?? '').toLowerCase();
    const known = SIM.dispositions.find(([name, code], i) => name.toLowerCase() === want || code === want || `d${i + 1}` === want) ?? refuse(17);
    it.disposition = known[0];
    render();
  };
  const note = (it, text, add) => {
    if (typeof text !== 'string') refuse(3);
    it.notes = add && it.notes ? `${it.notes}\n${text}` : text;
    render();
  };
  const offer = (phone, outbound) => {
    const it = { interactionId: guid(), globalInteractionId: guid(), partyId: rand(), phoneNumber: phone, state: 'delivery_pending', callDirection: outbound ? 'outbound' : 'inbound', startTime: Date.now(), service: outbound ? (s.service || 'Outbound') : 'Maintenance Renewal' };
    if (!outbound && $('case').value) it.attachedData = { case_id: $('case').value };
    s.items.push(it);
    s.active = it.interactionId;
    event('ON_NEW_INTERACTION', data(it));
    event('ON_ACTIVE_INTERACTION_SWITCHED', it.interactionId);
    setState(outbound ? 'busy' : 'ringing');
    return it;
  };

  // Each handler gets the request's params and returns the answer's data (or throws Refused).
  const methods = {
    GET_LOGIN_STATE: () => (s.login ? { isLoggedIn: true, agentId, username: agentId } : { isLoggedIn: false }),
    GET_AGENT_STATE: () => ({ state: s.state, reservedForIncomingInteraction: false, ...(s.state === 'not_ready' ? { notReadyReason: s.reason } : {}) }),
    GET_AGENT_NOT_READY_REASONS: () => SIM.reasons,
    GET_INTERACTIONS_STATE: () => ({ activeInteractionId: s.active, interactions: s.items.map(data) }),
    SET_AGENT_STATE: ([state, reason]) => {
      if (state !== 'ready' && state !== 'not_ready') refuse(3);
      if (s.items.length) refuse(15);
      const known = SIM.reasons.find((r) => r.toLowerCase() === String(reason ?? '').toLowerCase());
      setState(state, state === 'ready' ? '' : (known || 'Not ready'));
      return null;
    },
    LEAVE_INTERACTION: ([itemId]) => { leave(find(itemId)); return null; },
    COMPLETE_INTERACTION: ([itemId]) => { complete(find(itemId)); return null; },
    LEAVE_AND_COMPLETE_INTERACTION: ([disposition, notes, itemId]) => {
      const it = find(itemId);
      if (disposition) dispose(it, disposition);
      if (notes) note(it, notes, true);
      if (it.state !== 'wrap_up') leave(it);
      complete(it);
      return null;
    },
    SET_DISPOSITION: ([value, itemId]) => { dispose(find(itemId), value); return null; },
    GET_DISPOSITIONS_LIST: ([query]) => {
      if (query?.interactionId) find(query.interactionId); // 13 for one that is gone
      return dispositions();
    },
    GET_SERVICES_LIST: () => [...new Set(['Maintenance Renewal', 'Outbound', ...(s.service ? [s.service] : [])])].map((name) => ({ id: name, name, useDispositions: true, requireDisposition: required() })),
    ADD_NOTE: ([text, itemId]) => { note(find(itemId), text, true); return null; },
    UPDATE_NOTE: ([text, itemId]) => { note(find(itemId), text, false); return null; },
    REPLACE_NOTE: ([text, itemId]) => { note(find(itemId), text, false); return null; },
    GET_SERVICE: () => (s.service ? { id: s.service, name: s.service, useDispositions: true, requireDisposition: required() } : null),
    SET_SERVICE: ([name]) => { s.service = typeof name === 'string' ? name : ''; render(); return null; },
    START_CALL: ([phone]) => {
      if (!phone) return { id: null, error: { code: 10, name: 'empty_number' } };
      if (s.items.some((i) => i.state !== 'wrap_up')) return { id: null, error: { code: 15, name: 'not_suitable_state' } };
      const it = offer(String(phone), true);
      s.service = '';
      return { id: it.interactionId };
    },
    BLIND_TRANSFER: ([phone]) => {
      const it = live();
      if (!phone) refuse(10);
      if ($('xfer-busy').checked) return null; // taken, then nothing happens: the target is busy
      it.transferredTo = String(phone);
      leave(it);
      return null;
    },
    INVITE_TO_CALL_CONFERENCE: ([phone]) => {
      const it = live();
      if (!phone) refuse(10);
      it.parties = [...(it.parties ?? []), String(phone)];
      changed(it);
      return null;
    },
    SET_CALL_RECORDING_MUTE: ([mute, itemId]) => {
      const it = find(itemId);
      if (it.state !== 'delivered' || typeof mute !== 'boolean') refuse(15);
      it.recordingMuted = mute;
      if ($('rec-silent').checked) { render(); return null; }
      changed(it);
      return null;
    },
  };

  const widget = {
    alive: () => alive,
    register(w, deliver) { proxies.set(w, deliver); },
    request(from, packet) {
      const li = document.createElement('li');
      li.textContent = JSON.stringify(packet);
      $('received').append(li);
      if ($('silent').checked) return;
      const answer = (params) => post({ uid: packet.uid, type: `${packet.type}_RESPONSE`, params }, from);
      const fail = (code) => answer({ status: 'error', error: { code, name: ERRORS[code] } });
      setTimeout(() => {
        const m = methods[packet.type];
        if (!m) return fail(14);
        if (!s.login && packet.type !== 'GET_LOGIN_STATE') return fail(2);
        try {
          answer({ status: 'success', data: m(Array.isArray(packet.params) ? packet.params : []) ?? null });
        } catch (e) {
          if (e instanceof Refused) fail(e.code); else answer({ status: 'error', error: { code: 99, name: 'unknown_error', message: String(e) } });
        }
      }, 0);
    },
  };

  $('login').onclick = () => {
    if (s.login) return;
    s.login = true;
    event('ON_LOGIN', { isLoggedIn: true, agentId, username: agentId });
    s.state = ''; // the state after login is always announced
    setState('not_ready', 'Not ready');
  };
  $('logout').onclick = () => {
    if (!s.login) return;
    s = { ...fresh() };
    event('ON_LOGOUT');
    render();
  };
  $('ready').onclick = () => s.login && setState('ready');
  $('notready').onclick = () => s.login && setState('not_ready', $('reason').value);
  $('offer').onclick = () => { if (s.login) offer($('caller').value, false); };
  const connect = (it) => {
    it.state = 'delivered';
    changed(it);
    setState('busy');
  };
  $('answer').onclick = () => {
    const it = s.items.find((i) => i.state === 'delivery_pending' && i.callDirection === 'inbound');
    if (it) connect(it);
  };
  $('pickup').onclick = () => {
    const it = s.items.find((i) => i.state === 'delivery_pending' && i.callDirection === 'outbound');
    if (it) connect(it);
  };
  $('hangup').onclick = () => {
    const it = s.items.find((i) => i.state === 'delivered' || i.state === 'delivery_pending');
    if (it) leave(it);
  };
  // A string, and a packet whose data is not an interaction: neither may cost the agent a thing.
  $('malformed').onclick = () => {
    post('{"type":"ON_AGENT_STATE_CHANGE", this is not an object');
    post({ uid: rand(), type: 'ON_INTERACTION_STATE_CHANGE', params: 'not a list' });
  };
  $('require-disposition').checked = !!SIM.requireDisposition;
  $('rec-silent').checked = !!SIM.recordingSilent;
  $('xfer-busy').checked = !!SIM.transferBusy;

  const start = (saved) => {
    if (saved && typeof saved === 'object') s = { ...fresh(), ...saved };
    window.__bpSimWidget = widget;
    render();
    document.body.dataset.ready = 'true';
  };
  if (SIM.persistentSession) fetch('/agent/crmembedded/sim/claim', { method: 'POST' }).then((r) => r.json()).then(start, () => start(null));
  else start(null);
})();
