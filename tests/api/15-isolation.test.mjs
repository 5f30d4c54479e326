// tests/api/15-isolation.test.mjs - every roster route, called with another
// school's ids, from another school's host, without a session and without a
// CSRF token, changes nothing and leaks nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { env, request } from './lib.mjs';
import { newSchool, rosterClock, restoreClock, addUser, mkStudent, mkGroup, snapshot, assertError } from './roster.mjs';

let a;
let b;
let B;		// school B's records: { p, old, g, gOld, teacher }
let A;		// school A's records, same shape
const SECRET = 'Geheimhouder';	// the names of school B's records
const OWN = 'Eigenaar';		// the names of school A's records

const routes = execFileSync(path.join(env.bin, 'tc-fcgi'), ['--routes'], { encoding: 'utf8' })
  .trim().split('\n').map((l) => l.split(' '));
// The roster's routes: every one of them must be in the table of calls below.
const rosterRoute = /^\/api\/(students|groups|teachers|tests|audit)(\/|$)/;

async function records(s, school, word) {
  const p = await mkStudent(s, { achternaam: word, roepnaam: 'Zoë' });
  const old = await mkStudent(s, { achternaam: word, roepnaam: 'Oud' });
  const g = await mkGroup(s, { name: `${word} groep` });
  const gOld = await mkGroup(s, { name: `${word} oud` });
  const teacher = addUser(school, 'teacher', `${word} leerkracht`);
  await s.post(`/api/groups/${g.id}/students`, { ids: [p.id] });
  await s.post(`/api/groups/${g.id}/teachers`, { ids: [teacher.id] });
  await s.post(`/api/students/${p.id}/test-administrations`, { test: 'REK-M', date: '2026-01-05', score: 70 });
  await s.post('/api/students/deactivate', { ids: [old.id] });
  await s.post('/api/groups/deactivate', { ids: [gOld.id] });
  return { p, old, g, gOld, teacher };
}

/** One call of each route with the ids of records r: [method, path, body]. */
function calls(r) {
  const table = {
    'GET /api/students': ['GET', `/api/students?group=${r.g.id}`],
    'POST /api/students': ['POST', '/api/students', { achternaam: 'Nieuw', roepnaam: 'Kind' }],
    'POST /api/students/deactivate': ['POST', '/api/students/deactivate', { ids: [r.p.id] }],
    'POST /api/students/reactivate': ['POST', '/api/students/reactivate', { ids: [r.old.id] }],
    'POST /api/students/delete': ['POST', '/api/students/delete', { ids: [r.old.id], confirm: true }],
    'GET /api/students/{id}': ['GET', `/api/students/${r.p.id}`],
    'PATCH /api/students/{id}': ['PATCH', `/api/students/${r.p.id}`, { roepnaam: 'Veranderd' }],
    'POST /api/students/{id}/test-administrations': ['POST', `/api/students/${r.p.id}/test-administrations`,
      { test: 'DMT', date: '2026-01-06', score: 5 }],
    'GET /api/tests': ['GET', '/api/tests'],
    'GET /api/groups': ['GET', '/api/groups?status=all&school_year=all'],
    'POST /api/groups': ['POST', '/api/groups', { name: 'Nieuwe groep' }],
    'POST /api/groups/deactivate': ['POST', '/api/groups/deactivate', { ids: [r.g.id] }],
    'POST /api/groups/reactivate': ['POST', '/api/groups/reactivate', { ids: [r.gOld.id] }],
    'POST /api/groups/delete': ['POST', '/api/groups/delete', { ids: [r.gOld.id], confirm: true }],
    'GET /api/groups/{id}': ['GET', `/api/groups/${r.g.id}`],
    'PATCH /api/groups/{id}': ['PATCH', `/api/groups/${r.g.id}`, { name: 'Veranderd' }],
    'POST /api/groups/{id}/students': ['POST', `/api/groups/${r.g.id}/students`, { ids: [r.p.id] }],
    'POST /api/groups/{id}/students/remove': ['POST', `/api/groups/${r.g.id}/students/remove`, { ids: [r.p.id] }],
    'POST /api/groups/{id}/teachers': ['POST', `/api/groups/${r.gOld.id}/teachers`, { ids: [r.teacher.id] }],
    'POST /api/groups/{id}/teachers/remove': ['POST', `/api/groups/${r.g.id}/teachers/remove`, { ids: [r.teacher.id] }],
    'GET /api/teachers': ['GET', '/api/teachers'],
    'GET /api/audit': ['GET', '/api/audit?limit=200'],
  };
  return table;
}

