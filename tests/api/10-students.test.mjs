// tests/api/10-students.test.mjs - pupils: enter, change, list, search,
// archive (deactiveren), reactivate, delete for good (verwijderen).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, sqlValue, redis, tcctl } from './lib.mjs';
import { newSchool, rosterClock, restoreClock, mkStudent, mkGroup, insertStudents, snapshot, assertError } from './roster.mjs';

let a;
let b;

// In school year 2025-2026 (newSchool), whatever today is.
before(rosterClock);
after(restoreClock);

before(async () => {
  a = await newSchool('Leerlingen A');
  b = await newSchool('Leerlingen B');
});

test('a pupil entered by hand is stored normalized and answered whole', async () => {
  const res = await a.admin.post('/api/students', {
    achternaam: '  Vries ', voorvoegsel: 'de', roepnaam: 'Zoë   Anna', geboortedatum: '2017-03-04', jaargroep: 3,
  });
  assert.equal(res.status, 201, res.text);
  const p = res.json;
  assert.equal(p.achternaam, 'Vries');
  assert.equal(p.roepnaam, 'Zoë Anna');
  assert.equal(p.voorvoegsel, 'de');
  assert.equal(p.geboortedatum, '2017-03-04');
  assert.equal(p.jaargroep, '3');
  assert.equal(p.status, 'active');
  assert.equal(p.deactivated_at, null);
  assert.equal(p.from_las, false);
  assert.deepEqual(p.test_history, []);
  const row = sql(`SELECT achternaam, roepnaam, source FROM students WHERE tenant_id = ${a.id} AND id = ${p.id}`)[0];
  assert.deepEqual(row, ['Vries', 'Zoë Anna', 'manual']);
});

test('each bad field is a 400 naming the field, and nothing is stored', async () => {
  const before_ = snapshot(a.id);
  const cases = [
    [{ achternaam: 'Jansen' }, 'roepnaam'],
    [{ roepnaam: 'Daan' }, 'achternaam'],
    [{ achternaam: '', roepnaam: 'Daan' }, 'achternaam'],
    [{ achternaam: 'Jansen2', roepnaam: 'Daan' }, 'achternaam'],
    [{ achternaam: 'Jansen', roepnaam: 'Da\u0007an' }, 'roepnaam'],
    [{ achternaam: 'J'.repeat(201), roepnaam: 'Daan' }, 'achternaam'],
    [{ achternaam: 'Jansen', roepnaam: 'Daan', geboortedatum: '2017-02-30' }, 'geboortedatum'],
    [{ achternaam: 'Jansen', roepnaam: 'Daan', geboortedatum: '2999-01-01' }, 'geboortedatum'],
    [{ achternaam: 'Jansen', roepnaam: 'Daan', jaargroep: '9' }, 'jaargroep'],
    [{ achternaam: 'Jansen', roepnaam: 'Daan', jaargroep: 0 }, 'jaargroep'],
    [{ achternaam: 'Jansen', roepnaam: 42 }, 'roepnaam'],
    [{ achternaam: 'Jansen', roepnaam: 'Daan', voorvoegsel: '<b>' }, 'voorvoegsel'],
  ];
  for (const [body, field] of cases) {
    const res = await a.admin.post('/api/students', body);
    assertError(res, 400, 'invalid', field);
    assert.match(res.json.error.message, /[a-z]/);
  }
  const unknown = await a.admin.post('/api/students', { achternaam: 'Jansen', roepnaam: 'Daan', bsn: '123' });
  assertError(unknown, 400, 'unknown_field', 'bsn');
  assert.equal(snapshot(a.id), before_);
});

test('search matches any part of the name, accent-insensitively', async () => {
  const zoe = await mkStudent(a.admin, { achternaam: 'Bergsma', voorvoegsel: 'van', roepnaam: 'Zoë' });
  await mkStudent(a.admin, { achternaam: 'Pietersen', roepnaam: 'Karel' });
  for (const q of ['zoe', 'ZOË', 'van berg', 'gsm', 'Zoe van Bergsma']) {
    const res = await a.admin.get(`/api/students?q=${encodeURIComponent(q)}`);
    assert.equal(res.status, 200, res.text);
    assert.ok(res.json.items.some((s) => s.id === zoe.id), `q=${q} did not find Zoë`);
    assert.ok(res.json.items.every((s) => s.roepnaam !== 'Karel'), `q=${q} found Karel`);
  }
  // LIKE wildcards in the search text are literal.
  const pct = await a.admin.get('/api/students?q=%25');
  assert.equal(pct.status, 200);
  assert.equal(pct.json.total, 0);
});

