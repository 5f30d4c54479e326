// tests/api/16-answer-cache.test.mjs - the cached list answers (issue 18,
// core/base/answercache.h) are exact: after every write route, and every
// other writer (the worker's import, tcctl), each list the portal shows is
// what MariaDB holds; a school never gets another school's cached answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { redis, tcctl, login, setClockAt, postImport, waitImport, importedSchool, schoolInYear, sqlValue, until } from './lib.mjs';
import { newSchool, rosterClock, restoreClock, addUser, mkStudent, mkGroup } from './roster.mjs';

// The lists the portal shows an administrator, each one cached.
const LISTS = ['/api/students', '/api/students?status=deactivated', '/api/groups',
  '/api/teachers', '/api/audit', '/api/students?limit=5&sort=-achternaam'];

const pageKey = (s) => `tc:{${s.id}}:answers:page`;

/** Every list of s, twice: the second answer is the cached one. */
async function lists(s) {
  const out = {};
  for (const l of LISTS) {
    const first = await s.admin.get(l);
    assert.equal(first.status, 200, `${l}: ${first.text}`);
    const again = await s.admin.get(l);
    assert.equal(again.text, first.text, `${l} answered twice differently without a write`);
    out[l] = first.text;
  }
  return out;
}

/** What MariaDB holds now: the lists after the cache of s was dropped. */
async function truth(s) {
  tcctl(['cache', 'drop', '--tenant', s.slug]);
  const out = {};
  for (const l of LISTS) out[l] = (await s.admin.get(l)).text;
  return out;
}

/**
 * Runs write (a step that changes s), then checks that every list answered
 * right after it equals the database's truth, and that the lists in changed
 * did change.  The lists are cached before the write.
 */
async function step(s, label, write, changed) {
  const before_ = await lists(s);
  assert.equal(redis(['HEXISTS', pageKey(s), '/api/students']), '1', `${label}: nothing was cached`);
  await write();
  const after_ = {};
  for (const l of LISTS) after_[l] = (await s.admin.get(l)).text;
  const now = await truth(s);
  for (const l of LISTS) assert.equal(after_[l], now[l], `${label}: ${l} is stale after the write`);
  for (const l of changed) assert.notEqual(after_[l], before_[l], `${label}: ${l} did not change`);
}

let a;
let b;

before(rosterClock);
after(restoreClock);

before(async () => {
  a = await newSchool('Cache A');
  b = await newSchool('Cache B');
});

test('a list is answered from the cache, and only under the current generation', async () => {
  await mkStudent(a.admin, { achternaam: 'Echt' });
  const real = (await a.admin.get('/api/students')).text;
  const gen = redis(['GET', `tc:{${a.id}}:answers:gen`]);
  assert.match(gen, /^[0-9]+$/);
  // A planted answer under the current generation is what is sent: the
  // page really comes from the cache (a cache never used would pass the
  // exactness steps below too).
  const planted = JSON.stringify({ items: [], total: 4242, limit: 200, offset: 0 });
  redis(['HSET', pageKey(a), '/api/students', `${gen}\n${planted}`]);
  assert.equal((await a.admin.get('/api/students')).json.total, 4242);
  // Under another generation it is not.
  redis(['HSET', pageKey(a), '/api/students', `${BigInt(gen) - 1n}\n${planted}`]);
  assert.equal((await a.admin.get('/api/students')).text, real);
  // A teacher's lists are never taken from the administrator's cache.
  const juf = addUser(a, 'teacher', 'Juf Cache');
  const jufSession = await login(a.host, juf.email, juf.password);
  redis(['HSET', pageKey(a), '/api/students', `${redis(['GET', `tc:{${a.id}}:answers:gen`])}\n${planted}`]);
  const teacher = await jufSession.get('/api/students');
  assert.equal(teacher.status, 200, teacher.text);
  assert.notEqual(teacher.json.total, 4242);
  tcctl(['cache', 'drop', '--tenant', a.slug]);
});

