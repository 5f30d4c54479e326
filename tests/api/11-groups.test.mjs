// tests/api/11-groups.test.mjs - groups: create, rename, pupils in and out,
// archive (deactiveren), reactivate, delete for good; results stay with pupils.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, sqlValue } from './lib.mjs';
import { newSchool, rosterClock, restoreClock, mkStudent, mkGroup, snapshot, assertError } from './roster.mjs';

let a;
let b;

// In school year 2025-2026 (newSchool), whatever today is.
before(rosterClock);
after(restoreClock);

before(async () => {
  a = await newSchool('Groepen A');
  b = await newSchool('Groepen B');
});

test('a group is created in the active school year, or in the year given', async () => {
  let res = await a.admin.post('/api/groups', { name: ' Groep  7a ', jaargroep: '7' });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.name, 'Groep 7a');
  assert.equal(res.json.kind, 'stamgroep');
  assert.equal(res.json.school_year, '2025-2026');
  assert.equal(res.json.jaargroep, '7');
  assert.equal(res.json.status, 'active');
  assert.equal(res.json.student_count, 0);
  assert.deepEqual(res.json.teachers, []);
  res = await a.admin.post('/api/groups', { name: 'Plusklas rekenen', kind: 'samengesteld', school_year: '2026-2027' });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.kind, 'samengesteld');
  assert.equal(res.json.school_year, '2026-2027');
  // The new year is known to the school but not active.
  assert.deepEqual(sql(`SELECT year_start, IFNULL(active, 0) FROM school_years WHERE tenant_id = ${a.id} ORDER BY year_start`),
    [['2025', '1'], ['2026', '0']]);
});

test('bad group fields are 400 with the field; a taken name is 409; nothing changes', async () => {
  await mkGroup(a.admin, { name: 'Groep 3b' });
  const before_ = snapshot(a.id);
  assertError(await a.admin.post('/api/groups', {}), 400, 'invalid', 'name');
  assertError(await a.admin.post('/api/groups', { name: '   ' }), 400, 'invalid', 'name');
  assertError(await a.admin.post('/api/groups', { name: 'G'.repeat(201) }), 400, 'invalid', 'name');
  assertError(await a.admin.post('/api/groups', { name: '<script>' }), 400, 'invalid', 'name');
  assertError(await a.admin.post('/api/groups', { name: 'X', kind: 'cluster' }), 400, 'invalid', 'kind');
  assertError(await a.admin.post('/api/groups', { name: 'X', jaargroep: '12' }), 400, 'invalid', 'jaargroep');
  assertError(await a.admin.post('/api/groups', { name: 'X', school_year: '2025/2026' }), 400, 'invalid', 'school_year');
  assertError(await a.admin.post('/api/groups', { name: 'X', status: 'active' }), 400, 'unknown_field', 'status');
  assertError(await a.admin.post('/api/groups', { name: 'groep 3B' }), 409, 'name_taken', 'name');
  assert.equal(snapshot(a.id), before_);
});

test('the list filters by status and school year, counts pupils, pages with a total', async () => {
  const g = await mkGroup(a.admin, { name: 'Telgroep' });
  const p1 = await mkStudent(a.admin);
  const p2 = await mkStudent(a.admin);
  await a.admin.post(`/api/groups/${g.id}/students`, { ids: [p1.id, p2.id] });
  let res = await a.admin.get('/api/groups');
  assert.equal(res.status, 200, res.text);
  const item = res.json.items.find((x) => x.id === g.id);
  assert.equal(item.student_count, 2);
  assert.ok(res.json.items.every((x) => x.school_year === '2025-2026' && x.status === 'active'));
  assert.equal(res.json.total, res.json.items.length);
  res = await a.admin.get('/api/groups?school_year=2026-2027');
  assert.ok(res.json.items.every((x) => x.school_year === '2026-2027'));
  res = await a.admin.get('/api/groups?school_year=all&limit=1');
  assert.equal(res.json.items.length, 1);
  assert.ok(res.json.total >= 3);
  assertError(await a.admin.get('/api/groups?status=old'), 400, 'invalid', 'status');
  assertError(await a.admin.get('/api/groups?school_year=2025'), 400, 'invalid', 'school_year');
  assertError(await a.admin.get('/api/groups?sort=name,id'), 400, 'invalid', 'sort');
  // Only this school's groups.
  const bg = await mkGroup(b.admin, { name: 'Van school B' });
  res = await a.admin.get('/api/groups?school_year=all&status=all&limit=200');
  assert.ok(res.json.items.every((x) => x.id !== bg.id));
});

