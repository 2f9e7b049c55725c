// Shows that this page really forbids WebAssembly in the page's context.
addEventListener('DOMContentLoaded', () => {
  const out = document.getElementById('csp-check');
  WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))
    .then(() => { out.textContent = 'page CSP allows wasm'; })
    .catch(() => { out.textContent = 'page CSP forbids wasm'; });
});
