// tests/api/30-import.test.mjs - "Overgang nieuw schooljaar" through the API
// and tc-worker against las-sim (DESIGN.md section 2, steps 4-6): the fixture
// pair small-po-2023-2024 → small-po-2024-2025 (school 99XP 00 of las-sim),
// first into an empty school, then the transition a year later, compared with
// tests/fixtures/transition-99XP-2023-2024-to-2024-2025.json.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { env, request, login, sql, sqlValue, redis, addSchool, repoRoot, restoreClock, sleep, setClockAt,
  lasLink, waitImport, postImport, reviewImport, applyImport } from './lib.mjs';
import { tenantId, addUser, snapshot } from './roster.mjs';

const expected = JSON.parse(readFileSync(path.join(repoRoot, 'tests/fixtures',
  'transition-99XP-2023-2024-to-2024-2025.json'), 'utf8'));
// Without the nightly sync: each move of the clock to a new day would also
// sync these schools, and a sync in progress is in the way of an import.
const link = () => [...lasLink(), '--sync', 'no'];

let a;	// the school of the transition
let b;	// another school, for isolation
let aid;
let bid;

// This file waits 20 s for an import's status.
const waitStatus = (s, id, want) => waitImport(s, id, want, 20000);

async function records(s, id, kind, extra = '') {
  const res = await s.get(`/api/imports/${id}/records?kind=${kind}&limit=200${extra}`);
  assert.equal(res.status, 200, res.text);
  return res.json;
}

async function startAndReview(s, year) {
  const imp = await postImport(s, year);
  assert.equal(imp.status, 'fetching');
  return waitStatus(s, imp.id, ['review']);
}

const applyAndWait = (s, id) => applyImport(s, id, 20000);

before(async () => {
  a = addSchool({ name: 'Basisschool Overgang', extra: link() });
  b = addSchool({ name: 'Andere school', extra: link() });
  aid = tenantId(a.slug);
  bid = tenantId(b.slug);
  a.admin = await login(a.host, a.email, a.password);
  b.admin = await login(b.host, b.email, b.password);
});

after(() => {
  restoreClock();
});

let first;	// the first import's result

