// tests/api/lib.mjs - helpers for the HTTP API tests (node:test, Node 18+).
//
// The tests run against the real servers that scripts/services started; the
// environment comes from `scripts/services env DIR` (scripts/check exports it).
// When only TC_SERVICES_DIR is set, the rest is read from that command here.
//
//   import { env, request, login, tcctl, sql, redis, services, uniqueSlug } from './lib.mjs';
//
// Everything talks to 127.0.0.1 only.  request() uses node:http, not fetch:
// fetch cannot set the Host header, and the Host header picks the school.

import http from 'node:http';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const servicesScript = path.join(repoRoot, 'scripts', 'services');

function loadEnv() {
  const e = { ...process.env };
  if (!e.TC_BASE && e.TC_SERVICES_DIR) {
    const out = execFileSync(servicesScript, ['env', e.TC_SERVICES_DIR], { encoding: 'utf8' });
    for (const line of out.split('\n')) {
      const m = /^export (TC_[A-Z0-9_]+|REDISCLI_AUTH)='([^']*)'$/.exec(line);
      if (m) e[m[1]] = m[2];
    }
  }
  for (const k of ['TC_BASE', 'TC_CONFIG', 'TC_BIN']) {
    if (!e[k]) {
      throw new Error(`${k} is not set: run the API tests through scripts/check, or ` +
        '`eval "$(scripts/services env DIR)"` after `scripts/services start DIR`');
    }
  }
  // Redis answers only who logs in (issue 19): redis-cli takes the
  // administrator's password from REDISCLI_AUTH.
  if (e.REDISCLI_AUTH && !process.env.REDISCLI_AUTH) process.env.REDISCLI_AUTH = e.REDISCLI_AUTH;
  const u = new URL(e.TC_BASE);
  return Object.freeze({
    fcgiConfig: e.TC_FCGI_CONFIG || e.TC_CONFIG,
    workerConfig: e.TC_WORKER_CONFIG || e.TC_CONFIG,
    base: e.TC_BASE,
    hostname: u.hostname,
    port: Number(u.port || 80),
    config: e.TC_CONFIG,
    bin: e.TC_BIN,
    servicesDir: e.TC_SERVICES_DIR || '',
    lasHttp: e.TC_LAS_HTTP || '',
    lasHttps: e.TC_LAS_HTTPS || '',
    lasConf: e.TC_LAS_CONF || '',
    lasKeyFile: e.TC_LAS_KEY_FILE || '',
    tlsDir: e.TC_TLS_DIR || '',
    mysqlSocket: e.TC_MYSQL_SOCKET || '',
    redisSocket: e.TC_REDIS_SOCKET || '',
    maildevUrl: e.TC_MAILDEV_URL || '',
    sqlDir: e.TC_SQLDIR || path.join(repoRoot, 'sql'),
  });
}

/** The test environment (see `scripts/services env`), read once. */
export const env = loadEnv();

/**
 * One HTTP request through nginx.
 *   method  'GET', 'POST', ...
 *   path    '/api/me' (with query string if any)
 *   opts.host     Host header (a school's host, e.g. 'regenboog.localhost'); default 'localhost'
 *   opts.body     object → JSON (Content-Type application/json); string or Buffer → sent as is
 *   opts.cookie   a Cookie header value, or a session from login() (its cookie and csrf are used)
 *   opts.csrf     X-CSRF-Token header
 *   opts.headers  more headers (override the above)
 *   opts.timeout  milliseconds (default 30000)
 *   opts.base     another base URL (default env.base), e.g. env.lasHttp
 * Resolves to { status, headers, text, json } (json is null unless the body parses as JSON).
 * Never rejects on an HTTP status; rejects on a network error or timeout.
 */
