// tests/e2e/36-owed-import.test.mjs - the import a school owes after the
// automatic activation, in the browser, with the deployment's clock moved
// forward (issue 15, items 4, 5 and 6):
//   - an automatic import cancelled in the portal: the banner stays, the next
//     day's reminder arrives and its link opens the check screen of the
//     import fetched again; the same for one whose data expired;
//   - the reminder after a failed fetch says so, and its link shows the
//     failure with "Opnieuw proberen";
//   - a sync waiting for approval does not block "Ga verder", and the sync
//     right after the transition shows its card in "Leerlingen beheren".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { env, tcctl, sqlValue, redis, mails, restoreClock, until, setClockAt, lasLink,
  schoolInYear } from '../api/lib.mjs';
import { openBrowser, shot, axe, loginAs } from './browser.mjs';

const Y = 2037;	// a year of its own
let b;
let conf;
let cancelled;
let expired;
let broken;
let synced;

// This file waits up to 40 s.
const wait = (fn, what, ms = 40000) => until(fn, what, ms);

/* A school of las-sim's BRIN with last year active. */
const school = (name, brin = '99XP') => schoolInYear(name, Y - 1, lasLink(brin));

const current = async (s) => (await s.admin.get('/api/imports/current')).json.import;
const reminders = async (s) => (await mails()).filter((m) => m.to.some((t) => t.address === s.email) &&
  /Herinnering/.test(m.subject));
const linkIn = (m) => /http:\/\/\S+#\/import\/\d+/.exec(m.text)[0];

async function open(s, url) {
  const page = await b.page(s.host);
  await page.goto(url || page.base);
  await page.getByRole('heading', { name: 'Inloggen' }).waitFor();
  await loginAs(page, s.email, s.password);
  return page;
}

before(async () => {
  conf = readFileSync(env.lasConf, 'utf8');
  const key = readFileSync(env.lasKeyFile, 'utf8').trim();
  writeFileSync(env.lasConf, `${conf}\n[school 99XQ 00]\nkey = ${key}\nklantcode = TC\nklantnaam = Testcentrum\n` +
    'generate = seed=6 pupils=20 groups=2 teachers=2 sector=po first_year=2025-2026\nlatency_ms = 0\n' +
    'fault = soapfault:Client.AutorisatieOngeldig\n');
  b = await openBrowser();
  await setClockAt(`${Y}-09-10T01:00`);
  cancelled = await school('Basisschool Geannuleerd');
  expired = await school('Basisschool Verlopen');
  broken = await school('Basisschool Geweigerd', '99XQ');
  synced = await school('Basisschool Synchroon');
});

after(async () => {
  writeFileSync(env.lasConf, conf);
  restoreClock();
  if (b) await b.close();
});

test('a sync waiting for approval does not block "Ga verder"; the sync right after the transition', async () => {
  tcctl(['task', 'run', 'sync', '--tenant', synced.slug]);
  const sync = await wait(async () => {
    const c = await current(synced);
    return c && c.kind === 'sync' && c.status === 'review' && c.error?.code ? c : null;
  }, 'the held sync');
  const page = await open(synced);
  await page.goto(`${page.base}#/overgang`);
  await page.getByRole('heading', { name: /^Overgang nieuw schooljaar/ }).waitFor();
  await page.getByRole('button', { name: 'Ga verder' }).click();
  await page.getByRole('heading', { name: 'De gegevens zijn opgehaald' }).waitFor({ timeout: 30000 });
  assert.equal((await synced.admin.get(`/api/imports/${sync.id}`)).json.status, 'cancelled');
  const id = /#\/import\/(\d+)/.exec(page.url())[1];
  await page.goto(`${page.base}#/import/${id}/samenvatting`);
  await page.getByRole('button', { name: 'Gegevens importeren' }).click();
  await page.getByRole('heading', { name: 'De gegevens zijn geïmporteerd' }).waitFor({ timeout: 30000 });
  // The first night after the transition: the sync runs, and names a pupil
  // archived since whom the LAS still lists.
  const pupil = Number(sqlValue(`SELECT id FROM students WHERE tenant_id = ${synced.id} ORDER BY id LIMIT 1`));
  assert.equal((await synced.admin.post('/api/students/deactivate', { ids: [pupil] })).status, 200);
  await setClockAt(`${Y}-09-11T02:30`);
  await wait(() => sqlValue(`SELECT COUNT(*) FROM import_runs WHERE tenant_id = ${synced.id} AND kind = 'sync'`) === '1',
    'the sync after the transition');
  await page.goto(`${page.base}#/leerlingen`);
  assert.equal((await synced.admin.get('/api/sync')).json.last.status, 'applied');
  await page.getByRole('heading', { name: `Synchronisatie met uw LAS van 11 september ${Y}` }).waitFor();
  await page.getByText('Gedeactiveerd, maar wel in uw LAS (1)').waitFor();
  await shot(page, '36-sync-na-overgang');
  await axe(page, 'sync na overgang');
});