test('the unfiltered total follows every writer, also SQL outside the API', async () => {
  const s = await newSchool('Totalen');
  const total = async (status) => {
    const res = await s.admin.get(`/api/students?limit=1${status ? `&status=${status}` : ''}`);
    assert.equal(res.status, 200, res.text);
    return res.json.total;
  };
  const counted = (status) => Number(sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${s.id} AND status = '${status}'`));
  const check = async (what) => {
    assert.equal(await total(), counted('active'), `active after ${what}`);
    assert.equal(await total('deactivated'), counted('deactivated'), `deactivated after ${what}`);
  };
  await check('nothing');
  const p = await mkStudent(s.admin);
  const q = await mkStudent(s.admin);
  await check('two created');
  const bulk = insertStudents(s.id, 5);	// straight into MariaDB
  await check('five inserted by SQL');
  assert.equal((await s.admin.post('/api/students/deactivate', { ids: [p.id, q.id, bulk[0]] })).status, 200);
  await check('three deactivated');
  assert.equal((await s.admin.post('/api/students/reactivate', { ids: [q.id] })).status, 200);
  await check('one reactivated');
  assert.equal((await s.admin.post('/api/students/delete', { ids: [p.id], confirm: true })).status, 200);
  await check('one deleted');
  sql(`UPDATE students SET status = 'deactivated' WHERE tenant_id = ${s.id} AND id = ${bulk[1]}`);
  sql(`DELETE FROM students WHERE tenant_id = ${s.id} AND id = ${bulk[2]}`);
  await check('SQL update and delete');
  assert.equal(await total(), 3);
  assert.equal(await total('deactivated'), 2);
});

test("a school's total is its own: another school's writes, a refused write and a past-the-end page", async () => {
  const s = await newSchool('Totalen eigen');
  const o = await newSchool('Totalen ander');
  const total = async (x, q = '') => (await x.admin.get(`/api/students?limit=1${q}`)).json.total;
  const mine = [await mkStudent(s.admin), await mkStudent(s.admin), await mkStudent(s.admin)];
  assert.equal(await total(s), 3);
  // Every write route of the other school leaves this one's totals alone.
  const theirs = [await mkStudent(o.admin), await mkStudent(o.admin)];
  insertStudents(o.id, 4);
  assert.equal((await o.admin.post('/api/students/deactivate', { ids: theirs.map((p) => p.id) })).status, 200);
  assert.equal((await o.admin.post('/api/students/delete', { ids: [theirs[0].id], confirm: true })).status, 200);
  assert.equal((await o.admin.post('/api/students/reactivate', { ids: [theirs[1].id] })).status, 200);
  assert.equal(await total(s), 3);
  assert.equal(await total(s, '&status=deactivated'), 0);
  assert.equal(await total(o), 5);
  // A refused set (one unknown id) rolls back, count included.
  const bad = await s.admin.post('/api/students/deactivate', { ids: [mine[0].id, 999999999] });
  assert.equal(bad.status, 404, bad.text);
  assert.equal(await total(s), 3);
  // PATCH of a name does not move a pupil between the counts.
  assert.equal((await s.admin.patch(`/api/students/${mine[1].id}`, { roepnaam: 'Anders' })).status, 200);
  assert.equal(await total(s), 3);
  // A page past the end has no rows and still the total.
  const past = await s.admin.get('/api/students?limit=2&offset=10');
  assert.equal(past.status, 200, past.text);
  assert.deepEqual(past.json.items, []);
  assert.equal(past.json.total, 3);
  // An empty school: both its counts are 0 from its creation (sql/006).
  const e = await newSchool('Totalen leeg');
  assert.equal(await total(e), 0);
  assert.equal(await total(e, '&status=deactivated'), 0);
});

test('archives and reactivations of one school at the same moment all succeed, totals exact', async () => {
  const s = await newSchool('Totalen tegelijk');
  const ids = insertStudents(s.id, 120);
  let [on, off] = [ids.slice(0, 60), ids.slice(60)];
  assert.equal((await s.admin.post('/api/students/deactivate', { ids: off })).status, 200);
  // 60 archives and 60 reactivations of different pupils at once, three
  // times: the count rows are locked in one order, so none may deadlock.
  for (let round = 0; round < 3; round++) {
    const res = await Promise.all([
      ...on.map((id) => s.admin.post('/api/students/deactivate', { ids: [id] })),
      ...off.map((id) => s.admin.post('/api/students/reactivate', { ids: [id] })),
    ]);
    const bad = res.filter((r) => r.status !== 200);
    assert.deepEqual(bad.map((r) => r.status), [], bad[0]?.text);
    [on, off] = [off, on];
    assert.equal((await s.admin.get('/api/students?limit=1')).json.total, 60);
    assert.equal((await s.admin.get('/api/students?limit=1&status=deactivated')).json.total, 60);
  }
});

test('the list pages stably through every sort order, with a total', async () => {
  const tag = 'Paginaschool';
  for (let i = 0; i < 7; i++) await mkStudent(a.admin, { achternaam: tag, roepnaam: i % 2 ? 'Ab' : 'Ba', jaargroep: String(1 + (i % 3)) });
  for (const sort of ['achternaam', '-achternaam', 'roepnaam', '-roepnaam', 'jaargroep', '-jaargroep', 'geboortedatum',
    '-geboortedatum', 'deactivated_at', '-deactivated_at', 'id', '-id']) {
    const seen = [];
    let total = null;
    for (let offset = 0; offset < 20; offset += 3) {
      const res = await a.admin.get(`/api/students?q=${tag}&sort=${sort}&limit=3&offset=${offset}`);
      assert.equal(res.status, 200, res.text);
      total = res.json.total;
      seen.push(...res.json.items.map((s) => s.id));
    }
    assert.equal(total, 7, sort);
    assert.equal(seen.length, 7, `${sort}: ${seen}`);
    assert.equal(new Set(seen).size, 7, `${sort}: a pupil on two pages`);
  }
  const byId = await a.admin.get(`/api/students?q=${tag}&sort=-id&limit=200`);
  const ids = byId.json.items.map((s) => s.id);
  assert.deepEqual(ids, [...ids].sort((x, y) => y - x));
  const byName = await a.admin.get(`/api/students?q=${tag}&sort=roepnaam`);
  assert.deepEqual(byName.json.items.map((s) => s.roepnaam), ['Ab', 'Ab', 'Ab', 'Ba', 'Ba', 'Ba', 'Ba']);
  // A descending order is the exact reverse of its ascending one (one index serves both).
  for (const col of ['jaargroep', 'geboortedatum', 'deactivated_at', 'achternaam', 'roepnaam']) {
    const up = (await a.admin.get(`/api/students?q=${tag}&sort=${col}`)).json.items.map((s) => s.id);
    const down = (await a.admin.get(`/api/students?q=${tag}&sort=-${col}`)).json.items.map((s) => s.id);
    assert.deepEqual(down, [...up].reverse(), col);
  }
});

test('bad list parameters are 400 with the field', async () => {
  assertError(await a.admin.get('/api/students?sort=achternaam;DROP'), 400, 'invalid', 'sort');
  assertError(await a.admin.get('/api/students?limit=201'), 400, 'invalid', 'limit');
  assertError(await a.admin.get('/api/students?limit=0'), 400, 'invalid', 'limit');
  assertError(await a.admin.get('/api/students?offset=-1'), 400, 'invalid', 'offset');
  assertError(await a.admin.get('/api/students?status=weg'), 400, 'invalid', 'status');
  assertError(await a.admin.get('/api/students?group=abc'), 400, 'invalid', 'group');
  assertError(await a.admin.get(`/api/students?q=${'x'.repeat(101)}`), 400, 'invalid', 'q');
});

test('list items carry their groups of the active school year; group= filters', async () => {
  const g = await mkGroup(a.admin, { name: 'Groep 5b' });
  const p = await mkStudent(a.admin, { achternaam: 'Groepslid', roepnaam: 'Noël' });
  const other = await mkStudent(a.admin, { achternaam: 'Groepsloos', roepnaam: 'Noël' });
  assert.equal((await a.admin.post(`/api/groups/${g.id}/students`, { ids: [p.id] })).status, 200);
  const res = await a.admin.get(`/api/students?group=${g.id}`);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json.items.map((s) => s.id), [p.id]);
  assert.equal(res.json.total, 1);
  assert.deepEqual(res.json.items[0].groups, [{ id: g.id, name: 'Groep 5b', kind: 'stamgroep' }]);
  // group= with status: the archived member is on the other list.
  assert.equal((await a.admin.get(`/api/students?group=${g.id}&status=deactivated`)).json.total, 0);
  const all = await a.admin.get('/api/students?q=Groeps');
  assert.deepEqual(all.json.items.find((s) => s.id === other.id).groups, []);
  // Several groups in order (kind, name); a group of another year is not listed.
  const g2 = await mkGroup(a.admin, { name: 'Groep 3a' });
  const sg = await mkGroup(a.admin, { name: 'Aa rekenen', kind: 'samengesteld' });
  sql(`INSERT IGNORE INTO school_years (tenant_id, year_start, active) VALUES (${a.id}, 2019, NULL)`);
  sql(`INSERT INTO school_groups (tenant_id, year_start, name) VALUES (${a.id}, 2019, 'Groep 1 oud')`);
  const old = Number(sqlValue(`SELECT id FROM school_groups WHERE tenant_id = ${a.id} AND name = 'Groep 1 oud'`));
  sql(`INSERT INTO group_members (tenant_id, group_id, student_id) VALUES (${a.id}, ${old}, ${p.id})`);
  for (const x of [g2, sg]) assert.equal((await a.admin.post(`/api/groups/${x.id}/students`, { ids: [p.id] })).status, 200);
  const many = (await a.admin.get('/api/students?q=Groeps')).json.items.find((s) => s.id === p.id).groups;
  assert.deepEqual(many.map((x) => x.name), ['Groep 3a', 'Groep 5b', 'Aa rekenen']);
  const bg = await mkGroup(b.admin);
  assertError(await a.admin.get(`/api/students?group=${bg.id}`), 404, 'not_found');
});

test('PATCH changes only the given fields; null clears an optional one', async () => {
  const p = await mkStudent(a.admin, { achternaam: 'Wijzig', roepnaam: 'Bram', jaargroep: '4', geboortedatum: '2016-05-05' });
  const res = await a.admin.patch(`/api/students/${p.id}`, { roepnaam: 'Bram Jr.', jaargroep: null });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.roepnaam, 'Bram Jr.');
  assert.equal(res.json.jaargroep, null);
  assert.equal(res.json.achternaam, 'Wijzig');
  assert.equal(res.json.geboortedatum, '2016-05-05');
  assertError(await a.admin.patch(`/api/students/${p.id}`, { achternaam: '' }), 400, 'invalid', 'achternaam');
  assertError(await a.admin.patch(`/api/students/${p.id}`, {}), 400, 'invalid');
  assertError(await a.admin.patch('/api/students/999999999', { roepnaam: 'X' }), 404, 'not_found');
  const bp = await mkStudent(b.admin, { achternaam: 'Anders', roepnaam: 'Bas' });
  const before_ = snapshot(b.id);
  assertError(await a.admin.patch(`/api/students/${bp.id}`, { roepnaam: 'Gehackt' }), 404, 'not_found');
  assert.equal(snapshot(b.id), before_);
});

test('archiving and reactivating: one or many, idempotent, deactivated_at set and cleared', async () => {
  const p1 = await mkStudent(a.admin, { achternaam: 'Archief' });
  const p2 = await mkStudent(a.admin, { achternaam: 'Archief' });
  let res = await a.admin.post('/api/students/deactivate', { ids: [p1.id, p2.id, p1.id] });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.changed, 2);
  res = await a.admin.post('/api/students/deactivate', { ids: [p1.id] });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.changed, 0, 'an already deactivated pupil is no error and no change');
  const one = await a.admin.get(`/api/students/${p1.id}`);
  assert.equal(one.json.status, 'deactivated');
  assert.match(one.json.deactivated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const active = await a.admin.get('/api/students?q=Archief');
  assert.equal(active.json.total, 0, 'archived pupils leave the active list');
  const gone = await a.admin.get('/api/students?q=Archief&status=deactivated');
  assert.deepEqual(gone.json.items.map((s) => s.id).sort(), [p1.id, p2.id].sort());
  res = await a.admin.post('/api/students/reactivate', { ids: [p2.id] });
  assert.equal(res.json.changed, 1);
  const back = await a.admin.get(`/api/students/${p2.id}`);
  assert.equal(back.json.status, 'active');
  assert.equal(back.json.deactivated_at, null);
  // A deactivated pupil cannot be changed.
  assertError(await a.admin.patch(`/api/students/${p1.id}`, { roepnaam: 'X' }), 409, 'student_deactivated');
});

test('archiving with one unknown id changes nothing and names the id', async () => {
  const p = await mkStudent(a.admin);
  const bp = await mkStudent(b.admin);
  const before_ = snapshot(a.id);
  const res = await a.admin.post('/api/students/deactivate', { ids: [p.id, bp.id, 987654321] });
  assertError(res, 404, 'not_found');
  assert.deepEqual(res.json.error.ids, [bp.id, 987654321]);
  assert.equal(snapshot(a.id), before_);
  const bad = await a.admin.post('/api/students/deactivate', { ids: [p.id, 'x', -1, 1.5] });
  assertError(bad, 400, 'invalid', 'ids');
  assert.deepEqual(bad.json.error.ids, ['x', -1, 1.5]);
  assertError(await a.admin.post('/api/students/deactivate', { ids: [] }), 400, 'invalid', 'ids');
  assertError(await a.admin.post('/api/students/deactivate', {}), 400, 'invalid', 'ids');
  assert.equal(snapshot(a.id), before_);
});

test('deleting an active pupil is refused and changes nothing', async () => {
  const active = await mkStudent(a.admin, { achternaam: 'Blijft' });
  const archived = await mkStudent(a.admin, { achternaam: 'Blijftook' });
  await a.admin.post('/api/students/deactivate', { ids: [archived.id] });
  const before_ = snapshot(a.id);
  const res = await a.admin.post('/api/students/delete', { ids: [archived.id, active.id], confirm: true });
  assertError(res, 409, 'not_deactivated');
  assert.deepEqual(res.json.error.ids, [active.id]);
  assert.equal(snapshot(a.id), before_);
  assert.equal(sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${a.id} AND id IN (${active.id}, ${archived.id})`), '2');
  // Without confirmation, or with a malformed or foreign id: nothing either.
  assertError(await a.admin.post('/api/students/delete', { ids: [archived.id] }), 400, 'confirm_required', 'confirm');
  assertError(await a.admin.post('/api/students/delete', { ids: [archived.id], confirm: 'yes' }), 400, 'confirm_required');
  const bad = await a.admin.post('/api/students/delete', { ids: [archived.id, '12'], confirm: true });
  assertError(bad, 400, 'invalid', 'ids');
  assert.deepEqual(bad.json.error.ids, ['12']);
  const bp = await mkStudent(b.admin);
  await b.admin.post('/api/students/deactivate', { ids: [bp.id] });
  const beforeB = snapshot(b.id);
  const foreign = await a.admin.post('/api/students/delete', { ids: [archived.id, bp.id], confirm: true });
  assertError(foreign, 404, 'not_found');
  assert.deepEqual(foreign.json.error.ids, [bp.id]);
  assert.equal(snapshot(a.id), before_);
  assert.equal(snapshot(b.id), beforeB);
});

