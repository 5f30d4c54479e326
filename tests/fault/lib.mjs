// tests/fault/lib.mjs - helpers of the fault-injection scripts (issue 9).
//
// Each tests/fault/*.sh is one test of scripts/check (its exit status); the
// ones written in JavaScript run a file of tests/fault/scenarios/ with node
// and these helpers.  They drive the real servers of scripts/services
// (TC_SERVICES_DIR) and always put things back: las-sim.conf, the clock, a
// stopped or frozen server, a tc-worker with extra environment.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync, utimesSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { env, login, tcctl, sql, sqlValue, repoRoot, restoreClock, sleep, lasLink, schoolInYear } from '../api/lib.mjs';

export { env, login, tcctl, sql, sqlValue, repoRoot, restoreClock, sleep };

const servicesScript = path.join(repoRoot, 'scripts', 'services');
const lasKey = () => readFileSync(env.lasKeyFile, 'utf8').trim();
const MARK = '# --- tests/fault';

export function log(...a) {
  console.log(`[${new Date().toISOString().slice(11, 23)}]`, ...a);
}

/** scripts/services CMD DIR [NAME], with extra environment for the server. */
export function services(cmd, name, extraEnv = {}) {
  const args = name ? [cmd, env.servicesDir, name] : [cmd, env.servicesDir];
  return execFileSync(servicesScript, args, {
    encoding: 'utf8', env: { ...process.env, TC_BIN: env.bin, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'], timeout: 180000,
  });
}

/** The pid of a server that scripts/services started. */
export function pidOf(name) {
  return Number(readFileSync(path.join(env.servicesDir, 'run', `${name}.pid`), 'utf8').trim());
}

/**
 * Our schools in las-sim.conf: { BRIN: {generate, latency_ms, fault, timeout_ms} }.
 * Rewrites the part of the file below MARK and waits until las-sim sees it
 * (it rereads a changed file at most once a second).
 */
const lasSchools = {};
export async function lasSet(brin, fields) {
  lasSchools[brin] = { ...(lasSchools[brin] || {}), ...fields };
  await lasWrite();
}
async function lasWrite() {
  const file = env.lasConf;
  const base = readFileSync(file, 'utf8').split(MARK)[0].replace(/\n*$/, '\n');
  let text = base;
  const names = Object.keys(lasSchools);
  if (names.length) {
    text += `${MARK} (removed again when the fault test ends)\n`;
    for (const brin of names) {
      const s = lasSchools[brin];
      text += `[school ${brin} 00]\nkey = ${lasKey()}\nklantcode = TC\nklantnaam = Testcentrum\n`;
      for (const [k, v] of Object.entries(s)) text += `${k} = ${v}\n`;
    }
  }
  writeFileSync(file, text);
  // a new modification time that las-sim cannot miss
  const t = Date.now() / 1000 + 1;
  utimesSync(file, t, t);
  await sleep(1300);
}
export async function lasRestore() {
  for (const k of Object.keys(lasSchools)) delete lasSchools[k];
  await lasWrite();
}

/**
 * A school with the active year 2025-2026, linked to las-sim school BRIN
 * (generated with `generate`), and a logged-in administrator.
 */
export async function lasSchool(brin, generate, extraLas = {}, { sync = ['--sync', 'no'] } = {}) {
  // Without the nightly sync (unless asked): a move of the clock to a new day
  // would sync the empty school and hold its 100% change for approval, as the
  // import in progress that the fault scenario starts itself.
  // 15 August first: on the real date (after 1 October) a school with last
  // year active is overdue, and tc-worker's daily scan might start its import.
  inWindow();
  await sleep(1100);
  await lasSet(brin, { generate, latency_ms: 0, fault: 'none', ...extraLas });
  const s = await schoolInYear(`Storing ${brin}`, 2025, [...lasLink(brin), '--las-xsd', '2.3', ...sync]);
  s.brin = brin;
  return s;
}

/** Moves the deployment's clock into the import window of 2026-2027. */
export function inWindow() {
  tcctl(['clock', 'set', '2026-08-15T10:00']);
}

/** GET /api/imports/{id} until its status is one of want (or time is up). */
export async function waitStatus(s, id, want, ms = 60000) {
  const end = Date.now() + ms;
  let last = null;
  while (Date.now() < end) {
    const res = await s.admin.get(`/api/imports/${id}`);
    last = res.json;
    if (res.status === 200 && want.includes(last.status)) return last;
    if (res.status === 401) throw new Error(`logged out: ${res.text}`);
    await sleep(150);
  }
  throw new Error(`import ${id}: not ${want.join('/')} within ${ms} ms: ${JSON.stringify(last)}`);
}

/** POST /api/imports for 2026-2027; returns the import id. */
export async function startImport(s) {
  const res = await s.admin.post('/api/imports', { school_year: '2026-2027' });
  assert.equal(res.status, 202, res.text);
  return res.json.import.id;
}

/** The pupils of school s in MariaDB. */
export function pupils(s) {
  return Number(sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${s.id}`));
}

/** Every row of school s (tables with tenant_id), as one text. */
export function rows(tid) {
  const tables = sql("SELECT table_name FROM information_schema.columns WHERE table_schema = 'testcentrum' " +
    "AND column_name = 'tenant_id' AND table_name <> 'audit_log' ORDER BY table_name").map((r) => r[0]);
  return tables.map((t) => `${t}: ${JSON.stringify(sql(`SELECT * FROM \`${t}\` WHERE tenant_id = ${tid}`)
    .map((r) => r.join('\t')).sort())}`).join('\n');
}

const ownWorkers = [];

/** The tc-workers that startWorker started and that still run. */
export function runningWorkers() {
  return ownWorkers.filter((w) => w.exitCode === null && w.signalCode === null);
}

/** Ends them: SIGTERM, and SIGKILL for any still there half a second later. */
export async function stopWorkers() {
  for (const w of runningWorkers()) w.kill('SIGTERM');
  await sleep(500);
  for (const w of runningWorkers()) w.kill('SIGKILL');
}

/** A tc-worker of our own (not the one of scripts/services), with env. */
export function startWorker(name, extraEnv = {}) {
  // Its log straight into a file (a pipe would block it while we wait).
  const fd = openSync(path.join(env.servicesDir, 'log', `${name}.log`), 'a');
  const child = spawn(path.join(env.bin, 'tc-worker'), ['--config', env.workerConfig], {
    env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'ignore', fd],
  });
  closeSync(fd);
  ownWorkers.push(child);
  return child;
}

/** Runs fn, then cleanup whatever happened; exits 1 on a failure. */
export async function main(fn, cleanup) {
  let rc = 0;
  try {
    await fn();
    log('PASS');
  } catch (err) {
    console.error('FAIL', err && err.stack ? err.stack : err);
    rc = 1;
  }
  try {
    await cleanup();
  } catch (err) {
    console.error('cleanup failed:', err);
    rc = 1;
  }
  process.exit(rc);
}
