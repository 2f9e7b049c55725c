// A large CRM list for the benchmark: 2,500 rows of 4 cells, 10,000 text nodes, a phone number
// in every row in the formats pages use, ids, dates and amounts beside them. "Refresh" rebuilds
// the table body from scratch, as a framework re-rendering the list does.
const body = document.querySelector('#contacts tbody');
const formats = [
  (i) => `(415) 555-${String(i % 10000).padStart(4, '0')}`,
  (i) => `+44 20 7946 ${String(i % 10000).padStart(4, '0')}`,
  (i) => `212.555.${String(i % 10000).padStart(4, '0')}`,
  (i) => `+1 646 555 ${String(i % 10000).padStart(4, '0')} ext. ${i % 90 + 10}`,
];
const cities = ['San Francisco', 'London', 'New York', 'Madrid', 'Berlin'];
const rows = () => Array.from({ length: 2500 }, (_, i) => [
  `Contact ${i + 1}`,
  formats[i % formats.length](i),
  cities[i % cities.length],
  `Case ${100000 + i} opened 2024-0${(i % 9) + 1}-1${i % 10}, balance $${(i * 7.31).toFixed(2)}`,
]);
const render = () => {
  const frag = document.createDocumentFragment();
  for (const cells of rows()) {
    const tr = document.createElement('tr');
    for (const text of cells) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    frag.append(tr);
  }
  body.replaceChildren(frag);
};
render();
document.getElementById('rerender').addEventListener('click', render);
