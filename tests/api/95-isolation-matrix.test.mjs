// tests/api/95-isolation-matrix.test.mjs - the tenant isolation matrix
// (issue 9): every route of docs/api.md, with school B's ids filled in, from
// every angle an attacker at school A (or nobody) has:
//
//   A's administrator and A's teacher at A's host with B's ids,
//   A's sessions at B's host, no session (at A's and at B's host),
//   forged cookies, and B's own session without (or with a wrong) CSRF token.
//
// Passes only when no answer contains any of B's data (names, e-mail
// addresses, LAS keys, ECK-iDs, the import id, tokens; and no JSON object that
// carries one of B's record ids with record fields) and when a hash of every
// row of B (every table with a tenant_id column, and B's tenant row) and of B's
// Redis keys with their values is the same before and after.
//
// The routes come from docs/api.md ("### METHOD /path"): a new route is in the
// matrix without touching this file (bodies and ids are guessed from its path
// when it has no entry in bodyFor below).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { env, request, login, tcctl, sql, redis, repoRoot, restoreClock, sleep, lasLink, schoolInYear } from './lib.mjs';
import { addUser, mkStudent, mkGroup } from './roster.mjs';

const SECRET = 'Geheimwaard';		// in every name of school B's own records
const routes = [...readFileSync(path.join(repoRoot, 'docs', 'api.md'), 'utf8')
  .matchAll(/^### (GET|POST|PUT|PATCH|DELETE) (\/\S*)\s*$/gm)].map((m) => ({ method: m[1], pattern: m[2] }));

let A;		// { slug, host, id, admin, teacher, teacherUser, ids }
let B;		// the same, plus imp (the import in review) and leak strings
let clockMoved = false;

async function school(name, word, withLas) {
  const s = await schoolInYear(`${name} ${word}`, 2025);
  s.teacherUser = addUser(s, 'teacher', `${word} Leerkracht`);
  s.p = await mkStudent(s.admin, { achternaam: `${word}sma`, roepnaam: `${word}je`, geboortedatum: '2017-03-04' });
  s.old = await mkStudent(s.admin, { achternaam: `${word}stra`, roepnaam: 'Oud' });
  s.g = await mkGroup(s.admin, { name: `${word} groep` });
  s.gOld = await mkGroup(s.admin, { name: `${word} oud` });
  const ok = async (res) => assert.ok(res.status < 300, res.text);
  await ok(await s.admin.post(`/api/groups/${s.g.id}/students`, { ids: [s.p.id] }));
  await ok(await s.admin.post(`/api/groups/${s.g.id}/teachers`, { ids: [s.teacherUser.id] }));
  await ok(await s.admin.post(`/api/students/${s.p.id}/test-administrations`,
    { test: 'REK-M', date: '2026-01-05', score: 70 }));
  await ok(await s.admin.post('/api/students/deactivate', { ids: [s.old.id] }));
  await ok(await s.admin.post('/api/groups/deactivate', { ids: [s.gOld.id] }));
  s.teacher = await login(s.host, s.teacherUser.email, s.teacherUser.password);
  if (withLas) {
    // Linked after the hand-entered records (a linked school takes its
    // pupils from the LAS); tc-fcgi rereads the registry within a second.
    // No nightly sync: a day's scan run again after a Redis restart would
    // otherwise import B's LAS pupils beside the test.
    tcctl(['tenant', 'set', s.slug, ...lasLink(), '--las-xsd', '2.3', '--sync', 'no']);
    await sleep(1500);
  }
  return s;
}

/** Starts B's import of 2026-2027 from las-sim and waits for the review. */
async function importInReview(s) {
  tcctl(['clock', 'set', '2026-08-15T10:00']);
  clockMoved = true;
  const res = await s.admin.post('/api/imports', { school_year: '2026-2027' });
  // On the real date B is past 1 October with an older active year: when an
  // earlier test restarted Redis, tc-worker's scan of today ran again and may
  // have activated B's new year and started its import already.  That import
  // serves as well.
  const running = res.status === 409 && res.json?.error?.code === 'import_in_progress' &&
    res.json.error.import.school_year === '2026-2027';
  assert.ok(res.status === 202 || running, res.text);
  const id = running ? res.json.error.import.id : res.json.import.id;
  let st;
  for (let i = 0; i < 300; i++) {
    st = (await s.admin.get(`/api/imports/${id}`)).json;
    if (st && st.status !== 'fetching' && st.status !== 'queued') break;
    await sleep(100);
  }
  assert.equal(st.status, 'review', JSON.stringify(st));
  return id;
}

/** Every distinctive string of school B that an answer to A must never hold. */
async function leakStrings(s) {
  const out = new Set([s.slug, s.host, s.email, s.teacherUser.email, s.admin.token, s.admin.csrf,
    s.teacher.token, s.teacher.csrf, String(s.imp)]);
  for (const [v] of sql(`SELECT CONCAT_WS('\t', achternaam, roepnaam) FROM students WHERE tenant_id = ${s.id}`)) {
    for (const part of v.split('\t')) if (part.includes(SECRET)) out.add(part);
  }
  for (const [v] of sql(`SELECT name FROM school_groups WHERE tenant_id = ${s.id}`)) out.add(v);
  for (const [v] of sql(`SELECT email FROM users WHERE tenant_id = ${s.id}`)) out.add(v);
  // The import's records: LAS keys, ECK-iDs and e-mail addresses of the LAS.
  for (const kind of ['student', 'teacher', 'group']) {
    const r = await s.admin.get(`/api/imports/${s.imp}/records?kind=${kind}&limit=200`);
    assert.equal(r.status, 200, r.text);
    for (const it of r.json.items) {
      for (const v of [it.key, it.fields?.eckid, it.fields?.email, it.fields?.las_key]) {
        if (typeof v === 'string' && v.length >= 6) out.add(v);
      }
    }
  }
  return [...out].filter((x) => typeof x === 'string' && x.length >= 6);
}

/** The ids of school B's records, per kind, and A's (to tell them apart). */
function recordIds(tid) {
  const ids = new Set();
  for (const t of ['students', 'school_groups', 'users', 'test_administrations']) {
    for (const [v] of sql(`SELECT id FROM ${t} WHERE tenant_id = ${tid}`)) ids.add(Number(v));
  }
  return ids;
}

// --- the snapshot ------------------------------------------------------------

const schoolTables = () => sql(`SELECT table_name FROM information_schema.columns
  WHERE table_schema = 'testcentrum' AND column_name = 'tenant_id' ORDER BY table_name`.replace(/\s+/g, ' '))
  .map((r) => r[0]);

function redisKeys(tid) {
  const keys = execFileSync('redis-cli', ['-s', env.redisSocket, '--scan', '--pattern', `tc:{${tid}}:*`],
    { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
  return keys;
}

/** B's rows and keys: { sql: {table: hash}, redis: {key: hash} }. */
function snapshot(tid) {
  const out = { sql: {}, redis: {} };
  for (const t of schoolTables()) {
    const rows = sql(`SELECT * FROM \`${t}\` WHERE tenant_id = ${tid}`).map((r) => r.join('\t')).sort();
    out.sql[t] = `${rows.length} ${createHash('sha256').update(rows.join('\n')).digest('hex').slice(0, 16)}`;
  }
  out.sql.tenants = createHash('sha256').update(JSON.stringify(sql(`SELECT * FROM tenants WHERE id = ${tid}`)))
    .digest('hex').slice(0, 16);
  for (const k of redisKeys(tid)) {
    const v = execFileSync('redis-cli', ['-s', env.redisSocket, '--no-raw', 'DUMP', k], { encoding: 'utf8' });
    out.redis[k] = createHash('sha256').update(v).digest('hex').slice(0, 16);
  }
  return out;
}

// --- the calls ---------------------------------------------------------------

/** The path of a route with {id} filled with the victim's id of that kind. */
function fill(pattern, v) {
  const kind = pattern.split('/')[2];
  const id = { students: v.p.id, groups: v.g.id, imports: v.imp, teachers: v.teacherUser.id }[kind] ?? v.p.id;
  return pattern.replace('{id}', String(id));
}

/**
 * The request of a route aimed at victim v: [path, body, headers].
 * Routes not listed get the ids of v's pupils as {"ids": [...]}.
 */
function callFor(route, v, other) {
  const key = `${route.method} ${route.pattern}`;
  let p = fill(route.pattern, v);
  const query = {
    'GET /api/students': `?group=${v.g.id}&status=active&q=${SECRET}`,
    'GET /api/groups': '?status=all&school_year=all',
    'GET /api/audit': '?limit=200',
    'GET /api/imports/{id}/records': '?kind=student&limit=200',
    'POST /api/imports/file': '?school_year=2026-2027',
  }[key];
  if (query) p += query;
  const bodies = {
    // Credentials of the victim school, sent to the other school's host.
    'POST /api/session': { email: v.email, password: v.password },
    'POST /api/password-reset': { email: v.email },
    'POST /api/password-reset/confirm': { token: randomBytes(32).toString('hex'), password: 'Wachtwoord-123456' },
    'POST /api/imports': { school_year: '2026-2027' },
    'PUT /api/imports/{id}/decisions': { decisions: [{ kind: 'student', key: v.impKey ?? 'LL100001', category: 'skip' }] },
    'POST /api/imports/{id}/apply': {},
    'POST /api/imports/{id}/retry': {},
    'POST /api/students': { achternaam: 'Indringer', roepnaam: 'Kind' },
    'POST /api/students/delete': { ids: [v.old.id], confirm: true },
    'POST /api/students/reactivate': { ids: [v.old.id] },
    'PATCH /api/students/{id}': { roepnaam: 'Veranderd' },
    'POST /api/students/{id}/test-administrations': { test: 'DMT', date: '2026-01-06', score: 5 },
    'POST /api/groups': { name: 'Indringersgroep' },
    'POST /api/groups/deactivate': { ids: [v.g.id] },
    'POST /api/groups/reactivate': { ids: [v.gOld.id] },
    'POST /api/groups/delete': { ids: [v.gOld.id], confirm: true },
    'PATCH /api/groups/{id}': { name: 'Veranderd' },
    'POST /api/groups/{id}/students': { ids: [v.p.id, other.p.id] },
    'POST /api/groups/{id}/students/remove': { ids: [v.p.id] },
    'POST /api/groups/{id}/teachers': { ids: [v.teacherUser.id] },
    'POST /api/groups/{id}/teachers/remove': { ids: [v.teacherUser.id] },
  };
  if (key === 'POST /api/imports/file') {
    return [p, '<?xml version="1.0"?><leerlinggegevens/>', { 'Content-Type': 'application/xml' }];
  }
  let body = bodies[key];
  if (body === undefined && route.method !== 'GET' && route.method !== 'DELETE') body = { ids: [v.p.id, v.old.id] };
  return [p, body, {}];
}

/** Checks one answer: no 5xx, nothing of B. Returns a failure text or null. */
function inspect(label, res, leaks, bIds, aIds) {
  if (res.status >= 500) return `${label}: ${res.status} ${res.text.slice(0, 200)}`;
  for (const s of leaks) {
    if (res.text.includes(s)) return `${label}: the answer holds B's "${s}": ${res.text.slice(0, 300)}`;
  }
  // A record of B: an object with one of B's ids and record fields.
  const walk = (x) => {
    if (Array.isArray(x)) return x.map(walk).find(Boolean) || null;
    if (!x || typeof x !== 'object') return null;
    if (typeof x.id === 'number' && bIds.has(x.id) && !aIds.has(x.id) &&
      ['achternaam', 'name', 'email', 'roepnaam', 'score', 'display'].some((f) => f in x)) {
      return `${label}: the answer holds B's record ${JSON.stringify(x).slice(0, 200)}`;
    }
    return Object.values(x).map(walk).find(Boolean) || null;
  };
  return walk(res.json);
}

before(async () => {
  // The whole matrix runs on 15 August: on the real date (after 1 October) a
  // school with last year active is overdue, and tc-worker's daily scan could
  // activate it, start its import and send reminders in the middle of the
  // snapshot comparison.
  tcctl(['clock', 'set', '2026-08-15T10:00']);
  clockMoved = true;
  await sleep(1100);
  A = await school('Isolatiematrix A', 'Eigenwaard', false);
  B = await school('Isolatiematrix B', SECRET, true);
  B.imp = await importInReview(B);
  const rec = await B.admin.get(`/api/imports/${B.imp}/records?kind=student&limit=1`);
  B.impKey = rec.json?.items?.[0]?.key;
  // Points of a nightly sync of B (GET /api/sync), naming B's pupils.
  const pupils = sql(`SELECT id FROM students WHERE tenant_id = ${B.id} ORDER BY id LIMIT 3`).map((r) => Number(r[0]));
  const lookalike = `${SECRET}kind Lijkt`;
  redis(['SET', `tc:{${B.id}}:sync:points`, JSON.stringify({ date: '2026-08-15', status: 'applied',
    leavers: pupils.slice(0, 2), archived: [], lookalikes: [{ name: lookalike, candidates: pupils }] }),
  'EX', '3600']);
  assert.equal((await B.admin.get('/api/sync')).json.last.lookalikes[0].name, lookalike);
  B.leaks = [...await leakStrings(B), lookalike];
  B.ids = recordIds(B.id);
  A.ids = recordIds(A.id);
});

after(() => {
  if (clockMoved) restoreClock();
});

test('docs/api.md lists the routes of tc-fcgi --routes (the matrix covers them all)', () => {
  const table = execFileSync(path.join(env.bin, 'tc-fcgi'), ['--routes'], { encoding: 'utf8' })
    .trim().split('\n').map((l) => l.split(' ').slice(0, 2).join(' '));
  const doc = routes.map((r) => `${r.method} ${r.pattern}`);
  assert.ok(doc.length >= 30, `only ${doc.length} routes read from docs/api.md`);
  assert.deepEqual(table.filter((k) => !doc.includes(k)), []);
});

test('every route, from every angle: nothing of school B leaks and nothing of B changes', async () => {
  // Angles.  Each gets a fresh session where it needs one (a logout route
  // must not end the matrix early).
  const forged = () => `tc_session=${randomBytes(32).toString('hex')}`;
  const altered = (t) => `tc_session=${t.slice(0, -1)}${t.endsWith('0') ? '1' : '0'}`;
  const angles = [
    { name: "A's administrator at A's host, B's ids", host: A.host, who: () => A.admin },
    { name: "A's teacher at A's host, B's ids", host: A.host, who: () => A.teacher },
    { name: "A's administrator session at B's host", host: B.host, who: () => A.admin },
    { name: "A's teacher session at B's host", host: B.host, who: () => A.teacher },
    { name: "no session at B's host", host: B.host, who: () => null },
    { name: "no session at A's host, B's ids", host: A.host, who: () => null },
    { name: "a forged cookie at B's host", host: B.host, who: () => ({ cookie: forged(), csrf: randomBytes(32).toString('hex') }) },
    { name: "B's token altered by one character at B's host", host: B.host,
      who: () => ({ cookie: altered(B.admin.token), csrf: B.admin.csrf }) },
    { name: "A's cookie with B's CSRF token at B's host", host: B.host, who: () => ({ cookie: A.admin.cookie, csrf: B.admin.csrf }) },
    // B's own sessions: only changes, and only without a valid token.
    { name: "B's administrator without the CSRF token", host: B.host, changesOnly: true,
      who: () => ({ cookie: B.admin.cookie, csrf: undefined }) },
    { name: "B's administrator with A's CSRF token", host: B.host, changesOnly: true,
      who: () => ({ cookie: B.admin.cookie, csrf: A.admin.csrf }) },
    { name: "B's teacher without the CSRF token", host: B.host, changesOnly: true,
      who: () => ({ cookie: B.teacher.cookie, csrf: undefined }) },
  ];
  // Logins at A's host with B's credentials count failures: keep them last
  // and few.  DELETE /api/session last of all (it ends A's session).
  const order = (r) => (r.method === 'DELETE' && r.pattern === '/api/session' ? 2 : 0);
  const list = [...routes].sort((x, y) => order(x) - order(y));

  // The failed logins below count against 127.0.0.1 too (login.max_failures
  // x 4 per address): put that counter back afterwards, so that the tests
  // that run later can still log in.
  const addrKey = 'tc:login-fail-addr:127.0.0.1';
  const rcli = (...a) => execFileSync('redis-cli', ['-s', env.redisSocket, ...a], { encoding: 'utf8' }).trim();
  const addrBefore = rcli('GET', addrKey);
  const addrTtl = Number(rcli('PTTL', addrKey));

  const before = snapshot(B.id);
  const failures = [];
  let calls = 0;
  for (const angle of angles) {
    for (const route of list) {
      if (angle.changesOnly && route.method === 'GET') continue;
      const aimAtB = angle.host === A.host;
      // At B's host the victim's credentials would be a real login: send A's.
      const [p, body, headers] = callFor(route, B, A);
      let sendBody = body;
      if (!aimAtB && route.pattern === '/api/session' && route.method === 'POST') {
        sendBody = { email: A.email, password: A.password };
      }
      if (!aimAtB && route.pattern === '/api/password-reset') sendBody = { email: A.email };
      const who = angle.who();
      const res = await request(route.method, p, {
        host: angle.host, body: sendBody, headers,
        cookie: who ? who.cookie : undefined, csrf: who ? who.csrf : undefined,
      });
      calls += 1;
      const label = `${angle.name}: ${route.method} ${p}`;
      const bad = inspect(label, res, B.leaks, B.ids, A.ids);
      if (bad) failures.push(bad);
      // Statuses that must hold whatever the route.
      if (angle.changesOnly && route.pattern !== '/api/session' && !route.pattern.startsWith('/api/password-reset')
        && res.status !== 403) {
        failures.push(`${label}: ${res.status} without a valid CSRF token (want 403): ${res.text.slice(0, 200)}`);
      }
      if (aimAtB && route.pattern.includes('{id}') && who && res.status < 400) {
        failures.push(`${label}: ${res.status} with B's id: ${res.text.slice(0, 200)}`);
      }
    }
    // A logout (DELETE /api/session) ended A's sessions: log in again.
    if ((await A.admin.get('/api/me')).status !== 200) A.admin = await login(A.host, A.email, A.password);
    if ((await A.teacher.get('/api/me')).status !== 200) {
      A.teacher = await login(A.host, A.teacherUser.email, A.teacherUser.password);
    }
  }
  if (addrBefore !== '' && addrTtl > 0) rcli('SET', addrKey, addrBefore, 'PX', String(addrTtl));
  else rcli('DEL', addrKey);
  assert.ok(calls > routes.length * 8, `only ${calls} calls`);
  assert.deepEqual(failures, []);
  const afterSnap = snapshot(B.id);
  // Anonymous logins and reset requests at B's host with A's address are
  // counted under B's tag (a key named by the hash of the address that was
  // tried: the attacker's input, no data of B).  Those may appear; nothing
  // else may appear, change or go.  Likewise the reset's counters per client
  // address (tc:{B}:pwreset-addr:127.0.0.1: the caller's own address).
  for (const k of Object.keys(afterSnap.redis)) {
    if (!(k in before.redis) && (new RegExp(`^tc:\\{${B.id}\\}:(login-fail|pwreset-rate):[0-9a-f]+$`).test(k) ||
        new RegExp(`^tc:\\{${B.id}\\}:pwreset-(confirm-)?addr:127\\.0\\.0\\.1$`).test(k))) {
      delete afterSnap.redis[k];
    }
  }
  assert.deepEqual(afterSnap, before, "school B's rows or Redis keys changed");
  // The import in review is still B's, untouched.
  const st = await B.admin.get(`/api/imports/${B.imp}`);
  assert.equal(st.status, 200, st.text);
  assert.equal(st.json.status, 'review');
  // The failed logins with B's address at A's host did not lock B's account.
  const again = await login(B.host, B.email, B.password);
  assert.equal((await again.get('/api/me')).status, 200);
});

test('the refusals are real: B itself reads its own data with the same calls', async () => {
  const res = await B.admin.get(`/api/students?group=${B.g.id}`);
  assert.equal(res.status, 200, res.text);
  assert.ok(res.text.includes(SECRET));
  const imp = await B.admin.get(`/api/imports/${B.imp}/records?kind=student&limit=5`);
  assert.equal(imp.status, 200, imp.text);
  assert.ok(imp.json.items.length > 0);
  assert.ok(B.leaks.length > 20, `only ${B.leaks.length} strings of B to look for`);
});
