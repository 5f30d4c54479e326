// tests/api/12-teachers.test.mjs - teachers: linked to groups, they see only
// their own groups and those groups' pupils, read-only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { login } from './lib.mjs';
import { newSchool, rosterClock, restoreClock, addUser, mkStudent, mkGroup, snapshot, assertError } from './roster.mjs';

let a;
let b;
let juf;		// teacher of school A, linked to group mine
let jufSession;
let mine;
let other;
let pMine;
let pOther;

// In school year 2025-2026 (newSchool), whatever today is.
before(rosterClock);
after(restoreClock);

before(async () => {
  a = await newSchool('Leerkrachten A');
  b = await newSchool('Leerkrachten B');
  juf = addUser(a, 'teacher', 'Juf Anna');
  mine = await mkGroup(a.admin, { name: 'Groep 4 juf Anna' });
  other = await mkGroup(a.admin, { name: 'Groep 6 meester Ed' });
  pMine = await mkStudent(a.admin, { achternaam: 'Mijn', roepnaam: 'Eline' });
  pOther = await mkStudent(a.admin, { achternaam: 'Ander', roepnaam: 'Ruben' });
  await a.admin.post(`/api/groups/${mine.id}/students`, { ids: [pMine.id] });
  await a.admin.post(`/api/groups/${other.id}/students`, { ids: [pOther.id] });
  const res = await a.admin.post(`/api/groups/${mine.id}/teachers`, { ids: [juf.id] });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.changed, 1);
  jufSession = await login(a.host, juf.email, juf.password);
});

test('GET /api/teachers lists the school\'s teachers with their groups', async () => {
  const res = await a.admin.get('/api/teachers');
  assert.equal(res.status, 200, res.text);
  const t = res.json.items.find((x) => x.id === juf.id);
  assert.ok(t, res.text);
  assert.equal(t.name, 'Juf Anna');
  assert.equal(t.status, 'active');
  assert.deepEqual(t.groups.map((g) => g.id), [mine.id]);
  assert.equal(t.groups[0].school_year, '2025-2026');
  assert.ok(res.json.items.every((x) => x.email !== a.email), 'administrators are no teachers');
  const group = await a.admin.get(`/api/groups/${mine.id}`);
  assert.deepEqual(group.json.teachers, [{ id: juf.id, name: 'Juf Anna' }]);
  const bt = addUser(b, 'teacher', 'Meester B');
  const resB = await b.admin.get('/api/teachers');
  assert.ok(resB.json.items.some((x) => x.id === bt.id));
  assert.ok(resB.json.items.every((x) => x.id !== juf.id));
});

test('linking refuses users that are not teachers of this school', async () => {
  const bt = addUser(b, 'teacher');
  const before_ = snapshot(a.id);
  const adminId = a.admin.user.id;
  let res = await a.admin.post(`/api/groups/${other.id}/teachers`, { ids: [bt.id] });
  assertError(res, 404, 'not_found');
  assert.deepEqual(res.json.error.ids, [bt.id]);
  res = await a.admin.post(`/api/groups/${other.id}/teachers`, { ids: [adminId] });
  assertError(res, 404, 'not_found');
  assert.equal(snapshot(a.id), before_);
});

test('a teacher sees only its own groups and their pupils', async () => {
  let res = await jufSession.get('/api/groups');
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json.items.map((g) => g.id), [mine.id]);
  assertError(await jufSession.get(`/api/groups/${other.id}`), 404, 'not_found');
  res = await jufSession.get(`/api/groups/${mine.id}`);
  assert.equal(res.status, 200, res.text);
  res = await jufSession.get('/api/students?limit=200');
  assert.deepEqual(res.json.items.map((s) => s.id), [pMine.id]);
  assert.equal(res.json.total, 1);
  assert.ok(!res.text.includes('Ruben'));
  res = await jufSession.get(`/api/students?group=${other.id}`);
  assertError(res, 404, 'not_found');
  res = await jufSession.get(`/api/students?q=Ruben`);
  assert.equal(res.json.total, 0);
  assertError(await jufSession.get(`/api/students/${pOther.id}`), 404, 'not_found');
  res = await jufSession.get(`/api/students/${pMine.id}`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.roepnaam, 'Eline');
  res = await jufSession.get('/api/tests');
  assert.equal(res.status, 200);
});

test('a teacher changes nothing: every change is 403', async () => {
  const before_ = snapshot(a.id);
  const calls = [
    ['POST', '/api/students', { achternaam: 'X', roepnaam: 'Y' }],
    ['PATCH', `/api/students/${pMine.id}`, { roepnaam: 'Z' }],
    ['POST', '/api/students/deactivate', { ids: [pMine.id] }],
    ['POST', '/api/students/reactivate', { ids: [pMine.id] }],
    ['POST', '/api/students/delete', { ids: [pMine.id], confirm: true }],
    ['POST', `/api/students/${pMine.id}/test-administrations`, { test: 'DMT', date: '2026-01-01', score: 10 }],
    ['POST', '/api/groups', { name: 'Eigen groep' }],
    ['PATCH', `/api/groups/${mine.id}`, { name: 'Hernoemd' }],
    ['POST', `/api/groups/${mine.id}/students`, { ids: [pOther.id] }],
    ['POST', `/api/groups/${mine.id}/students/remove`, { ids: [pMine.id] }],
    ['POST', `/api/groups/${other.id}/teachers`, { ids: [juf.id] }],
    ['POST', `/api/groups/${mine.id}/teachers/remove`, { ids: [juf.id] }],
    ['POST', '/api/groups/deactivate', { ids: [mine.id] }],
    ['POST', '/api/groups/reactivate', { ids: [mine.id] }],
    ['POST', '/api/groups/delete', { ids: [mine.id], confirm: true }],
  ];
  for (const [method, path, body] of calls) {
    const res = await jufSession.request(method, path, { body });
    assertError(res, 403, 'forbidden');
  }
  assertError(await jufSession.get('/api/teachers'), 403, 'forbidden');
  assertError(await jufSession.get('/api/audit'), 403, 'forbidden');
  assert.equal(snapshot(a.id), before_);
});

test('unlinking a teacher takes the group out of its sight', async () => {
  const g = await mkGroup(a.admin, { name: 'Tijdelijk' });
  await a.admin.post(`/api/groups/${g.id}/teachers`, { ids: [juf.id] });
  let res = await jufSession.get(`/api/groups/${g.id}`);
  assert.equal(res.status, 200, res.text);
  res = await a.admin.post(`/api/groups/${g.id}/teachers/remove`, { ids: [juf.id] });
  assert.equal(res.json.changed, 1);
  assertError(await jufSession.get(`/api/groups/${g.id}`), 404, 'not_found');
});
