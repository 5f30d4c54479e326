// tests/api/roster.mjs - helpers of the roster API tests (10- to 15-*.test.mjs):
// a school with an active school year, teachers, pupils and groups, and a
// snapshot of every roster row of a school to prove that "nothing changed".
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { tcctl, sql, sqlValue, restoreClock, setClockAt, schoolInYear } from './lib.mjs';

/** The id of a school, from its slug. */
export function tenantId(slug) {
  return Number(sqlValue(`SELECT id FROM tenants WHERE slug = '${slug}'`));
}

/** Adds a user (teacher by default) to a school; returns { email, password, id }. */
export function addUser(school, role = 'teacher', name = 'Juf Test') {
  const email = `${role}-${randomBytes(4).toString('hex')}@${school.slug}.example`;
  const password = `Geheim-${randomBytes(6).toString('hex')}`;
  tcctl(['user', 'add', '--tenant', school.slug, '--email', email, '--name', name, '--role', role],
    `${password}\n`);
  const id = Number(sqlValue(`SELECT id FROM users WHERE email = '${email}'`));
  return { email, password, id };
}

/**
 * The roster tests live in school year 2025-2026: newSchool's active year,
 * the dates of their test administrations.  So that they pass whatever today
 * is (after 1 October a school with last year active is overdue, and the day's
 * scan activates the next year), they set the deployment's clock to 2 March
 * 2026 themselves: before(rosterClock), after(restoreClock).
 */
export async function rosterClock() {
  await setClockAt('2026-03-02T12:00');
}
export { restoreClock };

/**
 * A new school with the active school year 2025-2026 and a logged-in
 * administrator: { slug, host, id, admin } (admin is a session from login()).
 */
export async function newSchool(name) {
  return schoolInYear(name, 2025);
}

let counter = 0;

/** Creates a pupil through the API and returns its JSON (asserts 201). */
export async function mkStudent(s, fields = {}) {
  counter += 1;
  const body = { achternaam: `Achter${String.fromCharCode(97 + (counter % 26))}`, roepnaam: 'Kim', ...fields };
  const res = await s.post('/api/students', body);
  assert.equal(res.status, 201, res.text);
  return res.json;
}

/** Creates a group through the API and returns its JSON (asserts 201). */
export async function mkGroup(s, fields = {}) {
  counter += 1;
  const res = await s.post('/api/groups', { name: `Groep ${counter}-${randomBytes(2).toString('hex')}`, ...fields });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

/** Inserts n pupils straight into MariaDB (fast, for bulk tests); returns their ids. */
export function insertStudents(tid, n, prefix = 'Bulk') {
  const tag = `${prefix}${randomBytes(3).toString('hex')}`;
  const rows = [];
  for (let i = 0; i < n; i++) rows.push(`(${tid}, '${tag}', 'Nr', 'manual')`);
  sql(`INSERT INTO students (tenant_id, achternaam, roepnaam, source) VALUES ${rows.join(',')}`);
  return sql(`SELECT id FROM students WHERE tenant_id = ${tid} AND achternaam = '${tag}' ORDER BY id`)
    .map((r) => Number(r[0]));
}

/**
 * Every roster row of a school as one text: pupils, groups, memberships,
 * teacher links, test administrations, school years and audit entries.
 * Two equal snapshots mean that nothing changed.
 */
export function snapshot(tid) {
  const q = [
    `SELECT id, status, achternaam, IFNULL(voorvoegsel,''), IFNULL(roepnaam,''), IFNULL(geboortedatum,''),
       IFNULL(jaargroep,''), IFNULL(deactivated_at,'') FROM students WHERE tenant_id = ${tid} ORDER BY id`,
    `SELECT id, status, name, kind, IFNULL(jaargroep,''), year_start FROM school_groups WHERE tenant_id = ${tid} ORDER BY id`,
    `SELECT group_id, student_id FROM group_members WHERE tenant_id = ${tid} ORDER BY group_id, student_id`,
    `SELECT user_id, group_id FROM teacher_groups WHERE tenant_id = ${tid} ORDER BY user_id, group_id`,
    `SELECT id, student_id, test_id, taken_on, score, IFNULL(level,'') FROM test_administrations WHERE tenant_id = ${tid} ORDER BY id`,
    `SELECT year_start, IFNULL(active,0) FROM school_years WHERE tenant_id = ${tid} ORDER BY year_start`,
    `SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${tid} AND action <> 'login'`,
  ];
  return q.map((x) => JSON.stringify(sql(x.replace(/\s+/g, ' ')))).join('\n');
}

/** Asserts an error answer: status, code and (optionally) field. */
export function assertError(res, status, code, field) {
  assert.equal(res.status, status, res.text);
  assert.ok(res.json && res.json.error, `no error object: ${res.text}`);
  assert.equal(res.json.error.code, code, res.text);
  assert.equal(typeof res.json.error.message, 'string');
  if (field !== undefined) assert.equal(res.json.error.field, field, res.text);
}
