// tests/api/32-import-archived.test.mjs - archived pupils and groups in an
// import (issue 15, items 3 and 10).  The manual's introduction tells the
// school to archive the pupils who moved up: when the LAS lists such a pupil
// again for the new year, the review shows it under Bestaand marked as
// archived, the summary counts it, and the apply makes it active in its new
// group with its results (unless it is set to Niet importeren).  An archived
// group takes no members from an import or from the nightly sync.
// las-sim's fixture pair 99XP 2023-2024 → 2024-2025; the clock stays before
// 02:00 so that no nightly scan runs meanwhile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { login, tcctl, sql, sqlValue, repoRoot, restoreClock, sleep, setClockAt, importedSchool, reviewImport,
  applyImport } from './lib.mjs';

const expected = JSON.parse(readFileSync(path.join(repoRoot, 'tests/fixtures',
  'transition-99XP-2023-2024-to-2024-2025.json'), 'utf8'));
let s;
let sid;

const importYear = (year) => reviewImport(s.admin, year);
const apply = (id) => applyImport(s.admin, id);

const pupil = (key) => sqlValue(`SELECT id FROM students WHERE tenant_id = ${sid} AND las_key = '${key}'`);
const status = (id) => sqlValue(`SELECT status FROM students WHERE tenant_id = ${sid} AND id = ${id}`);
const groupsOf = (id, year) => Number(sqlValue(`SELECT COUNT(*) FROM group_members gm JOIN school_groups g
  ON g.tenant_id = gm.tenant_id AND g.id = gm.group_id WHERE gm.tenant_id = ${sid} AND gm.student_id = ${id}
  AND g.year_start = ${year}`));

before(async () => {
  s = await importedSchool('Gearchiveerd in de import', '01:00');
  sid = s.id;
  s.admin = await login(s.host, s.email, s.password);
});

after(() => {
  restoreClock();
});

// Two pupils who moved up, archived as the manual's introduction says.
const plain = expected.promoted.filter((k) => ![...expected.key_changed || [], ...expected.eckid_added || []]
  .some((x) => (typeof x === 'string' ? x : JSON.stringify(x)).includes(k)));
const [backKey, skipKey] = plain;
let back;
let skipped;
let trans;

test('an archived pupil the LAS lists again: Bestaand, marked archived, counted in the summary', async () => {
  back = pupil(backKey);
  skipped = pupil(skipKey);
  const testId = sqlValue("SELECT id FROM tests WHERE code = 'REK-M'");
  sql(`INSERT INTO test_administrations (tenant_id, student_id, test_id, taken_on, score) VALUES (${sid}, ${back}, ${testId}, '2024-01-20', 81)`);
  const res = await s.admin.post('/api/students/deactivate', { ids: [Number(back), Number(skipped)] });
  assert.equal(res.status, 200, res.text);
  await setClockAt('2024-08-15T01:00');
  trans = await importYear('2024-2025');
  const rec = await s.admin.get(`/api/imports/${trans.id}/records?kind=student&category=existing&limit=200`);
  assert.equal(rec.status, 200, rec.text);
  const archived = rec.json.items.filter((i) => i.archived);
  assert.deepEqual(archived.map((i) => i.key).sort(), [backKey, skipKey].sort());
  assert.deepEqual(archived.map((i) => i.link.id).sort(), [Number(back), Number(skipped)].sort());
  assert.ok(rec.json.items.filter((i) => !i.archived).length > 0, 'the others are not marked');
  let sum = (await s.admin.get(`/api/imports/${trans.id}/summary`)).json;
  assert.equal(sum.students_to_reactivate, 2);
  // Niet importeren: that one stays archived.
  const d = await s.admin.put(`/api/imports/${trans.id}/decisions`,
    { decisions: [{ kind: 'student', key: skipKey, category: 'skip' }] });
  assert.equal(d.status, 200, d.text);
  sum = (await s.admin.get(`/api/imports/${trans.id}/summary`)).json;
  assert.equal(sum.students_to_reactivate, 1);
});

