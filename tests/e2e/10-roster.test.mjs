// tests/e2e/10-roster.test.mjs - the portal's roster screens in chromium:
// log in, Leerlingen beheren with tabs and counts, deactivate two pupils,
// delete one for good, the pupil page, last year's groups, keyboard use,
// tablet width, session expiry and a teacher's restricted view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { addSchool, login, tcctl, redis, request, sqlValue, deploymentSchoolYear, deploymentNow, localMinute } from '../api/lib.mjs';
import { openBrowser, shot, axe, loginAs } from './browser.mjs';

let school;
let admin;
let teacher;
let b;

// The school year of the deployment's today (scripts/check --date), and the
// one before.  An older active year would make the school overdue after
// 1 October, and tc-worker's daily scan could activate the next year under
// the test.  (The browser's clock follows the deployment's: browser.mjs.)
const Y = deploymentSchoolYear();
const CUR = `${Y}-${Y + 1}`;
const OLD = `${Y - 1}-${Y}`;

before(async () => {
  school = addSchool({ name: 'OBS De Regenboog' });
  tcctl(['demo-seed', '--tenant', school.slug, '--year', CUR]);
  admin = await login(school.host, school.email, school.password);
  // Last year's groups, so that "alle groepen van <OLD> deactiveren" shows.
  for (const name of ['Groep 7 (oud)', 'Groep 8 (oud)']) {
    const r = await admin.post('/api/groups', { name, school_year: OLD });
    assert.equal(r.status, 201, r.text);
  }
  // A teacher of one group.
  teacher = { email: `juf@${school.slug}.example`, password: 'Juf-wachtwoord-1' };
  tcctl(['user', 'add', '--tenant', school.slug, '--email', teacher.email, '--name', 'Juf Anna', '--role', 'teacher'],
    `${teacher.password}\n`);
  teacher.id = Number(sqlValue(`SELECT id FROM users WHERE email = '${teacher.email}'`));
  const groups = (await admin.get(`/api/groups?status=active&school_year=${CUR}`)).json.items;
  teacher.group = groups.find((g) => g.name === 'Groep 3') || groups[0];
  const r = await admin.post(`/api/groups/${teacher.group.id}/teachers`, { ids: [teacher.id] });
  assert.ok(r.status < 300, r.text);
  b = await openBrowser();
});

after(async () => { if (b) await b.close(); });

async function count(page, tabName) {
  const tab = page.getByRole('link', { name: new RegExp(`^${tabName}`) });
  await page.waitForFunction((n) => [...document.querySelectorAll('.tab')].some((t) => t.textContent.startsWith(n) && t.querySelector('.count').textContent !== ''), tabName);
  return Number(await tab.locator('.count').textContent());
}