test('the list searches group names (q): accents and case ignored, % literal, paged', async () => {
  const tag = `Zoekgroep${Date.now() % 100000}`;
  const made = [];
  for (const n of ['Één', 'twee', 'drie 100%']) made.push(await mkGroup(a.admin, { name: `${tag} ${n}` }));
  let res = await a.admin.get(`/api/groups?q=${encodeURIComponent(tag.toLowerCase())}&limit=2`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.total, 3);
  assert.equal(res.json.items.length, 2);
  res = await a.admin.get(`/api/groups?q=${encodeURIComponent(tag)}&limit=2&offset=2`);
  assert.equal(res.json.items.length, 1);
  res = await a.admin.get(`/api/groups?q=${encodeURIComponent(`${tag} een`)}`);
  assert.deepEqual(res.json.items.map((g) => g.id), [made[0].id]);
  res = await a.admin.get(`/api/groups?q=${encodeURIComponent('0%')}&school_year=all&status=all&limit=200`);
  assert.ok(res.json.items.some((g) => g.id === made[2].id));
  assert.ok(res.json.items.every((g) => g.name.includes('0%')), res.text);
  res = await a.admin.get(`/api/groups?q=${encodeURIComponent(`${tag}_`)}`);
  assert.equal(res.json.total, 0);
  res = await a.admin.get(`/api/groups?q=${encodeURIComponent(tag)}&status=deactivated`);
  assert.equal(res.json.total, 0);
  assertError(await a.admin.get(`/api/groups?q=${'x'.repeat(101)}`), 400, 'invalid', 'q');
  assertError(await a.admin.get('/api/groups?q=%01'), 400, 'invalid', 'q');
  // Another school's groups are never found.
  res = await b.admin.get(`/api/groups?q=${encodeURIComponent(tag)}&school_year=all&status=all`);
  assert.equal(res.json.total, 0);
});

test('rename and change kind; 404 for another school\'s group', async () => {
  const g = await mkGroup(a.admin);
  const res = await a.admin.patch(`/api/groups/${g.id}`, { name: 'Groep 8 (nieuw)', kind: 'samengesteld' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.name, 'Groep 8 (nieuw)');
  assert.equal(res.json.kind, 'samengesteld');
  const bg = await mkGroup(b.admin);
  const before_ = snapshot(b.id);
  assertError(await a.admin.patch(`/api/groups/${bg.id}`, { name: 'Overgenomen' }), 404, 'not_found');
  assertError(await a.admin.get(`/api/groups/${bg.id}`), 404, 'not_found');
  assert.equal(snapshot(b.id), before_);
});

test('pupils in and out: unknown and archived pupils are refused, naming them, and nothing changes', async () => {
  const g = await mkGroup(a.admin);
  const p = await mkStudent(a.admin);
  const old = await mkStudent(a.admin);
  await a.admin.post('/api/students/deactivate', { ids: [old.id] });
  const bp = await mkStudent(b.admin);
  const before_ = snapshot(a.id);
  let res = await a.admin.post(`/api/groups/${g.id}/students`, { ids: [p.id, old.id] });
  assertError(res, 409, 'student_deactivated');
  assert.deepEqual(res.json.error.ids, [old.id]);
  res = await a.admin.post(`/api/groups/${g.id}/students`, { ids: [p.id, bp.id] });
  assertError(res, 404, 'not_found');
  assert.deepEqual(res.json.error.ids, [bp.id]);
  assertError(await a.admin.post('/api/groups/999999999/students', { ids: [p.id] }), 404, 'not_found');
  assert.equal(snapshot(a.id), before_);
  res = await a.admin.post(`/api/groups/${g.id}/students`, { ids: [p.id] });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.changed, 1);
  res = await a.admin.post(`/api/groups/${g.id}/students`, { ids: [p.id] });
  assert.equal(res.json.changed, 0, 'a pupil already in the group is no error');
  res = await a.admin.post(`/api/groups/${g.id}/students/remove`, { ids: [p.id] });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.changed, 1);
  assert.equal(sqlValue(`SELECT COUNT(*) FROM group_members WHERE tenant_id = ${a.id} AND group_id = ${g.id}`), '0');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${a.id} AND id = ${p.id}`), '1');
});

test('an archived group takes no pupils, loses none, and cannot be renamed', async () => {
  const g = await mkGroup(a.admin);
  const p = await mkStudent(a.admin);
  const q = await mkStudent(a.admin);
  await a.admin.post(`/api/groups/${g.id}/students`, { ids: [p.id] });
  let res = await a.admin.post('/api/groups/deactivate', { ids: [g.id] });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.changed, 1);
  const before_ = snapshot(a.id);
  assertError(await a.admin.post(`/api/groups/${g.id}/students`, { ids: [q.id] }), 409, 'group_deactivated');
  assertError(await a.admin.post(`/api/groups/${g.id}/students/remove`, { ids: [p.id] }), 409, 'group_deactivated');
  assertError(await a.admin.patch(`/api/groups/${g.id}`, { name: 'Nieuw' }), 409, 'group_deactivated');
  assert.equal(snapshot(a.id), before_);
  res = await a.admin.get('/api/groups?status=deactivated');
  assert.ok(res.json.items.some((x) => x.id === g.id && x.deactivated_at));
  res = await a.admin.post('/api/groups/reactivate', { ids: [g.id] });
  assert.equal(res.json.changed, 1);
  res = await a.admin.post(`/api/groups/${g.id}/students`, { ids: [q.id] });
  assert.equal(res.status, 200, res.text);
});

test('archiving and deleting a group leaves its pupils and their results', async () => {
  const g = await mkGroup(a.admin);
  const p = await mkStudent(a.admin, { achternaam: 'Resultaat' });
  await a.admin.post(`/api/groups/${g.id}/students`, { ids: [p.id] });
  const t = await a.admin.post(`/api/students/${p.id}/test-administrations`, { test: 'BL-M', date: '2026-02-02', score: 61 });
  assert.equal(t.status, 201, t.text);
  await a.admin.post('/api/groups/deactivate', { ids: [g.id] });
  let one = await a.admin.get(`/api/students/${p.id}`);
  assert.equal(one.json.status, 'active');
  assert.equal(one.json.test_history.length, 1);
  assert.equal(sqlValue(`SELECT COUNT(*) FROM test_administrations WHERE tenant_id = ${a.id} AND student_id = ${p.id}`), '1');
  const res = await a.admin.post('/api/groups/delete', { ids: [g.id], confirm: true });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.deleted, 1);
  assert.equal(sqlValue(`SELECT COUNT(*) FROM school_groups WHERE id = ${g.id}`), '0');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM group_members WHERE group_id = ${g.id}`), '0');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${a.id} AND id = ${p.id}`), '1');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM test_administrations WHERE tenant_id = ${a.id} AND student_id = ${p.id}`), '1');
  one = await a.admin.get(`/api/students/${p.id}`);
  assert.equal(one.json.test_history.length, 1);
  assert.deepEqual(one.json.group_history, []);
});

