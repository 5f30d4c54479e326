// tests/api/43-reminders.test.mjs - "one reminder a day until the import is
// applied" for a school whose year was activated automatically (issue 15,
// items 4, 5 and 6), with the deployment's clock moved by the test:
//   - a school that started its import by hand in September and left it is
//     reminded after 2 October, with a link to that import;
//   - a nightly sync that waits for approval never blocks "Ga verder", nor
//     the automatic import; the sync right after a transition runs, and no
//     sync runs while the year's import is owed;
//   - an import whose data expired (or that Redis lost) is fetched again and
//     the next day's reminder leads to the live one; one about to expire is
//     renewed at night;
//   - after a failed fetch the reminder says so and what to do.
// The owed state is in MariaDB (GET /api/school-year's import_due).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { env, tcctl, sqlValue, redis, mails, restoreClock, sleep, until, setClockAt, lasLink,
  schoolInYear } from './lib.mjs';

const Y = 2035;	// a year of its own: the scans of other tests' dates do not meet it
let conf;
let hand;	// started its import by hand in September
let held;	// had a sync waiting for approval when it pressed "Ga verder"
let lost;	// its automatic import expires
let broken;	// its LAS refuses

// This file waits up to 40 s.
const wait = (fn, what, ms = 40000) => until(fn, what, ms);

/* A school of las-sim's BRIN with last year active. */
const school = (name, brin = '99XP') => schoolInYear(name, Y - 1, lasLink(brin));

const remindersTo = async (address) => (await mails()).filter((m) => m.to.some((t) => t.address === address) &&
  /Herinnering/.test(m.subject));
const linkOf = (m) => /#\/import\/(\d+)/.exec(m.text)?.[1];
const current = async (sch) => (await sch.admin.get('/api/imports/current')).json.import;
const runs = (sch, kind) => Number(sqlValue(`SELECT COUNT(*) FROM import_runs WHERE tenant_id = ${sch.id} AND kind = '${kind}'`));

before(async () => {
  conf = readFileSync(env.lasConf, 'utf8');
  const key = readFileSync(env.lasKeyFile, 'utf8').trim();
  writeFileSync(env.lasConf, `${conf}\n[school 99XR 00]\nkey = ${key}\nklantcode = TC\nklantnaam = Testcentrum\n` +
    'generate = seed=4 pupils=20 groups=2 teachers=2 sector=po first_year=2025-2026\nlatency_ms = 0\n' +
    'fault = soapfault:Client.AutorisatieOngeldig\n');
  await setClockAt(`${Y}-09-10T01:00`);
  hand = await school('Zelf begonnen');
  held = await school('Synchronisatie wacht');
  lost = await school('Verlopen import');
  broken = await school('Weigerende LAS', '99XR');
});

after(() => {
  writeFileSync(env.lasConf, conf);
  try { restoreClock(); } catch { /* Redis may be new */ }
});

let handImport;

test('September: a sync waiting for approval does not block "Ga verder"; a school leaves its import', async () => {
  // The first sync of a school changes everything: it waits for approval.
  tcctl(['task', 'run', 'sync', '--tenant', held.slug]);
  // (In review for a moment before it is held: the sync first stores its
  // choices and counts the pupils, then holds or applies.)
  const sync = await wait(async () => {
    const c = await current(held);
    return c && c.kind === 'sync' && c.status === 'review' && c.error?.code ? c : null;
  }, 'the held sync');
  assert.equal(sync.error.code, 'sync_held');
  const res = await held.admin.post('/api/imports', { school_year: `${Y}-${Y + 1}` });
  assert.equal(res.status, 202, res.text);
  assert.equal(res.json.import.kind, 'transition');
  assert.equal((await held.admin.get(`/api/imports/${sync.id}`)).json.status, 'cancelled', 'the sync gave way');
  await wait(async () => (await current(held)).status === 'review', 'the transition in review');
  // Another school starts its import by hand and leaves it in review.
  const r = await hand.admin.post('/api/imports', { school_year: `${Y}-${Y + 1}` });
  assert.equal(r.status, 202, r.text);
  handImport = r.json.import.id;
  await wait(async () => (await current(hand)).status === 'review', 'the import by hand in review');
  assert.equal((await hand.admin.get('/api/school-year')).json.import_due, null);
});

