// tests/e2e/40-stappenplan.test.mjs - the school's manual ("Stappenplan: het
// nieuwe schooljaar inrichten", DESIGN.md section 2) followed literally in
// the portal, every button it names, one at a time and in bulk:
//   Stap 1  Beheer → Leerlingen beheren → Actieve leerlingen → Deactiveren
//   Stap 2  Gedeactiveerde leerlingen → Verwijderen
//   Stap 3  Groepen beheren → Deactiveren, Gedeactiveerde groepen → Verwijderen
//   Stap 4  Beheer → Overgang nieuw schooljaar (2024-2025) → schooljaar → Ga verder
//   Stap 5  Controle import uit LAS: Nieuw, Bestaand, Niet importeren → Gegevens importeren
//   Stap 6  Samenvatting → Gegevens importeren
// once for a school with a UWLR link (las-sim, school 99XP 00) and once for
// a school without one (EDEXML files, pupils and groups entered by hand),
// with a screenshot of every step in $TC_SCREENSHOTS/stappenplan-uwlr/ and
// stappenplan-edexml/.  Also: the Leerkrachten tab absent without new
// teachers, the menu after the automatic activation, and the groups screen
// with more groups than one page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { addSchool, env, repoRoot, tcctl, sql, sqlValue, sleep, setClockAt, importedSchool } from '../api/lib.mjs';
import { openBrowser, shot, axe, loginAs } from './browser.mjs';

const fixture = (name) => path.join(repoRoot, 'tests', 'fixtures', name);

let b;
let conf;

