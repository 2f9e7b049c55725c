// A large CRM list view for the benchmark: 1,000 rows of 10 columns (10,000 text nodes), as list
// views show contacts: a phone number in every row in the formats pages use, with e-mail,
// account numbers, dates and amounts beside it. "Refresh" rebuilds the table body from scratch,
// as a framework re-rendering the list does.
const body = document.querySelector('#contacts tbody');
const pad = (n) => String(n % 10000).padStart(4, '0');
const formats = [
  (i) => `(415) 555-${pad(i)}`,
  (i) => `+44 20 7946 ${pad(i)}`,
  (i) => `212.555.${pad(i)}`,
  (i) => `+1 646 555 ${pad(i)} ext. ${i % 90 + 10}`,
];
const cities = ['San Francisco', 'London', 'New York', 'Madrid', 'Berlin'];
const statuses = ['Open', 'Pending', 'Closed', 'Escalated'];
const rows = () => Array.from({ length: 1000 }, (_, i) => [
  `Contact ${i + 1}`,
  formats[i % formats.length](i),
  `contact${i + 1}@example.com`,
  `ACME-${70000 + i}`,
  cities[i % cities.length],
  statuses[i % statuses.length],
  `J. Lozada`,
  `2024-0${(i % 9) + 1}-1${i % 10}`,
  `$${(i * 7.31).toFixed(2)}`,
  `Case ${100000 + i}: follow up`,
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
