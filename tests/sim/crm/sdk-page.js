// The CRM's own integration, the documented way: init, getState with a callback, a status handler.
const api = window.bpspat.api;
api.init('{{TENANT}}');
let sent = 0, fired = 0;
document.getElementById('sdk-get').onclick = () => {
  sent++;
  document.getElementById('sdk-sent').textContent = String(sent);
  api.getState((data, msg) => {
    fired++;
    document.getElementById('sdk-callbacks').textContent = String(fired);
    document.getElementById('sdk-out').textContent = JSON.stringify(msg);
  });
};
api.addStatusChangeHandler((data) => { document.getElementById('sdk-status').textContent = data.status; });
