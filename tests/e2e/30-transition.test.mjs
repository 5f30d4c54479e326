// tests/e2e/30-transition.test.mjs - Overgang nieuw schooljaar and Controle
// import uit LAS in the browser: choose the year, Ga verder, the progress
// bar, a failed fetch with the LAS's message and Opnieuw proberen, Gegevens
// importeren, the tabs and categories, skipping a group moves its pupils,
// linking a hand-entered pupil, the leavers, the summary, apply, the result;
// and the reminder e-mail's link landing on the check screen after login.
//
// These tests play the import API with importmock.mjs (the contract of
// issue 6) in page.route(), so they check the portal against the contract
// whatever state tc-fcgi's import is in; the rest of the portal talks to the
// real servers.  A test of the same flow against the real API and las-sim
// belongs next to them once that API is finished (realApi tells).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { addSchool, env, tcctl } from '../api/lib.mjs';
import { openBrowser, shot, axe, loginAs } from './browser.mjs';
import { importMock } from './importmock.mjs';

const routes = execFileSync(path.join(env.bin, 'tc-fcgi'), ['--routes'], { encoding: 'utf8' });
export const realApi = /\/api\/imports/.test(routes);

let school;
let b;

before(async () => {
  school = addSchool({ name: 'Daltonschool De Boomgaard' });
  tcctl(['demo-seed', '--tenant', school.slug]);
  b = await openBrowser();
});
after(async () => { if (b) await b.close(); });