// In school year 2025-2026 (newSchool), whatever today is.
before(rosterClock);
after(restoreClock);

before(async () => {
  a = await newSchool('Isolatie A');
  b = await newSchool('Isolatie B');
  A = await records(a.admin, a, OWN);
  B = await records(b.admin, b, SECRET);
});

test('the isolation table covers every roster route of the routing table', () => {
  const table = calls(B);
  const missing = routes.filter(([, p]) => rosterRoute.test(p)).map(([m, p]) => `${m} ${p}`)
    .filter((k) => !(k in table));
  assert.deepEqual(missing, [], 'add the new route to 15-isolation.test.mjs');
});

test('school A\'s administrator with school B\'s ids: 404 or no trace of B, and B unchanged', async () => {
  const beforeB = snapshot(b.id);
  const table = calls(B);
  for (const [key, [method, p, body]] of Object.entries(table)) {
    const res = await a.admin.request(method, p, { body });
    assert.ok(!res.text.includes(SECRET), `${key} leaked school B: ${res.text.slice(0, 200)}`);
    const usesIds = /\{id\}/.test(key) || (body && body.ids) || p.includes('group=');
    if (usesIds) {
      assertError(res, 404, 'not_found');
      // The answer names only the ids asked for, never whether they exist elsewhere.
      assert.ok(!/deactivated|gedeactiveerd/i.test(res.json.error.code), key);
    }
  }
  assert.equal(snapshot(b.id), beforeB);
});

test('school A\'s session on school B\'s host is not logged in there, and B is unchanged', async () => {
  const beforeB = snapshot(b.id);
  for (const [key, [method, p, body]] of Object.entries(calls(B))) {
    const res = await request(method, p, { host: b.host, cookie: a.admin.cookie, csrf: a.admin.csrf, body });
    assertError(res, 401, 'not_logged_in');
    assert.ok(!res.text.includes(SECRET), key);
  }
  assert.equal(snapshot(b.id), beforeB);
});

test('without a session every roster route is 401 and changes nothing', async () => {
  const beforeA = snapshot(a.id);
  for (const [key, [method, p, body]] of Object.entries(calls(A))) {
    const res = await request(method, p, { host: a.host, body });
    assertError(res, 401, 'not_logged_in');
    assert.ok(!res.text.includes(OWN), key);
  }
  assert.equal(snapshot(a.id), beforeA);
});

test('without the CSRF token every change is 403 and changes nothing (with the school\'s own ids)', async () => {
  const beforeA = snapshot(a.id);
  for (const [key, [method, p, body]] of Object.entries(calls(A))) {
    if (method === 'GET') continue;
    for (const csrf of [undefined, 'f'.repeat(64), b.admin.csrf]) {
      const res = await request(method, p, { host: a.host, cookie: a.admin.cookie, csrf, body });
      assertError(res, 403, 'csrf');
      assert.ok(!res.text.includes(OWN), key);
    }
  }
  assert.equal(snapshot(a.id), beforeA);
});

test('an unknown host is 404 unknown_school on every roster route', async () => {
  for (const [, [method, p, body]] of Object.entries(calls(A))) {
    const res = await request(method, p, { host: 'geen-school.localhost', cookie: a.admin.cookie, csrf: a.admin.csrf, body });
    assertError(res, 404, 'unknown_school');
  }
});

test('the same calls with the school\'s own ids do work (the refusals above are real)', async () => {
  const t = calls(A);
  const ok = async (key, status = 200) => {
    const [method, p, body] = t[key];
    const res = await a.admin.request(method, p, { body });
    assert.equal(res.status, status, `${key}: ${res.text}`);
    return res;
  };
  const list = await ok('GET /api/students');
  assert.ok(list.json.items.some((s) => s.id === A.p.id));
  assert.ok(list.text.includes(OWN));
  assert.ok((await ok('GET /api/groups')).text.includes(OWN));
  assert.ok((await ok('GET /api/teachers')).text.includes(OWN));
  assert.equal((await ok('GET /api/students/{id}')).json.id, A.p.id);
  await ok('PATCH /api/students/{id}');
  await ok('POST /api/students/{id}/test-administrations', 201);
  await ok('POST /api/groups/{id}/students');
  await ok('POST /api/groups/{id}/teachers');
  await ok('POST /api/groups/reactivate');
  await ok('POST /api/students/reactivate');
});