test('administrator: log in, archive two pupils, delete one for good, groups', async () => {
  const page = await b.page(school.host);
  await page.goto(page.base);
  await page.getByRole('heading', { name: 'Inloggen' }).waitFor();
  // The CSP is strict: no inline script or style.
  const res = await request('GET', '/', { host: school.host });
  assert.match(res.headers['content-security-policy'], /script-src 'self'/);
  await shot(page, '01-inloggen');
  await axe(page, 'inloggen');

  // A wrong password shows the server's message.
  await page.getByLabel('E-mailadres').fill(school.email);
  await page.getByLabel('Wachtwoord', { exact: true }).fill('fout-wachtwoord');
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.getByText('E-mailadres of wachtwoord onjuist.').waitFor();

  await loginAs(page, school.email, school.password);
  await page.getByRole('heading', { name: 'Leerlingen beheren' }).waitFor();
  assert.equal(await page.locator('#school-name').textContent(), 'OBS De Regenboog');
  const active0 = await count(page, 'Actieve leerlingen');
  const deact0 = await count(page, 'Gedeactiveerde leerlingen');
  assert.equal(active0, Number(sqlValue(`SELECT COUNT(*) FROM students s JOIN tenants t ON t.id = s.tenant_id WHERE t.slug = '${school.slug}' AND s.status = 'active'`)));
  await page.locator('table.data tbody tr').first().waitFor();
  await shot(page, '02-leerlingen');
  await axe(page, 'leerlingen beheren');

  // Search, then select two pupils and deactivate them in bulk.
  await page.getByLabel('Zoeken').fill('Bakker');
  await page.waitForFunction(() => document.querySelector('.pager-info') && !/van 20\d$/.test(document.querySelector('.pager-info').textContent) && document.querySelectorAll('table.data tbody tr').length > 0 && [...document.querySelectorAll('table.data tbody th')].every((t) => t.textContent.includes('Bakker')));
  const rows = page.locator('table.data tbody tr');
  const names = [await rows.nth(0).locator('th').textContent(), await rows.nth(1).locator('th').textContent()];
  await rows.nth(0).getByRole('checkbox').check();
  await rows.nth(1).getByRole('checkbox').check();
  await page.getByText('2 leerlingen geselecteerd').waitFor();
  await page.getByRole('group', { name: 'Met de geselecteerde leerlingen' }).getByRole('button', { name: 'Deactiveren' }).click();
  await page.getByText('2 leerlingen gedeactiveerd.').waitFor();
  await page.waitForFunction((n) => document.querySelector('.tab .count').textContent === String(n), active0 - 2);
  assert.equal(await count(page, 'Gedeactiveerde leerlingen'), deact0 + 2);

  // The deactivated tab lists them; delete one for good.
  await page.getByLabel('Zoeken').fill('');
  await page.getByRole('link', { name: /^Gedeactiveerde leerlingen/ }).click();
  await page.getByRole('button', { name: `Leerling verwijderen: ${names[0]}` }).waitFor();
  await page.getByRole('button', { name: `Activeren: ${names[1]}` }).waitFor();
  await shot(page, '03-gedeactiveerde-leerlingen');
  await axe(page, 'gedeactiveerde leerlingen');
  const pupilId = Number(sqlValue(`SELECT s.id FROM students s JOIN tenants t ON t.id = s.tenant_id WHERE t.slug = '${school.slug}' AND s.status = 'deactivated' AND CONCAT_WS(' ', s.roepnaam, s.voorvoegsel, s.achternaam) = '${names[0].replace(/'/g, "''")}'`));
  const results = Number(sqlValue(`SELECT COUNT(*) FROM test_administrations WHERE student_id = ${pupilId}`));
  await page.getByRole('button', { name: `Leerling verwijderen: ${names[0]}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Leerling verwijderen' });
  await dialog.waitFor();
  const text = await dialog.textContent();
  assert.match(text, new RegExp(`1 leerling en ${results} toetsresultaten? voorgoed`));
  assert.match(text, /kan niet ongedaan worden gemaakt/);
  // Focus is inside the dialog, on Annuleren (the safe choice).
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Annuleren');
  await shot(page, '04-verwijderen-bevestigen');
  await axe(page, 'verwijderen bevestigen');
  // Escape cancels: nothing is deleted.
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(sqlValue(`SELECT COUNT(*) FROM students WHERE id = ${pupilId}`), '1');
  await page.getByRole('button', { name: `Leerling verwijderen: ${names[0]}` }).click();
  await dialog.getByRole('button', { name: 'Verwijderen' }).click();
  await page.getByText(new RegExp(`1 leerling en ${results} toetsresultaa?te?n? verwijderd`)).waitFor();
  assert.equal(sqlValue(`SELECT COUNT(*) FROM students WHERE id = ${pupilId}`), '0');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM test_administrations WHERE student_id = ${pupilId}`), '0');

  // The pupil page: history, and a test administration added by form.
  await page.getByRole('link', { name: names[1] }).click();
  await page.getByRole('heading', { name: names[1], level: 1 }).waitFor();
  await page.getByText('Voor een gedeactiveerde leerling kunnen geen toetsafnames').waitFor();
  await page.getByRole('button', { name: 'Activeren' }).click();
  await page.getByText(`${names[1]} is geactiveerd.`).waitFor();
  await page.getByLabel('Toets').selectOption({ index: 1 });
  await page.getByLabel('Score').fill('42');
  await page.getByRole('button', { name: 'Toevoegen' }).click();
  await page.getByText('is toegevoegd.').waitFor();
  await page.getByRole('cell', { name: '42' }).first().waitFor();
  // Dated the form's default: the deployment's today (scripts/check --date).
  assert.equal(sqlValue(`SELECT a.taken_on FROM test_administrations a JOIN tenants t ON t.id = a.tenant_id
    WHERE t.slug = '${school.slug}' ORDER BY a.id DESC LIMIT 1`), localMinute(deploymentNow()).slice(0, 10));
  await shot(page, '05-leerling', { fullPage: true });
  await axe(page, 'leerling');

  // Groepen beheren: deactivate last year's groups in one go.
  await page.goto(`${page.base}#/groepen`);
  await page.getByRole('heading', { name: 'Groepen beheren' }).waitFor();
  await page.getByRole('button', { name: `Alle groepen van ${OLD} deactiveren` }).click();
  const gd = page.getByRole('dialog', { name: `Alle groepen van ${OLD} deactiveren` });
  await gd.getByText('2 groepen').waitFor();
  await gd.getByRole('button', { name: 'Deactiveren' }).click();
  await page.getByText(`2 groepen van ${OLD} gedeactiveerd.`).waitFor();
  await shot(page, '06-groepen');
  await axe(page, 'groepen beheren');
  await page.getByRole('link', { name: /^Gedeactiveerde groepen/ }).click();
  await page.getByRole('rowheader', { name: 'Groep 8 (oud)' }).waitFor();
  await shot(page, '07-gedeactiveerde-groepen');
  await axe(page, 'gedeactiveerde groepen');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM school_groups g JOIN tenants t ON t.id = g.tenant_id WHERE t.slug = '${school.slug}' AND g.year_start = ${Y - 1} AND g.status = 'active'`), '0');
});

test('keyboard only: the Beheer menu, tabs and a row action', async () => {
  const page = await b.page(school.host);
  await page.goto(page.base);
  await loginAs(page, school.email, school.password);
  await page.getByRole('heading', { name: 'Leerlingen beheren' }).waitFor();
  // The screen is complete when focus is on its heading (the list loads
  // after the heading shows; the menu must not be opened before).
  await page.waitForFunction(() => document.activeElement.tagName === 'H1');
  await page.locator('#menu-button').focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Leerlingen beheren');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Groepen beheren');
  await page.keyboard.press('ArrowDown');
  assert.match(await page.evaluate(() => document.activeElement.textContent), /^Overgang nieuw schooljaar/);
  await shot(page, '08-menu');
  await axe(page, 'menu open');
  await page.keyboard.press('Escape');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'menu-button');
  await page.keyboard.press('Enter');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Groepen beheren' }).waitFor();
  // Focus moved to the new screen's heading; Tab reaches the tabs.
  await page.waitForFunction(() => document.activeElement.tagName === 'H1');
  await page.keyboard.press('Tab');
  assert.match(await page.evaluate(() => document.activeElement.textContent), /^Actieve groepen/);
  // A visible focus outline on buttons.
  const outline = await page.evaluate(() => {
    const el = document.querySelector('#menu-button');
    el.focus();
    return getComputedStyle(el).outlineStyle;
  });
  assert.notEqual(outline, 'none');
});

test('tablet width: no horizontal page scroll, the table scrolls in its own box', async () => {
  const page = await b.page(school.host, { width: 768, height: 1024 });
  await page.goto(page.base);
  await loginAs(page, school.email, school.password);
  await page.locator('table.data tbody tr').first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the window`);
  await shot(page, '09-leerlingen-tablet');
  await axe(page, 'leerlingen tablet');
});