test('every pupil write route: the next answer of every list is exact', async () => {
  let p;
  let q;
  await step(a, 'POST /api/students', async () => {
    p = await mkStudent(a.admin, { achternaam: 'Nieuw', roepnaam: 'Noor' });
    q = await mkStudent(a.admin, { achternaam: 'Ook', roepnaam: 'Otto' });
  }, ['/api/students', '/api/audit']);
  await step(a, 'PATCH /api/students/{id}', async () => {
    const res = await a.admin.patch(`/api/students/${p.id}`, { roepnaam: 'Nora' });
    assert.equal(res.status, 200, res.text);
  }, ['/api/students']);
  await step(a, 'POST /api/students/deactivate', async () => {
    const res = await a.admin.post('/api/students/deactivate', { ids: [p.id] });
    assert.equal(res.status, 200, res.text);
  }, ['/api/students', '/api/students?status=deactivated', '/api/audit']);
  await step(a, 'POST /api/students/reactivate', async () => {
    const res = await a.admin.post('/api/students/reactivate', { ids: [p.id] });
    assert.equal(res.status, 200, res.text);
  }, ['/api/students', '/api/students?status=deactivated']);
  await step(a, 'POST /api/students/{id}/test-administrations', async () => {
    const res = await a.admin.post(`/api/students/${q.id}/test-administrations`,
      { test: 'REK-M', date: '2025-11-12', score: 80 });
    assert.equal(res.status, 201, res.text);
  }, ['/api/audit']);
  assert.equal((await a.admin.post('/api/students/deactivate', { ids: [q.id] })).status, 200);
  await step(a, 'POST /api/students/delete', async () => {
    const res = await a.admin.post('/api/students/delete', { ids: [q.id], confirm: true });
    assert.equal(res.status, 200, res.text);
  }, ['/api/students?status=deactivated', '/api/audit']);
});

test('every group write route: the next answer of every list is exact', async () => {
  const p = await mkStudent(a.admin, { achternaam: 'Groepslid' });
  const juf = addUser(a, 'teacher', 'Juf Groep');
  let g;
  await step(a, 'POST /api/groups', async () => { g = await mkGroup(a.admin); }, ['/api/groups']);
  await step(a, 'PATCH /api/groups/{id}', async () => {
    const res = await a.admin.patch(`/api/groups/${g.id}`, { name: `Hernoemd ${g.id}` });
    assert.equal(res.status, 200, res.text);
  }, ['/api/groups']);
  await step(a, 'POST /api/groups/{id}/students', async () => {
    const res = await a.admin.post(`/api/groups/${g.id}/students`, { ids: [p.id] });
    assert.equal(res.status, 200, res.text);
  }, ['/api/students', '/api/groups']);
  await step(a, 'POST /api/groups/{id}/teachers', async () => {
    const res = await a.admin.post(`/api/groups/${g.id}/teachers`, { ids: [juf.id] });
    assert.equal(res.status, 200, res.text);
  }, ['/api/teachers']);
  await step(a, 'POST /api/groups/{id}/teachers/remove', async () => {
    const res = await a.admin.post(`/api/groups/${g.id}/teachers/remove`, { ids: [juf.id] });
    assert.equal(res.status, 200, res.text);
  }, ['/api/teachers']);
  await step(a, 'POST /api/groups/{id}/students/remove', async () => {
    const res = await a.admin.post(`/api/groups/${g.id}/students/remove`, { ids: [p.id] });
    assert.equal(res.status, 200, res.text);
  }, ['/api/students']);
  await step(a, 'POST /api/groups/deactivate', async () => {
    const res = await a.admin.post('/api/groups/deactivate', { ids: [g.id] });
    assert.equal(res.status, 200, res.text);
  }, ['/api/audit']);
  await step(a, 'POST /api/groups/reactivate', async () => {
    const res = await a.admin.post('/api/groups/reactivate', { ids: [g.id] });
    assert.equal(res.status, 200, res.text);
  }, ['/api/audit']);
  assert.equal((await a.admin.post('/api/groups/deactivate', { ids: [g.id] })).status, 200);
  await step(a, 'POST /api/groups/delete', async () => {
    const res = await a.admin.post('/api/groups/delete', { ids: [g.id], confirm: true });
    assert.equal(res.status, 200, res.text);
  }, ['/api/audit']);
});

