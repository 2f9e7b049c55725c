// Simulated /agent/crmembedded/adapters/api.js: the page adapter a CRM page loads to drive the
// widget, window.brightpattern.AdApi, as the reference describes it. It makes the widget frame
// (or takes `adcFrame`) and the hidden api-proxy.html, keeps every packet of the widget's
// origin for itself (no source check; stopImmediatePropagation on each), queues calls until
// the proxy's hello is answered with hi, correlates answers by uid and type, and names its own
// instanceId. Each method returns a promise of the widget's {status, data | error}; a call
// unanswered for 20 s resolves with 6 api_not_answer. `seen` lists every packet it received.
(() => {
  const origin = new URL(document.currentScript.src).origin;
  const rand = () => Math.random().toString(16).slice(2);
  const upper = (name) => name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
  class AdApi {
    constructor({ mountRoot, adcFrame } = {}) {
      this.instanceId = `crm-${rand()}`;
      this.connected = false;
      this.queue = [];
      this.pending = new Map();
      this.handlers = new Map();
      this.seen = [];
      this.frame = adcFrame ?? Object.assign(document.createElement('iframe'), { src: `${origin}/agent/crmembedded/${location.search}`, title: 'Agent Desktop' });
      if (!adcFrame) (mountRoot ?? document.body).append(this.frame);
      this.proxy = Object.assign(document.createElement('iframe'), { src: `${origin}/agent/crmembedded/adapters/api-proxy.html`, hidden: true });
      window.addEventListener('message', (e) => {
        if (e.origin !== origin) return;
        e.stopImmediatePropagation();
        const p = e.data;
        this.seen.push(p);
        if (p === null || typeof p !== 'object') return;
        if (!this.connected) {
          if (p.type !== 'hello') return;
          this.connected = true;
          this.post({ uid: p.uid, type: 'hi', params: [{ integrationKey: 'crm-sample', instanceId: this.instanceId }] });
          for (const q of this.queue.splice(0)) this.post(q);
          return;
        }
        if (typeof p.type !== 'string') return;
        if (p.type.endsWith('_RESPONSE')) {
          const w = this.pending.get(p.uid);
          if (!w || `${w.type}_RESPONSE` !== p.type) return;
          this.pending.delete(p.uid);
          clearTimeout(w.timer);
          w.resolve(p.params);
          return;
        }
        for (const h of this.handlers.get(p.type) ?? []) h(...(Array.isArray(p.params) ? p.params : []));
      });
      document.body.append(this.proxy);
    }
    post(packet) {
      this.proxy.contentWindow.postMessage({ ...packet, instanceId: this.instanceId }, origin);
    }
    call(type, params) {
      return new Promise((resolve) => {
        const uid = rand();
        const timer = setTimeout(() => { this.pending.delete(uid); resolve({ status: 'error', error: { code: 6, name: 'api_not_answer' } }); }, 20000);
        this.pending.set(uid, { type, resolve, timer });
        const packet = { uid, type, params };
        if (this.connected) this.post(packet); else this.queue.push(packet);
      });
    }
    on(type, handler) {
      this.handlers.set(type, [...(this.handlers.get(type) ?? []), handler]);
    }
  }
  for (const m of ['getLoginState', 'getAgentState', 'getInteractionsState', 'setAgentState', 'leaveInteraction', 'completeInteraction', 'setDisposition', 'addNote', 'startCall']) {
    AdApi.prototype[m] = function (...args) { return this.call(upper(m), args); };
  }
  for (const e of ['onLogin', 'onLogout', 'onNewInteraction', 'onInteractionStateChange', 'onInteractionRemoved', 'onAgentStateChange']) {
    AdApi.prototype[e] = function (handler) { this.on(upper(e), handler); };
  }
  window.brightpattern = { ...window.brightpattern, AdApi };
})();