/* las-sim answers 99XP 00 after latency_ms (re-read when the file changes). */
async function lasLatency(ms) {
  writeFileSync(env.lasConf, conf.replace(/\[school 99XP 00\]([^[]*?)latency_ms = \d+/,
    (m, body) => `[school 99XP 00]${body}latency_ms = ${ms}`));
  await sleep(1100);
}

/* A school with a LAS link whose 2023-2024 was imported by the operator.
 * Without the nightly sync: the day's scan, which runs again whenever its
 * marker is gone, would start one beside the walk (41-sync tests it). */
const lasSchool = (name) => importedSchool(name, '10:00', ['--sync', 'no']);

/* Beheer → NAME. */
async function menu(page, name) {
  await page.locator('#menu-button').click();
  await page.locator('#menu-list').getByRole('link', { name, exact: true }).click();
}

/* A screenshot of the step and axe on it. */
async function step(page, dir, name) {
  await shot(page, `${dir}/${name}`);
  await axe(page, `${dir} ${name}`);
}

async function rowNames(page) {
  return page.locator('table.data tbody th').allTextContents();
}

/* Waits until the list shows exactly n rows, each passing test(text). */
async function rows(page, n, contains = '') {
  await page.waitForFunction(([want, c]) => {
    const r = [...document.querySelectorAll('table.data tbody tr')];
    return r.length === want && r.every((x) => x.textContent.includes(c));
  }, [n, contains], { timeout: 15000 });
}

/*
 * Stap 1 and 2: Groep 8 leaves the school.  Its five pupils: one archived
 * by its row's button and two in bulk; then of the archived ones one
 * deleted by its row's button and two in bulk.
 */
async function stap1en2(page, dir, tid) {
  await menu(page, 'Leerlingen beheren');
  await page.getByRole('heading', { name: 'Leerlingen beheren' }).waitFor();
  await page.getByLabel('Groep', { exact: true }).selectOption({ label: 'Groep 8 (2023-2024)' });
  await rows(page, 5, 'Groep 8');
  await step(page, dir, '1a-actieve-leerlingen');
  let names = await rowNames(page);
  await page.getByRole('button', { name: `Leerling deactiveren: ${names[0]}` }).click();
  await page.getByText('1 leerling gedeactiveerd.').waitFor();
  await rows(page, 4, 'Groep 8');
  const bulk = page.getByRole('group', { name: 'Met de geselecteerde leerlingen' });
  const list = page.locator('table.data tbody tr');
  await list.nth(0).getByRole('checkbox').check();
  await list.nth(1).getByRole('checkbox').check();
  await page.getByText('2 leerlingen geselecteerd').waitFor();
  await bulk.getByRole('button', { name: 'Deactiveren' }).click();
  await page.getByText('2 leerlingen gedeactiveerd.').waitFor();
  await rows(page, 2, 'Groep 8');
  await step(page, dir, '1b-leerlingen-gedeactiveerd');

  await page.getByRole('link', { name: /^Gedeactiveerde leerlingen/ }).click();
  await rows(page, 3);
  await step(page, dir, '2a-gedeactiveerde-leerlingen');
  names = await rowNames(page);
  await page.getByRole('button', { name: `Leerling verwijderen: ${names[0]}` }).click();
  let dlg = page.getByRole('dialog', { name: 'Leerling verwijderen' });
  await dlg.getByText('kan niet ongedaan worden gemaakt').waitFor();
  await dlg.getByRole('button', { name: 'Verwijderen' }).click();
  await page.getByText(/^1 leerling en \d+ toetsresultaa?te?n? verwijderd\.$/).waitFor();
  await rows(page, 2);
  await page.getByRole('checkbox', { name: 'Alle leerlingen op deze pagina selecteren' }).check();
  await bulk.getByRole('button', { name: 'Verwijderen' }).click();
  dlg = page.getByRole('dialog', { name: 'Leerlingen verwijderen' });
  await dlg.getByText(/U verwijdert 2 leerlingen/).waitFor();
  await step(page, dir, '2b-verwijderen-bevestigen');
  await dlg.getByRole('button', { name: 'Verwijderen' }).click();
  await page.getByText(/^2 leerlingen en \d+ toetsresultaa?te?n? verwijderd\.$/).waitFor();
  await page.getByText('Geen leerlingen gevonden met deze zoekopdracht.').waitFor();
  await page.getByLabel('Groep', { exact: true }).selectOption({ label: 'Alle groepen' });
  assert.equal(sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${tid} AND status = 'deactivated'`), '0');
}

/*
 * Stap 3: groups of 2023-2024 archived (two in bulk, one by its button),
 * then deleted (one by its button, two in bulk); their pupils stay.
 */
async function stap3(page, dir, tid) {
  const pupils = sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${tid}`);
  await menu(page, 'Groepen beheren');
  await page.getByRole('heading', { name: 'Groepen beheren' }).waitFor();
  await page.getByRole('rowheader', { name: 'Groep 8' }).waitFor();
  await step(page, dir, '3a-groepen-beheren');
  await page.getByRole('checkbox', { name: 'Groep 8 (2023-2024) selecteren' }).check();
  await page.getByRole('checkbox', { name: 'Plusklas (2023-2024) selecteren' }).check();
  const bulk = page.getByRole('group', { name: 'Met de geselecteerde groepen' });
  await bulk.getByRole('button', { name: 'Deactiveren' }).click();
  await page.getByText('2 groepen gedeactiveerd.').waitFor();
  await page.getByRole('button', { name: 'Deactiveren: Groep 7 (2023-2024)' }).click();
  await page.getByText('1 groep gedeactiveerd.').waitFor();
  await page.getByRole('link', { name: /^Gedeactiveerde groepen/ }).click();
  await rows(page, 3);
  await step(page, dir, '3b-gedeactiveerde-groepen');
  await page.getByRole('button', { name: 'Verwijderen: Groep 8 (2023-2024)' }).click();
  let dlg = page.getByRole('dialog', { name: 'Groep verwijderen' });
  await dlg.getByText('De leerlingen van deze groepen en hun toetsresultaten blijven bewaard.').waitFor();
  await dlg.getByRole('button', { name: 'Verwijderen' }).click();
  await page.getByText('1 groep verwijderd.').waitFor();
  await rows(page, 2);
  await page.getByRole('checkbox', { name: 'Alle groepen op deze pagina selecteren' }).check();
  await bulk.getByRole('button', { name: 'Verwijderen' }).click();
  dlg = page.getByRole('dialog', { name: 'Groepen verwijderen' });
  await dlg.getByText('U verwijdert 2 groepen voorgoed.').waitFor();
  await dlg.getByRole('button', { name: 'Verwijderen' }).click();
  await page.getByText('2 groepen verwijderd.').waitFor();
  await page.getByText('Er zijn geen gedeactiveerde groepen.').waitFor();
  await step(page, dir, '3c-groepen-verwijderd');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM school_groups WHERE tenant_id = ${tid} AND year_start = 2023
    AND name IN ('Groep 7', 'Groep 8', 'Plusklas')`), '0');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${tid}`), pupils, 'deleting groups deleted pupils');
}

