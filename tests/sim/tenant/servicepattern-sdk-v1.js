// servicepattern-sdk-v1.js as the simulator serves it: our own implementation of the page-side
// Embedded Agent Desktop SDK (window.bpspat.api), faithful to its wire behaviour: a hidden proxy
// iframe, JSON strings posted with "*", replies accepted by origin only, request ids from a
// per-page counter starting at "0", one-shot "#id" callbacks, persistent event handlers.
(function () {
  var origin = null, proxy = null, counter = 0, once = {}, handlers = {};
  var EVENTS = ['STATE_CHANGED', 'INTERACTION_RENDERED', 'INTERACTION_COMPLETED', 'LOGIN_CHANGED', 'CALL_RECORDING_STATUS',
    'SCREEN_RECORDING_STATUS', '_I_CALL_OFFERED', '_I_CALL_ANSWERED', '_O_CALL_DIALING', '_O_CALL_CONNECTED', '_CALL_HELD',
    '_CALL_RESUMED', '_CALL_ENDED', '_BLIND_TRANSFER', '_CONSULT_TRANSFER'];
  function send(req, cb) {
    if (cb && EVENTS.indexOf(req.command) < 0) {
      req.request_id = String(counter++);
      once['#' + req.request_id] = cb;
    }
    proxy.contentWindow.postMessage(JSON.stringify(req), '*');
  }
  function on(name) { return function (cb) { (handlers[name] = handlers[name] || []).push(cb); }; }
  window.addEventListener('message', function (e) {
    if (e.origin !== origin) return;
    var msg;
    try { msg = JSON.parse(e.data); } catch (x) { return; }
    var type = String(msg.command).toUpperCase();
    if (msg.request_id) type = '#' + msg.request_id;
    if (once[type]) { var cb = once[type]; delete once[type]; cb(msg.data, msg); return; }
    (handlers[type] || []).forEach(function (h) { h(msg.data !== undefined ? msg.data : msg, msg); });
  });
  window.bpspat = { api: {
    init: function (o) {
      origin = o;
      proxy = document.createElement('iframe');
      proxy.src = o + '/agentdesktop/AgentDesktopSdkProxy.jsp';
      proxy.style.position = 'absolute'; proxy.style.top = '-1000px';
      document.body.appendChild(proxy);
    },
    getState: function (cb) { send({ command: 'GET_STATE' }, cb); },
    setStatus: function (state, reason) { send({ command: 'CHANGE_STATE', data: { state: state, reason: reason } }); },
    terminateInteraction: function (id) { send({ command: 'TERMINATE_INTERACTION_FROM_API', data: id }); },
    completeInteraction: function (id) { send({ command: 'COMPLETE_INTERACTION_FROM_API', data: id }); },
    completeInteractionWithDisp: function (id, code, notes) { send({ command: 'COMPLETE_INTERACTION_WITH_DISPOSITION', item_id: id, code: code, notes: notes }); },
    setDisposition: function (id, code) { send({ command: 'SET_DISPOSITION', item_id: id, code: code }); },
    setNotes: function (id, notes) { send({ command: 'SET_NOTES', item_id: id, notes: notes }); },
    addStatusChangeHandler: on('STATE_CHANGED'),
    addInteractionRenderedHandler: on('INTERACTION_RENDERED'),
    addInteractionCompletedHandler: on('INTERACTION_COMPLETED'),
    addAgentLoginHandler: on('LOGIN_CHANGED'),
    addCallRecordingStatusHandler: on('CALL_RECORDING_STATUS'),
    addCallEndedHandler: on('_CALL_ENDED')
  } };
})();
