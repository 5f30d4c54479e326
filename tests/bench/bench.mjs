// tests/bench/bench.mjs - the measurements of tests/bench/run (which builds
// build/bench, starts the servers and exports their environment).  Every
// figure is a ratio against a baseline measured in this same run; the table
// is printed and written to docs/performance.md.
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync, readFileSync, existsSync, mkdirSync, rmSync, openSync, closeSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { env, login, tcctl, sql, sqlValue, repoRoot } from '../api/lib.mjs';
import { services, pidOf, lasSet, lasSchool, sleep, log } from '../fault/lib.mjs';

const QUICK = process.env.TC_BENCH_QUICK === '1';
const SECS = Number(process.env.TC_BENCH_SECONDS || (QUICK ? 3 : 10));
const work = path.join(env.servicesDir, 'bench');
mkdirSync(work, { recursive: true });
const rows = [];		// the table: [figure, value, baseline, ratio, goal]
const notes = [];
const children = [];

const fmt = (x, d = 0) => (x === null || x === undefined || Number.isNaN(x) ? '—' : Number(x).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
function row(figure, value, baseline, ratio, goal = '') {
  rows.push([figure, value, baseline, ratio === null ? '—' : fmt(ratio, 2), goal]);
  log(`${figure}: ${value} | ${baseline} | ${ratio === null ? '—' : fmt(ratio, 2)} ${goal}`);
}

function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); });
    s.on('error', fail);
  });
}
function rss(pid, field = 'VmRSS') {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
function waitFile(f, ms = 10000) {
  const end = Date.now() + ms;
  return (async () => {
    while (!existsSync(f)) {
      if (Date.now() > end) throw new Error(`${f} did not appear`);
      await sleep(50);
    }
  })();
}

// --- wrk ----------------------------------------------------------------------

/** wrk -t2 -c64 --latency; returns { rps, p50, p99, requests, errors, non2xx }. */
function wrk(url, { host, headers = [], script, secs = SECS, conns = 64, envx = {} } = {}) {
  const args = ['-t', '2', '-c', String(conns), '-d', `${secs}s`, '--latency', '--timeout', '5s'];
  if (host) args.push('-H', `Host: ${host}`);
  for (const h of headers) args.push('-H', h);
  if (script) args.push('-s', script);
  args.push(url);
  const out = execFileSync('wrk', args, { encoding: 'utf8', env: { ...process.env, ...envx }, timeout: (secs + 60) * 1000 });
  const ms = (s) => {
    const m = /([\d.]+)(us|ms|s)\b/.exec(s);
    if (!m) return NaN;
    return Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]];
  };
  const line = (re) => (re.exec(out) || [])[1];
  const r = {
    rps: Number(line(/Requests\/sec:\s+([\d.]+)/)),
    p50: ms(line(/\s50%\s+(\S+)/) || ''),
    p99: ms(line(/\s99%\s+(\S+)/) || ''),
    requests: Number(line(/(\d+) requests in/)),
    non2xx: Number(line(/Non-2xx or 3xx responses: (\d+)/) || 0),
    errors: (out.match(/Socket errors:.*/) || [''])[0],
  };
  if (r.non2xx > 0 || r.errors) log(`wrk ${url}: ${r.non2xx} non-2xx, ${r.errors}`);
  const t = /timeout (\d+)/.exec(r.errors);
  r.timeouts = t ? Number(t[1]) : 0;
  r.extra = [r.non2xx ? `${r.non2xx} non-2xx` : '', r.timeouts ? `${r.timeouts} timed out (5 s)` : '']
    .filter(Boolean).join(', ');
  return r;
}

// --- servers of our own: the hello responder, tc-fcgi processes, nginx -------

function start(name, cmd, args, extraEnv = {}) {
  // Straight into a file: a pipe to this process would fill up while it
  // waits for wrk, and the server would block writing its log.
  const fd = openSync(path.join(env.servicesDir, 'log', `bench-${name}.log`), 'a');
  const c = spawn(cmd, args, { env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'ignore', fd] });
  closeSync(fd);
  children.push(c);
  return c;
}
function stop(c) {
  if (c.exitCode === null && c.signalCode === null) {
    c.kill('SIGTERM');
    setTimeout(() => { if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); }, 3000).unref();
  }
}

async function tcFcgi(i, extraEnv = {}) {
  const sock = path.join(work, `tcb${i}.sock`);
  rmSync(sock, { force: true });
  const c = start(`tc-fcgi-${i}`, path.join(env.bin, 'tc-fcgi'), ['--config', env.fcgiConfig, '--listen', `unix:${sock}`],
    extraEnv);
  await waitFile(sock);
  c.sock = sock;
  return c;
}

function nginxConf(ports, hello, socks) {
  const fcgi = (upstream, keep = 'off') => `
            include /etc/nginx/fastcgi_params;
            fastcgi_split_path_info ^()(/.*)$;
            fastcgi_param PATH_INFO $fastcgi_path_info;
            fastcgi_param REQUEST_ID $request_id;
            fastcgi_keep_conn ${keep};
            fastcgi_read_timeout 60s;
            fastcgi_pass ${upstream};`;
  let servers = '';
  for (const [n, port] of Object.entries(ports)) {
    // "1on": the upstream of one process with fastcgi_keep_conn on.
    const up = `tc${n.replace('on', '')}`;
    const keep = n.endsWith('on') ? 'on' : 'off';
    servers += `
    server {
        listen 127.0.0.1:${port};
        location = /ret { return 200 "{\\"status\\":\\"ok\\"}"; }
        location = /hello {${fcgi('hello', keep)} }
        location /api/ {${fcgi(up, keep)} }
        location = /healthz {${fcgi(up, keep)} }
    }`;
  }
  const ups = Object.keys(ports).filter((n) => !n.endsWith('on')).map((n) => `
    upstream tc${n} {
${socks[n].map((s) => `        server unix:${s};`).join('\n')}
        keepalive 2;
    }`).join('');
  return `# nginx of tests/bench/run: the same FastCGI settings as nginx/tc.conf.in
# (fastcgi_keep_conn off, 2 workers; keepalive 2 per upstream for the "1on"
# server, which turns keep-alive on); no access log.  Each upstream has
# tc-fcgi processes of its own.
worker_processes 2;
pid ${work}/nginx.pid;
error_log ${work}/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path ${work}/tmp-body;
    fastcgi_temp_path ${work}/tmp-fastcgi;
    proxy_temp_path ${work}/tmp-proxy;
    uwsgi_temp_path ${work}/tmp-uwsgi;
    scgi_temp_path ${work}/tmp-scgi;
    keepalive_timeout 30s;
    keepalive_requests 100000;
    default_type application/json;
    upstream hello {
        server unix:${hello};
        keepalive 2;
    }${ups}${servers}
}
`;
}

