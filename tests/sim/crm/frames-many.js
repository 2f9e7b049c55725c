// For the benchmark's memory per frame: 20 widget iframes of this origin (content scripts run
// in each; none holds the desktop).
const box = document.getElementById('widgets');
for (let i = 0; i < 20; i++) {
  const f = document.createElement('iframe');
  f.title = `Widget ${i + 1}`;
  f.src = `widget.html?${i}`;
  box.append(f);
}