test('applied: active again in the new group with its results; the skipped one stays archived', async () => {
  const results = sqlValue(`SELECT COUNT(*) FROM test_administrations WHERE tenant_id = ${sid} AND student_id = ${back}`);
  const done = await apply(trans.id);
  assert.equal(done.result.students_reactivated, 1);
  assert.equal(done.result.student.reactivated, 1);
  assert.equal(status(back), 'active');
  assert.equal(sqlValue(`SELECT deactivated_at FROM students WHERE id = ${back}`), 'NULL');
  assert.equal(groupsOf(back, 2024) >= 1, true, 'a member of its new group');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM test_administrations WHERE tenant_id = ${sid} AND student_id = ${back}`), results);
  assert.equal(status(skipped), 'deactivated');
  assert.equal(groupsOf(skipped, 2024), 0);
  assert.equal(sqlValue(`SELECT object_ids FROM audit_log WHERE tenant_id = ${sid} AND action = 'student_reactivate'`), back);
});

test('the nightly sync never reactivates an archived pupil', async () => {
  const runs = () => Number(sqlValue(`SELECT COUNT(*) FROM import_runs WHERE tenant_id = ${sid} AND kind = 'sync'`));
  const before = runs();
  tcctl(['task', 'run', 'sync', '--tenant', s.slug]);
  const end = Date.now() + 30000;
  while (runs() === before && Date.now() < end) await sleep(200);
  assert.equal(runs(), before + 1, 'the sync ran');
  assert.equal(status(skipped), 'deactivated');
});

test('an archived group takes no members from an import or a sync of its year', async () => {
  const [gid, gkey] = sql(`SELECT g.id, g.las_key FROM school_groups g WHERE g.tenant_id = ${sid} AND g.year_start = 2024
    AND g.kind = 'stamgroep' AND EXISTS (SELECT 1 FROM group_members m WHERE m.tenant_id = g.tenant_id AND m.group_id = g.id)
    ORDER BY g.id LIMIT 1`)[0];
  const members = () => Number(sqlValue(`SELECT COUNT(*) FROM group_members WHERE tenant_id = ${sid} AND group_id = ${gid}`));
  const other = sqlValue(`SELECT id FROM school_groups WHERE tenant_id = ${sid} AND year_start = 2024 AND kind = 'stamgroep'
    AND id <> ${gid} ORDER BY id LIMIT 1`);
  const res = await s.admin.post('/api/groups/deactivate', { ids: [Number(gid)] });
  assert.equal(res.status, 200, res.text);
  // Its pupils were moved elsewhere by hand; the LAS still lists them in it.
  sql(`INSERT IGNORE INTO group_members (tenant_id, group_id, student_id) SELECT tenant_id, ${other}, student_id
    FROM group_members WHERE tenant_id = ${sid} AND group_id = ${gid}; DELETE FROM group_members WHERE tenant_id = ${sid} AND group_id = ${gid}`);
  assert.equal(members(), 0);
  // The resync of the active year: the review marks the group archived.
  await setClockAt('2024-09-10T01:00');
  const re = await importYear('2024-2025');
  assert.equal(re.kind, 'resync');
  const g = (await s.admin.get(`/api/imports/${re.id}/records?kind=group&q=${encodeURIComponent(gkey)}`)).json.items
    .find((i) => i.key === gkey);
  assert.equal(g.category, 'existing');
  assert.equal(g.archived, true);
  await apply(re.id);
  assert.equal(members(), 0, 'no members from the import');
  assert.equal(sqlValue(`SELECT status FROM school_groups WHERE id = ${gid}`), 'deactivated');
  // The nightly sync of that year.
  const runs = () => Number(sqlValue(`SELECT COUNT(*) FROM import_runs WHERE tenant_id = ${sid} AND kind = 'sync'`));
  await setClockAt('2024-09-11T01:00');
  const before = runs();
  tcctl(['task', 'run', 'sync', '--tenant', s.slug]);
  const end = Date.now() + 30000;
  while (runs() === before && Date.now() < end) await sleep(200);
  assert.equal(runs(), before + 1, 'the sync ran');
  assert.equal(members(), 0, 'no members from the sync');
});