test('session expiry: back to the login form, then to the same screen', async () => {
  const page = await b.page(school.host);
  await page.goto(`${page.base}#/groepen`);
  await loginAs(page, school.email, school.password);
  await page.getByRole('heading', { name: 'Groepen beheren' }).waitFor();
  // End every session of the administrator behind the browser's back.
  const tid = sqlValue(`SELECT id FROM tenants WHERE slug = '${school.slug}'`);
  for (const key of redis(['--scan', '--pattern', `tc:{${tid}}:session:*`]).split('\n').filter(Boolean)) {
    redis(['DEL', key]);
  }
  await page.getByRole('link', { name: /^Gedeactiveerde groepen/ }).click();
  await page.getByRole('heading', { name: 'Inloggen' }).waitFor();
  await page.getByText('U bent niet meer ingelogd').waitFor();
  await loginAs(page, school.email, school.password);
  await page.getByRole('heading', { name: 'Groepen beheren' }).waitFor();
  assert.match(page.url(), /#\/groepen\/gedeactiveerd$/);
  // Uitloggen.
  await page.getByRole('button', { name: 'Uitloggen' }).click();
  await page.getByText('U bent uitgelogd.').waitFor();
});

test("a teacher sees only its own group's pupils, read-only", async () => {
  const page = await b.page(school.host);
  await page.goto(page.base);
  await loginAs(page, teacher.email, teacher.password);
  await page.getByRole('heading', { name: 'Mijn leerlingen' }).waitFor();
  await page.locator('table.data tbody tr').first().waitFor();
  const groupCells = await page.locator('table.data tbody tr td:nth-child(4)').allTextContents();
  assert.ok(groupCells.length > 0);
  for (const g of groupCells) assert.match(g, new RegExp(teacher.group.name));
  assert.equal(await page.getByRole('button', { name: /deactiveren/i }).count(), 0);
  assert.equal(await page.getByRole('checkbox').count(), 0);
  await page.locator('#menu-button').click();
  const items = await page.locator('#menu-list a').allTextContents();
  assert.deepEqual(items, ['Mijn leerlingen', 'Mijn groepen']);
  await page.keyboard.press('Escape');
  await shot(page, '10-leerkracht');
  await axe(page, 'leerkracht');
  // The transition screens are not for teachers.
  await page.goto(`${page.base}#/overgang`);
  await page.getByRole('heading', { name: 'Pagina niet gevonden' }).waitFor();
  // A pupil of another group cannot be opened.
  const other = sqlValue(`SELECT gm.student_id FROM group_members gm JOIN school_groups g ON g.id = gm.group_id AND g.tenant_id = gm.tenant_id
    JOIN tenants t ON t.id = g.tenant_id WHERE t.slug = '${school.slug}' AND g.id <> ${teacher.group.id} LIMIT 1`);
  await page.goto(`${page.base}#/leerling/${other}`);
  await page.getByRole('heading', { name: 'Er ging iets mis' }).waitFor();
});

test("the nightly sync's points on Leerlingen beheren, each pupil a link", async () => {
  const tid = sqlValue(`SELECT id FROM tenants WHERE slug = '${school.slug}'`);
  const active = (n) => Number(sqlValue(`SELECT id FROM students WHERE tenant_id = ${tid} AND status = 'active' ORDER BY id LIMIT 1 OFFSET ${n}`));
  const leaver = active(0);
  const archived = active(1);
  // A new session: the session-expiry test ended the first one.
  const a = await login(school.host, school.email, school.password);
  const r = await a.post('/api/students/deactivate', { ids: [archived] });
  assert.equal(r.status, 200, r.text);
  // What a sync of 5 October left (the sync itself: tests/api/41-sync).
  const key = `tc:{${tid}}:sync:points`;
  redis(['SET', key, JSON.stringify({ date: `${Y}-10-05`, status: 'applied', leavers: [leaver], archived: [archived],
    lookalikes: [] }), 'EX', '600']);
  try {
    const page = await b.page(school.host);
    await page.goto(page.base);
    await loginAs(page, school.email, school.password);
    const card = page.getByRole('region', { name: `Synchronisatie met uw LAS van 5 oktober ${Y}` });
    await card.waitFor();
    await card.getByRole('heading', { name: 'Niet meer in uw LAS, nog actief (1)' }).waitFor();
    await card.getByRole('heading', { name: 'Gedeactiveerd, maar wel in uw LAS (1)' }).waitFor();
    await shot(page, '11-synchronisatie');
    await axe(page, 'synchronisatie');
    // The leaver's link opens its page; deactivated there, it leaves the list.
    const name = await card.getByRole('link').first().textContent();
    await card.getByRole('link').first().click();
    await page.getByRole('heading', { name, level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Deactiveren' }).click();
    await page.getByText(`${name} is gedeactiveerd.`).waitFor();
    await page.goto(`${page.base}#/leerlingen`);
    await page.getByRole('heading', { name: 'Leerlingen beheren' }).waitFor();
    await card.getByRole('heading', { name: 'Gedeactiveerd, maar wel in uw LAS (1)' }).waitFor();
    assert.equal(await card.getByRole('heading', { name: /Niet meer in uw LAS/ }).count(), 0);
    // "Negeren": the last point goes, and the card with it.
    const other = await card.getByRole('link').first().textContent();
    await card.getByRole('button', { name: `Negeren: ${other}` }).click();
    await card.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
    assert.equal(sqlValue(`SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${tid} AND action = 'sync_points_dismiss'`), '1');
  } finally {
    redis(['DEL', key]);
  }
});

test('a school with more groups than one page: the group filter and the pupil form list every group', async () => {
  // Its own school: 8 groups from demo-seed and 200 more, over the API's
  // page of 200.  Before, both selects showed the first 200 and no more.
  const big = addSchool({ name: 'SG Veel Groepen' });
  tcctl(['demo-seed', '--tenant', big.slug, '--year', CUR]);
  const a = await login(big.host, big.email, big.password);
  for (let i = 0; i < 200; i += 20) {
    const made = await Promise.all(Array.from({ length: 20 }, (_, j) =>
      a.post('/api/groups', { name: `Lesgroep ${String(i + j + 1).padStart(3, '0')}`, school_year: CUR })));
    for (const r of made) assert.equal(r.status, 201, r.text);
  }
  const total = (await a.get('/api/groups?status=active&limit=1')).json.total;
  assert.ok(total > 200, `${total} active groups`);
  const page = await b.page(big.host);
  await page.goto(page.base);
  await loginAs(page, big.email, big.password);
  await page.getByRole('heading', { name: 'Leerlingen beheren' }).waitFor();
  const filter = page.getByLabel('Groep', { exact: true });
  // "Alle groepen" and one option a group, the last one too.
  await filter.locator('option', { hasText: `Lesgroep 200 (${CUR})` }).waitFor({ state: 'attached' });
  assert.equal(await filter.locator('option').count(), total + 1);
  // It filters like any other: its pupils are none.
  await filter.selectOption({ label: `Lesgroep 200 (${CUR})` });
  await page.getByText('Geen leerlingen gevonden met deze zoekopdracht.').waitFor();
  // Nieuwe leerling: its Groep select has every group too.
  await page.getByRole('button', { name: 'Nieuwe leerling' }).click();
  const formGroups = page.getByRole('dialog').getByLabel('Groep', { exact: true });
  await formGroups.locator('option', { hasText: `Lesgroep 200 (${CUR})` }).waitFor({ state: 'attached' });
  assert.equal(await formGroups.locator('option').count(), total + 1);
  await page.keyboard.press('Escape');
});