// --- the import ---------------------------------------------------------------

async function poll(s, id, want, ms = 600000) {
  const end = Date.now() + ms;
  for (;;) {
    const r = await s.admin.get(`/api/imports/${id}`);
    if (r.status === 200 && want.includes(r.json.status)) return r.json;
    if (r.status === 200 && r.json.status === 'failed') throw new Error(`import failed: ${r.text}`);
    if (Date.now() > end) throw new Error(`import ${id}: ${r.text}`);
    await sleep(20);
  }
}

function mysql(args, input) {
  return execFileSync('mariadb', ['--no-defaults', '--default-character-set=utf8mb4',
    `--socket=${env.mysqlSocket}`, '-uroot', ...args],
    { encoding: 'utf8', input, maxBuffer: 1 << 30, timeout: 600000 });
}

/**
 * The baseline of an apply: the rows that it wrote (tenant, users, school
 * year, groups, pupils, memberships, teacher links), dumped as one multi-row
 * INSERT per table and loaded in one transaction into an empty copy of the
 * schema.  Returns the median milliseconds of three loads (measured by
 * MariaDB itself).
 */
function insertBaseline(tid) {
  const db = 'tc_bench_base';
  const schema = execFileSync('mariadb-dump',
    ['--no-defaults', `--socket=${env.mysqlSocket}`, '-uroot', '--no-data', '--skip-triggers', 'testcentrum'],
    { encoding: 'utf8', maxBuffer: 1 << 28 });
  const tables = ['users', 'school_years', 'school_groups', 'students', 'group_members', 'teacher_groups'];
  const dumpArgs = ['--no-defaults', `--socket=${env.mysqlSocket}`, '-uroot', '--no-create-info', '--compact',
    '--skip-triggers', '--net-buffer-length=16777216'];
  const tenantRow = execFileSync('mariadb-dump', [...dumpArgs, `--where=id=${tid}`, 'testcentrum', 'tenants'],
    { encoding: 'utf8', maxBuffer: 1 << 30 });
  let body = '';
  for (const t of tables) {
    body += execFileSync('mariadb-dump', [...dumpArgs, `--where=tenant_id=${tid}`, 'testcentrum', t],
      { encoding: 'utf8', maxBuffer: 1 << 30 });
  }
  const statements = (body.match(/^INSERT INTO/gm) || []).length;
  const script = `SET autocommit=0; SET @t=NOW(6);\n${body}\nCOMMIT;\nSELECT TIMESTAMPDIFF(MICROSECOND, @t, NOW(6));\n`;
  // Three loads, each into a fresh empty copy of the schema; the median.
  const loads = [];
  for (let k = 0; k < 3; k++) {
    mysql(['-e', `DROP DATABASE IF EXISTS ${db}; CREATE DATABASE ${db}`]);
    mysql([db], schema);
    mysql([db], tenantRow);
    loads.push(Number(mysql(['-N', '-B', db], script).trim().split('\n').pop()) / 1000);
  }
  mysql(['-e', `DROP DATABASE ${db}`]);
  return { ms: median(loads), statements };
}

