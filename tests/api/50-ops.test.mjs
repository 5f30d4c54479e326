// tests/api/50-ops.test.mjs - the operator's view (issue 8): /metrics moves
// with the requests and documents itself, `tcctl status` prints its sections,
// `tcctl export` writes one school and nothing of another, and
// `tcctl erase-tenant` removes every row and key of one school and nothing of
// the other.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { env, request, login, tcctl, sql, sqlValue, redis, repoRoot } from './lib.mjs';
import { newSchool, rosterClock, restoreClock, addUser, mkStudent, mkGroup } from './roster.mjs';

let a;	// the school that is exported and erased
let b;	// the other school, that must stay whole
let bTeacher;

/** Every table with a tenant_id column (the schema's own list). */
function schoolTables() {
  return sql(`SELECT table_name FROM information_schema.columns
    WHERE table_schema = DATABASE() AND column_name = 'tenant_id' ORDER BY table_name`)
    .map((r) => r[0]);
}

/** Rows per school table of one school: { table: count }. */
function rowCounts(tid) {
  const out = {};
  for (const t of schoolTables()) out[t] = Number(sqlValue(`SELECT COUNT(*) FROM \`${t}\` WHERE tenant_id = ${tid}`));
  return out;
}

const keysOf = (tid) => redis(['--scan', '--pattern', `tc:{${tid}}:*`]).split('\n').filter((k) => k !== '');

/** The metrics as { 'name{labels}': value }. */
async function metrics() {
  const res = await request('GET', '/metrics');
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  const out = {};
  for (const line of res.text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+) (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    out[m[1]] = Number(m[2]);
  }
  return { samples: out, text: res.text };
}

// In school year 2025-2026 (newSchool), whatever today is.
before(rosterClock);
after(restoreClock);

before(async () => {
  a = await newSchool('Exportschool');
  b = await newSchool('Blijfschool');
  for (const s of [a, b]) {
    const p1 = await mkStudent(s.admin, { achternaam: s === a ? 'Eigenaar' : 'Geheimhouder' });
    const p2 = await mkStudent(s.admin, { achternaam: s === a ? 'Eigenaar' : 'Geheimhouder', roepnaam: 'Oud' });
    const g = await mkGroup(s.admin);
    await s.admin.post(`/api/groups/${g.id}/students`, { ids: [p1.id, p2.id] });
    const t = addUser(s, 'teacher', s === a ? 'Eigenaar leerkracht' : 'Geheimhouder leerkracht');
    if (s === b) bTeacher = t;
    await s.admin.post(`/api/groups/${g.id}/teachers`, { ids: [t.id] });
    const ta = await s.admin.post(`/api/students/${p1.id}/test-administrations`,
      { test: 'REK-M', date: '2025-11-12', score: 50 });
    assert.equal(ta.status, 201, ta.text);
    assert.equal((await s.admin.post('/api/students/deactivate', { ids: [p2.id] })).status, 200);
  }
});

test('/metrics counts requests by route and status class, and documents every metric', async () => {
  const key = 'tc_fcgi_requests_total{method="GET",route="/api/me",code="2xx"}';
  const miss = 'tc_fcgi_requests_total{method="-",route="unmatched",code="4xx"}';
  const before = (await metrics()).samples;
  for (let i = 0; i < 3; i++) assert.equal((await a.admin.get('/api/me')).status, 200);
  assert.equal((await request('GET', '/api/no-such-route')).status, 404);
  const after = await metrics();
  const s = after.samples;
  assert.ok((s[key] ?? 0) - (before[key] ?? 0) >= 3, `${key}: ${before[key]} → ${s[key]}`);
  assert.ok((s[miss] ?? 0) - (before[miss] ?? 0) >= 1, `${miss}: ${before[miss]} → ${s[miss]}`);
  const count = 'tc_fcgi_request_duration_seconds_count{method="GET",route="/api/me"}';
  const inf = 'tc_fcgi_request_duration_seconds_bucket{method="GET",route="/api/me",le="+Inf"}';
  assert.ok(s[count] >= 3 && s[count] === s[inf], `${s[count]} ${s[inf]}`);
  // No school in any label: the slugs and ids of both schools never appear.
  assert.ok(!after.text.includes(a.slug) && !after.text.includes(b.slug));
  // Deployment-wide figures are there.
  for (const name of ['tc_jobs_stream_length', 'tc_jobs_pending', 'tc_jobs_delayed', 'tc_jobs_dead',
    'tc_imports_in_progress', 'tc_mail_sent_total', 'tc_mail_failed_total', 'tc_workers_alive',
    'tc_mariadb_errors_total', 'tc_redis_reconnects_total', 'tc_redis_up']) {
    assert.ok(name in s, `${name} missing`);
  }
  assert.equal(s.tc_redis_up, 1);
  assert.ok(s.tc_workers_alive >= 1, 'the running tc-worker announces itself');
  // docs/operations.md names every metric family.
  const doc = readFileSync(path.join(repoRoot, 'docs', 'operations.md'), 'utf8');
  const families = [...after.text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]);
  const undocumented = families.filter((f) => !doc.includes(`\`${f}\``));
  assert.deepEqual(undocumented, [], 'metrics missing in docs/operations.md');
});

test('/metrics counts the e-mails sent and the imports in progress', async () => {
  const before = (await metrics()).samples;
  const res = await request('POST', '/api/password-reset', { host: a.host, body: { email: a.email } });
  assert.equal(res.status, 202, res.text);
  // An import in progress is a member of tc:imports:active (import_start).
  redis(['ZADD', 'tc:imports:active', String(Date.now() + 3600e3), `${a.id}:999999999999999999`]);
  // The reset e-mail is a tc-worker job (tc-fcgi sends no mail): wait for it.
  let s = (await metrics()).samples;
  for (let i = 0; i < 100 && s.tc_mail_sent_total === before.tc_mail_sent_total; i++) {
    await new Promise((r) => setTimeout(r, 100));
    s = (await metrics()).samples;
  }
  assert.equal(s.tc_mail_sent_total - before.tc_mail_sent_total, 1);
  assert.equal(s.tc_imports_in_progress - before.tc_imports_in_progress, 1);
});