test('first import into an empty school: everything is Nieuw, apply fills the school', async () => {
  await setClockAt('2023-09-01T10:00');
  const sy = (await a.admin.get('/api/school-year')).json;
  assert.equal(sy.active, null);
  assert.equal(sy.next, '2023-2024');
  assert.equal(sy.can_activate, true);
  const imp = await startAndReview(a.admin, '2023-2024');
  assert.deepEqual(imp.counts.student, { new: 42, existing: 0, skip: 0 });
  assert.deepEqual(imp.counts.group, { new: 10, existing: 0, skip: 0 });
  assert.deepEqual(imp.counts.teacher, { new: 5, existing: 0, skip: 0 });
  assert.deepEqual(imp.tabs, ['groups', 'students', 'teachers']);
  // Nothing of the import is in MariaDB before apply.
  assert.equal(sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${aid}`), '0');
  const done = await applyAndWait(a.admin, imp.id);
  first = done.result;
  assert.equal(done.result.students_new, 42);
  assert.equal(done.result.groups_new, 10);
  assert.equal(done.result.activated, true);
  assert.equal(sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${aid} AND source = 'las'`), '42');
  assert.equal(sqlValue(`SELECT year_start FROM school_years WHERE tenant_id = ${aid} AND active = 1`), '2023');
  // Names kept byte for byte (diacritics, voorvoegsels, apostrophes).
  for (const [col, value] of [['roepnaam', 'Zoë'], ['roepnaam', 'Anaïs'], ['achternaam', 'Çelik'],
    ['roepnaam', 'IJsbrand'], ['roepnaam', "D'Angelo"], ['voorvoegsel', "van 't"]]) {
    const n = sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${aid} AND BINARY ${col} = BINARY '${value.replace(/'/g, "''")}'`);
    assert.ok(Number(n) >= 1, `${col} ${value} not stored exactly`);
  }
  // The staged data is gone from Redis, the import row is there once.
  assert.equal(redis(['--scan', '--pattern', `tc:{${aid}}:import-data:*`]), '');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM import_runs WHERE tenant_id = ${aid}`), '1');
  const audit = sql(`SELECT action FROM audit_log WHERE tenant_id = ${aid} AND action LIKE 'import%'`).map((r) => r[0]);
  assert.ok(audit.includes('import_start') && audit.includes('import_apply'), audit.join());
});

test('outside the window, for a wrong year, without a LAS link: refused with a reason', async () => {
  await setClockAt('2024-07-20T10:00');
  let res = await a.admin.post('/api/imports', { school_year: '2024-2025' });
  assert.equal(res.status, 409, res.text);
  assert.equal(res.json.error.code, 'outside_window');
  res = await a.admin.post('/api/imports', { school_year: '2030-2031' });
  assert.equal(res.status, 409);
  assert.equal(res.json.error.code, 'wrong_school_year');
  res = await a.admin.post('/api/imports', { school_year: '2024/2025' });
  assert.equal(res.status, 400);
  assert.equal(res.json.error.field, 'school_year');
  const c = addSchool({ name: 'Zonder LAS' });
  const cs = await login(c.host, c.email, c.password);
  res = await cs.post('/api/imports', { school_year: '2024-2025' });
  assert.equal(res.status, 409);
  assert.equal(res.json.error.code, 'no_las_link');
  assert.equal((await a.admin.get('/api/imports/current')).json.import, null);
});

let trans;	// the transition import
let handEntered;	// a pupil entered by hand, to be linked

test('the transition a year later: the categories of the expected diff', async () => {
  // A result that must survive, and a pupil entered by hand who is really LL11006.
  const noor = sqlValue(`SELECT id FROM students WHERE tenant_id = ${aid} AND las_key = 'LL10101'`);
  const testId = sqlValue("SELECT id FROM tests WHERE code = 'REK-M'");
  sql(`INSERT INTO test_administrations (tenant_id, student_id, test_id, taken_on, score) VALUES (${aid}, ${noor}, ${testId}, '2024-01-20', 77)`);
  const leaver = sqlValue(`SELECT id FROM students WHERE tenant_id = ${aid} AND las_key = '${expected.leavers[0]}'`);
  sql(`INSERT INTO test_administrations (tenant_id, student_id, test_id, taken_on, score) VALUES (${aid}, ${leaver}, ${testId}, '2024-01-21', 66)`);
  sql(`INSERT INTO students (tenant_id, achternaam, roepnaam, source) VALUES (${aid}, 'Schmidt', 'Hannah', 'manual')`);
  handEntered = Number(sqlValue(`SELECT id FROM students WHERE tenant_id = ${aid} AND source = 'manual' AND achternaam = 'Schmidt'`));
  await setClockAt('2024-08-15T10:00');
  const sy = (await a.admin.get('/api/school-year')).json;
  assert.equal(sy.active, '2023-2024');
  assert.equal(sy.next, '2024-2025');
  assert.equal(sy.can_activate, true);
  trans = await startAndReview(a.admin, '2024-2025');
  const existing = expected.promoted.length + expected.stayed_back.length;
  assert.deepEqual(trans.counts.student, { new: expected.newcomers.length, existing, skip: 0 });
  assert.deepEqual(trans.counts.leaver.archive, expected.leavers.length);
  assert.equal(trans.leavers_to_archive, expected.leavers.length);
  assert.deepEqual(trans.counts.teacher, { new: expected.teachers_new.length, existing: 4, skip: 0 });
  assert.ok(trans.tabs.includes('teachers'), 'a new teacher: the Leerkrachten tab');
  assert.deepEqual(trans.counts.group.new, expected.groups_to.length + expected.samengestelde_groepen_stable_keys.length);

  const pupils = (await records(a.admin, trans.id, 'student')).items;
  const byKey = Object.fromEntries(pupils.map((p) => [p.key, p]));
  for (const k of expected.newcomers) assert.equal(byKey[k].category, 'new', k);
  // A pupil's staged record leaves out every member that is null or empty;
  // the API still shows each field (null) and each list ([]).
  const raw = JSON.parse(redis(['GET', `tc:{${aid}}:import-data:${trans.id}:student`]));
  const newKey = expected.newcomers.find((k) => k !== 'LL11006');	// LL11006 has a candidate
  const rawNew = raw.find((r) => r.key === newKey);
  assert.ok(!Object.values(rawNew).some((v) => v === null || (Array.isArray(v) && v.length === 0)),
    JSON.stringify(rawNew));
  for (const m of ['link_id', 'changes', 'candidates', 'matched_by', 'link_status']) assert.ok(!(m in rawNew), m);
  const item = byKey[newKey];
  assert.deepEqual(Object.keys(item.fields).sort(),
    ['achternaam', 'eckid', 'geboortedatum', 'jaargroep', 'las_key', 'roepnaam', 'voorvoegsel']);
  for (const [f, v] of Object.entries(item.fields)) assert.equal(v, f in rawNew ? rawNew[f] : null, f);
  assert.ok(Object.values(item.fields).includes(null), 'a field the record leaves out');
  assert.deepEqual([item.changes, item.candidates, item.link], [[], [], null]);
  // Saar Dekker: a new LAS key, found by her ECK-iD.
  const kc = expected.key_changed[0];
  assert.equal(byKey[kc.new].category, 'existing');
  assert.ok(byKey[kc.new].changes.some((c) => c.field === 'las_key' && c.from === kc.old && c.to === kc.new));
  // Noor Jansen gained an ECK-iD: found by her key.
  const noorRec = byKey[expected.eckid_added[0]];
  assert.equal(noorRec.category, 'existing');
  assert.ok(noorRec.changes.some((c) => c.field === 'eckid' && c.from === null));
  // The pupil who stayed back keeps her jaargroep; the others move up.
  const back = byKey[expected.stayed_back[0]];
  assert.ok(!back.changes.some((c) => c.field === 'jaargroep'), JSON.stringify(back.changes));
  assert.ok(byKey[expected.promoted[5]].changes.some((c) => c.field === 'jaargroep'));
  assert.ok(byKey[expected.name_changed[0]].changes.some((c) => c.field === 'achternaam'));
  // The hand-entered Hannah Schmidt is offered as a link candidate for LL11006.
  assert.deepEqual(byKey.LL11006.candidates.map((c) => c.id), [handEntered]);
  // Leavers: the LAS's leavers to archive; the hand-entered pupil the LAS does
  // not list is kept by default.
  const leavers = (await records(a.admin, trans.id, 'leaver', '&category=archive')).items;
  const leaverKeys = sql(`SELECT las_key FROM students WHERE tenant_id = ${aid} AND id IN (${leavers.map((l) => l.key).join(',')})`).map((r) => r[0]);
  assert.deepEqual(leaverKeys.sort(), [...expected.leavers].sort());
  const kept = (await records(a.admin, trans.id, 'leaver', '&category=keep')).items;
  assert.deepEqual(kept.map((l) => Number(l.key)), [handEntered]);
  assert.deepEqual([kept[0].changes, kept[0].candidates, kept[0].warnings], [[], [], []]);
  // A new teacher, MW006.
  const teachers = (await records(a.admin, trans.id, 'teacher', '&category=new')).items;
  assert.deepEqual(teachers.map((t) => t.key), expected.teachers_new);
});

test('skipping a group skips its pupils; a pupil of a skipped group cannot be imported', async () => {
  const groups = (await records(a.admin, trans.id, 'group')).items;
  const g8 = groups.find((g) => g.key === '2425-8');
  const members = (await records(a.admin, trans.id, 'student')).items.filter((p) => p.stamgroep === '2425-8');
  assert.ok(members.length > 0);
  let res = await a.admin.put(`/api/imports/${trans.id}/decisions`, { decisions: [{ kind: 'group', key: g8.key, category: 'skip' }] });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json.cascaded.map((c) => c.key).sort(), members.map((m) => m.key).sort());
  const skipped = await records(a.admin, trans.id, 'student', '&category=skip');
  assert.equal(skipped.total, members.length);
  res = await a.admin.put(`/api/imports/${trans.id}/decisions`, { decisions: [{ kind: 'student', key: members[0].key, category: 'existing' }] });
  assert.equal(res.status, 409, res.text);
  assert.equal(res.json.error.code, 'group_skipped');
  assert.deepEqual(res.json.error.keys, [members[0].key]);
  // Bringing the group back brings its pupils back.
  res = await a.admin.put(`/api/imports/${trans.id}/decisions`, { decisions: [{ kind: 'group', key: g8.key, category: 'new' }] });
  assert.equal(res.status, 200, res.text);
  assert.equal((await records(a.admin, trans.id, 'student', '&category=skip')).total, 0);
});

test('bad choices are refused and change nothing', async () => {
  const before = (await a.admin.get(`/api/imports/${trans.id}`)).json.counts;
  const cases = [
    [{ decisions: [] }, 400],
    [{ decisions: [{ kind: 'pupil', key: 'LL11001', category: 'new' }] }, 400],
    [{ decisions: [{ kind: 'student', key: 'LL11001', category: 'maybe' }] }, 400],
    [{ decisions: [{ kind: 'student', key: 'NOPE', category: 'skip' }] }, 404],
    [{ decisions: [{ kind: 'student', key: 'LL11001', category: 'existing' }] }, 400],
    [{ decisions: [{ kind: 'student', key: 'LL11001', category: 'existing', link_id: 999999999 }] }, 404],
    [{ decisions: [{ kind: 'student', key: expected.promoted[0], category: 'new' }] }, 409],
    [{ decisions: [{ kind: 'student', key: 'LL11002', category: 'skip' }, { kind: 'student', key: 'LL11001', category: 'maybe' }] }, 400],
    [{ decisions: [{ kind: 'student', key: 'LL11001', category: 'skip' }], extra: 1 }, 400],
  ];
  for (const [body, status] of cases) {
    const res = await a.admin.put(`/api/imports/${trans.id}/decisions`, body);
    assert.equal(res.status, status, `${JSON.stringify(body)} → ${res.text}`);
    assert.ok(res.json.error.message.length > 5);
  }
  // A pupil of another school is no link target.
  const other = sql(`INSERT INTO students (tenant_id, achternaam, roepnaam) VALUES (${bid}, 'Schmidt', 'Hannah'); SELECT LAST_INSERT_ID()`)[0][0];
  const res = await a.admin.put(`/api/imports/${trans.id}/decisions`, { decisions: [{ kind: 'student', key: 'LL11006', category: 'existing', link_id: Number(other) }] });
  assert.equal(res.status, 404, res.text);
  // Two records on one pupil: refused.
  const twice = await a.admin.put(`/api/imports/${trans.id}/decisions`, { decisions: [
    { kind: 'student', key: 'LL11006', category: 'existing', link_id: handEntered },
    { kind: 'student', key: 'LL11005', category: 'existing', link_id: handEntered }] });
  assert.equal(twice.status, 409, twice.text);
  assert.equal(twice.json.error.code, 'linked_twice');
  assert.deepEqual((await a.admin.get(`/api/imports/${trans.id}`)).json.counts, before);
});

test('two choices at the same moment that link two records to one pupil: one is refused', async () => {
  const before = (await a.admin.get(`/api/imports/${trans.id}`)).json.counts;
  const choose = (key) => a.admin.put(`/api/imports/${trans.id}/decisions`, { decisions: [
    { kind: 'student', key, category: 'existing', link_id: handEntered }] });
  // Each check reads every choice and each store follows its own check: two
  // tabs that both read the choices before either stored would both pass.
  for (let round = 0; round < 20; round++) {
    const answers = await Promise.all([choose('LL11006'), choose('LL11005')]);
    const ok = answers.filter((x) => x.status === 200);
    assert.equal(ok.length, 1, `round ${round}: ${answers.map((x) => x.text).join(' ')}`);
    const refused = answers.find((x) => x.status !== 200);
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.json.error.code, 'linked_twice', refused.text);
    const res = await a.admin.put(`/api/imports/${trans.id}/decisions`, { decisions: [
      { kind: 'student', key: 'LL11006', category: 'new' }, { kind: 'student', key: 'LL11005', category: 'new' }] });
    assert.equal(res.status, 200, res.text);
  }
  assert.deepEqual((await a.admin.get(`/api/imports/${trans.id}`)).json.counts, before);
});

test("another school's session, host and ids get nothing", async () => {
  const id = trans.id;
  for (const [s, host] of [[b.admin, b.host], [b.admin, a.host]]) {
    for (const [m, p] of [['GET', `/api/imports/${id}`], ['GET', `/api/imports/${id}/records?kind=student`],
      ['GET', `/api/imports/${id}/summary`], ['POST', `/api/imports/${id}/apply`],
      ['PUT', `/api/imports/${id}/decisions`], ['DELETE', `/api/imports/${id}`], ['POST', `/api/imports/${id}/retry`]]) {
      const res = await request(m, p, { host, cookie: s, body: m === 'PUT' ? { decisions: [{ kind: 'student', key: 'LL11001', category: 'skip' }] } : undefined });
      assert.ok([401, 404].includes(res.status), `${m} ${p} at ${host}: ${res.status} ${res.text}`);
      assert.ok(!res.text.includes('LL1') && !res.text.includes('Jansen'), res.text);
    }
  }
  const teacher = addUser(a, 'teacher');
  const ts = await login(a.host, teacher.email, teacher.password);
  assert.equal((await ts.get(`/api/imports/${id}`)).status, 403);
  const nocsrf = await request('POST', `/api/imports/${id}/apply`, { host: a.host, cookie: a.admin.cookie });
  assert.equal(nocsrf.status, 403);
  assert.equal((await a.admin.get(`/api/imports/${id}`)).json.status, 'review');
});

test('a second import while one runs is refused with that import', async () => {
  const res = await a.admin.post('/api/imports', { school_year: '2024-2025' });
  assert.equal(res.status, 409);
  assert.equal(res.json.error.code, 'import_in_progress');
  assert.equal(res.json.error.import.id, trans.id);
});

test('a stored set that links two records to one pupil is sent back to the review, not applied', async () => {
  // As no check of the portal can leave it (above): written into Redis by
  // hand, as an older release might have left it.
  const key = `tc:{${aid}}:import-decisions:${trans.id}`;
  const link = JSON.stringify({ category: 'existing', link_id: handEntered });
  redis(['HSET', key, 'student:LL11006', link, 'student:LL11005', link]);
  const res = await a.admin.post(`/api/imports/${trans.id}/apply`);
  assert.equal(res.status, 202, res.text);
  const back = await waitStatus(a.admin, trans.id, ['review']);
  assert.equal(back.error.code, 'linked_twice', JSON.stringify(back));
  assert.equal(sqlValue(`SELECT year_start FROM school_years WHERE tenant_id = ${aid} AND active = 1`), '2023');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM import_runs WHERE tenant_id = ${aid} AND id = '${trans.id}'`), '0');
  const fixed = await a.admin.put(`/api/imports/${trans.id}/decisions`, { decisions: [
    { kind: 'student', key: 'LL11006', category: 'new' }, { kind: 'student', key: 'LL11005', category: 'new' }] });
  assert.equal(fixed.status, 200, fixed.text);
});