test('deleting an active group is refused, naming it, and nothing is deleted', async () => {
  const active = await mkGroup(a.admin);
  const archived = await mkGroup(a.admin);
  await a.admin.post('/api/groups/deactivate', { ids: [archived.id] });
  const before_ = snapshot(a.id);
  let res = await a.admin.post('/api/groups/delete', { ids: [archived.id, active.id], confirm: true });
  assertError(res, 409, 'not_deactivated');
  assert.deepEqual(res.json.error.ids, [active.id]);
  const bg = await mkGroup(b.admin);
  await b.admin.post('/api/groups/deactivate', { ids: [bg.id] });
  const beforeB = snapshot(b.id);
  res = await a.admin.post('/api/groups/delete', { ids: [archived.id, bg.id], confirm: true });
  assertError(res, 404, 'not_found');
  assert.deepEqual(res.json.error.ids, [bg.id]);
  assertError(await a.admin.post('/api/groups/delete', { ids: [archived.id] }), 400, 'confirm_required');
  assertError(await a.admin.post('/api/groups/deactivate', { ids: [archived.id, bg.id] }), 404, 'not_found');
  assert.equal(snapshot(a.id), before_);
  assert.equal(snapshot(b.id), beforeB);
});

test('archiving every group of a school year in one call', async () => {
  const y = await newSchool('Jaarwissel');
  const g1 = await mkGroup(y.admin);
  const g2 = await mkGroup(y.admin);
  const next = await mkGroup(y.admin, { school_year: '2026-2027' });
  assertError(await y.admin.post('/api/groups/deactivate', { school_year: '2025' }), 400, 'invalid', 'school_year');
  assertError(await y.admin.post('/api/groups/deactivate', { school_year: '2025-2026', ids: [g1.id] }), 400, 'invalid', 'school_year');
  let res = await y.admin.post('/api/groups/deactivate', { school_year: '2025-2026' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.changed, 2);
  assert.deepEqual(sql(`SELECT id, status FROM school_groups WHERE tenant_id = ${y.id} ORDER BY id`),
    [[String(g1.id), 'deactivated'], [String(g2.id), 'deactivated'], [String(next.id), 'active']]);
  res = await y.admin.post('/api/groups/deactivate', { school_year: '2025-2026' });
  assert.equal(res.json.changed, 0);
  // Other schools' groups of that year are untouched.
  assert.ok(Number(sqlValue(`SELECT COUNT(*) FROM school_groups WHERE tenant_id = ${a.id} AND year_start = 2025 AND status = 'active'`)) > 0);
});