async function importBench(n, brin) {
  const groups = Math.max(4, Math.round(n / 25));
  const s = await lasSchool(brin, `seed=${n} pupils=${n} groups=${groups} teachers=${Math.round(groups * 1.1)} sector=po first_year=2025-2026`);
  // Baseline of the fetch: the same LAS call and parse by tcctl, without staging.
  // (tcctl never overwrites a file: one per school.)
  const out = path.join(work, `fetch-${n}-${brin}.json`);
  const f0 = Date.now();
  tcctl(['las', 'fetch', '--tenant', s.slug, '--year', '2026-2027', '--out', out]);
  const fetchBase = Date.now() - f0;
  const t0 = Date.now();
  const r = await s.admin.post('/api/imports', { school_year: '2026-2027' });
  if (r.status !== 202) throw new Error(r.text);
  const id = r.json.import.id;
  await poll(s, id, ['review']);
  const fetchMs = Date.now() - t0;
  const t1 = Date.now();
  const a = await s.admin.post(`/api/imports/${id}/apply`, {});
  if (a.status !== 202 && a.status !== 200) throw new Error(a.text);
  const clickMs = Date.now() - t1;	// the answer to "Gegevens importeren"
  const done = await poll(s, id, ['applied']);
  const applyMs = Date.now() - t1;
  const pupils = Number(sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${s.id}`));
  if (pupils !== n) throw new Error(`${pupils} pupils after the apply of ${n}`);
  const base = insertBaseline(s.id);
  return { s, fetchMs, fetchBase, applyMs, clickMs, base, result: done.result };
}

// --- the fleet (issue 5) -------------------------------------------------------

async function fleet(nSchools, latency, concurrency) {
  const brin = '74BA';
  const tpl = await lasSchool(brin, 'seed=5 pupils=20 groups=2 teachers=2 sector=po first_year=2025-2026',
    { latency_ms: latency });
  // The LAS simulator with enough threads to answer `concurrency` at once.
  services('stop-one', 'las-sim');
  const lasSock = path.join(env.servicesDir, 'run', 'las-sim.sock');
  start('las-sim', path.join(env.bin, 'las-sim'), ['--config', env.lasConf, '--listen', `unix:${lasSock}`,
    '--threads', String(concurrency * 2)]);
  await waitFile(lasSock);
  // nSchools - 1 copies of the template school (same LAS link), each with
  // its active year 2025-2026 and nothing done for 2026-2027.
  const cols = sql("SELECT column_name FROM information_schema.columns WHERE table_schema='testcentrum' " +
    "AND table_name='tenants' AND column_name NOT IN ('id','slug','name','host','created_at','updated_at') " +
    'ORDER BY ordinal_position').map((r) => r[0]);
  sql(`INSERT INTO tenants (slug, name, host, ${cols.join(', ')}) SELECT CONCAT('fleet-', seq), ` +
    `CONCAT('Vloot ', seq), CONCAT('fleet-', seq, '.localhost'), ${cols.map((c) => `t.${c}`).join(', ')} ` +
    `FROM seq_1_to_${nSchools - 1} JOIN tenants t WHERE t.id = ${tpl.id}`);
  sql(`INSERT INTO school_years (tenant_id, year_start, active) SELECT id, 2025, 1 FROM tenants WHERE slug LIKE 'fleet-%'`);
  const ids = [tpl.id, ...sql("SELECT id FROM tenants WHERE slug LIKE 'fleet-%'").map((r) => Number(r[0]))];
  // Every other school of this run has moved to 2026-2027 already.
  services('restart', 'tc-worker', {
    TC_WORKER_THREADS: String(concurrency + 8), TC_LAS_HOST_CONCURRENCY: String(concurrency),
  });
  const wpid = pidOf('tc-worker');
  const logBefore = readFileSync(path.join(env.servicesDir, 'log', 'tc-worker.log'), 'utf8').length;
  const lua = `local n = 0
for i, t in ipairs(ARGV) do
  local id = redis.call('GET', 'tc:{' .. t .. '}:import:current')
  if id and redis.call('HGET', 'tc:{' .. t .. '}:import:' .. id, 'status') == 'review' then n = n + 1 end
end
return n`;
  const t0 = Date.now();
  tcctl(['clock', 'set', '2026-10-02T00:00']);
  let inReview = 0;
  let peak = 0;
  while (inReview < ids.length) {
    if (Date.now() - t0 > 600000) throw new Error(`fleet: ${inReview} of ${ids.length} in review after 600 s`);
    await sleep(250);
    inReview = Number(execFileSync('redis-cli', ['-s', env.redisSocket, 'EVAL', lua, '0', ...ids.map(String)],
      { encoding: 'utf8' }).trim());
    peak = Math.max(peak, rss(wpid, 'VmHWM'));
  }
  const secs = (Date.now() - t0) / 1000;
  const wlog = readFileSync(path.join(env.servicesDir, 'log', 'tc-worker.log'), 'utf8').slice(logBefore);
  const fetched = new Map();
  for (const m of wlog.matchAll(/"school":"([^"]+)"[^\n]*"message":"job import_fetch done"/g)) {
    fetched.set(m[1], (fetched.get(m[1]) || 0) + 1);
  }
  const twice = [...fetched.values()].filter((v) => v > 1).length;
  return { secs, ideal: (nSchools * latency / 1000) / concurrency, peak, fetched: fetched.size, twice, ids };
}

// --- main -----------------------------------------------------------------------

// The sections of the run; TC_BENCH_ONLY=fleet,http (say) runs some of them
// (and then does not write docs/performance.md).
const SECTIONS = ['parse', 'import', 'http', 'memory', 'fleet'];
const ONLY = (process.env.TC_BENCH_ONLY || SECTIONS.join(',')).split(',');

async function main() {
  const t00 = Date.now();
  tcctl(['clock', 'set', '2026-08-15T10:00']);
  for (const name of SECTIONS) {
    if (!ONLY.includes(name) || name === 'memory') continue;	// memory: within http
    await { parse: parseBench, import: importsBench, http: httpBench, fleet: fleetBench }[name]();
    tcctl(['clock', 'set', '2026-08-15T10:00']);
  }
  tcctl(['clock', 'reset']);
  return (Date.now() - t00) / 1000;
}

async function parseBench() {
  // 1. UWLR parse (issue 4): its own script, its own table.
  log('UWLR parse (tests/bench/uwlr-parse)');
  const uwlr = execFileSync(path.join(repoRoot, 'tests', 'bench', 'uwlr-parse'), [path.join(work, 'uwlr')],
    { encoding: 'utf8', timeout: 900000 });
  for (const line of uwlr.trim().split('\n').slice(1)) {
    const c = line.trim().split(/\s+/);
    row(`UWLR parse, ${fmt(Number(c[0]))} pupils (${c[1]} MB)`, `${c[2]} MB/s, RSS ${c[5]} MB`, `xmllint --stream ${c[3]} MB/s`,
      Number(c[4]), '≥ 0.50');
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function importsBench() {
  // 2. Import fetch-to-review and apply (issue 6).  A single apply and a
  // single baseline load varied by a third from run to run on this shared
  // machine: the smaller size is run three times (three schools), each
  // figure and each baseline is the median.
  const sizes = QUICK ? [3000, 10000] : [3000, 30000];
  for (const [i, n] of sizes.entries()) {
    const last = i === sizes.length - 1;
    const runs = [];
    for (let k = 0; k < (last ? 1 : 3); k++) {
      if (last) services('restart', 'tc-worker');	// a fresh peak RSS
      log(`import of ${n} pupils (${k + 1})`);
      runs.push(await importBench(n, `7${2 + i}B${'ABC'[k]}`));
    }
    const r = {
      fetchMs: median(runs.map((x) => x.fetchMs)), fetchBase: median(runs.map((x) => x.fetchBase)),
      applyMs: median(runs.map((x) => x.applyMs)), baseMs: median(runs.map((x) => x.base.ms)),
      clickMs: median(runs.map((x) => x.clickMs)),
      statements: runs[0].base.statements,
    };
    const of = runs.length > 1 ? `median of ${runs.length}: ` : '';
    row(`import ${fmt(n)}: "Ga verder" → review`, `${of}${fmt(r.fetchMs)} ms`, `tcctl las fetch ${fmt(r.fetchBase)} ms`,
      r.fetchMs / r.fetchBase, n === 3000 ? '< 1 s' : '');
    row(`import ${fmt(n)}: apply`, `${of}${fmt(r.applyMs)} ms (the click answered in ${fmt(r.clickMs)} ms)`,
      `${r.statements} multi-row INSERTs ${fmt(r.baseMs)} ms`, r.applyMs / r.baseMs,
      n === 3000 ? '< 1 s, ≤ 1.5×' : '≤ 1.5×');
    if (last) {
      const hwm = rss(pidOf('tc-worker'), 'VmHWM');
      row(`tc-worker peak RSS, ${fmt(n)}-pupil import`, `${fmt(hwm, 1)} MB`, '200 MB (goal)', hwm / 200, '< 1.00');
    }
  }
}

/** CPU time (user + system, in µs) used so far by these processes. */
function cpuUs(pids) {
  const hz = 100;	// USER_HZ on Linux
  let t = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop().split(' ');
      t += (Number(f[11]) + Number(f[12])) * (1e6 / hz);
    } catch { /* gone */ }
  }
  return t;
}

/**
 * wrk with the CPU time each server used per request: tc-fcgi (the given
 * processes), mariadbd, redis-server and nginx (master and workers).
 */
function wrkCpu(url, opts, fcgiPids) {
  const groups = {
    'tc-fcgi': fcgiPids,
    mariadbd: [pidOf('mariadb')],
    redis: [pidOf('redis')],
    nginx: childPids(opts.nginxPid),
  };
  const before = Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, cpuUs(v)]));
  const r = wrk(url, opts);
  r.cpu = Object.fromEntries(Object.entries(groups).map(([k, v]) =>
    [k, r.requests > 0 ? (cpuUs(v) - before[k]) / r.requests : NaN]));
  return r;
}
function childPids(pid) {
  if (!pid) return [];
  try {
    return [pid, ...readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)];
  } catch { return [pid]; }
}
const cpuText = (c) => Object.entries(c).map(([k, v]) => `${k} ${fmt(v)}`).join(', ');
const spread = (xs, d = 2) => `${fmt(Math.min(...xs), d)}–${fmt(Math.max(...xs), d)}`;

/** A school with a 5,000-pupil import left in review (for the records lists). */
async function reviewSchool(n, brin) {
  const groups = Math.max(4, Math.round(n / 25));
  const s = await lasSchool(brin, `seed=${n + 1} pupils=${n} groups=${groups} teachers=${Math.round(groups * 1.1)} sector=po first_year=2025-2026`);
  const r = await s.admin.post('/api/imports', { school_year: '2026-2027' });
  if (r.status !== 202) throw new Error(r.text);
  await poll(s, r.json.import.id, ['review']);
  return { ...s, importId: r.json.import.id };
}

async function httpBench() {
  // 3. HTTP through nginx.
  log('HTTP: the 5,000-pupil school');
  const big = await importBench(5000, '71BA');
  const school = { ...big.s, admin: await login(big.s.host, big.s.email, big.s.password) };
  const ids = sql(`SELECT id FROM students WHERE tenant_id = ${school.id} ORDER BY id LIMIT 2000`).map((r) => Number(r[0]));
  const helloSock = path.join(work, 'hello.sock');
  start('hello', process.env.TC_BENCH_HELLO, [`unix:${helloSock}`, '8']);
  await waitFile(helloSock);
  // Seven tc-fcgi processes: 1 for the upstream of one, 2 and 4 for the
  // others (upstreams that shared a process would pin all its threads with
  // their kept connections).
  const procs = [];
  for (let i = 1; i <= 7; i++) procs.push(await tcFcgi(i));
  // And one without the answer cache (issue 18): every answer from MariaDB,
  // as the first view of a list after a write of its school.
  const nocache = await tcFcgi(8, { TC_FCGI_ANSWER_CACHE_SECONDS: '0' });
  // And 2 × 4 and 4 × 2 threads: more processes with the same 8 threads in
  // all, to tell the cost of a process from that of more threads.
  const split = [];
  for (let i = 9; i <= 14; i++) split.push(await tcFcgi(i, { TC_FCGI_THREADS: i <= 10 ? '4' : '2' }));
  const ports = { 1: await freePort(), 2: await freePort(), 4: await freePort(), '1on': await freePort(),
    nc: await freePort(), '2x4': await freePort(), '4x2': await freePort() };
  const socks = { 1: [procs[0].sock], 2: procs.slice(1, 3).map((p) => p.sock), 4: procs.slice(3).map((p) => p.sock),
    nc: [nocache.sock], '2x4': split.slice(0, 2).map((p) => p.sock), '4x2': split.slice(2).map((p) => p.sock) };
  const upPids = { 1: [procs[0].pid], 2: procs.slice(1, 3).map((p) => p.pid), 4: procs.slice(3).map((p) => p.pid),
    nc: [nocache.pid], '2x4': split.slice(0, 2).map((p) => p.pid), '4x2': split.slice(2).map((p) => p.pid) };
  writeFileSync(path.join(work, 'nginx.conf'), nginxConf(ports, helloSock, socks));
  const ng = start('nginx', 'nginx', ['-p', `${work}/`, '-e', `${work}/nginx-error.log`, '-c', `${work}/nginx.conf`,
    '-g', 'daemon off;']);
  await sleep(800);
  const nginxPid = ng.pid;
  const base = (n) => `http://127.0.0.1:${ports[n]}`;
  const auth = [`Cookie: ${school.admin.cookie}`];
  const page = '/api/students?limit=50';
  // warm-up
  wrk(`${base(1)}${page}`, { host: school.host, headers: auth, secs: 2 });

  const ret = wrk(`${base(1)}/ret`);
  row('nginx `return 200`', `${fmt(ret.rps)} req/s`, '—', 1, '');
  // The students page against the bare responder, and 1, 2 and 4
  // processes, back to back, three rounds: the medians and their spread.
  const ROUNDS = QUICK ? 1 : 3;
  const hellos = [];
  const health = [];
  const pages = { 1: [], 2: [], 4: [], '2x4': [], '4x2': [] };
  for (let k = 0; k < ROUNDS; k++) {
    hellos.push(wrkCpu(`${base(1)}/hello`, { nginxPid }, []));
    health.push(wrk(`${base(1)}/healthz`, { host: school.host }));
    for (const n of [1, 2, 4, '2x4', '4x2']) {
      pages[n].push(wrkCpu(`${base(n)}${page}`, { host: school.host, headers: auth, nginxPid }, upPids[n]));
    }
  }
  const med = (xs, f) => median(xs.map(f));
  const hello = { rps: med(hellos, (x) => x.rps) };
  row('bare libfcgi responder (8 threads)', `${fmt(hello.rps)} req/s (rounds ${spread(hellos.map((x) => x.rps), 0)})`,
    'nginx `return 200`', hello.rps / ret.rps, '');
  row('/healthz (1 tc-fcgi × 8 threads)', `${fmt(med(health, (x) => x.rps))} req/s`, 'bare libfcgi',
    med(health, (x) => x.rps) / hello.rps, '');
  const ratio1 = pages[1].map((x, k) => x.rps / hellos[k].rps);
  const p1 = { rps: med(pages[1], (x) => x.rps), p99: med(pages[1], (x) => x.p99) };
  row('GET /api/students page of 50 (5,000 pupils), 1 tc-fcgi',
    `${fmt(p1.rps)} req/s (ratio per round ${spread(ratio1)})`, 'bare libfcgi', median(ratio1), '≥ 0.40');
  row('… p99 latency, 1 tc-fcgi, 64 connections', `${fmt(p1.p99, 1)} ms (rounds ${spread(pages[1].map((x) => x.p99), 1)})`,
    '20 ms (goal)', p1.p99 / 20, '< 1.00');
  for (const n of [1, 2, 4]) {
    const cpu = {};
    for (const k of Object.keys(pages[n][0].cpu)) cpu[k] = med(pages[n], (x) => x.cpu[k]);
    row(`… CPU µs per request, ${n} tc-fcgi`, cpuText(cpu), '', null, '');
  }
  row('… CPU µs per request, bare libfcgi', cpuText({ nginx: med(hellos, (x) => x.cpu.nginx) }), '', null, '');
  for (const n of [2, 4]) {
    const rs = pages[n].map((x, k) => x.rps / pages[1][k].rps);
    row(`GET /api/students page of 50, ${n} tc-fcgi`, `${fmt(med(pages[n], (x) => x.rps))} req/s (p99 ` +
      `${fmt(med(pages[n], (x) => x.p99), 1)} ms; ratio per round ${spread(rs)})`, '1 tc-fcgi', median(rs), '≥ 1.00');
  }
  for (const n of ['2x4', '4x2']) {
    const rs = pages[n].map((x, k) => x.rps / pages[1][k].rps);
    const [procsN, threads] = n.split('x');
    const cpu = {};
    for (const k of Object.keys(pages[n][0].cpu)) cpu[k] = med(pages[n], (x) => x.cpu[k]);
    row(`GET /api/students page of 50, ${procsN} tc-fcgi × ${threads} threads (8 threads in all)`,
      `${fmt(med(pages[n], (x) => x.rps))} req/s (p99 ${fmt(med(pages[n], (x) => x.p99), 1)} ms; ratio per round ` +
      `${spread(rs)}; CPU µs/req ${cpuText(cpu)})`, '1 tc-fcgi × 8 threads', median(rs), '');
  }
  const on = wrk(`${base('1on')}${page}`, { host: school.host, headers: auth });
  const helloOn = wrk(`${base('1on')}/hello`);
  row('bare libfcgi, fastcgi_keep_conn on', `${fmt(helloOn.rps)} req/s`, 'keep_conn off', helloOn.rps / hello.rps, '');
  row('GET /api/students page of 50, 1 tc-fcgi, fastcgi_keep_conn on', `${fmt(on.rps)} req/s (p99 ${fmt(on.p99, 1)} ms` +
    `${on.extra ? `; ${on.extra}` : ''})`, 'keep_conn off', on.rps / p1.rps, '');
  // The same page without the answer cache: what the first view after a
  // write of the school costs (every answer from MariaDB).
  const nc = wrkCpu(`${base('nc')}${page}`, { host: school.host, headers: auth, nginxPid }, upPids.nc);
  row('GET /api/students page of 50, 1 tc-fcgi, answer cache off (the first view after a write)',
    `${fmt(nc.rps)} req/s (p99 ${fmt(nc.p99, 1)} ms; ${cpuText(nc.cpu)})`, 'bare libfcgi', nc.rps / hello.rps, '');
  const lua = path.join(work, 'deactivate.lua');
  writeFileSync(lua, `-- POST /api/students/deactivate and /reactivate of one pupil, in turn
local ids = { ${ids.join(', ')} }
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "${school.admin.cookie}"
wrk.headers["X-CSRF-Token"] = "${school.admin.csrf}"
request = function()
  n = n + 1
  local id = ids[(math.floor(n / 2) + math.random(0, #ids - 1)) % #ids + 1]
  local what = (n % 2 == 0) and "deactivate" or "reactivate"
  return wrk.format(nil, "/api/students/" .. what, nil, '{"ids":[' .. id .. ']}')
end
`);
  const deacts = [];
  for (let k = 0; k < ROUNDS; k++) {
    const h = wrk(`${base(1)}/hello`);
    const d = wrkCpu(`${base(1)}/api/students/deactivate`, { host: school.host, script: lua, nginxPid }, upPids[1]);
    d.ratio = d.rps / h.rps;
    deacts.push(d);
  }
  const deact = { rps: med(deacts, (x) => x.rps), p99: med(deacts, (x) => x.p99), non2xx: deacts.reduce((a, x) => a + x.non2xx, 0) };
  row('POST /api/students/deactivate (or reactivate) of one pupil', `${fmt(deact.rps)} req/s (p99 ${fmt(deact.p99, 1)} ms;` +
    ` ratio per round ${spread(deacts.map((x) => x.ratio))}; CPU µs/req ${cpuText(deacts[0].cpu)})`,
    'bare libfcgi', median(deacts.map((x) => x.ratio)), '≥ 0.25');
  if (deact.non2xx) notes.push(`deactivate: ${deact.non2xx} answers were not 2xx.`);
  // Its ceiling: the archive's own transaction by tc-fcgi's code for it,
  // without HTTP, session or Redis, on the same pupils, over as many
  // connections as the one tc-fcgi of the row above holds (8 threads).
  {
    const h = wrk(`${base(1)}/hello`);
    const [n, secs] = execFileSync(process.env.TC_BENCH_TXN, [env.fcgiConfig, String(school.id), String(SECS), '8',
      ...ids.map(String)], { encoding: 'utf8', timeout: (SECS + 60) * 1000 }).trim().split(' ').map(Number);
    row('… its transaction alone in MariaDB (tests/bench/txn_ceiling.c, 8 connections)',
      `${fmt(n / secs)} transactions/s`, 'bare libfcgi', n / secs / h.rps, '(ceiling)');
  }

  // The other lists the portal shows (1 tc-fcgi), each against the bare
  // responder measured just before it.  1,000 pupils are archived first
  // (through the API) so that status=deactivated has a page to show.
  const arch = await school.admin.post('/api/students/deactivate', { ids: ids.slice(0, 1000) });
  if (arch.status !== 200) throw new Error(`archive: ${arch.text}`);
  const group = sqlValue(`SELECT g.id FROM school_groups g JOIN school_years y ON y.tenant_id = g.tenant_id ` +
    `AND y.year_start = g.year_start AND y.active = 1 WHERE g.tenant_id = ${school.id} ORDER BY g.id LIMIT 1`);
  const rv = await reviewSchool(5000, '71BB');
  const rvAdmin = await login(rv.host, rv.email, rv.password);
  const LSECS = QUICK ? 2 : 5;
  const lists = [
    ['students, q= search ("de")', `${page}&q=de`],
    [`students, group= filter (a group of ~25)`, `${page}&group=${group}`],
    ['students, status=deactivated (1,000)', `${page}&status=deactivated`],
    ...['-achternaam', 'roepnaam', '-roepnaam', 'jaargroep', '-jaargroep', 'geboortedatum', '-geboortedatum',
      'deactivated_at', '-deactivated_at', 'id', '-id'].map((o) => [`students, sort=${o}`, `${page}&sort=${o}`]),
    ['groups (active year)', '/api/groups'],
    ['teachers', '/api/teachers'],
    ['audit', '/api/audit'],
  ];
  for (const kind of ['group', 'student', 'teacher']) {
    lists.push([`import records, tab ${kind} (5,000-pupil import in review)`,
      `/api/imports/${rv.importId}/records?kind=${kind}&limit=50`, rv, rvAdmin]);
  }
  for (const [name, url, s = school, adm = school.admin] of lists) {
    const probe = await adm.get(url);
    if (probe.status !== 200) throw new Error(`${url}: ${probe.status} ${probe.text}`);
    const h = wrk(`${base(1)}/hello`, { secs: LSECS });
    const r = wrkCpu(`${base(1)}${url}`, { host: s.host, headers: [`Cookie: ${adm.cookie}`], secs: LSECS, nginxPid },
      upPids[1]);
    row(`GET ${name}`, `${fmt(r.rps)} req/s (p99 ${fmt(r.p99, 1)} ms; tc-fcgi ${fmt(r.cpu['tc-fcgi'])} µs, ` +
      `mariadbd ${fmt(r.cpu.mariadbd)} µs, redis ${fmt(r.cpu.redis)} µs per request${r.extra ? `; ${r.extra}` : ''})`,
      `bare libfcgi ${fmt(h.rps)} req/s`, r.rps / h.rps, '≥ 0.30');
    const u = wrkCpu(`${base('nc')}${url}`, { host: s.host, headers: [`Cookie: ${adm.cookie}`], secs: LSECS, nginxPid },
      upPids.nc);
    row(`… ${name}, answer cache off`, `${fmt(u.rps)} req/s (p99 ${fmt(u.p99, 1)} ms; tc-fcgi ` +
      `${fmt(u.cpu['tc-fcgi'])} µs, mariadbd ${fmt(u.cpu.mariadbd)} µs per request)`,
      `bare libfcgi ${fmt(h.rps)} req/s`, u.rps / h.rps, '');
  }
  if (!ONLY.includes('memory')) {
    for (const c of children) stop(c);
    return;
  }

  // 4. tc-fcgi memory: a fresh process, RSS after 10,000 requests and after many more.
  stop(procs[0]);
  await sleep(500);
  procs[0] = await tcFcgi(1);
  const stopLua = path.join(work, 'stop.lua');
  writeFileSync(stopLua, `local n = 0
local limit = tonumber(os.getenv("LIMIT"))
response = function() n = n + 1; if n >= limit then wrk.thread:stop() end end
`);
  let total = wrk(`${base(1)}/api/students?limit=50`, { host: school.host, headers: auth, script: stopLua,
    envx: { LIMIT: '5000' }, secs: 120 }).requests;
  const rss10k = rss(procs[0].pid);
  const first = total;
  // The students page for a bounded time (it is MariaDB-bound: see the notes) ...
  const pageSecs = QUICK ? 15 : 150;
  total += wrk(`${base(1)}/api/students?limit=50`, { host: school.host, headers: auth, secs: pageSecs }).requests;
  const rssPage = rss(procs[0].pid);
  row(`tc-fcgi RSS after ${fmt(total)} students pages`, `${fmt(rssPage, 1)} MB`,
    `${fmt(rss10k, 1)} MB after ${fmt(first)}`, rssPage / rss10k, '≤ 1.10');
  // ... then /healthz until the total is 1,000,000 requests.
  const target = QUICK ? 100000 : 1000000;
  while (total < target) {
    const secs = Math.max(2, Math.min(120, Math.ceil((target - total) / Math.max(1000, median(health.map((x) => x.rps))))));
    total += wrk(`${base(1)}/healthz`, { host: school.host, secs }).requests;
  }
  const rssN = rss(procs[0].pid);
  row(`tc-fcgi RSS after ${fmt(total)} requests (then /healthz)`, `${fmt(rssN, 1)} MB`,
    `${fmt(rss10k, 1)} MB after ${fmt(first)}`, rssN / rss10k, '≤ 1.10');
  notes.push(`Memory: one fresh tc-fcgi process; the first ${fmt(first)} and the next requests for ${pageSecs} s are ` +
    'the students page; the rest up to the total are /healthz, because the students page is too slow here ' +
    'to reach a million requests in minutes.');
  for (const p of procs) stop(p);
  for (const c of children) if (c !== procs[0]) stop(c);
}

async function fleetBench() {
  // 5. The fleet (issue 5), then its reminders.
  const nFleet = Number(process.env.TC_BENCH_FLEET || (QUICK ? 100 : 10000));
  log(`fleet: ${nFleet} schools × 500 ms, las.host_concurrency 32`);
  const fl = await fleet(nFleet, 500, 32);
  row(`fleet: ${fmt(nFleet)} schools × 500 ms LAS latency, 32 per LAS host: 2 Oct 00:00 → all in review`,
    `${fmt(fl.secs, 1)} s`, `ideal ${fmt(fl.ideal, 1)} s`, fl.ideal / fl.secs, '≥ 0.80');
  row('fleet: all in review, against the time until the first reminder', `${fmt(fl.secs, 1)} s`,
    '8 h (00:00 → 08:00)', fl.secs / (8 * 3600), '≪ 1');
  row('fleet: tc-worker peak RSS', `${fmt(fl.peak, 1)} MB`, '—', null, '');
  row('fleet: schools fetched more than once', `${fl.twice} of ${fl.fetched}`, '0', null, '0');
  notes.push('The fleet: tc-worker ran with worker.threads = 40 so that 32 fetches can wait on the LAS at once, ' +
    'and las-sim with 64 threads.');
  if (nFleet !== 10000) notes.push(`The fleet is scaled to ${fmt(nFleet)} schools (the goal names 10,000).`);

  log(`reminders: one administrator in each of ${nFleet} schools`);
  const rm = await reminders(fl.ids, 16);
  row(`reminders: ${fmt(rm.expected)} e-mails at 2 Oct 08:00 (2 tc-worker × 8 threads) → all in the SMTP sink`,
    `${fmt(rm.secs, 1)} s`, `bare libcurl, 16 threads: ${fmt(rm.base, 1)} s`, rm.base / rm.secs, '');
  row('reminders: tc-worker peak RSS (largest of the 2)', `${fmt(rm.peak, 1)} MB`, '—', null, '');
  row('reminders: e-mails received more than once by the sink', `${rm.dupSink} of ${rm.received}`, '0', null, '0');
  row('reminders: rows in email_log', fmt(rm.logged), `${fmt(rm.expected)} administrators`, rm.logged / rm.expected, '1.00');
  if (rm.received !== rm.expected || rm.logged !== rm.expected) {
    throw new Error(`reminders: ${rm.received} received, ${rm.logged} logged, ${rm.expected} expected`);
  }
}

/**
 * Reminder e-mails of the fleet: every school gets one administrator, two
 * tc-worker processes (8 threads each) send to a local SMTP sink when the
 * clock reaches 08:00 on 2 October.  The baseline is tests/bench/smtp_send
 * sending as many messages of the same shape to the same sink with as many
 * threads.  Returns times, peak memory and what was sent twice.
 */
async function reminders(ids, threads) {
  const idList = ids.join(',');
  sql("INSERT INTO users (tenant_id, email, name, role, status) SELECT id, CONCAT('beheer@', host), " +
    `CONCAT('Beheerder ', name), 'admin', 'active' FROM tenants WHERE slug LIKE 'fleet-%'`);
  const expected = Number(sqlValue(`SELECT COUNT(*) FROM users WHERE role = 'admin' AND status = 'active' ` +
    `AND tenant_id IN (${idList})`));
  const portFile = path.join(work, 'smtp-sink.port');
  const sinkLog = path.join(work, 'smtp-sink.log');
  rmSync(portFile, { force: true });
  const sink = start('smtp-sink', process.execPath, [path.join(repoRoot, 'tests', 'bench', 'smtp-sink.mjs'),
    portFile, sinkLog]);
  await waitFile(portFile);
  const url = `smtp://127.0.0.1:${readFileSync(portFile, 'utf8').trim()}`;
  const all = () => readFileSync(sinkLog, 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ')[0]);
  // Only the fleet's administrators count: another school of this run that
  // still owes its import (the records lists' school, in review) is reminded
  // too, and rightly.
  const fleetAdmins = new Set(sql('SELECT LOWER(email) FROM users WHERE role = \'admin\' AND status = \'active\' ' +
    `AND tenant_id IN (${idList})`).map((r) => r[0]));
  const received = () => all().filter((a) => fleetAdmins.has(a.toLowerCase()));

  // The baseline, then an empty sink.
  const [base, failed] = execFileSync(process.env.TC_BENCH_SMTP_SEND, [url, String(expected), String(threads)],
    { encoding: 'utf8', timeout: 600000 }).trim().split(' ').map(Number);
  if (failed !== 0 || all().length !== expected) throw new Error(`smtp_send: ${failed} failed, ${all().length} received`);
  writeFileSync(sinkLog, '');

  const wenv = { TC_WORKER_THREADS: String(threads / 2), TC_SMTP_URL: url };
  services('restart', 'tc-worker', wenv);
  const second = start('tc-worker-2', path.join(env.bin, 'tc-worker'), ['--config', env.workerConfig], wenv);
  const pids = [pidOf('tc-worker'), second.pid];
  const logged = () => Number(sqlValue("SELECT COUNT(*) FROM email_log WHERE kind = 'reminder' " +
    `AND dedup_key LIKE 'reminder:2026-10-02:%' AND tenant_id IN (${idList})`));
  await sleep(1000);
  const t0 = Date.now();
  tcctl(['clock', 'set', '2026-10-02T08:00']);
  let peak = 0;
  for (;;) {
    await sleep(250);
    for (const p of pids) peak = Math.max(peak, rss(p, 'VmHWM'));
    if (received().length >= expected && logged() >= expected) break;
    if (Date.now() - t0 > 600000) throw new Error(`reminders: ${received().length} of ${expected} after 600 s`);
  }
  const secs = (Date.now() - t0) / 1000;
  await sleep(3000);	// anything sent twice would arrive now
  const got = received();
  const others = all().length - got.length;
  if (others > 0) notes.push(`reminders: ${others} e-mail(s) to other schools of this run that owe their import too.`);
  stop(second);
  stop(sink);
  services('restart', 'tc-worker');
  return { expected, secs, base, peak, received: got.length, dupSink: got.length - new Set(got).size,
    logged: logged() };
}

function machine() {
  const cpu = os.cpus();
  const ver = (cmd, args) => { try { return execFileSync(cmd, args, { encoding: 'utf8' }).split('\n')[0].trim(); } catch { return '?'; } };
  return [
    `- CPU: ${cpu[0].model}, ${cpu.length} logical cores; memory ${fmt(os.totalmem() / 2 ** 30, 1)} GiB`,
    `- OS: ${ver('sh', ['-c', '. /etc/os-release; echo $PRETTY_NAME'])}, kernel ${os.release()}`,
    `- nginx ${ver('sh', ['-c', 'nginx -v 2>&1'])}; ${ver('mariadbd', ['--version'])}; ${ver('redis-server', ['--version'])}`,
    `- ${ver('sh', ['-c', 'wrk -v 2>&1 || true'])}`.replace(/\s+Copyright.*/, ''),
    `- date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; optimised build (\`configure\` defaults, no sanitizers) in build/bench`,
  ].join('\n');
}

function table() {
  const head = ['figure', 'measured', 'baseline (same run)', 'ratio', 'goal'];
  const all = [head, ...rows];
  const w = head.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  const text = all.map((r) => r.map((c, i) => String(c).padEnd(w[i])).join('  ')).join('\n');
  const md = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  return { text, md };
}

let failed = null;
let secs = 0;
try {
  secs = await main();
} catch (err) {
  failed = err;
  console.error(err);
} finally {
  for (const c of children) stop(c);
  try { tcctl(['clock', 'reset']); } catch { /* */ }
  await sleep(500);
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
const { text, md } = table();
console.log(`\n${text}\n`);
for (const n of notes) console.log(`note: ${n}`);
if (!failed && !QUICK && SECTIONS.every((n) => ONLY.includes(n))) {
  const doc = `# Performance

Written by \`tests/bench/run\` (not part of \`scripts/check\`); run it again to
refresh this page.  Every figure is measured together with a baseline in the
same run on the same machine and reported as a ratio: absolute numbers on a
shared 2-core machine are noise, ratios much less so.  The run took ${fmt(secs / 60, 1)} minutes.

## Machine

${machine()}

## Figures

${md}

## Reading the figures (the run committed here)

- **The lists come from the answer cache** (issue 18, docs/architecture.md
  "The answer cache"): an administrator's answer is read from Redis in the
  same round trip as the session, under the school's generation, which every
  writer bumps after its COMMIT; MariaDB is not asked.  The rows "answer
  cache off" are the same requests answered from MariaDB, as the first view
  of a list after a write is: there each page runs two statements (the page
  with its total as a column, kept exact by triggers in
  \`student_counts\`, and the page's group memberships), and MariaDB's time
  is per statement (parsing the protocol, re-optimizing the prepared
  statement, sending; see "Where the time goes" below).
- **Keep-alive to tc-fcgi is off in production** (since this session; the
  rows above are without it unless they say "keep_conn on").  With
  \`fastcgi_keep_conn on\` kept connections pin tc-fcgi's threads; with more
  requests than threads the new connections nginx opens wait in the accept
  queue until a kept one is closed: p99 in the seconds, wrk timeouts, and in
  earlier runs' long memory figure a few 504 after the 60-s
  \`fastcgi_read_timeout\`.  Only the bare responder gains from keep-alive.
  docs/scaling.md ("the keep-alive trap") has the mechanism.
- **The import**: "Ga verder" → review is within 3× of \`tcctl las fetch\`
  at both sizes; the apply misses issue 18's 1.5× of loading the same rows
  as multi-row INSERTs into an empty copy of the schema: its statements
  write into the live tables (other schools' rows, the count trigger, the
  membership checks) and it must first read the staged review back from
  Redis and parse it (jansson: about 0.4 s for 30,000 pupils, see "The
  import" below).  Peak memory at 30,000 pupils is about 125 MB:
  tc-worker gives memory back after each import or sync
  (\`malloc_trim\`), and a pupil's staged record leaves out its empty
  members.
- **An archive** (POST deactivate) is bounded by MariaDB itself: its
  transaction alone, made by the same code over 8 connections and no HTTP,
  session or Redis (the "its transaction alone" row), reaches well under
  a quarter of the bare responder; the whole request adds nginx, tc-fcgi,
  the session and the cache bump on the same 2 cores.
- **The fleet** of 10,000 schools is in review about 170 s after 2 October
  00:00, about 90% of the ideal (schools × latency ÷ 32 slots); the rest is
  the activation job before each fetch and the 2 cores shared with las-sim,
  MariaDB and Redis.  No school was fetched twice.  (At 1,000 schools the
  fixed start-up share is larger: about 0.8.)
- **Reminders**: 10,000 e-mails reach the SMTP sink in under 20 s, about a
  quarter of the rate of bare libcurl sending the same messages with as many
  threads.  Per e-mail tc-worker also takes the job from the stream, reads the
  school, its import and its administrators, checks and writes \`email_log\`
  and holds a claim in Redis: about ten round trips to MariaDB and Redis on
  the same 2 cores, which a relay answering in milliseconds (not a local
  sink) would hide.  Nothing was sent twice, and there is exactly one row in
  \`email_log\` per administrator.
- **Memory** of tc-fcgi is flat (within 1–2%) from 10,000 to a million requests.

## How each figure is taken

- **HTTP** (wrk: 2 threads, 64 connections, ${SECS} s per figure, \`--latency\`):
  a private nginx (tests/bench/run writes its configuration: 2 workers, the
  FastCGI settings of \`nginx/tc.conf.in\` — \`fastcgi_keep_conn off\`; the
  "keep_conn on" rows use \`keepalive 2\` per upstream — no access log) in
  front of the baselines and of 1, 2 or 4 tc-fcgi processes (8 threads each,
  their own sockets in one upstream; each upstream has processes of its own),
  and of 2 × 4 and 4 × 2 threads (more processes, the same 8 threads in all).
  \`return 200\` is nginx alone; the bare libfcgi responder is
  \`tests/bench/fcgi_hello.c\` (8 threads, \`FCGX_Accept_r\`, a fixed JSON answer).
  The students page is \`GET /api/students?limit=50\` of a school of 5,000
  pupils imported from las-sim, logged in as its administrator; the write is
  \`POST /api/students/deactivate\` and \`…/reactivate\` of one pupil in turn
  (each with the CSRF token, each a transaction and an audit entry); its
  ceiling is \`tests/bench/txn_ceiling.c\`: the same transaction, made by
  the same code (\`rosterset_set_active\`) over tc-fcgi's own connection
  settings (TLS over TCP), on the same pupils from 8 connections (those of
  one tc-fcgi), without HTTP, session or Redis.
  wrk, nginx, tc-fcgi, MariaDB and Redis share the same 2 cores.
- **UWLR parse**: \`tests/bench/uwlr-parse\` (issue 4): the parser on a generated
  response against \`xmllint --stream --noout\` on the same file.
- **Import** (issue 6): a school generated by las-sim without latency; "Ga verder"
  → review is \`POST /api/imports\` until the import is in review (polled every
  20 ms), against \`tcctl las fetch --out\` of the same year (the same LAS call
  and parse, without staging and matching).  The apply is
  \`POST /api/imports/{id}/apply\` until applied, against loading exactly the
  rows it wrote (users, school year, groups, pupils, memberships, teacher links),
  dumped as multi-row INSERTs (one per table, \`mariadb-dump --net-buffer-length=16M\`),
  into an empty copy of the schema in one transaction, timed by MariaDB itself
  (the median of three loads).  The 3,000-pupil figures are the medians of
  three schools: a single apply or load varied by a third from run to run.
  The peak RSS of tc-worker is VmHWM of a worker started just before the
  largest import.
- **Fleet** (issue 5): schools with the active year 2025-2026 and a LAS link to
  one las-sim school with 500 ms latency; the deployment clock is set to
  2 October 00:00 and the time until every school's import is in review is
  compared with schools × latency ÷ las.host_concurrency.  "Fetched more than
  once" counts schools with two \`import_fetch done\` lines in tc-worker's log.
- **Reminders** (issue 5): after the fleet, one administrator per school;
  two tc-worker processes of 8 threads send to \`tests/bench/smtp-sink.mjs\`
  (a local sink that logs each recipient) when the clock is set to
  2 October 08:00, until the sink and \`email_log\` hold every e-mail.  The
  baseline is \`tests/bench/smtp_send.c\`: as many messages of the same shape
  (libcurl, multipart/alternative, one connection per message) to the same
  sink from 16 threads.  Peak memory is VmHWM of the larger tc-worker.
- **tc-fcgi memory**: a fresh tc-fcgi process; VmRSS after the first 10,000
  requests of the students page and after the last.

## Notes

${notes.map((n) => `- ${n}`).join('\n') || '- none'}

## Soak

\`tests/bench/soak MINUTES\` (not in CI) drives a mixed read/write load at 70% of
the maximum it measures first and reports 5xx answers, tc-fcgi's memory and
its open connections every 30 s.
`;
  // The hand-written analysis (profiles, EXPLAIN, before and after) is kept.
  const docPath = path.join(repoRoot, 'docs', 'performance.md');
  const old = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';
  const at = old.indexOf('\n## Where the time goes');
  writeFileSync(docPath, at >= 0 ? `${doc}${old.slice(at)}` : doc);
  console.log('wrote docs/performance.md');
}
process.exit(failed ? 1 : 0);