test('2 October: activated automatically; the import by hand is the one owed; no sync while it is', async () => {
  // A sync held on 1 October for the school whose import expires.
  await setClockAt(`${Y}-10-01T03:00`);
  tcctl(['task', 'run', 'sync', '--tenant', lost.slug]);
  const sync = await wait(async () => {
    const c = await current(lost);
    return c && c.kind === 'sync' && c.status === 'review' && c.error?.code ? c : null;
  }, 'the held sync of 1 October');
  await setClockAt(`${Y}-10-02T00:01`);
  for (const sch of [hand, held, lost, broken]) {
    await wait(() => sqlValue(`SELECT activated_by FROM school_years WHERE tenant_id = ${sch.id} AND active = 1 AND year_start = ${Y}`) === 'auto',
      `${sch.slug} activated automatically`);
  }
  // The import by hand stays the one: nothing new is started.
  assert.equal((await current(hand)).id, handImport);
  const sy = (await hand.admin.get('/api/school-year')).json;
  assert.equal(sy.import_due, `${Y}-${Y + 1}`);
  assert.equal(sy.import.id, handImport);
  // The held sync did not block the automatic import.
  const auto = await wait(async () => {
    const c = await current(lost);
    return c && c.kind === 'transition' && c.status === 'review' ? c : null;
  }, 'the automatic import in place of the held sync');
  assert.equal(auto.started_by, 'auto');
  assert.equal((await lost.admin.get(`/api/imports/${sync.id}`)).json.status, 'cancelled');
  // A LAS that refuses: the automatic import failed.
  const failed = await wait(async () => {
    const c = await current(broken);
    return c && c.status === 'failed' ? c : null;
  }, 'the failed fetch');
  assert.equal(failed.started_by, 'auto');
  // No sync while the import is owed.
  await setClockAt(`${Y}-10-02T02:30`);
  tcctl(['task', 'run', 'sync', '--tenant', hand.slug]);
  await sleep(3000);
  assert.equal(runs(hand, 'sync'), 0);
  assert.equal((await current(hand)).id, handImport);
});

test('8:00 on 2 October: the reminders say what is true, with a link to a live import', async () => {
  await setClockAt(`${Y}-10-02T08:00`);
  const [m] = await wait(async () => {
    const r = await remindersTo(hand.email);
    return r.length ? r : null;
  }, 'the reminder of the school that began by hand');
  assert.equal(linkOf(m), handImport);
  assert.match(m.text, /zijn opgehaald/);
  // After a failed fetch: it says so, and what to do.
  const [f] = await wait(async () => {
    const r = await remindersTo(broken.email);
    return r.length ? r : null;
  }, 'the reminder after a failed fetch');
  assert.doesNotMatch(f.text, /zijn opgehaald/);
  assert.match(f.text, /ophalen van de gegevens uit uw LAS is mislukt/);
  assert.match(f.text, /De LAS weigerde het verzoek/);
  assert.match(f.text, /Opnieuw proberen/);
  assert.match(f.html, /Opnieuw proberen/);
  assert.equal(linkOf(f), (await current(broken)).id);
  await wait(async () => (await remindersTo(lost.email)).length === 1, 'the reminder of the school whose import expires');
});

test('the data of the automatic import expire: the next day it is fetched again and reminded', async () => {
  const old = (await current(lost)).id;
  // What Redis does after import.ttl_days (or loses in a failover).
  for (const k of redis(['--scan', '--pattern', `tc:{${lost.id}}:import*`]).split('\n').filter(Boolean)) redis(['DEL', k]);
  assert.equal(await current(lost), null);
  const sy = (await lost.admin.get('/api/school-year')).json;
  assert.equal(sy.import_due, `${Y}-${Y + 1}`, 'still owed: the banner stays');
  assert.equal((await lost.admin.get(`/api/imports/${old}`)).status, 404);
  await setClockAt(`${Y}-10-03T08:00`);
  const r = await wait(async () => {
    const all = await remindersTo(lost.email);
    return all.length === 2 ? all : null;
  }, 'the reminder of 3 October');
  const id = linkOf(r.find((m) => !m.text.includes(old)) || r[1]);
  assert.notEqual(id, old);
  const imp = (await lost.admin.get(`/api/imports/${id}`)).json;
  assert.equal(imp.status, 'review', 'the link leads to a live import');
  assert.equal(imp.started_by, 'auto');
  assert.match(r[1].text, /zijn opgehaald/);
  // The failed one is fetched again at night (and fails again): reminded again.
  await wait(async () => (await remindersTo(broken.email)).length === 2, 'the second reminder after a failed fetch');
});

test('an import about to expire is fetched anew at night, before the reminder', async () => {
  const old = (await current(lost)).id;
  redis(['EXPIRE', `tc:{${lost.id}}:import:${old}`, '3600']);
  await setClockAt(`${Y}-10-04T00:05`);
  const fresh = await wait(async () => {
    const c = await current(lost);
    return c && c.id !== old && c.status === 'review' ? c : null;
  }, 'the renewed import');
  assert.equal(fresh.started_by, 'auto');
  assert.equal((await lost.admin.get(`/api/imports/${old}`)).json.status, 'cancelled');
});

test('applied: no more reminders, and the sync right after the transition runs', async () => {
  const res = await hand.admin.post(`/api/imports/${handImport}/apply`);
  assert.ok([200, 202].includes(res.status), res.text);
  await wait(async () => (await hand.admin.get(`/api/imports/${handImport}`)).json.status === 'applied', 'applied');
  assert.equal((await hand.admin.get('/api/school-year')).json.import_due, null);
  const before = (await remindersTo(hand.email)).length;
  await setClockAt(`${Y}-10-05T02:30`);
  await wait(() => runs(hand, 'sync') === 1, 'the nightly sync after the transition');
  const last = (await hand.admin.get('/api/sync')).json.last;
  assert.equal(last.status, 'applied');
  await setClockAt(`${Y}-10-05T08:00`);
  await wait(async () => (await remindersTo(lost.email)).length === 3, 'the reminder of 5 October elsewhere');
  await sleep(2000);
  assert.equal((await remindersTo(hand.email)).length, before, 'no reminder once applied');
});