test('apply: link by hand, archive leavers, new year active, last year untouched, exactly once', async () => {
  let res = await a.admin.put(`/api/imports/${trans.id}/decisions`, { decisions: [
    { kind: 'student', key: 'LL11006', category: 'existing', link_id: handEntered }] });
  assert.equal(res.status, 200, res.text);
  const summary = (await a.admin.get(`/api/imports/${trans.id}/summary`)).json;
  assert.equal(summary.counts.student.existing, 38);
  assert.equal(summary.leavers_to_archive, 5);
  const lastYear = sql(`SELECT id, name FROM school_groups WHERE tenant_id = ${aid} AND year_start = 2023 ORDER BY id`);
  const lastMembers = sqlValue(`SELECT COUNT(*) FROM group_members m JOIN school_groups g ON g.tenant_id = m.tenant_id AND g.id = m.group_id WHERE m.tenant_id = ${aid} AND g.year_start = 2023`);
  // Two clicks at the same moment.
  const [r1, r2] = await Promise.all([a.admin.post(`/api/imports/${trans.id}/apply`), a.admin.post(`/api/imports/${trans.id}/apply`)]);
  assert.ok([200, 202].includes(r1.status) && [200, 202].includes(r2.status), `${r1.text} ${r2.text}`);
  const done = await waitStatus(a.admin, trans.id, ['applied']);
  res = await a.admin.post(`/api/imports/${trans.id}/apply`);
  assert.equal(res.status, 200);
  assert.deepEqual(res.json.import.result, done.result);
  assert.equal(sqlValue(`SELECT COUNT(*) FROM import_runs WHERE tenant_id = ${aid} AND id = '${trans.id}'`), '1');
  assert.equal(done.result.students_new, 5);
  assert.equal(done.result.students_updated, 38);
  assert.equal(done.result.leavers_archived, 5);
  assert.equal(done.result.teachers_new, 1);
  assert.equal(sqlValue(`SELECT year_start FROM school_years WHERE tenant_id = ${aid} AND active = 1`), '2024');
  // The hand-entered pupil is now the LAS's LL11006, not a second Hannah.
  assert.equal(sqlValue(`SELECT las_key FROM students WHERE tenant_id = ${aid} AND id = ${handEntered}`), 'LL11006');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${aid} AND achternaam = 'Schmidt'`), '1');
  // 42 + 6 newcomers - 1 linked by hand = 47 pupils from the LAS, 5 archived.
  assert.equal(sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${aid}`), '48');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${aid} AND status = 'deactivated'`), '5');
  // The pupil list's totals (kept by triggers, sql/004) follow the apply.
  assert.equal((await a.admin.get('/api/students?limit=1')).json.total, 43);
  assert.equal((await a.admin.get('/api/students?limit=1&status=deactivated')).json.total, 5);
  // Saar Dekker kept her id and results, with her new key.
  assert.equal(sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${aid} AND las_key = '${expected.key_changed[0].new}'`), '1');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${aid} AND las_key = '${expected.key_changed[0].old}'`), '0');
  // Last year's groups, memberships and results stay as they were.
  assert.deepEqual(sql(`SELECT id, name FROM school_groups WHERE tenant_id = ${aid} AND year_start = 2023 ORDER BY id`), lastYear);
  assert.equal(sqlValue(`SELECT COUNT(*) FROM group_members m JOIN school_groups g ON g.tenant_id = m.tenant_id AND g.id = m.group_id WHERE m.tenant_id = ${aid} AND g.year_start = 2023`), lastMembers);
  assert.equal(sqlValue(`SELECT COUNT(*) FROM test_administrations WHERE tenant_id = ${aid}`), '2');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM school_groups WHERE tenant_id = ${aid} AND year_start = 2024`), '10');
  assert.ok(first.students_new === 42);
});

