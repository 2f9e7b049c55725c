// A busy single-page-app view without the desktop, for the benchmark: window.busy(ms) replaces
// 300 list rows (each a few elements) every animation frame and inserts or removes a widget
// iframe (a page of this origin, where content scripts run too) every 100 ms, for `ms`
// milliseconds; it resolves with the number of frames drawn.
const rows = document.getElementById('rows');
const widgets = document.getElementById('widgets');
window.busy = (ms) => new Promise((resolve) => {
  const end = performance.now() + ms;
  let frames = 0;
  let lastSwap = 0;
  const frame = (now) => {
    frames++;
    const items = [];
    for (let i = 0; i < 300; i++) {
      const li = document.createElement('li');
      const who = document.createElement('b');
      who.textContent = `Caller ${frames}-${i}`;
      const wait = document.createElement('span');
      wait.textContent = ` waiting ${(frames + i) % 97} s`;
      li.append(who, wait);
      items.push(li);
    }
    rows.replaceChildren(...items);
    if (now - lastSwap >= 100) {
      lastSwap = now;
      if (widgets.childElementCount >= 3) widgets.firstElementChild.remove();
      else {
        const f = document.createElement('iframe');
        f.title = 'Widget';
        f.src = 'widget.html?' + frames;
        widgets.append(f);
      }
    }
    if (now < end) requestAnimationFrame(frame);
    else resolve(frames);
  };
  requestAnimationFrame(frame);
});