test('logins, tcctl and a refused write: exact, and a refusal keeps the cache', async () => {
  await step(a, 'POST /api/session', async () => { await login(a.host, a.email, a.password); }, ['/api/audit']);
  let juf;
  await step(a, 'tcctl user add', async () => { juf = addUser(a, 'teacher', 'Juf Tcctl'); }, ['/api/teachers']);
  await step(a, 'tcctl user disable', async () => {
    tcctl(['user', 'disable', '--tenant', a.slug, '--email', juf.email]);
  }, ['/api/audit']);
  // A refused write (4xx) changed nothing: the cached answers stay valid.
  await lists(a);
  const gen = redis(['GET', `tc:{${a.id}}:answers:gen`]);
  const bad = await a.admin.post('/api/students/deactivate', { ids: [999999999] });
  assert.equal(bad.status, 404, bad.text);
  assert.equal(redis(['GET', `tc:{${a.id}}:answers:gen`]), gen);
});

test("a school's writes leave another school's cache alone, and its answers stay its own", async () => {
  await mkStudent(b.admin, { achternaam: 'Van B' });
  const bLists = await lists(b);
  const bGen = redis(['GET', `tc:{${b.id}}:answers:gen`]);
  await mkStudent(a.admin, { achternaam: 'Van A' });
  await a.admin.post('/api/groups', { name: 'Alleen A' });
  assert.equal(redis(['GET', `tc:{${b.id}}:answers:gen`]), bGen, "A's writes marked B's cache stale");
  for (const l of LISTS) {
    const res = await b.admin.get(l);
    assert.equal(res.text, bLists[l], `B's ${l} changed by A's writes`);
    assert.ok(!res.text.includes('Van A') && !res.text.includes('Alleen A'), `B's ${l} shows A's data`);
  }
  // The same path at A's host gives A's answer, never B's cached one.
  const aStudents = await a.admin.get('/api/students');
  assert.ok(aStudents.text.includes('Van A'));
  assert.ok(!aStudents.text.includes('Van B'));
  // B's session cookie at A's host: not logged in, no cached answer.
  const cross = await b.admin.request('GET', '/api/students', { host: a.host });
  assert.equal(cross.status, 401, cross.text);
});

test('the import (portal and worker): the lists are exact once it is applied or cancelled', async () => {
  const s = await importedSchool('Cache import', '10:00', ['--sync', 'no']);
  s.admin = await login(s.host, s.email, s.password);
  await setClockAt('2023-09-02T10:00');
  let imp;
  await step(s, 'POST /api/imports', async () => {
    imp = await postImport(s.admin, '2023-2024');
    await waitImport(s.admin, imp.id, ['review']);
  }, ['/api/audit']);
  await step(s, 'DELETE /api/imports/{id}', async () => {
    const res = await s.admin.request('DELETE', `/api/imports/${imp.id}`);
    assert.ok([200, 204].includes(res.status), res.text);
  }, ['/api/audit']);
  imp = await postImport(s.admin, '2023-2024');
  await waitImport(s.admin, imp.id, ['review']);
  await step(s, 'POST /api/imports/{id}/apply (the worker)', async () => {
    const res = await s.admin.post(`/api/imports/${imp.id}/apply`);
    assert.ok([200, 202].includes(res.status), res.text);
    await waitImport(s.admin, imp.id, ['applied']);
  }, ['/api/audit']);
});

