// tests/api/41-sync.test.mjs - the nightly LAS sync (tc-worker's "sync" job,
// run here by hand with tcctl task run): what needs no decision is applied,
// what does is left to the administrator, an archived pupil is never
// reactivated, and a sync that would change too much waits for approval.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { login, tcctl, sql, sqlValue, redis, restoreClock, addSchool, sleep, until, setClockAt, importedSchool } from './lib.mjs';

let s;
let sid;

// This file waits up to 20 s, looking every 200 ms.
const wait = (fn, what) => until(fn, what, 20000, 200);

const runs = () => Number(sqlValue(`SELECT COUNT(*) FROM import_runs WHERE tenant_id = ${sid}`));

before(async () => {
  // Not on the real date: there a school with an old active year is overdue
  // and the day's activation scan might start its import first.  At 01:00,
  // before sync.hour: the day's sync scan (which runs again when its marker
  // is gone, after 40-worker restarts Redis) cannot take the school's sync
  // of the day before the first test has made its changes.
  s = await importedSchool('Synchroon', '01:00');
  sid = s.id;
  s.admin = await login(s.host, s.email, s.password);
});

after(() => {
  restoreClock();
});

test('the sync applies changes to linked pupils, keeps leavers and archived pupils as they are', async () => {
  sql(`UPDATE students SET roepnaam = 'Verkeerd' WHERE tenant_id = ${sid} AND las_key = 'LL10101'`);
  sql(`UPDATE students SET status = 'deactivated', deactivated_at = NOW() WHERE tenant_id = ${sid} AND las_key = 'LL10102'`);
  sql(`INSERT INTO students (tenant_id, achternaam, roepnaam, source) VALUES (${sid}, 'Handmatig', 'Henk', 'manual')`);
  // Counted before the clock passes sync.hour: the day's scan may run the
  // sync first; the marker per school and day makes it one run.
  const before = runs();
  await setClockAt('2023-09-01T03:00');
  assert.match(tcctl(['task', 'run', 'sync', '--tenant', s.slug]), /1 job/);
  await wait(() => runs() === before + 1, 'the sync to be applied');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM import_runs WHERE tenant_id = ${sid} AND kind = 'sync'`), '1');
  const run = JSON.parse(sqlValue(`SELECT result FROM import_runs WHERE tenant_id = ${sid} AND kind = 'sync'`));
  assert.equal(run.students_new, 0);
  assert.equal(run.leavers_archived, 0);
  assert.equal(run.leaver.keep, 1, 'the hand-entered pupil is listed, not archived');
  assert.equal(sqlValue(`SELECT roepnaam FROM students WHERE tenant_id = ${sid} AND las_key = 'LL10101'`), 'Noor');
  assert.equal(sqlValue(`SELECT status FROM students WHERE tenant_id = ${sid} AND las_key = 'LL10102'`), 'deactivated');
  assert.equal(sqlValue(`SELECT status FROM students WHERE tenant_id = ${sid} AND achternaam = 'Handmatig'`), 'active');
  // The pupil list's totals (kept by triggers, sql/004) follow the SQL above and the sync.
  for (const status of ['active', 'deactivated']) {
    assert.equal((await s.admin.get(`/api/students?limit=1&status=${status}`)).json.total,
      Number(sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${sid} AND status = '${status}'`)), status);
  }
  assert.equal((await s.admin.get('/api/imports/current')).json.import, null, 'nothing left in review');
  // Once per school per day: a second run the same day does nothing.
  tcctl(['task', 'run', 'sync', '--tenant', s.slug]);
  await sleep(2500);
  assert.equal(runs(), before + 1);
});