test('a deleted pupil is gone from MariaDB (rows, memberships, results) and from Redis', async () => {
  const g = await mkGroup(a.admin);
  const p = await mkStudent(a.admin, { achternaam: 'Weg', roepnaam: 'Chloë' });
  const keep = await mkStudent(a.admin, { achternaam: 'Blijver' });
  await a.admin.post(`/api/groups/${g.id}/students`, { ids: [p.id, keep.id] });
  for (const id of [p.id, keep.id]) {
    const t = await a.admin.post(`/api/students/${id}/test-administrations`, { test: 'REK-M', date: '2025-11-12', score: 80 });
    assert.equal(t.status, 201, t.text);
  }
  const key = `tc:{${a.id}}:student:${p.id}`;
  redis(['SET', key, 'cached']);
  await a.admin.post('/api/students/deactivate', { ids: [p.id] });
  const res = await a.admin.post('/api/students/delete', { ids: [p.id], confirm: true });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.deleted, 1);
  assert.equal(sqlValue(`SELECT COUNT(*) FROM students WHERE id = ${p.id}`), '0');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM group_members WHERE student_id = ${p.id}`), '0');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM test_administrations WHERE student_id = ${p.id}`), '0');
  assert.equal(redis(['EXISTS', key]), '0');
  // The other pupil keeps its membership and result; the group stays.
  assert.equal(sqlValue(`SELECT COUNT(*) FROM group_members WHERE tenant_id = ${a.id} AND student_id = ${keep.id}`), '1');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM test_administrations WHERE tenant_id = ${a.id} AND student_id = ${keep.id}`), '1');
  assertError(await a.admin.get(`/api/students/${p.id}`), 404, 'not_found');
  // The audit entry has the id and the count, not the name.
  const audit = sql(`SELECT object_ids, count FROM audit_log WHERE tenant_id = ${a.id} AND action = 'student_delete' ORDER BY id DESC LIMIT 1`)[0];
  assert.deepEqual(audit, [String(p.id), '1']);
  assert.equal(sqlValue(`SELECT COUNT(*) FROM audit_log WHERE object_ids LIKE '%Chlo%' OR action LIKE '%Weg%'`), '0');
});

test('a deactivated pupil keeps its full test and group history', async () => {
  const g = await mkGroup(a.admin, { name: 'Historie' });
  const p = await mkStudent(a.admin, { achternaam: 'Oud' });
  await a.admin.post(`/api/groups/${g.id}/students`, { ids: [p.id] });
  await a.admin.post(`/api/students/${p.id}/test-administrations`, { test: 'SP-M', date: '2026-01-20', score: 55, level: 'III' });
  await a.admin.post('/api/students/deactivate', { ids: [p.id] });
  const res = await a.admin.get(`/api/students/${p.id}`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.status, 'deactivated');
  assert.equal(res.json.test_history.length, 1);
  assert.equal(res.json.test_history[0].test.code, 'SP-M');
  assert.equal(res.json.test_history[0].score, 55);
  assert.equal(res.json.test_history[0].level, 'III');
  assert.equal(res.json.group_history.length, 1);
  assert.equal(res.json.group_history[0].id, g.id);
  assert.equal(res.json.group_history[0].school_year, '2025-2026');
});

test('bulk: 1,200 pupils archived, reactivated, archived and deleted, each in one call', async () => {
  const ids = insertStudents(a.id, 1200);
  let res = await a.admin.post('/api/students/deactivate', { ids });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.changed, 1200);
  assert.equal(sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${a.id} AND id IN (${ids}) AND status = 'deactivated'`), '1200');
  res = await a.admin.post('/api/students/reactivate', { ids });
  assert.equal(res.json.changed, 1200);
  res = await a.admin.post('/api/students/deactivate', { ids });
  assert.equal(res.json.changed, 1200);
  res = await a.admin.post('/api/students/delete', { ids, confirm: true });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.deleted, 1200);
  assert.equal(sqlValue(`SELECT COUNT(*) FROM students WHERE id IN (${ids})`), '0');
  const tooMany = Array.from({ length: 10001 }, (_, i) => i + 1);
  assertError(await a.admin.post('/api/students/deactivate', { ids: tooMany }), 400, 'invalid', 'ids');
});

test('a school with a LAS link does not take pupils entered by hand', async () => {
  const before_ = snapshot(b.id);
  tcctl(['tenant', 'set', b.slug, '--las-url', 'https://las.example/uwlr', '--brin', '99XP',
    '--las-klantcode', 'K1', '--las-klantnaam', 'Testcentrum']);
  try {
    // The registry may be cached for a moment: the answer must become 409.
    let res;
    for (let i = 0; i < 50; i++) {
      res = await b.admin.post('/api/students', { achternaam: 'Handmatig', roepnaam: 'Piet' });
      if (res.status === 409) break;
      if (res.status === 201) {
        sql(`DELETE FROM audit_log WHERE tenant_id = ${b.id} AND action = 'student_create' AND object_ids = '${res.json.id}'`);
        sql(`DELETE FROM students WHERE tenant_id = ${b.id} AND id = ${res.json.id}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    assertError(res, 409, 'las_linked');
  } finally {
    tcctl(['tenant', 'set', b.slug, '--no-las']);
  }
  assert.equal(snapshot(b.id), before_);
});
