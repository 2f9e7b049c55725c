// The contacts list re-renders as CRM frameworks do: rows appended on "Load more", the whole
// table body rebuilt on "Refresh" (new nodes, same text).
const body = document.querySelector('#contacts tbody');
// The phone cells it renders are focusable (a keyboard user tabs through the list).
const row = (name, phone, notes) => {
  const tr = document.createElement('tr');
  for (const text of [name, phone, notes]) {
    const td = document.createElement('td');
    td.textContent = text;
    if (text === phone) td.tabIndex = 0;
    tr.append(td);
  }
  return tr;
};
document.getElementById('more').addEventListener('click', () => {
  body.append(row('Priya Natarajan', '+1 212 555 0142', 'Added later'));
});
document.getElementById('rerender').addEventListener('click', () => {
  const rows = [...body.rows].map((r) => [...r.cells].map((c) => c.textContent));
  body.replaceChildren(...rows.map((cells) => row(...cells)));
});