test('transition: start, LAS error and retry, review, summary, apply', async () => {
  const mock = importMock({ failFirst: true });
  const page = await b.page(school.host);
  await mock.install(page);
  await page.goto(page.base);
  await loginAs(page, school.email, school.password);
  await page.locator('#menu-button').click();
  await page.getByRole('link', { name: 'Overgang nieuw schooljaar (2027-2028)' }).click();
  await page.getByRole('heading', { name: 'Overgang nieuw schooljaar (2027-2028)' }).waitFor();
  await page.getByText('van 1 augustus 2027 tot en met 1 oktober 2027').waitFor();
  await shot(page, '20-overgang');
  await axe(page, 'overgang');
  await page.getByRole('button', { name: 'Ga verder' }).click();

  // The progress bar, then the LAS's own message and Opnieuw proberen.
  await page.getByRole('heading', { name: 'De gegevens worden uit het LAS opgehaald' }).waitFor();
  await page.locator('progress').waitFor();
  await shot(page, '21-ophalen');
  await axe(page, 'ophalen');
  await page.getByText('De LAS meldt: Autorisatie mislukt: onbekende klantcode').waitFor({ timeout: 15000 });
  await shot(page, '22-fout-las');
  await axe(page, 'fout las');
  await page.getByRole('button', { name: 'Opnieuw proberen' }).click();
  await page.getByRole('heading', { name: 'De gegevens zijn opgehaald' }).waitFor({ timeout: 15000 });
  await page.getByRole('link', { name: 'Gegevens importeren' }).click();

  // Controle import uit LAS: tabs and categories with counts.
  await page.getByRole('heading', { name: 'Controle import uit LAS' }).waitFor();
  const tabs = await page.locator('nav.tabs a').allTextContents();
  assert.deepEqual(tabs, ['Groepen3', 'Leerlingen6', 'Leerkrachten1', 'Vertrekkende leerlingen1']);
  await page.getByRole('rowheader', { name: 'Groep 8b' }).waitFor();
  await shot(page, '23-controle-groepen');
  await axe(page, 'controle groepen');
  // Skip Groep 8b: its two pupils move to Niet importeren.
  await page.getByRole('button', { name: 'Niet importeren: Groep 8b' }).click();
  await page.getByText('2 leerlingen van deze groep zijn ook naar Niet importeren verplaatst').waitFor();
  await page.getByRole('link', { name: /^Leerlingen/ }).click();
  await page.getByRole('rowheader', { name: 'Sem de Vries' }).waitFor();
  await page.getByRole('button', { name: /^Niet importeren/ }).first().waitFor();
  assert.equal(await page.locator('.subtab[data-cat="skip"] .count').textContent(), '2');
  await page.locator('.subtab[data-cat="skip"]').click();
  await page.getByRole('rowheader', { name: 'Daan Smit' }).waitFor();
  // Such a pupil cannot go back to Nieuw: the server's message is shown.
  await page.getByRole('button', { name: 'Nieuw: Daan Smit' }).click();
  await page.getByText('Deze leerling zit in een groep die niet wordt geïmporteerd.').waitFor();
  // Link a hand-entered pupil through the dialog with its candidates.
  await page.locator('.subtab[data-cat="new"]').click();
  await page.getByRole('button', { name: 'Bestaand: Lotte Mulder' }).click();
  const dlg = page.getByRole('dialog', { name: 'Koppelen aan een bestaande leerling' });
  await dlg.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.type), 'radio');
  await shot(page, '24-koppelen');
  await axe(page, 'koppelen');
  await dlg.getByLabel(/Lotte Mulder \(handmatig ingevoerd\)/).check();
  await dlg.getByRole('button', { name: 'Koppelen' }).click();
  await page.getByText('Lotte Mulder: Bestaand.').waitFor();
  assert.equal(mock.records.find((r) => r.key === 'S6').link.id, 77);
  await shot(page, '25-controle-leerlingen');
  await axe(page, 'controle leerlingen');
  // Bulk: the two remaining new pupils to Niet importeren and back.
  await page.getByRole('checkbox', { name: 'Alle leerlingen op deze pagina selecteren' }).check();
  await page.getByText('2 leerlingen geselecteerd').waitFor();
  await page.getByRole('group', { name: 'Geselecteerde naar een andere categorie' }).getByRole('button', { name: 'Niet importeren' }).click();
  await page.getByText('2 leerlingen: Niet importeren.').waitFor();
  assert.equal(await page.locator('.subtab[data-cat="new"] .count').textContent(), '0');
  // The leavers.
  await page.getByRole('link', { name: /^Vertrekkende leerlingen/ }).click();
  await page.getByRole('rowheader', { name: 'Fleur Bakker' }).waitFor();
  await axe(page, 'vertrekkers');

  // Summary and apply (twice: the second click is not possible, and the API
  // would answer the same).
  await page.getByRole('link', { name: 'Naar de samenvatting' }).click();
  await page.getByRole('heading', { name: 'Samenvatting' }).waitFor();
  await page.getByText('1 leerling die niet meer in het LAS staat, wordt gedeactiveerd').waitFor();
  await shot(page, '26-samenvatting');
  await axe(page, 'samenvatting');
  await page.getByRole('button', { name: 'Gegevens importeren' }).click();
  await page.getByRole('heading', { name: 'De gegevens zijn geïmporteerd' }).waitFor({ timeout: 15000 });
  assert.equal(mock.state.applied, 1);
  await page.getByText('Groepen: 1 nieuw, 1 bijgewerkt, 1 niet geïmporteerd').waitFor();
  await shot(page, '27-klaar');
  await axe(page, 'klaar');
  await page.getByRole('link', { name: 'Naar Groepen beheren' }).click();
  await page.getByRole('heading', { name: 'Groepen beheren' }).waitFor();
});

test('an automatic import: banner on every page, the reminder link lands on the check screen after login', async () => {
  const mock = importMock();
  mock.state.imp = { id: 7, status: 'review', school_year: '2027-2028', kind: 'transition', started_by: 'auto', progress: { done: 4, total: 4 }, error: null, result: null };
  mock.state.year = { ...mock.state.year, active: '2027-2028', next: '2028-2029', overdue: true, can_activate: false, today: '2027-10-02' };
  const page = await b.page(school.host);
  await mock.install(page);
  await page.goto(`${page.base}#/import/7`);
  await page.getByRole('heading', { name: 'Inloggen' }).waitFor();
  await loginAs(page, school.email, school.password);
  await page.getByRole('heading', { name: 'Controle import uit LAS' }).waitFor();
  await page.getByText('Automatisch gestart').waitFor();
  await page.goto(`${page.base}#/leerlingen`);
  await page.getByRole('heading', { name: 'Leerlingen beheren' }).waitFor();
  const banner = page.getByRole('region', { name: 'Melding' });
  await banner.getByText('De import uit het LAS wacht op uw controle.').waitFor();
  await shot(page, '28-banner');
  await axe(page, 'banner');
  await banner.getByRole('link', { name: 'Controle import uit LAS' }).click();
  await page.getByRole('heading', { name: 'Controle import uit LAS' }).waitFor();
});