/* Opens a tab of the check screen and waits until it is drawn (a click on
 * the old screen's category buttons would be lost). */
async function tab(page, name) {
  await page.getByRole('link', { name: new RegExp(`^${name}`) }).click();
  await page.locator('nav.tabs a[aria-current="page"]', { hasText: name }).waitFor();
}

/*
 * Stap 5 and 6 from the fetched import: the check screen (a group set to
 * Niet importeren with its pupils, two new pupils in bulk, the Bestaand
 * pupils linked already), Gegevens importeren, the summary, Gegevens
 * importeren.  Returns the names of the pupils not imported.
 */
async function stap5en6(page, dir, { teachers }) {
  await page.getByRole('heading', { name: 'De gegevens zijn opgehaald' }).waitFor({ timeout: 30000 });
  await step(page, dir, '4c-opgehaald');
  await page.getByRole('link', { name: 'Controle import uit LAS' }).click();
  await page.getByRole('heading', { name: 'Controle import uit LAS' }).waitFor();
  const tabs = (await page.locator('nav.tabs a').allTextContents()).map((t) => t.replace(/\s*\d+$/, ''));
  assert.deepEqual(tabs.slice(0, 3), teachers ? ['Groepen', 'Leerlingen', 'Leerkrachten'] : ['Groepen', 'Leerlingen', 'Vertrekkende leerlingen']);
  // Nothing to link: the pupils already here are Bestaand.
  await page.getByText(/leerlingen staan al in Testcentrum en zijn automatisch gekoppeld \(Bestaand\)/).waitFor();
  await page.getByText('U hoeft niets te koppelen.', { exact: false }).waitFor();
  await page.getByRole('rowheader', { name: 'Groep 1/2b' }).waitFor();
  await step(page, dir, '5a-controle-groepen');
  await page.getByRole('button', { name: 'Niet importeren: Groep 1/2b' }).click();
  await page.getByText(/leerlingen? van deze groep (is|zijn) ook naar Niet importeren verplaatst/).waitFor();

  await tab(page, 'Leerlingen');
  await page.locator('.subtab[data-cat="existing"]').click();
  await page.locator('table.data caption', { hasText: 'Leerlingen: Bestaand' }).waitFor({ state: 'attached' });
  await step(page, dir, '5b-controle-leerlingen-bestaand');
  await page.locator('.subtab[data-cat="new"]').click();
  await page.locator('table.data caption', { hasText: 'Leerlingen: Nieuw' }).waitFor({ state: 'attached' });
  assert.ok(await page.locator('table.data tbody tr').count() >= 2);
  const list = page.locator('table.data tbody tr');
  const skipped = [await list.nth(0).locator('th').textContent(), await list.nth(1).locator('th').textContent()];
  await list.nth(0).getByRole('checkbox').check();
  await list.nth(1).getByRole('checkbox').check();
  await page.getByRole('group', { name: 'Geselecteerde naar een andere categorie' }).getByRole('button', { name: 'Niet importeren' }).click();
  await page.getByText('2 leerlingen: Niet importeren.').waitFor();
  await step(page, dir, '5c-controle-leerlingen-nieuw');
  if (teachers) {
    await tab(page, 'Leerkrachten');
    await page.locator('table.data caption', { hasText: 'Leerkrachten: Nieuw' }).waitFor({ state: 'attached' });
    await axe(page, `${dir} leerkrachten`);
  }

  await page.getByRole('link', { name: 'Gegevens importeren' }).click();
  await page.getByRole('heading', { name: 'Samenvatting' }).waitFor();
  await step(page, dir, '6a-samenvatting');
  await page.getByRole('button', { name: 'Gegevens importeren' }).click();
  await page.getByRole('heading', { name: 'De gegevens zijn geïmporteerd' }).waitFor({ timeout: 30000 });
  await step(page, dir, '6b-geimporteerd');
  return skipped;
}

/* What the import left in MariaDB: 2024-2025 active, without the skipped group and pupils. */
function checkApplied(tid, skipped) {
  assert.equal(sqlValue(`SELECT year_start FROM school_years WHERE tenant_id = ${tid} AND active = 1`), '2024');
  const groups = sql(`SELECT name FROM school_groups WHERE tenant_id = ${tid} AND year_start = 2024 ORDER BY name`).map((r) => r[0]);
  assert.ok(groups.includes('Groep 1/2a') && groups.includes('Groep 8'), groups.join(', '));
  assert.ok(!groups.includes('Groep 1/2b'), 'the group set to Niet importeren was imported');
  for (const n of skipped) {
    assert.equal(sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${tid}
      AND CONCAT_WS(' ', roepnaam, voorvoegsel, achternaam) = '${n.replace(/'/g, "''")}'`), '0', `${n} was imported`);
  }
}

