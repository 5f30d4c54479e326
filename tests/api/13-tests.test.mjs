// tests/api/13-tests.test.mjs - the test catalogue and test administrations
// (toetsafnames): validated, refused for archived pupils, kept with groups'
// archiving, gone with the pupil.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sqlValue } from './lib.mjs';
import { newSchool, rosterClock, restoreClock, mkStudent, mkGroup, snapshot, assertError } from './roster.mjs';

let a;
let b;

// In school year 2025-2026 (newSchool), whatever today is.
before(rosterClock);
after(restoreClock);

before(async () => {
  a = await newSchool('Toetsen A');
  b = await newSchool('Toetsen B');
});

test('GET /api/tests answers the catalogue', async () => {
  const res = await a.admin.get('/api/tests');
  assert.equal(res.status, 200, res.text);
  const codes = res.json.items.map((t) => t.code);
  for (const c of ['REK-M', 'BL-M', 'SP-M', 'DMT']) assert.ok(codes.includes(c), c);
  const rek = res.json.items.find((t) => t.code === 'REK-M');
  assert.equal(rek.subject, 'Rekenen');
  assert.equal(rek.max_score, 120);
});

test('an administration is added, listed in the history, and audited', async () => {
  const p = await mkStudent(a.admin);
  const res = await a.admin.post(`/api/students/${p.id}/test-administrations`, { test: 'REK-M', date: '2026-01-15', score: 120, level: '1F' });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.test, 'REK-M');
  assert.equal(res.json.score, 120);
  const one = await a.admin.get(`/api/students/${p.id}`);
  assert.equal(one.json.test_history.length, 1);
  assert.equal(one.json.test_history[0].id, res.json.id);
  assert.equal(one.json.test_history[0].date, '2026-01-15');
  assert.equal(one.json.test_history[0].level, '1F');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${a.id} AND action = 'test_administration_add' AND object_ids = '${p.id}'`), '1');
});

test('bad administrations are 400 with the field and store nothing', async () => {
  const p = await mkStudent(a.admin);
  const before_ = snapshot(a.id);
  const url = `/api/students/${p.id}/test-administrations`;
  assertError(await a.admin.post(url, { test: 'NOPE', date: '2026-01-15', score: 1 }), 400, 'invalid', 'test');
  assertError(await a.admin.post(url, { test: 'rek-m', date: '2026-01-15', score: 1 }), 400, 'invalid', 'test');
  assertError(await a.admin.post(url, { test: 'REK-M', date: '2026-13-01', score: 1 }), 400, 'invalid', 'date');
  assertError(await a.admin.post(url, { test: 'REK-M', date: '2999-01-01', score: 1 }), 400, 'invalid', 'date');
  assertError(await a.admin.post(url, { test: 'REK-M', date: '2026-01-15', score: 121 }), 400, 'invalid', 'score');
  assertError(await a.admin.post(url, { test: 'REK-M', date: '2026-01-15', score: -1 }), 400, 'invalid', 'score');
  assertError(await a.admin.post(url, { test: 'REK-M', date: '2026-01-15', score: '7' }), 400, 'invalid', 'score');
  assertError(await a.admin.post(url, { test: 'REK-M', date: '2026-01-15', score: 7, level: 'veel te lang' }), 400, 'invalid', 'level');
  assertError(await a.admin.post(url, { test: 'REK-M', date: '2026-01-15', score: 7, remark: 'x' }), 400, 'unknown_field', 'remark');
  assertError(await a.admin.post('/api/students/999999999/test-administrations', { test: 'REK-M', date: '2026-01-15', score: 7 }), 404, 'not_found');
  assert.equal(snapshot(a.id), before_);
});

test('an archived pupil gets no new administration (409 student_deactivated)', async () => {
  const p = await mkStudent(a.admin);
  await a.admin.post('/api/students/deactivate', { ids: [p.id] });
  const before_ = snapshot(a.id);
  assertError(await a.admin.post(`/api/students/${p.id}/test-administrations`, { test: 'DMT', date: '2026-01-15', score: 40 }),
    409, 'student_deactivated');
  assert.equal(snapshot(a.id), before_);
});

test('another school\'s pupil is 404 and gets nothing', async () => {
  const bp = await mkStudent(b.admin);
  const before_ = snapshot(b.id);
  assertError(await a.admin.post(`/api/students/${bp.id}/test-administrations`, { test: 'DMT', date: '2026-01-15', score: 40 }),
    404, 'not_found');
  assert.equal(snapshot(b.id), before_);
});

test('results stay when the group is archived and deleted, and go with the pupil', async () => {
  const g = await mkGroup(a.admin);
  const p = await mkStudent(a.admin);
  await a.admin.post(`/api/groups/${g.id}/students`, { ids: [p.id] });
  for (const code of ['REK-M', 'BL-M']) {
    const r = await a.admin.post(`/api/students/${p.id}/test-administrations`, { test: code, date: '2025-10-01', score: 50 });
    assert.equal(r.status, 201, r.text);
  }
  await a.admin.post('/api/groups/deactivate', { ids: [g.id] });
  await a.admin.post('/api/groups/delete', { ids: [g.id], confirm: true });
  assert.equal(sqlValue(`SELECT COUNT(*) FROM test_administrations WHERE tenant_id = ${a.id} AND student_id = ${p.id}`), '2');
  await a.admin.post('/api/students/deactivate', { ids: [p.id] });
  const res = await a.admin.post('/api/students/delete', { ids: [p.id], confirm: true });
  assert.equal(res.status, 200, res.text);
  assert.equal(sqlValue(`SELECT COUNT(*) FROM test_administrations WHERE student_id = ${p.id}`), '0');
});