export function request(method, reqPath, opts = {}) {
  const base = new URL(opts.base || env.base);
  const headers = {};
  let payload;
  if (opts.body !== undefined && opts.body !== null) {
    if (Buffer.isBuffer(opts.body) || typeof opts.body === 'string') {
      payload = Buffer.from(opts.body);
    } else {
      payload = Buffer.from(JSON.stringify(opts.body));
      headers['Content-Type'] = 'application/json';
    }
    headers['Content-Length'] = String(payload.length);
  } else if (!['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(method.toUpperCase())) {
    headers['Content-Length'] = '0';
  }
  let { cookie, csrf } = opts;
  if (cookie && typeof cookie === 'object') {
    csrf = csrf ?? cookie.csrf;
    cookie = cookie.cookie;
  }
  if (cookie) headers.Cookie = cookie;
  if (csrf) headers['X-CSRF-Token'] = csrf;
  headers.Host = opts.host || 'localhost';
  Object.assign(headers, opts.headers || {});

  return new Promise((resolve, reject) => {
    const req = http.request({
      host: base.hostname,
      port: Number(base.port || 80),
      method: method.toUpperCase(),
      path: reqPath,
      headers,
      agent: false,
      timeout: opts.timeout ?? 30000,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = text ? JSON.parse(text) : null; } catch { json = null; }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${reqPath}: timed out`)));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** The value of cookie `name` from a response's Set-Cookie headers, or null. */
export function cookieFrom(res, name = 'tc_session') {
  for (const c of [].concat(res.headers['set-cookie'] || [])) {
    const m = new RegExp(`^${name}=([^;]*)`).exec(c);
    if (m) return m[1];
  }
  return null;
}

/**
 * Logs in at a school: POST /api/session {email, password} with Host `host`.
 * Resolves to a session { host, cookie, csrf, token, user, school, res } that
 * request() accepts as opts.cookie; the session's helpers send the right Host:
 *   s.get(path), s.post(path, body), s.put(...), s.patch(...), s.del(path), s.request(m, p, opts)
 * Throws when the login does not answer 200 (the message has the answer).
 */
export async function login(host, email, password) {
  const res = await request('POST', '/api/session', { host, body: { email, password } });
  const token = cookieFrom(res, 'tc_session');
  if (res.status !== 200 || !token) {
    throw new Error(`login ${email} at ${host}: ${res.status} ${res.text}`);
  }
  const s = {
    host,
    token,
    cookie: `tc_session=${token}`,
    csrf: res.json?.csrf_token ?? null,
    user: res.json?.user ?? null,
    school: res.json?.school ?? null,
    res,
  };
  s.request = (method, p, opts = {}) => request(method, p, { host, cookie: s.cookie, csrf: s.csrf, ...opts });
  s.get = (p, opts) => s.request('GET', p, opts);
  s.post = (p, body, opts = {}) => s.request('POST', p, { body, ...opts });
  s.put = (p, body, opts = {}) => s.request('PUT', p, { body, ...opts });
  s.patch = (p, body, opts = {}) => s.request('PATCH', p, { body, ...opts });
  s.del = (p, opts) => s.request('DELETE', p, opts);
  return s;
}

/**
 * Runs `tcctl --config $TC_CONFIG ARGS...` and returns its stdout (a string).
 * stdin: text fed to its standard input (e.g. a password).  Throws on a
 * non-zero exit; the error has .status, .stdout and .stderr.
 */
export function tcctl(args, stdin = '') {
  try {
    return execFileSync(path.join(env.bin, 'tcctl'), ['--config', env.config, ...args], {
      input: stdin,
      encoding: 'utf8',
      env: { ...process.env, TC_SQLDIR: env.sqlDir },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 60000,
    });
  } catch (err) {
    err.message = `tcctl ${args.join(' ')} failed (${err.status}): ${err.stderr || err.message}`;
    throw err;
  }
}

/**
 * Runs SQL as MariaDB's root over the private socket, in database testcentrum.
 * Returns the rows: an array of arrays of strings (NULL is the string 'NULL').
 */
export function sql(query) {
  // utf8mb4 whatever the caller's locale (a root shell without LANG is latin1).
  const out = execFileSync('mariadb', ['--no-defaults', '--default-character-set=utf8mb4',
    `--socket=${env.mysqlSocket}`, '-uroot', 'testcentrum', '-N', '-B', '-e', query],
  { encoding: 'utf8', timeout: 60000 });
  // Records changed by hand: the portal's cached lists are dropped, as
  // docs/operations.md tells an operator to do after SQL of their own.
  // (Not where tcctl itself cannot run: a test's own broken schema, Redis
  // stopped by a fault test; such a test reads no cached list before fixing it.)
  if (/\b(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(query)) {
    try { tcctl(['cache', 'drop', '--all']); } catch { /* see above */ }
  }
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

/** The first column of the first row of sql(query), or null when no row. */
export function sqlValue(query) {
  const rows = sql(query);
  return rows.length ? rows[0][0] : null;
}

/**
 * Runs `redis-cli -s $TC_REDIS_SOCKET ARGS...`; returns stdout without the
 * trailing newline (for a list reply: one element per line).
 */
export function redis(args) {
  return execFileSync('redis-cli', ['-s', env.redisSocket, ...args],
    { encoding: 'utf8', timeout: 30000 }).replace(/\n$/, '');
}

/**
 * Drives the servers for fault tests: services('stop-one', 'redis'),
 * services('start-one', 'redis'), services('restart', 'tc-fcgi').
 * cmd: start-one | stop-one | restart; name: mariadb redis maildev las-sim
 * tc-fcgi tc-worker nginx.  Returns the command's output; throws on failure.
 */
export function services(cmd, name) {
  if (!env.servicesDir) throw new Error('TC_SERVICES_DIR is not set');
  return execFileSync(servicesScript, [cmd, env.servicesDir, name], {
    encoding: 'utf8',
    env: { ...process.env, TC_BIN: env.bin },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 180000,
  });
}

/** The e-mails that maildev holds (GET /api/email): an array of messages. */
export async function mails() {
  const res = await request('GET', '/api/email', { base: env.maildevUrl, host: '127.0.0.1' });
  if (res.status !== 200) throw new Error(`maildev: ${res.status} ${res.text}`);
  return res.json;
}

/** A fresh school slug, unique per call ('t' + 10 lowercase hex/letters). */
export function uniqueSlug(prefix = 't') {
  return `${prefix}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`.toLowerCase();
}

/**
 * Creates a school with tcctl and an administrator; returns
 * { slug, host, email, password }.  host is SLUG.localhost.
 */
export function addSchool({ slug = uniqueSlug(), name, extra = [] } = {}) {
  const host = `${slug}.localhost`;
  ownSchool(slug);
  tcctl(['tenant', 'add', '--slug', slug, '--name', name || `School ${slug}`, '--host', host, ...extra]);
  const email = `beheer@${slug}.example`;
  const password = `Wachtwoord-${randomBytes(6).toString('hex')}`;
  tcctl(['user', 'add', '--tenant', slug, '--email', email, '--name', 'Beheerder', '--role', 'admin'],
    `${password}\n`);
  return { slug, host, email, password };
}

// --- the suite's clock and the schools a test owns (issue 14) -------------
//
// `scripts/check --date YYYY-MM-DD[THH:MM]` runs every test as if today were
// that day: it sets the deployment's clock (tcctl clock set) before the tests
// start and exports TC_CHECK_CLOCK_OFFSET (seconds from the real time to the
// suite's).  A test that moves the clock puts it back with restoreClock(), to
// the suite's time (without --date: the real time), never to the real time.

const suiteOffset = Number(process.env.TC_CHECK_CLOCK_OFFSET || 0);

/** "YYYY-MM-DDTHH:MM" of ms (epoch milliseconds) in Europe/Amsterdam. */
export function localMinute(ms) {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** Back to the suite's clock (scripts/check --date), or to the real time. */
export function restoreClock() {
  if (suiteOffset) tcctl(['clock', 'set', localMinute(Date.now() + suiteOffset * 1000)]);
  else tcctl(['clock', 'reset']);
}

/** The deployment's time now (epoch ms): the real time plus the offset that
 * `tcctl clock set` keeps in Redis (tc:clock). */
export function deploymentNow() {
  const off = redis(['GET', 'tc:clock']);
  return Date.now() + (off ? Number(off) * 1000 : 0);
}

/** The school year (its first calendar year) of the deployment's today:
 * from 1 August on, the one that starts that year. */
export function deploymentSchoolYear() {
  const [y, m] = localMinute(deploymentNow()).split('-').map(Number);
  return m >= 8 ? y : y - 1;
}

// Every school a test process creates (addSchool, or ownSchool for one made
// by hand) is switched off (tcctl tenant disable) when the process ends: the
// daily scans skip it and tc-worker drops its jobs, so no later test meets
// its activation, reminders or nightly sync on the shared job stream.
const ownSchools = new Set();
export function ownSchool(slug) {
  ownSchools.add(slug);
  return slug;
}
process.on('exit', () => {
  for (const slug of ownSchools) {
    try { tcctl(['tenant', 'disable', slug]); } catch { /* gone (erase-tenant) or servers down */ }
  }
});

// --- small helpers that many tests share (written once, here) -------------

/** Resolves after ms milliseconds. */
export const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** Calls fn() every `every` ms until it returns something truthy (that is
 * returned); fails the test "timed out waiting for WHAT" after ms. */
export async function until(fn, what, ms = 30000, every = 250) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await sleep(every);
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** Moves the deployment's clock to at ("YYYY-MM-DDTHH:MM"); every process
 * follows within a second. */
export async function setClockAt(at) {
  tcctl(['clock', 'set', at]);
  await sleep(1100);
}

/** addSchool's extra arguments that link a school to las-sim's school BRIN 00. */
export const lasLink = (brin = '99XP', url = `${env.lasHttp}/uwlr`) => ['--brin', brin, '--dependancecode', '00',
  '--las-url', url, '--las-klantcode', 'TC', '--las-klantnaam', 'Testcentrum', '--las-key-file', env.lasKeyFile];

/** addSchool() whose active school year starts in year (e.g. last year's), with
 * s.id and a logged-in administrator s.admin. */
export async function schoolInYear(name, year, extra = []) {
  const s = addSchool({ name, extra });
  s.id = Number(sqlValue(`SELECT id FROM tenants WHERE slug = '${s.slug}'`));
  sql(`INSERT INTO school_years (tenant_id, year_start, active) VALUES (${s.id}, ${year}, 1)`);
  s.admin = await login(s.host, s.email, s.password);
  return s;
}

/** A school linked to las-sim's 99XP whose 2023-2024 the operator imported
 * (tcctl import run --apply) on 1 September 2023 at time (the clock stays
 * there); with s.id.  extra: more arguments for tcctl tenant add. */
export async function importedSchool(name, time, extra = []) {
  await setClockAt(`2023-09-01T${time}`);
  const s = addSchool({ name, extra: [...lasLink(), ...extra] });
  s.id = Number(sqlValue(`SELECT id FROM tenants WHERE slug = '${s.slug}'`));
  tcctl(['import', 'run', '--tenant', s.slug, '--year', '2023-2024', '--apply']);
  return s;
}

/** GET /api/imports/{id} as session every 150 ms until its status is one of want. */
export async function waitImport(session, id, want, ms = 30000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await session.get(`/api/imports/${id}`);
    if (last.status === 200 && want.includes(last.json.status)) return last.json;
    await sleep(150);
  }
  assert.fail(`import ${id} did not reach ${want}: ${last?.text}`);
}

/** POST /api/imports {school_year: year} as session: 202; returns the import. */
export async function postImport(session, year) {
  const res = await session.post('/api/imports', { school_year: year });
  assert.equal(res.status, 202, res.text);
  return res.json.import;
}

/** postImport(), then waitImport() until it is in review. */
export async function reviewImport(session, year, ms = 30000) {
  return waitImport(session, (await postImport(session, year)).id, ['review'], ms);
}

/** "Gegevens importeren" (200 or 202), then waitImport() until it is applied. */
export async function applyImport(session, id, ms = 30000) {
  const res = await session.post(`/api/imports/${id}/apply`);
  assert.ok([200, 202].includes(res.status), res.text);
  return waitImport(session, id, ['applied'], ms);
}