test("an import's review: cached, exact after each decision, never longer than the import lives", async () => {
  const s = await importedSchool('Cache review', '11:00', ['--sync', 'no']);
  s.admin = await login(s.host, s.email, s.password);
  await setClockAt('2023-09-02T11:00');
  const imp = await postImport(s.admin, '2023-2024');
  await waitImport(s.admin, imp.id, ['review']);
  const tab = `/api/imports/${imp.id}/records?kind=student&limit=200`;
  const stateKey = `tc:{${s.id}}:import:${imp.id}`;
  const first = await s.admin.get(tab);
  assert.equal(first.status, 200, first.text);
  assert.equal((await s.admin.get(tab)).text, first.text);
  assert.equal(redis(['HEXISTS', pageKey(s), tab]), '1', 'the review was not cached');
  // A decision (its route, and core/year/import.c) makes the next page exact.
  const pupil = first.json.items[0];
  const res = await s.admin.put(`/api/imports/${imp.id}/decisions`,
    { decisions: [{ kind: 'student', key: pupil.key, category: 'skip' }] });
  assert.equal(res.status, 200, res.text);
  const after_ = await s.admin.get(tab);
  assert.notEqual(after_.text, first.text, 'the decision is not in the next page');
  tcctl(['cache', 'drop', '--tenant', s.slug]);
  assert.equal((await s.admin.get(tab)).text, after_.text);
  // The cached review never outlives the import: its hash expires with it.
  tcctl(['cache', 'drop', '--tenant', s.slug]);
  redis(['EXPIRE', stateKey, '100']);
  assert.equal((await s.admin.get(tab)).status, 200);
  const pageTtl = Number(redis(['PTTL', pageKey(s)]));
  assert.ok(pageTtl > 0 && pageTtl <= 100000, `the cached review lives ${pageTtl} ms, the import 100 s`);
  // In its last seconds the import's review is not taken from the cache,
  // and once it is gone the answer says so.
  redis(['PEXPIRE', stateKey, '1500']);
  const gen = redis(['GET', `tc:{${s.id}}:answers:gen`]);
  redis(['HSET', pageKey(s), tab, `${gen}\n{"planted":true}`]);
  assert.ok(!(await s.admin.get(tab)).text.includes('planted'), 'a review in its last seconds came from the cache');
  await new Promise((ok) => setTimeout(ok, 1600));
  redis(['HSET', pageKey(s), tab, `${gen}\n{"planted":true}`]);
  const gone = await s.admin.get(tab);
  assert.ok(!gone.text.includes('planted'), 'an expired import was answered from the cache');
  assert.equal(gone.status, 404, gone.text);
});

test('the automatic activation (tc-worker): the lists follow the new active year at once', async () => {
  // 2 March 2026: the day's activation scan has run (its marker is set), so
  // a school created now, still in 2024-2025, is activated only when this
  // test asks for it.
  await setClockAt('2026-03-02T12:00');
  await until(() => redis(['EXISTS', 'tc:task-scan:activate:2026-03-02']) === '1', "the day's activation scan");
  const s = await schoolInYear('Cache activatie', 2024);
  await mkGroup(s.admin, { name: 'Groep van vorig jaar' });
  await step(s, 'auto_activate', async () => {
    assert.equal(sqlValue(`SELECT year_start FROM school_years WHERE tenant_id = ${s.id} AND active = 1`), '2024');
    const gen = redis(['GET', `tc:{${s.id}}:answers:gen`]);
    tcctl(['task', 'run', 'activate', '--tenant', s.slug]);
    // No one is told when a job is done: the worker's bump is what makes
    // the new year visible, so wait for both.
    await until(() => sqlValue(`SELECT year_start FROM school_years WHERE tenant_id = ${s.id} AND active = 1`) === '2025' &&
      redis(['GET', `tc:{${s.id}}:answers:gen`]) !== gen, 'the automatic activation and its bump', 15000);
  }, ['/api/groups', '/api/audit']);
});