test('a cancelled automatic import: the banner stays; the next day reminded with a live import', async () => {
  await setClockAt(`${Y}-10-02T00:01`);
  const first = await wait(async () => {
    // The night's held sync may still be in review for a moment, until the
    // automatic import takes its place: wait for the automatic one.
    const c = await current(cancelled);
    return c && c.status === 'review' && c.started_by === 'auto' ? c : null;
  }, 'the automatic import');
  assert.equal(first.started_by, 'auto');
  const page = await open(cancelled, `http://${cancelled.host}:${env.port}/#/import/${first.id}`);
  await page.getByRole('heading', { name: 'Controle import uit LAS' }).waitFor();
  await page.getByRole('button', { name: 'Import annuleren' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Import annuleren' }).click();
  const banner = page.getByRole('region', { name: 'Melding' });
  await banner.getByText(/de import is nog niet afgerond/).waitFor();
  await shot(page, '36-banner-na-annuleren');
  await axe(page, 'banner na annuleren');
  // The data of the other school's automatic import expire.
  await wait(async () => {
    const c = await current(expired);
    return c?.status === 'review' && c.started_by === 'auto';
  }, 'the other automatic import');
  const gone = (await current(expired)).id;
  for (const k of redis(['--scan', '--pattern', `tc:{${expired.id}}:import*`]).split('\n').filter(Boolean)) redis(['DEL', k]);

  await setClockAt(`${Y}-10-03T08:00`);
  for (const [s, old] of [[cancelled, first.id], [expired, gone]]) {
    const [m] = await wait(async () => {
      const r = await reminders(s);
      return r.length ? r : null;
    }, `the reminder of ${s.slug}`);
    const link = linkIn(m);
    assert.ok(!link.endsWith(old), 'a new import');
    assert.match(m.text, /zijn opgehaald/);
    const p = await open(s, link);
    await p.getByRole('heading', { name: 'Controle import uit LAS' }).waitFor();
    await p.getByText('Automatisch gestart').waitFor();
    await shot(p, `36-herinnering-${s === cancelled ? 'geannuleerd' : 'verlopen'}`);
  }
});

test('the reminder after a failed fetch says so; its link shows the failure and Opnieuw proberen', async () => {
  const [m] = await wait(async () => {
    const r = await reminders(broken);
    return r.length ? r : null;
  }, 'the reminder after the failed fetch');
  assert.doesNotMatch(m.text, /zijn opgehaald/);
  assert.match(m.text, /het ophalen van de gegevens uit uw LAS is mislukt: De LAS weigerde het verzoek\./);
  assert.match(m.text, /kies "Opnieuw proberen"/);
  const page = await open(broken, linkIn(m));
  await page.getByText('De LAS weigerde het verzoek.').waitFor();
  await page.getByRole('button', { name: 'Opnieuw proberen' }).waitFor();
  await shot(page, '36-herinnering-mislukt');
  await axe(page, 'herinnering mislukt');
});