test('cancel deletes the staged data; a retry after a LAS fault reaches the review', async () => {
  const conf = readFileSync(env.lasConf, 'utf8');
  const faulty = conf.replace(/fault = none/, 'fault = soapfault:Client.AutorisatieOngeldig');
  assert.notEqual(faulty, conf);
  writeFileSync(env.lasConf, faulty);
  try {
    await sleep(1100);	// a new mtime for las-sim
    const res = await a.admin.post('/api/imports', { school_year: '2024-2025' });
    assert.equal(res.status, 202, res.text);
    const failed = await waitStatus(a.admin, res.json.import.id, ['failed']);
    assert.equal(failed.error.code, 'las_fault');
    assert.ok(failed.error.las_message.length > 0, 'the LAS\'s own message');
    assert.match(failed.error.message, /LAS/);
    writeFileSync(env.lasConf, conf);
    await sleep(1100);
    const again = await a.admin.post(`/api/imports/${res.json.import.id}/retry`);
    assert.equal(again.status, 202, again.text);
    const ok = await waitStatus(a.admin, res.json.import.id, ['review']);
    assert.equal(ok.kind, 'resync');
    assert.notEqual(redis(['--scan', '--pattern', `tc:{${aid}}:import-data:${ok.id}:*`]), '');
    // Every row but the audit log (the cancel is audited).
    const rows = () => snapshot(aid).split('\n').slice(0, -1).join('\n');
    const before = rows();
    const del = await a.admin.del(`/api/imports/${ok.id}`);
    assert.equal(del.status, 200, del.text);
    assert.equal(del.json.import.status, 'cancelled');
    assert.equal(redis(['--scan', '--pattern', `tc:{${aid}}:import-data:${ok.id}:*`]), '');
    assert.equal((await a.admin.get('/api/imports/current')).json.import, null);
    assert.ok(rows() === before, 'a cancelled import changed rows');
  } finally {
    writeFileSync(env.lasConf, conf);
  }
});