test('tcctl status prints workers, queue, failed jobs and late imports', () => {
  const out = tcctl(['status']);
  for (const section of [/^tc-worker processes/m, /^queue \(tc:jobs\):/m, /^ {2}waiting /m,
    /^failed jobs/m, /^imports waiting after the deadline/m, /^failed imports/m, /^schools: \d+ active/m]) {
    assert.match(out, section);
  }
  assert.match(out, /last seen +\d+\.\d s ago/);
  assert.match(out, /^ {2}[1-9]\d* alive$/m);
});

test('tcctl export writes every table of the school, without password hashes or another school', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tc-export-'));
  const file = path.join(dir, 'a.json');
  tcctl(['export', '--tenant', a.slug, '--out', file]);
  const text = readFileSync(file, 'utf8');
  const doc = JSON.parse(text);
  assert.equal(doc.format, 'testcentrum-export-1');
  assert.equal(doc.school.slug, a.slug);
  assert.equal(doc.school.id, a.id);
  // Each table of the schema is in the export with exactly the school's rows.
  const counts = rowCounts(a.id);
  for (const [table, n] of Object.entries(counts)) {
    assert.ok(Array.isArray(doc[table]), `table ${table} is not in the export`);
    assert.equal(doc[table].length, n, `${table}: ${doc[table].length} exported, ${n} in MariaDB`);
  }
  assert.ok(doc.students.length >= 2 && doc.group_members.length >= 2 && doc.teacher_groups.length >= 1);
  assert.ok(doc.test_administrations.length >= 1 && doc.audit_log.length >= 1 && doc.users.length >= 2);
  const ids = sql(`SELECT id FROM students WHERE tenant_id = ${a.id} ORDER BY id`).map((r) => Number(r[0]));
  assert.deepEqual(doc.students.map((s) => s.id), ids);
  // Nothing of school B, no secrets.
  assert.ok(!text.includes('Geheimhouder'), 'a name of the other school is in the export');
  assert.ok(!text.includes(b.email) && !text.includes(b.slug));
  assert.ok(!/password|argon2/i.test(text), 'a password hash is in the export');
  // --out never overwrites a file.
  writeFileSync(path.join(dir, 'exists.json'), 'keep');
  assert.throws(() => tcctl(['export', '--tenant', a.slug, '--out', path.join(dir, 'exists.json')]),
    (e) => e.status === 2);
  assert.equal(readFileSync(path.join(dir, 'exists.json'), 'utf8'), 'keep');
});

test('tcctl erase-tenant refuses without the matching --confirm and changes nothing', () => {
  const before = rowCounts(a.id);
  for (const args of [['erase-tenant', a.slug], ['erase-tenant', a.slug, '--confirm', b.slug],
    ['erase-tenant', 'no-such-school', '--confirm', 'no-such-school']]) {
    assert.throws(() => tcctl(args), (e) => e.status === 2 && /^tcctl: /.test(e.stderr), args.join(' '));
  }
  assert.deepEqual(rowCounts(a.id), before);
  assert.equal(sqlValue(`SELECT status FROM tenants WHERE id = ${a.id}`), 'active');
});

test('tcctl erase-tenant removes every row and key of the school and leaves the other whole', async () => {
  assert.ok(keysOf(a.id).length > 0, 'school A has Redis keys (its session)');
  const bRows = rowCounts(b.id);
  const bKeys = keysOf(b.id).sort();
  const out = tcctl(['erase-tenant', a.slug, '--confirm', a.slug]);
  assert.match(out, new RegExp(`erased school ${a.slug}`));
  for (const [table, n] of Object.entries(rowCounts(a.id))) assert.equal(n, 0, `${table} keeps rows of the erased school`);
  assert.equal(sqlValue(`SELECT COUNT(*) FROM tenants WHERE id = ${a.id}`), '0');
  assert.deepEqual(keysOf(a.id), []);
  assert.ok(!redis(['ZRANGE', 'tc:imports:active', '0', '-1']).split('\n').some((m) => m.startsWith(`${a.id}:`)));
  // The other school: every row and key still there, and it still works.
  assert.deepEqual(rowCounts(b.id), bRows);
  assert.deepEqual(keysOf(b.id).sort(), bKeys);
  assert.equal((await b.admin.get('/api/me')).status, 200);
  const t = await login(b.host, bTeacher.email, bTeacher.password);
  assert.equal((await t.get('/api/students')).status, 200);
  // The erased school's host is unknown now, and its session is gone.
  for (let i = 0; i < 20; i++) {
    if ((await request('GET', '/api/me', { host: a.host, cookie: a.admin.cookie })).status === 404) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const gone = await request('GET', '/api/me', { host: a.host, cookie: a.admin.cookie });
  assert.equal(gone.status, 404, gone.text);
});

test('the nginx configurations keep /metrics from the outside', () => {
  for (const f of ['nginx/tc.conf.in', 'nginx/production.conf.example']) {
    const text = readFileSync(path.join(repoRoot, f), 'utf8');
    const block = /location = \/metrics \{([^}]*)\}/.exec(text);
    assert.ok(block, `${f}: no location = /metrics`);
    assert.match(block[1], /allow 127\.0\.0\.1;/);
    assert.match(block[1], /deny all;/);
  }
  assert.ok(env.base.startsWith('http://127.0.0.1:'));
});