test('a sync that would change more than 10% of the pupils waits for approval', async () => {
  sql(`UPDATE students SET roepnaam = CONCAT('X', roepnaam) WHERE tenant_id = ${sid} AND source = 'las' AND id % 3 = 0`);
  const changed = sql(`SELECT id, roepnaam FROM students WHERE tenant_id = ${sid} ORDER BY id`);
  await setClockAt('2023-09-02T03:00');
  const before = runs();
  tcctl(['task', 'run', 'sync', '--tenant', s.slug]);
  const last = await wait(async () => {
    const l = (await s.admin.get('/api/sync')).json.last;
    return l && l.status === 'held' ? l : null;
  }, 'the sync held');
  // Its review keeps the counts of its choices under its version, before
  // any GET of the import (which would count and keep them).
  const [counts, countsVersion, reviewVersion] = redis(['HMGET', `tc:{${sid}}:import:${last.import_id}`,
    'counts', 'counts_version', 'review_version']).split('\n');
  assert.equal(countsVersion, reviewVersion);
  const leaver = JSON.parse(counts).counts.leaver;	// the sync keeps every leaver
  assert.ok(leaver.archive === 0 && leaver.keep >= 1, counts);
  const imp = await wait(async () => {
    // A sync passes through review on its way to applied: wait for the hold.
    const cur = (await s.admin.get('/api/imports/current')).json.import;
    return cur && cur.status === 'review' && cur.error ? cur : null;
  }, 'the held sync');
  assert.equal(imp.kind, 'sync');
  assert.equal(imp.error.code, 'sync_held');
  assert.match(imp.error.message, /wacht op uw goedkeuring/);
  const held = (await s.admin.get('/api/sync')).json.last;
  assert.equal(held.status, 'held');
  assert.equal(held.import_id, imp.id);
  assert.equal(runs(), before);
  assert.deepEqual(sql(`SELECT id, roepnaam FROM students WHERE tenant_id = ${sid} ORDER BY id`), changed);
  // The administrator approves it.
  const res = await s.admin.post(`/api/imports/${imp.id}/apply`);
  assert.ok([200, 202].includes(res.status), res.text);
  await wait(() => runs() === before + 1, 'the approved sync');
  assert.equal((await s.admin.get('/api/sync')).json.last.status, 'decided');
  assert.equal(Number(sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${sid} AND roepnaam LIKE 'X%'`)), 0);
});

test("the sync's points for the administrator: leavers, archived pupils, look-alikes (GET /api/sync)", async () => {
  // A pupil that came from the LAS and is no longer in it.
  sql(`INSERT INTO students (tenant_id, las_key, achternaam, roepnaam, source) VALUES (${sid}, 'LLWEG', 'Weg', 'Wanda', 'las')`);
  const weg = sqlValue(`SELECT id FROM students WHERE tenant_id = ${sid} AND las_key = 'LLWEG'`);
  // A pupil of the LAS that we only know as entered by hand.
  const [lasId, achternaam, roepnaam, voorvoegsel] = sql(`SELECT id, achternaam, roepnaam, voorvoegsel FROM students
    WHERE tenant_id = ${sid} AND las_key = 'LL10104'`)[0];
  sql(`DELETE FROM group_members WHERE tenant_id = ${sid} AND student_id = ${lasId}; ` +
    `DELETE FROM test_administrations WHERE tenant_id = ${sid} AND student_id = ${lasId}; ` +
    `DELETE FROM students WHERE tenant_id = ${sid} AND id = ${lasId}`);
  sql(`INSERT INTO students (tenant_id, achternaam, roepnaam, source) VALUES (${sid}, '${achternaam}', '${roepnaam}', 'manual')`);
  const lookalike = sqlValue(`SELECT id FROM students WHERE tenant_id = ${sid} AND achternaam = '${achternaam}'
    AND roepnaam = '${roepnaam}' AND source = 'manual'`);
  const archived = sqlValue(`SELECT id FROM students WHERE tenant_id = ${sid} AND las_key = 'LL10102'`);

  // Counted before the clock moves: the day's scan (03:00 is past sync.hour)
  // may run the sync first; the marker per school and day makes it one run.
  const before = runs();
  await setClockAt('2023-09-03T03:00');
  tcctl(['task', 'run', 'sync', '--tenant', s.slug]);
  await wait(() => runs() === before + 1, 'the sync of 3 September');
  const res = await s.admin.get('/api/sync');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.enabled, true);
  const last = res.json.last;
  assert.equal(last.date, '2023-09-03');
  assert.equal(last.status, 'applied');
  assert.deepEqual(last.leavers, [{ id: Number(weg), name: 'Wanda Weg' }], 'hand-entered pupils are no leavers');
  assert.deepEqual(last.archived.map((p) => p.id), [Number(archived)]);
  assert.equal(last.lookalikes.length, 1);
  const name = [roepnaam, voorvoegsel === 'NULL' ? null : voorvoegsel, achternaam].filter(Boolean).join(' ');
  assert.equal(last.lookalikes[0].name, name);
  assert.deepEqual(last.lookalikes[0].candidates, [{ id: Number(lookalike), name: `${roepnaam} ${achternaam}` }]);
  assert.equal(sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${sid} AND las_key = 'LL10104'`), '0', 'not imported');
  assert.equal(sqlValue(`SELECT status FROM students WHERE id = ${weg}`), 'active', 'kept');

  // Read against the pupils as they are now: the administrator deactivates
  // the leaver, and it drops off.
  let r = await s.admin.post('/api/students/deactivate', { ids: [Number(weg)] });
  assert.equal(r.status, 200, r.text);
  let now = (await s.admin.get('/api/sync')).json.last;
  assert.deepEqual(now.leavers, []);
  assert.deepEqual(now.archived.map((p) => p.id), [Number(archived)]);
  // "Negeren": an id not on the lists (any more) changes nothing ...
  const audits = () => Number(sqlValue(`SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${sid} AND action = 'sync_points_dismiss'`));
  r = await s.admin.post('/api/sync/dismiss', { ids: [Number(archived), Number(weg)] });
  assert.equal(r.status, 404, r.text);
  assert.deepEqual(r.json.error.ids, [Number(weg)]);
  assert.equal((await s.admin.post('/api/sync/dismiss', { ids: ['x'] })).status, 400);
  assert.equal((await s.admin.get('/api/sync')).json.last.archived.length, 1);
  assert.equal(audits(), 0);
  // ... and the archived pupil stays off for good, also after the next sync.
  r = await s.admin.post('/api/sync/dismiss', { ids: [Number(archived)] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { dismissed: 1 });
  assert.equal(audits(), 1);
  now = (await s.admin.get('/api/sync')).json.last;
  assert.deepEqual(now.archived, []);
  assert.equal(now.lookalikes.length, 1);
  const before4 = runs();
  await setClockAt('2023-09-04T03:00');
  tcctl(['task', 'run', 'sync', '--tenant', s.slug]);
  await wait(() => runs() === before4 + 1, 'the sync of 4 September');
  now = (await s.admin.get('/api/sync')).json.last;
  assert.equal(now.date, '2023-09-04');
  assert.deepEqual(now.archived, [], 'dismissed stays dismissed');
  assert.equal(sqlValue(`SELECT status FROM students WHERE id = ${archived}`), 'deactivated');

  // A school without a LAS link has no sync and no points.
  const other = addSchool({ name: 'Zonder LAS' });
  const o = await login(other.host, other.email, other.password);
  assert.deepEqual((await o.get('/api/sync')).json, { enabled: false, last: null });
});

test("a sync whose job failed while applying is finished by the day's next run, not left to block the school", async () => {
  // 5 September: a sync that waits for approval ...
  // (Pupils the sync changes: active, and still in the LAS.)
  const names = () => sql(`SELECT id, roepnaam FROM students WHERE tenant_id = ${sid} ORDER BY id`);
  const original = names();
  sql(`UPDATE students SET roepnaam = CONCAT('Y', roepnaam) WHERE tenant_id = ${sid} AND source = 'las'
    AND status = 'active' AND las_key <> 'LLWEG' AND id % 3 = 1`);
  const before = runs();
  await setClockAt('2023-09-05T03:00');
  tcctl(['task', 'run', 'sync', '--tenant', s.slug]);
  const imp = await wait(async () => {
    const cur = (await s.admin.get('/api/imports/current')).json.import;
    return cur && cur.status === 'review' && cur.error ? cur : null;
  }, 'the held sync of 5 September');
  // ... that a job moved to applying and then lost (MariaDB or Redis away
  // after the move): the state such a job leaves behind.
  redis(['HSET', `tc:{${sid}}:import:${imp.id}`, 'status', 'applying']);
  // The day's sync has run (its marker is set); the next run finishes it.
  tcctl(['task', 'run', 'sync', '--tenant', s.slug]);
  await wait(() => runs() === before + 1, 'the sync left applying to be finished');
  assert.equal((await s.admin.get(`/api/imports/${imp.id}`)).json.status, 'applied');
  assert.equal((await s.admin.get('/api/imports/current')).json.import, null);
  assert.deepEqual(names(), original, "the LAS's names are back");
});