test('an import started while the portal asks for the current one: the portal finds it', async () => {
  // The portal polls GET /api/imports/current; a start seen halfway (the
  // pointer without its import) must not look like a pointer left behind.
  const c = addSchool({ name: 'Vaak gevraagd', extra: link() });
  c.admin = await login(c.host, c.email, c.password);
  await setClockAt('2023-09-01T10:00');
  let polling = true;
  const poll = async () => { while (polling) await c.admin.get('/api/imports/current'); };
  const pollers = Array.from({ length: 6 }, poll);
  try {
    for (let i = 0; i < 80; i++) {
      const imp = await postImport(c.admin, '2023-2024');
      const cur = (await c.admin.get('/api/imports/current')).json.import;
      assert.equal(cur?.id, imp.id, `start ${i}: the current import`);
      const del = await c.admin.del(`/api/imports/${imp.id}`);
      assert.equal(del.status, 200, del.text);
    }
  } finally {
    polling = false;
    await Promise.all(pollers);
  }
});

test('"Gegevens importeren" and cancels at the same moment: one side wins, never both', async () => {
  await setClockAt('2023-09-01T10:00');
  for (let i = 0; i < 12; i++) {
    const c = addSchool({ name: `Tegelijk ${i}`, extra: link() });
    const cid = tenantId(c.slug);
    c.admin = await login(c.host, c.email, c.password);
    const imp = await reviewImport(c.admin, '2023-2024', 20000);
    const [apply, ...dels] = await Promise.all([c.admin.post(`/api/imports/${imp.id}/apply`),
      ...Array.from({ length: 5 }, () => c.admin.del(`/api/imports/${imp.id}`))]);
    for (const d of dels) assert.ok([200, 409].includes(d.status), d.text);
    assert.ok([202, 409].includes(apply.status), apply.text);
    const cancelled = dels.some((d) => d.status === 200);
    assert.equal(apply.status === 202, !cancelled, `round ${i}: apply ${apply.status}, cancels ` +
      dels.map((d) => d.status).join(' '));
    const end = await waitImport(c.admin, imp.id, ['applied', 'cancelled'], 20000);
    assert.equal(end.status, cancelled ? 'cancelled' : 'applied');
    assert.equal(sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${cid}`) === '0', cancelled);
  }
});

test('a school without a LAS link imports an EDEXML file', async () => {
  await setClockAt('2023-09-01T10:00');
  const c = addSchool({ name: 'Bestandsschool' });
  const cs = await login(c.host, c.email, c.password);
  const file = readFileSync(path.join(repoRoot, 'tests/fixtures/small-po-2023-2024.xml'));
  let res = await cs.request('POST', '/api/imports/file?school_year=2023-2024', { body: file, headers: { 'Content-Type': 'application/xml' } });
  assert.equal(res.status, 202, res.text);
  assert.equal(res.json.import.source, 'file');
  const imp = await waitStatus(cs, res.json.import.id, ['review']);
  assert.equal(imp.counts.student.new, 42);
  res = await cs.request('POST', '/api/imports/file?school_year=2023-2024', { body: 'x', headers: { 'Content-Type': 'text/plain' } });
  assert.equal(res.status, 415);
  await cs.del(`/api/imports/${imp.id}`);
  const bad = await cs.request('POST', '/api/imports/file?school_year=2023-2024', { body: '<not-edexml', headers: { 'Content-Type': 'application/xml' } });
  assert.equal(bad.status, 202);
  const failed = await waitStatus(cs, bad.json.import.id, ['failed']);
  assert.equal(failed.error.code, 'file_invalid');
});
