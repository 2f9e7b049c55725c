// A page that defines the toolbar's element names before the toolbar exists, and keeps each
// instance's ElementInternals: were a closed root attached to an element the page defined,
// internals.shadowRoot would hand it over (Interaction IDs, notes, the controls themselves).
window.__internals = [];
for (const name of ['bp-call-toolbar', 'bp-call-toolbar-channel']) {
  customElements.define(name, class extends HTMLElement {
    constructor() {
      super();
      window.__internals.push({ name, internals: this.attachInternals() });
    }
  });
}
window.__leaked = () => window.__internals.map(({ name, internals }) => ({ name, root: internals.shadowRoot ? internals.shadowRoot.mode : null, text: internals.shadowRoot?.textContent?.slice(0, 80) ?? null }));