before(async () => {
  conf = readFileSync(env.lasConf, 'utf8');
  b = await openBrowser();
});

after(async () => {
  writeFileSync(env.lasConf, conf);
  tcctl(['clock', 'reset']);
  if (b) await b.close();
});

test('Stappenplan, a school with a UWLR link: Stap 1 to 6, single and bulk', async () => {
  const dir = 'stappenplan-uwlr';
  const s = await lasSchool('Basisschool De Wegwijzer');
  await setClockAt('2024-08-15T10:00');
  const page = await b.page(s.host);
  await page.goto(page.base);
  await loginAs(page, s.email, s.password);
  await page.getByRole('heading', { name: 'Leerlingen beheren' }).waitFor();
  await page.waitForFunction(() => document.activeElement.tagName === 'H1');
  await page.locator('#menu-button').click();
  assert.deepEqual(await page.locator('#menu-list a').allTextContents(),
    ['Leerlingen beheren', 'Groepen beheren', 'Overgang nieuw schooljaar (2024-2025)']);
  await step(page, dir, '0-beheer');
  await page.keyboard.press('Escape');
  // The help footer with the deployment's support contact.
  await page.getByRole('contentinfo').getByRole('heading', { name: 'Hulp nodig?' }).waitFor();
  await page.getByRole('contentinfo').getByRole('link', { name: 'klantenservice@testcentrum.invalid' }).waitFor();

  await stap1en2(page, dir, s.id);
  await stap3(page, dir, s.id);

  // Stap 4, with a slow LAS so that the progress shows.
  await lasLatency(5000);
  await menu(page, 'Overgang nieuw schooljaar (2024-2025)');
  await page.getByRole('heading', { name: 'Overgang nieuw schooljaar (2024-2025)' }).waitFor();
  await page.getByLabel('2024-2025 (het nieuwe schooljaar)').check();
  await step(page, dir, '4a-overgang');
  await page.getByRole('button', { name: 'Ga verder' }).click();
  await page.getByRole('heading', { name: 'De gegevens worden uit het LAS opgehaald' }).waitFor();
  await step(page, dir, '4b-ophalen');
  await lasLatency(0);
  const skipped = await stap5en6(page, dir, { teachers: true });
  checkApplied(s.id, skipped);

  // Last year's groups, all at once, once the new year is active.
  await page.getByRole('link', { name: 'Naar Groepen beheren' }).click();
  await page.getByRole('button', { name: 'Alle groepen van 2023-2024 deactiveren' }).click();
  const dlg = page.getByRole('dialog', { name: 'Alle groepen van 2023-2024 deactiveren' });
  await dlg.getByText('U deactiveert 7 groepen van het schooljaar 2023-2024.').waitFor();
  await dlg.getByRole('button', { name: 'Deactiveren' }).click();
  await page.getByText('7 groepen van 2023-2024 gedeactiveerd.').waitFor();
  await step(page, dir, '7-groepen-vorig-jaar');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM school_groups WHERE tenant_id = ${s.id} AND year_start = 2023 AND status = 'active'`), '0');
  // The menu now offers the year after.
  await page.locator('#menu-button').click();
  await page.locator('#menu-list').getByRole('link', { name: 'Overgang nieuw schooljaar (2025-2026)' }).waitFor();
});

test('Stappenplan, a school without a UWLR link: EDEXML files, pupils and groups by hand', async () => {
  const dir = 'stappenplan-edexml';
  await setClockAt('2023-09-01T10:00');
  const s = addSchool({ name: 'Basisschool Het Open Veld' });
  s.id = Number(sqlValue(`SELECT id FROM tenants WHERE slug = '${s.slug}'`));
  const page = await b.page(s.host);
  await page.goto(page.base);
  // The help footer shows before login too.
  await page.getByRole('contentinfo').getByText('Onze klantenservice is bereikbaar', { exact: false }).waitFor();
  await loginAs(page, s.email, s.password);

  // The first year, from an EDEXML file.
  await menu(page, 'Overgang nieuw schooljaar (2023-2024)');
  await page.getByRole('heading', { name: 'Geen UWLR-koppeling met uw LAS' }).waitFor();
  await page.getByText('Heeft u nog geen UWLR-koppeling en wilt u er wel een? Neem contact op met onze klantenservice.', { exact: false }).waitFor();
  await page.locator('#inhoud').getByRole('link', { name: 'klantenservice@testcentrum.invalid' }).waitFor();
  await step(page, dir, '0a-geen-koppeling');
  await page.getByRole('button', { name: 'Ga verder' }).click();
  await page.getByText('Kies het EDEXML-bestand dat u uit uw LAS heeft gehaald.').waitFor();
  await page.getByLabel('EDEXML-bestand uit uw LAS').setInputFiles(fixture('small-po-2023-2024.xml'));
  await page.getByRole('button', { name: 'Ga verder' }).click();
  await page.getByRole('heading', { name: 'De gegevens zijn opgehaald' }).waitFor({ timeout: 30000 });
  await page.getByRole('link', { name: 'Controle import uit LAS' }).click();
  await page.getByRole('heading', { name: 'Controle import uit LAS' }).waitFor();
  await page.getByRole('link', { name: 'Gegevens importeren' }).click();
  await page.getByRole('button', { name: 'Gegevens importeren' }).click();
  await page.getByRole('heading', { name: 'De gegevens zijn geïmporteerd' }).waitFor({ timeout: 30000 });
  assert.equal(sqlValue(`SELECT year_start FROM school_years WHERE tenant_id = ${s.id} AND active = 1`), '2023');

  // A group by hand: Nieuwe groep, then Wijzigen.
  await menu(page, 'Groepen beheren');
  await page.getByRole('button', { name: 'Nieuwe groep' }).click();
  let dlg = page.getByRole('dialog', { name: 'Nieuwe groep' });
  await dlg.getByLabel('Naam').fill('Groep 4 <b>');
  await dlg.getByLabel('Jaargroep').selectOption('4');
  await step(page, dir, '0b-nieuwe-groep');
  await dlg.getByRole('button', { name: 'Toevoegen' }).click();
  await dlg.getByRole('alert').waitFor();
  assert.equal(await dlg.getByLabel('Naam').getAttribute('aria-invalid'), 'true');
  await dlg.getByLabel('Naam').fill('Groep 4b');
  await dlg.getByRole('button', { name: 'Toevoegen' }).click();
  await page.getByText('Groep 4b (2023-2024) is toegevoegd.').waitFor();
  await page.getByRole('button', { name: 'Wijzigen: Groep 4b (2023-2024)' }).click();
  dlg = page.getByRole('dialog', { name: 'Groep wijzigen: Groep 4b' });
  await dlg.getByLabel('Naam').fill('Groep 4 Zonnebloem');
  await dlg.getByRole('button', { name: 'Opslaan' }).click();
  await page.getByText('Groep 4 Zonnebloem (2023-2024) is gewijzigd.').waitFor();
  assert.equal(sqlValue(`SELECT jaargroep FROM school_groups WHERE tenant_id = ${s.id} AND name = 'Groep 4 Zonnebloem'`), '4');

  // A pupil by hand: Nieuwe leerling in that group, then Gegevens wijzigen.
  await menu(page, 'Leerlingen beheren');
  await page.getByRole('button', { name: 'Nieuwe leerling' }).click();
  dlg = page.getByRole('dialog', { name: 'Nieuwe leerling' });
  await dlg.getByLabel('Roepnaam').fill('Noor');
  await dlg.getByLabel('Achternaam').fill('Visser 2');
  await dlg.getByLabel('Geboortedatum (niet verplicht)').fill('2015-05-06');
  await dlg.getByLabel('Jaargroep').selectOption('4');
  await dlg.getByLabel('Groep', { exact: true }).selectOption({ label: 'Groep 4 Zonnebloem (2023-2024)' });
  await dlg.getByRole('button', { name: 'Toevoegen' }).click();
  await dlg.getByText('Vul een achternaam in', { exact: false }).waitFor();
  await step(page, dir, '0c-nieuwe-leerling-fout');
  await dlg.getByLabel('Achternaam').fill('Visser');
  await dlg.getByRole('button', { name: 'Toevoegen' }).click();
  await page.getByText('Noor Visser is toegevoegd.').waitFor();
  const noor = sqlValue(`SELECT id FROM students WHERE tenant_id = ${s.id} AND achternaam = 'Visser' AND roepnaam = 'Noor'`);
  assert.equal(sqlValue(`SELECT g.name FROM group_members m JOIN school_groups g ON g.tenant_id = m.tenant_id AND g.id = m.group_id
    WHERE m.tenant_id = ${s.id} AND m.student_id = ${noor}`), 'Groep 4 Zonnebloem');
  await page.goto(`${page.base}#/leerling/${noor}`);
  await page.getByRole('heading', { name: 'Noor Visser', level: 1 }).waitFor();
  await page.getByText('Handmatig ingevoerd').waitFor();
  await page.getByRole('button', { name: 'Gegevens wijzigen' }).click();
  dlg = page.getByRole('dialog', { name: 'Gegevens wijzigen: Noor Visser' });
  await dlg.getByLabel('Voorvoegsel (niet verplicht)').fill('de');
  await dlg.getByLabel('Groep', { exact: true }).selectOption({ label: 'Groep 4 (2023-2024)' });
  await step(page, dir, '0d-leerling-wijzigen');
  await dlg.getByRole('button', { name: 'Opslaan' }).click();
  await page.getByText('De gegevens van Noor de Visser zijn gewijzigd.').waitFor();
  await page.getByRole('heading', { name: 'Noor de Visser', level: 1 }).waitFor();
  assert.equal(sqlValue(`SELECT GROUP_CONCAT(g.name) FROM group_members m JOIN school_groups g ON g.tenant_id = m.tenant_id AND g.id = m.group_id
    WHERE m.tenant_id = ${s.id} AND m.student_id = ${noor}`), 'Groep 4');
  const audit = sql(`SELECT action FROM audit_log WHERE tenant_id = ${s.id} ORDER BY id`).map((r) => r[0]);
  for (const a of ['group_create', 'group_update', 'student_create', 'student_update', 'group_students_add', 'group_students_remove']) {
    assert.ok(audit.includes(a), `no audit entry ${a}`);
  }

  // The new school year, by the manual.
  await setClockAt('2024-08-15T10:00');
  await page.goto(`${page.base}#/leerlingen`);
  await page.reload();
  await page.getByRole('heading', { name: 'Leerlingen beheren' }).waitFor();
  await stap1en2(page, dir, s.id);
  await stap3(page, dir, s.id);
  await menu(page, 'Overgang nieuw schooljaar (2024-2025)');
  await page.getByRole('heading', { name: 'Overgang nieuw schooljaar (2024-2025)' }).waitFor();
  await page.getByLabel('2024-2025 (het nieuwe schooljaar)').check();
  await page.getByLabel('EDEXML-bestand uit uw LAS').setInputFiles(fixture('small-po-2024-2025.xml'));
  await step(page, dir, '4a-overgang');
  await page.getByRole('button', { name: 'Ga verder' }).click();
  const skipped = await stap5en6(page, dir, { teachers: true });
  checkApplied(s.id, skipped);
  // The pupil entered by hand is kept (the file never knew it).
  assert.equal(sqlValue(`SELECT status FROM students WHERE id = ${noor}`), 'active');
});

