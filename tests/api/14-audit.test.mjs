// tests/api/14-audit.test.mjs - every change leaves an audit entry with ids
// and counts (never names); GET /api/audit and `tcctl audit` read them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, tcctl, login } from './lib.mjs';
import { newSchool, rosterClock, restoreClock, addUser, mkStudent, mkGroup, assertError } from './roster.mjs';

let a;
let b;

// In school year 2025-2026 (newSchool), whatever today is.
before(rosterClock);
after(restoreClock);

before(async () => {
  a = await newSchool('Audit A');
  b = await newSchool('Audit B');
});

test('each change writes one entry: actor, action, object kind, ids, count', async () => {
  const p1 = await mkStudent(a.admin, { achternaam: 'Geheimnaam', roepnaam: 'Anaïs' });
  const p2 = await mkStudent(a.admin, { achternaam: 'Geheimnaam', roepnaam: 'Björn' });
  const g = await mkGroup(a.admin, { name: 'Auditgroep' });
  await a.admin.patch(`/api/students/${p1.id}`, { roepnaam: 'Anaïs Marie' });
  await a.admin.post(`/api/groups/${g.id}/students`, { ids: [p1.id, p2.id] });
  await a.admin.post(`/api/students/${p1.id}/test-administrations`, { test: 'DMT', date: '2026-01-10', score: 40 });
  await a.admin.post('/api/students/deactivate', { ids: [p1.id, p2.id] });
  await a.admin.post('/api/students/reactivate', { ids: [p2.id] });
  await a.admin.post('/api/students/delete', { ids: [p1.id], confirm: true });
  await a.admin.patch(`/api/groups/${g.id}`, { name: 'Auditgroep 2' });
  await a.admin.post('/api/groups/deactivate', { ids: [g.id] });
  await a.admin.post('/api/groups/reactivate', { ids: [g.id] });
  await a.admin.post('/api/groups/deactivate', { ids: [g.id] });
  await a.admin.post('/api/groups/delete', { ids: [g.id], confirm: true });
  const res = await a.admin.get('/api/audit?limit=200');
  assert.equal(res.status, 200, res.text);
  const by = (action) => res.json.items.filter((e) => e.action === action);
  const me = a.admin.user.id;
  const expect = [
    ['student_create', 'student', [p1.id], 1], ['student_update', 'student', [p1.id], 1],
    ['group_create', 'group', [g.id], 1], ['group_students_add', 'student', [p1.id, p2.id], 2],
    ['test_administration_add', 'student', [p1.id], 1], ['student_deactivate', 'student', [p1.id, p2.id], 2],
    ['student_reactivate', 'student', [p2.id], 1], ['student_delete', 'student', [p1.id], 1],
    ['group_update', 'group', [g.id], 1], ['group_reactivate', 'group', [g.id], 1],
    ['group_delete', 'group', [g.id], 1],
  ];
  for (const [action, kind, ids, count] of expect) {
    const e = by(action).find((x) => JSON.stringify(x.ids) === JSON.stringify(ids));
    assert.ok(e, `no ${action} entry for ${ids}: ${JSON.stringify(by(action))}`);
    assert.equal(e.object_kind, kind);
    assert.equal(e.count, count);
    assert.equal(e.actor_kind, 'user');
    assert.equal(e.actor_id, me);
    assert.match(e.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  }
  assert.equal(by('group_deactivate').length, 2);
  assert.ok(by('login').length >= 1, 'the login is audited');
  // Newest first, and no names anywhere in the entries.
  const times = res.json.items.map((e) => e.at);
  assert.deepEqual(times, [...times].sort().reverse());
  for (const name of ['Geheimnaam', 'Anaïs', 'Björn', 'Auditgroep']) assert.ok(!res.text.includes(name), name);
  const raw = JSON.stringify(sql(`SELECT * FROM audit_log WHERE tenant_id = ${a.id}`));
  for (const name of ['Geheimnaam', 'Anaïs', 'Björn', 'Auditgroep']) assert.ok(!raw.includes(name), name);
});

test('filters: action, from and to; bad values are 400', async () => {
  let res = await a.admin.get('/api/audit?action=student_create');
  assert.equal(res.status, 200, res.text);
  assert.ok(res.json.items.length > 0);
  assert.ok(res.json.items.every((e) => e.action === 'student_create'));
  assert.equal(res.json.total, res.json.items.length);
  res = await a.admin.get('/api/audit?from=2000-01-01&to=2000-12-31');
  assert.equal(res.json.total, 0);
  res = await a.admin.get(`/api/audit?from=2000-01-01&to=2099-12-31`);
  assert.ok(res.json.total > 0);
  res = await a.admin.get(`/api/audit?limit=2&offset=1`);
  assert.equal(res.json.items.length, 2);
  assertError(await a.admin.get('/api/audit?from=gisteren'), 400, 'invalid', 'from');
  assertError(await a.admin.get('/api/audit?to=2026-02-30'), 400, 'invalid', 'to');
  assertError(await a.admin.get("/api/audit?action=x'or'1"), 400, 'invalid', 'action');
});

test('each school sees only its own audit entries', async () => {
  await mkStudent(b.admin);
  const resA = await a.admin.get('/api/audit?limit=200');
  const resB = await b.admin.get('/api/audit?limit=200');
  const idsA = new Set(sql(`SELECT id FROM audit_log WHERE tenant_id = ${a.id}`).map((r) => Number(r[0])));
  assert.ok(resA.json.items.every((e) => idsA.has(e.id)));
  assert.ok(resB.json.items.every((e) => !idsA.has(e.id)));
});

test('a teacher may not read the audit log', async () => {
  const t = addUser(a, 'teacher');
  const s = await login(a.host, t.email, t.password);
  assertError(await s.get('/api/audit'), 403, 'forbidden');
});

test('tcctl audit prints the entries of one school', () => {
  const out = tcctl(['audit', '--tenant', a.slug, '--action', 'student_delete']);
  const lines = out.trim().split('\n');
  assert.match(lines[0], /ACTION/);
  assert.ok(lines.length >= 2, out);
  assert.ok(lines.slice(1).every((l) => l.includes('student_delete')), out);
  assert.ok(!out.includes('Geheimnaam'));
  const none = tcctl(['audit', '--tenant', a.slug, '--from', '2000-01-01', '--to', '2000-01-02']);
  assert.equal(none.trim().split('\n').length, 1);
  assert.throws(() => tcctl(['audit', '--tenant', a.slug, '--from', 'morgen']), /from/);
});
