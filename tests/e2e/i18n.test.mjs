// The toolbar and the popup speak the browser's language: Spanish here, from _locales/es.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, BROWSER, toolbar, desktop, expectText, openPopup, logRows, openedWindow } from './harness.mjs';

let env, page;
before(async () => { ({ env, page } = await setup('crm.html', { lang: BROWSER === 'firefox' ? 'es-ES' : 'es' })); });
after(async () => env?.close());

test('a Spanish browser gets a Spanish toolbar', async () => {
  const bar = toolbar(page);
  await expectText(bar.getByLabel('Estado del agente'), 'Sin confianza');
  // The trust window speaks Spanish too.
  const win = await openedWindow(page, () => bar.getByRole('button', { name: `Confiar en ${env.tenant}…`, exact: true }).click(), '/trust.html');
  await expectText(win.locator('h1'), '¿Confiar en este Agent Desktop?');
  await win.getByRole('button', { name: `Confiar en ${env.tenant}`, exact: true }).click();
  await desktop(page).getByRole('button', { name: 'Log in', exact: true }).click();
  await expectText(bar.getByLabel('Estado del agente'), 'No disponible');
  await desktop(page).getByRole('button', { name: 'Offer call', exact: true }).click();
  const item = await desktop(page).locator('#items li').first().getAttribute('data-item-id');
  await expectText(bar.getByLabel('ID de interacción', { exact: true }), item);
  for (const name of ['Obtener estado', 'Finalizar llamada', 'Terminar', 'Completar']) {
    await bar.getByRole('button', { name, exact: true }).waitFor();
  }
  await bar.getByRole('button', { name: 'Finalizar llamada', exact: true }).click();
  await expectText(bar.getByRole('status'), `Finalizada ${item}.`);
  await expectText(bar.getByLabel('Estado del agente'), 'Disponible');
});

test('a Spanish popup', async () => {
  const popup = await openPopup(env);
  await expectText(popup.locator('h1'), 'Barra de llamadas');
  await popup.getByRole('button', { name: 'Borrar', exact: true }).waitFor();
  const headers = await popup.locator('th').allTextContents();
  assert.deepEqual(headers, ['Hora', 'Acción', 'ID de interacción', 'Resultado', 'Latencia', 'Copiar']);
  assert.equal(await popup.locator('html').getAttribute('lang').then((l) => l.slice(0, 2)), 'es');
  // The log's entries too: the one-click wrap-up of the first test, in Spanish.
  const rows = await logRows(popup);
  assert.ok(rows.some((r) => r[1] === 'Finalizar llamada' && r[3] === 'hecho'), JSON.stringify(rows.slice(0, 5)));
  assert.ok(rows.some((r) => r[1] === 'evento STATE_CHANGED' && r[3] === 'estado ready'));
  await popup.close();
});