test('a re-fetch without new teachers has no Leerkrachten tab', async () => {
  const s = await lasSchool('Basisschool Zonder Nieuwe Juf');
  await setClockAt('2023-11-01T10:00');
  const page = await b.page(s.host);
  await page.goto(`${page.base}#/overgang`);
  await loginAs(page, s.email, s.password);
  await page.getByRole('heading', { name: 'Overgang nieuw schooljaar (2024-2025)' }).waitFor();
  await page.getByLabel(/^2023-2024 \(het huidige schooljaar/).check();
  await page.getByRole('button', { name: 'Ga verder' }).click();
  await page.getByRole('link', { name: 'Controle import uit LAS' }).click({ timeout: 30000 });
  await page.getByRole('heading', { name: 'Controle import uit LAS' }).waitFor();
  const tabs = (await page.locator('nav.tabs a').allTextContents()).map((t) => t.replace(/\s*\d+$/, ''));
  assert.deepEqual(tabs, ['Groepen', 'Leerlingen']);
  await page.getByText('42 leerlingen staan al in Testcentrum en zijn automatisch gekoppeld (Bestaand)', { exact: false }).waitFor();
  await shot(page, '41-controle-zonder-leerkrachten');
  await axe(page, 'controle zonder leerkrachten');
  await page.getByRole('button', { name: 'Import annuleren' }).click();
  await page.getByRole('dialog', { name: 'Import annuleren' }).getByRole('button', { name: 'Import annuleren' }).click();
  await page.getByRole('heading', { name: 'Overgang nieuw schooljaar (2024-2025)' }).waitFor();
});

test('after the automatic activation the menu leads to the import of the activated year', async () => {
  const s = await lasSchool('Basisschool Te Laat Begonnen');
  await setClockAt('2024-10-02T09:00');
  tcctl(['task', 'run', 'activate', '--tenant', s.slug]);
  const end = Date.now() + 30000;
  while (!/ review /.test(tcctl(['import', 'show', '--tenant', s.slug])) && Date.now() < end) await sleep(250);
  const page = await b.page(s.host);
  await page.goto(page.base);
  await loginAs(page, s.email, s.password);
  await page.getByRole('heading', { name: 'Leerlingen beheren' }).waitFor();
  await page.waitForFunction(() => document.activeElement.tagName === 'H1');
  await page.locator('#menu-button').click();
  assert.deepEqual(await page.locator('#menu-list a').allTextContents(),
    ['Leerlingen beheren', 'Groepen beheren', 'Overgang nieuw schooljaar (2024-2025)']);
  await shot(page, '42-menu-na-automatische-activering');
  await page.locator('#menu-list').getByRole('link', { name: 'Overgang nieuw schooljaar (2024-2025)' }).click();
  await page.getByRole('heading', { name: 'Controle import uit LAS' }).waitFor();
  await page.getByText('Schooljaar 2024-2025').waitFor();
  await page.getByText('Automatisch gestart').waitFor();
  // Overgang nieuw schooljaar itself names that year and leads there too.
  await page.goto(`${page.base}#/overgang`);
  await page.getByRole('heading', { name: 'Overgang nieuw schooljaar (2024-2025)' }).waitFor();
  await page.getByRole('link', { name: 'Controle import uit LAS' }).first().click();
  await page.getByRole('heading', { name: 'Controle import uit LAS' }).waitFor();
  await axe(page, 'controle na automatische activering');
});

test('Groepen beheren with 130 groups: pages of 50 and a search', async () => {
  await setClockAt('2024-11-01T10:00');
  const s = addSchool({ name: 'Scholengemeenschap De Grote Groep' });
  s.id = Number(sqlValue(`SELECT id FROM tenants WHERE slug = '${s.slug}'`));
  sql(`INSERT INTO school_years (tenant_id, year_start, active) VALUES (${s.id}, 2024, 1)`);
  const values = [];
  for (let i = 1; i <= 130; i++) values.push(`(${s.id}, 2024, 'samengesteld', 'Cluster ${String(i).padStart(3, '0')}', 'active')`);
  sql(`INSERT INTO school_groups (tenant_id, year_start, kind, name, status) VALUES ${values.join(',')}`);
  const page = await b.page(s.host);
  await page.goto(`${page.base}#/groepen`);
  await loginAs(page, s.email, s.password);
  await page.getByRole('heading', { name: 'Groepen beheren' }).waitFor();
  await page.getByText('1–50 van 130').waitFor();
  await rows(page, 50);
  await page.getByRole('button', { name: 'Volgende' }).click();
  await page.getByText('51–100 van 130').waitFor();
  await page.getByRole('button', { name: 'Volgende' }).click();
  await page.getByText('101–130 van 130').waitFor();
  await page.getByRole('rowheader', { name: 'Cluster 130' }).waitFor();
  await page.getByLabel('Zoeken').fill('cluster 12');
  await page.getByText('1–10 van 10').waitFor();
  assert.deepEqual((await rowNames(page)).slice(0, 2), ['Cluster 120', 'Cluster 121']);
  await shot(page, '43-groepen-zoeken');
  await axe(page, 'groepen zoeken');
  // Select all on this page, archive them in bulk.
  await page.getByRole('checkbox', { name: 'Alle groepen op deze pagina selecteren' }).check();
  await page.getByRole('group', { name: 'Met de geselecteerde groepen' }).getByRole('button', { name: 'Deactiveren' }).click();
  await page.getByText('10 groepen gedeactiveerd.').waitFor();
  assert.equal(sqlValue(`SELECT COUNT(*) FROM school_groups WHERE tenant_id = ${s.id} AND status = 'deactivated'`), '10');
});
