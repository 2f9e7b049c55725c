// Simulated Agent Desktop 1.0 behind UniversalRepeater.jsp, following the protocol reference:
// string JSON; replies only to GET_STATE (request_id echoed as a string); events to every proxy;
// after-call work on terminate; ready on complete; commands for unknown items ignored; nothing
// answered while logged out; commands compared case-insensitively. Outbound calls: SELECT_SERVICE
// sets the service of the next call (shown on the page); DIAL_NUMBER, with no call live, starts
// one (_O_CALL_DIALING, INTERACTION_RENDERED, status busy; "Callee answers" connects it), and is
// ignored while a call is live, as a desktop that takes one call at a time would. The call's
// recording can be paused and resumed while the call is connected (the page shows which).
//
// Where the reference is silent it takes the harder plausible behaviour by default, each a
// switch the test suite sets through the server (`startServers({ sim })`, see server.mjs):
//   broadcastReplies  GET_STATE replies reach every proxy of the page, not only the asker's
//   persistentSession the agent's session outlives a reload of the CRM page (or the repeater),
//                     or a move to another page of the CRM that embeds it: the agent is still
//                     logged in, mid-call. Kept by the simulator's server, as a real desktop
//                     keeps it: a repeater that goes away parks its session, the next repeater
//                     to start claims it; repeaters open at the same time each have their own.
//   latency [lo, hi]  every reply and event takes lo..hi ms (random), in order
//   quietState        STATE_CHANGED only when the status or reason really changes
//   minimalPayloads   interactions carry only item_id and screenpop_data; call events only
//                     call_id
//   recordingStatus   the flat, lower-case call_recording_status message on answer and end,
//                     and after MUTE_CALL_RECORDING / UNMUTE_CALL_RECORDING (which pause and
//                     resume the call's recording) and CALL_RECORDING_STATUS (a query)
//   recordingSilent   the desktop pauses and resumes the recording but never says so, and
//                     answers no query about it (also a checkbox on its page)
//   acwSticky         the status stays after_call_work while any interaction is in it (a call
//                     taken meanwhile does not change it)
//   statusOnCall      'ignore' (the default): CHANGE_STATE while a call is offered, connected or
//                     in after-call work changes nothing and is not answered; 'apply': it
//                     changes the status at once
//   reasons           the tenant's Not Ready reasons (compared case-insensitively): a
//                     CHANGE_STATE with another reason sets Not Ready with the default reason
//                     "Not ready"; null accepts any reason
//   dispositions      the tenant's dispositions, [name, code]: SET_DISPOSITION_BY_NAME with a name
//                     it does not have (compared case-insensitively) is ignored, a known code
//                     completes with its name (another code is kept as it came); what
//                     SET_DISPOSITION_BY_NAME and SET_NOTES set goes with a plain Complete
//   transferEvent     a transfer (SINGLE_STEP_TRANSFER, which names no interaction: it acts on
//                     the connected call) is announced with _BLIND_TRANSFER before the call
//                     ends; off by default, the call only ends (after-call work, _CALL_ENDED)
//   transferBusy      every transfer target is busy: the call stays with the agent and nothing
//                     is said (also a checkbox on its page). A conference (SINGLE_STEP_CONFERENCE)
//                     adds the party to the connected call, shown on the page, and is never
//                     reported
//   stampSends        (the benchmark's, off by default) each message carries sim_sent_at, the
//                     epoch time in ms at which the desktop posted it
// (proxy.js has one more: proxyReadyAfter.)
(() => {
  const SIM = { broadcastReplies: true, persistentSession: true, latency: [0, 30], quietState: true, minimalPayloads: true, recordingStatus: true, acwSticky: false, transferEvent: false, statusOnCall: 'ignore', reasons: ['Break', 'Lunch', 'Training', 'Away from Desk'], dispositions: [['Resolved', '100'], ['Callback', '200'], ['Offer rejected', '300']], ...JSON.parse('{{SIM}}' || '{}') };
  const $ = (id) => document.getElementById(id);
  // Proxies on this page register here; replies go to the asking proxy (or all), events to all.
  const proxies = new Map();
  let alive = true;
  window.addEventListener('pagehide', () => { alive = false; });
  const agentId = 'jeffery.lozada';
  const fresh = () => ({ login: false, status: 'not_ready', reason: 'Not ready', items: [], service: '' });
  let s = fresh();
  const guid = () => crypto.randomUUID().toUpperCase();
  const id = crypto.randomUUID();
  const save = () => {
    if (SIM.persistentSession) fetch(`/agentdesktop/sim/session?id=${id}`, { method: 'POST', body: JSON.stringify(s), keepalive: true }).catch(() => {});
  };
  if (SIM.persistentSession) setInterval(() => { if (alive && window.__bpSimDesktop) save(); }, 500);
  window.addEventListener('pagehide', () => {
    if (SIM.persistentSession) navigator.sendBeacon(`/agentdesktop/sim/park?id=${id}`, JSON.stringify(s));
  });

  // Delivery in order: each message is due lo..hi ms after it is sent (never before the one
  // sent ahead of it); one queue and one timer, so timers firing out of order (a throttled
  // frame's timers may) cannot reorder what the desktop sends.
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
  const send = (msg, to) => {
    later(() => {
      // stampSends (the benchmark's): when the desktop posted it, on the shared epoch clock.
      const text = typeof msg === 'string' ? msg : JSON.stringify(SIM.stampSends ? { ...msg, sim_sent_at: performance.timeOrigin + performance.now() } : msg);
      for (const [w, deliver] of proxies) {
        if (w.closed) { proxies.delete(w); continue; }
        if (to === undefined || to === w) { try { deliver(text); } catch { proxies.delete(w); } }
      }
    });
  };
  const event = (command, data) => send({ command, data });
  const setStatus = (status, reason = '') => {
    const same = s.status === status && s.reason === reason;
    s.status = status; s.reason = reason;
    if (!(same && SIM.quietState)) event('STATE_CHANGED', { agent_id: agentId, status, reason });
    render();
  };
  const inAcw = () => s.items.some((i) => i.state === 'acw');
  // screenpop_data carries the offer's "Case" (the scenario's data in a real desktop).
  const wire = (it) => (SIM.minimalPayloads
    ? { item_id: it.item_id, screenpop_data: it.screenpop ?? {} }
    : { item_id: it.item_id, global_id: it.global_id, phone_number: it.phone_number, service: it.service, screenpop_data: it.screenpop ?? {}, attached_data: { account: 'ACME & Co' } });
  const callData = (it) => (SIM.minimalPayloads ? { call_id: it.call_id } : { item_id: it.item_id, call_id: it.call_id });
  const recording = (it, on) => {
    if (SIM.recordingStatus) send({ item_id: it.item_id, call_id: it.call_id, command: 'call_recording_status', recording: on ? '1' : '0', muted: on && it.muted ? '1' : '0' });
  };
  const recSilent = () => $('rec-silent').checked;
  // Pause or resume: only a connected call's recording; said (or not) as the switch has it.
  const mute = (req, on) => {
    const it = s.items.find((i) => i.item_id === req.item_id);
    if (!it || it.state !== 'connected') return;
    it.muted = on;
    render();
    if (!recSilent()) recording(it, true);
  };

  function render() {
    $('status').textContent = !s.login ? 'Logged out' : s.status + (s.reason ? ` (${s.reason})` : '');
    $('service').textContent = s.service || '(default)';
    $('items').replaceChildren(...s.items.map((it) => {
      const li = document.createElement('li');
      const parties = it.parties?.length ? ` with ${it.parties.join(', ')}` : '';
      li.textContent = `${it.item_id} ${it.phone_number} ${it.state}${it.state === 'connected' ? (it.muted ? ' recording paused' : ' recording') : ''}${parties}${it.transferredTo ? ` transferred to ${it.transferredTo}` : ''}`;
      li.dataset.itemId = it.item_id;
      li.dataset.state = it.state;
      li.dataset.recording = it.state === 'connected' ? (it.muted ? 'paused' : 'on') : 'off';
      return li;
    }));
    save();
  }

  const handlers = {
    GET_STATE(req, from) {
      const reply = { command: 'GET_STATE', request_id: String(req.request_id ?? ''), data: { agent_id: agentId, status: s.status, reason: s.reason, interactions: s.items.map(wire) } };
      send(reply, SIM.broadcastReplies ? undefined : from);
    },
    TERMINATE_INTERACTION_FROM_API(req) {
      const it = s.items.find((i) => i.item_id === req.data);
      if (!it || it.state === 'acw') return;
      endCall(it);
    },
    COMPLETE_INTERACTION_FROM_API(req) {
      const it = s.items.find((i) => i.item_id === req.data);
      complete(req.data, it?.disposition ?? '', it?.notes);
    },
    COMPLETE_INTERACTION_WITH_DISPOSITION(req) {
      const known = SIM.dispositions?.find(([, code]) => code === req.code);
      complete(req.item_id, known ? known[0] : (req.code ?? ''), req.notes);
    },
    SET_DISPOSITION_BY_NAME(req) {
      const it = s.items.find((i) => i.item_id === req.item_id);
      const known = SIM.dispositions?.find(([name]) => name.toLowerCase() === String(req.name ?? '').toLowerCase());
      if (it && known) it.disposition = known[0];
    },
    SET_DISPOSITION(req) {
      const it = s.items.find((i) => i.item_id === req.item_id);
      const known = SIM.dispositions?.find(([, code]) => code === req.code);
      if (it && known) it.disposition = known[0];
    },
    SET_NOTES(req) {
      const it = s.items.find((i) => i.item_id === req.item_id);
      if (it && typeof req.notes === 'string') it.notes = req.notes;
    },
    SELECT_SERVICE(req) {
      s.service = typeof req.data === 'string' ? req.data : '';
      render();
    },
    DIAL_NUMBER(req) {
      const number = String(req.number ?? '');
      if (!number || s.items.some((i) => i.state !== 'acw')) return;
      const it = { item_id: guid(), global_id: guid(), call_id: `${guid()}/1`, phone_number: number, service: s.service || 'Outbound', state: 'dialing' };
      s.service = '';
      s.items.push(it);
      event('_O_CALL_DIALING', callData(it));
      event('INTERACTION_RENDERED', wire(it));
      setStatus('busy', '');
    },
    SINGLE_STEP_TRANSFER(req) {
      const it = s.items.find((i) => i.state === 'connected');
      const number = String(req.number ?? '');
      if (!it || !number || $('xfer-busy').checked) return;
      it.transferredTo = number;
      if (SIM.transferEvent) event('_BLIND_TRANSFER', callData(it));
      endCall(it);
    },
    SINGLE_STEP_CONFERENCE(req) {
      const it = s.items.find((i) => i.state === 'connected');
      const number = String(req.number ?? '');
      if (!it || !number) return;
      it.parties = [...(it.parties ?? []), number];
      render();
    },
    MUTE_CALL_RECORDING(req) { mute(req, true); },
    UNMUTE_CALL_RECORDING(req) { mute(req, false); },
    CALL_RECORDING_STATUS(req) {
      const it = s.items.find((i) => i.item_id === req.item_id);
      if (it && !recSilent()) recording(it, it.state === 'connected');
    },
    CHANGE_STATE(req) {
      const st = String(req.data?.state ?? '').toLowerCase();
      if (st !== 'ready' && st !== 'not_ready') return;
      if (SIM.statusOnCall === 'ignore' && s.items.length) return; // on a call: not now, and not said
      const asked = typeof req.data?.reason === 'string' ? req.data.reason : '';
      const known = !SIM.reasons ? asked : SIM.reasons.find((r) => r.toLowerCase() === asked.toLowerCase());
      setStatus(st, st === 'ready' ? '' : (known || 'Not ready'));
    },
  };

  function endCall(it) {
    const wasLive = it.state === 'connected';
    it.state = 'acw';
    it.muted = false;
    setStatus('after_call_work', '');
    if (wasLive) recording(it, false);
    event('_CALL_ENDED', callData(it));
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

  const desktop = {
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
      if (h) setTimeout(() => h(req, from), 0); // handled asynchronously; what it sends takes `latency`
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
    const it = { item_id: guid(), global_id: guid(), call_id: `${guid()}/1`, phone_number: $('caller').value, service: 'Maintenance Renewal', state: 'ringing', screenpop: $('case').value ? { case_id: $('case').value } : {} };
    s.items.push(it);
    event('_I_CALL_OFFERED', callData(it));
    event('INTERACTION_RENDERED', wire(it));
    if (!(SIM.acwSticky && inAcw())) setStatus('ringing', ''); else render();
  };
  $('answer').onclick = () => {
    const it = s.items.find((i) => i.state === 'ringing');
    if (!it) return;
    it.state = 'connected';
    event('_I_CALL_ANSWERED', { call_id: it.call_id });
    recording(it, true);
    if (!(SIM.acwSticky && inAcw())) setStatus('busy', ''); else render();
  };
  $('pickup').onclick = () => {
    const it = s.items.find((i) => i.state === 'dialing');
    if (!it) return;
    it.state = 'connected';
    event('_O_CALL_CONNECTED', callData(it));
    recording(it, true);
    render();
  };
  $('hangup').onclick = () => {
    const it = s.items.find((i) => i.state === 'connected' || i.state === 'ringing' || i.state === 'dialing');
    if (it) endCall(it);
  };
  $('malformed').onclick = () => send('{"command":"STATE_CHANGED", this is not JSON');
  $('rec-silent').checked = !!SIM.recordingSilent;
  $('xfer-busy').checked = !!SIM.transferBusy;

  // The session a repeater before this one parked, if any; then the desktop serves proxies.
  const start = (saved) => {
    if (saved && typeof saved === 'object') s = { ...fresh(), ...saved };
    window.__bpSimDesktop = desktop;
    render();
    document.body.dataset.ready = 'true';
  };
  if (SIM.persistentSession) fetch('/agentdesktop/sim/claim', { method: 'POST' }).then((r) => r.json()).then(start, () => start(null));
  else start(null);
})();
