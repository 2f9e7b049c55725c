// Agent Desktop simulator and sample CRM pages, served on two loopback origins:
//   tenant  http://localhost:<port>   /agentdesktop/UniversalRepeater.jsp, AgentDesktopSdkProxy.jsp,
//                                       libs/servicepattern-sdk-v1.js (our own, protocol-faithful)
//   crm     http://127.0.0.1:<port>   sample CRM pages that embed the repeater
// Test infrastructure only: never shipped in the extension.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const TYPES = { '.html': 'text/html; charset=utf-8', '.jsp': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

function serveDir(dir, routes, vars, headersFor, api = {}) {
  return async (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (api[url.pathname]) return api[url.pathname](req, res, url);
    let file = routes[url.pathname] ?? null;
    if (!file && /^\/[\w.-]+\.(js|css|html)$/.test(url.pathname)) file = url.pathname.slice(1);
    if (!file) { res.writeHead(404, { 'content-type': 'text/plain' }); res.end('not found'); return; }
    try {
      let body = await readFile(path.join(dir, file), 'utf8');
      for (const [k, v] of Object.entries(vars())) body = body.replaceAll(`{{${k}}}`, v);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store', ...headersFor(url.pathname) });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }); res.end('not found');
    }
  };
}

function listen(handler, host, port) {
  return new Promise((resolve, reject) => {
    const server = http.createServer(handler);
    server.on('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

/** The agent's sessions as a desktop's server keeps them (tenant/desktop.js, tenant/widget.js),
 *  under `base`: each desktop saves its own as it changes, and every 500 ms while it runs; one
 *  that goes away parks it (a beacon on pagehide). The next desktop to start claims the newest
 *  parked session; while another has saved in the last 3 s (it may be parking right now: a
 *  reload's beacon can come after the new page asks) it waits up to 2 s for one. Desktops open
 *  at the same time each keep their own. */
function sessions(base) {
  const live = new Map(); // id → { text, at }
  const parked = [];
  const body = (req) => new Promise((resolve) => { let b = ''; req.on('data', (d) => { b += d; }); req.on('end', () => resolve(b)); });
  const recent = () => [...live.values()].some((e) => Date.now() - e.at < 3000);
  return {
    [`${base}/session`]: async (req, res, url) => { live.set(url.searchParams.get('id'), { text: await body(req), at: Date.now() }); res.writeHead(204); res.end(); },
    [`${base}/park`]: async (req, res, url) => {
      const id = url.searchParams.get('id');
      const text = (await body(req)) || live.get(id)?.text;
      live.delete(id);
      if (text) parked.push(text);
      res.writeHead(204); res.end();
    },
    [`${base}/claim`]: async (req, res) => {
      await body(req);
      for (let waited = 0; !parked.length && recent() && waited < 2000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(parked.pop() ?? 'null');
    },
  };
}

/** Starts both servers; ports 0 pick free ones. `sim` sets the simulator's switches (see
 *  tenant/desktop.js, tenant/proxy.js and tenant/widget.js for each and its default). Returns their origins and a
 *  close(). */
export async function startServers({ tenantPort = 0, crmPort = 0, sim = {} } = {}) {
  const o = { tenant: '', crm: '' };
  const vars = () => ({ TENANT: o.tenant, CRM: o.crm, SIM: JSON.stringify(sim) });
  // Agent Desktop 1.0 and 2.0 keep theirs apart (/agentdesktop/sim/… and /agent/crmembedded/sim/…).
  const api = { ...sessions('/agentdesktop/sim'), ...sessions('/agent/crmembedded/sim') };
  const tenant = await listen(serveDir(path.join(here, 'tenant'), {
    '/agentdesktop/UniversalRepeater.jsp': 'repeater.html',
    '/agentdesktop/AgentDesktopSdkProxy.jsp': 'proxy.html',
    '/agentdesktop/libs/servicepattern-sdk-v1.js': 'servicepattern-sdk-v1.js',
    '/agentdesktop/sim/desktop.js': 'desktop.js',
    '/agentdesktop/sim/proxy.js': 'proxy.js',
    '/agentdesktop/sim/desktop.css': 'desktop.css',
    // Agent Desktop 2.0 (tenant/widget.js): the Communicator Widget, its api-proxy.html and the
    // page adapter api.js that defines window.brightpattern.AdApi.
    '/agent/crmembedded/': 'widget.html',
    '/agent/crmembedded/adapters/api-proxy.html': 'api-proxy.html',
    '/agent/crmembedded/adapters/api.js': 'api.js',
    '/agent/crmembedded/sim/widget.js': 'widget.js',
    '/agent/crmembedded/sim/api-proxy.js': 'api-proxy.js',
  }, vars, () => ({}), api), 'localhost', tenantPort);
  o.tenant = `http://localhost:${tenant.address().port}`;
  // The CRM origin also serves a look-alike "repeater" (any page can), for the hostile suite.
  // A CRM page that takes 1.5 s to finish loading (its document is there at once): for a page
  // that navigates a frame to a document of its own and reaches into it before it has loaded.
  const slow = (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.write('<!doctype html><title>Loading</title><p>Loading…</p>');
    setTimeout(() => res.end('<p>done</p>'), 1500);
  };
  const crm = await listen(serveDir(path.join(here, 'crm'), { '/': 'crm.html', '/agentdesktop/UniversalRepeater.jsp': 'plain.html' }, vars, (p) => (
    p === '/csp.html' || p === '/attack-csp.html' || p === '/csp2.html'
      // A strict policy as CRMs ship it: no inline script, no eval, no wasm in page context.
      ? { 'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; frame-src ${o.tenant}` }
      : {}), { '/slow': slow }), '127.0.0.1', crmPort);
  o.crm = `http://127.0.0.1:${crm.address().port}`;
  return { ...o, close: () => Promise.all([tenant, crm].map((s) => new Promise((r) => { s.closeAllConnections?.(); s.close(r); }))) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const s = await startServers({ tenantPort: Number(process.env.TENANT_PORT ?? 8101), crmPort: Number(process.env.CRM_PORT ?? 8102) });
  console.log(`tenant ${s.tenant}\ncrm    ${s.crm}/crm.html`);
}
