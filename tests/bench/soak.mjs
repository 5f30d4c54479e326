// tests/bench/soak.mjs MINUTES - see tests/bench/soak.  The load goes through
// the nginx and the tc-fcgi of scripts/services (the real configuration).
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { env, sql, tcctl, login } from '../api/lib.mjs';
import { lasSchool, pidOf, sleep, log } from '../fault/lib.mjs';

const minutes = Number(process.argv[2]);
const fmt = (x, d = 0) => Number(x).toFixed(d);

function status(pid) {
  const st = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/^VmRSS:\s+(\d+)/m.exec(st)[1]) / 1024;
  const fds = readdirSync(`/proc/${pid}/fd`).length;
  return { rss, fds };
}
function dbConnections() {
  return Number(execFileSync('mariadb', ['--no-defaults', `--socket=${env.mysqlSocket}`, '-uroot', '-N', '-B', '-e',
    "SHOW STATUS LIKE 'Threads_connected'"], { encoding: 'utf8' }).trim().split(/\s+/)[1]);
}

tcctl(['clock', 'set', '2026-08-15T10:00']);
const s = await lasSchool('79BA', 'seed=9 pupils=5000 groups=200 teachers=220 sector=po first_year=2025-2026');
const imp = await s.admin.post('/api/imports', { school_year: '2026-2027' });
const id = imp.json.import.id;
for (let st = ''; st !== 'review'; await sleep(200)) st = (await s.admin.get(`/api/imports/${id}`)).json.status;
await s.admin.post(`/api/imports/${id}/apply`, {});
for (let st = ''; st !== 'applied'; await sleep(200)) st = (await s.admin.get(`/api/imports/${id}`)).json.status;
tcctl(['clock', 'reset']);
const admin = await login(s.host, s.email, s.password);
const ids = sql(`SELECT id FROM students WHERE tenant_id = ${s.id} ORDER BY id`).map((r) => Number(r[0]));
const url = new URL(env.base);

// The maximum: wrk on the students page, 10 s.
const out = execFileSync('wrk', ['-t2', '-c64', '-d10s', '-H', `Host: ${s.host}`, '-H', `Cookie: ${admin.cookie}`,
  `${env.base}/api/students?limit=50`], { encoding: 'utf8' });
const max = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]);
const rate = Math.max(10, Math.round(max * 0.7));
log(`maximum ${fmt(max)} req/s (students page); soak at ${rate} req/s for ${minutes} min: ` +
  '80% pages, 10% one pupil, 10% deactivate/reactivate');

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const counts = { sent: 0, ok: 0, s4: 0, s5: 0, err: 0 };
function one(n) {
  let method = 'GET';
  let p = `/api/students?limit=50&offset=${(n * 50) % 4950}`;
  let body = null;
  const r = n % 10;
  if (r === 8) p = `/api/students/${ids[n % ids.length]}`;
  if (r === 9) {
    method = 'POST';
    p = `/api/students/${(n / 10) % 2 ? 'deactivate' : 'reactivate'}`;
    body = JSON.stringify({ ids: [ids[Math.floor(n / 20) % ids.length]] });
  }
  const headers = { Host: s.host, Cookie: admin.cookie };
  if (body) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'X-CSRF-Token': admin.csrf });
  counts.sent += 1;
  const req = http.request({ host: url.hostname, port: url.port, method, path: p, headers, agent }, (res) => {
    res.resume();
    res.on('end', () => {
      if (res.statusCode >= 500) counts.s5 += 1;
      else if (res.statusCode >= 400) counts.s4 += 1;
      else counts.ok += 1;
    });
  });
  req.on('error', () => { counts.err += 1; });
  if (body) req.write(body);
  req.end();
}

const fpid = pidOf('tc-fcgi');
const samples = [];
const t0 = Date.now();
const end = t0 + minutes * 60000;
let n = 0;
let nextSample = t0 + 30000;
samples.push({ t: 0, ...status(fpid), db: dbConnections() });
while (Date.now() < end) {
  const due = Math.floor(((Date.now() - t0) / 1000) * rate);
  while (n < due) one(n++);
  if (Date.now() >= nextSample) {
    const sm = { t: Math.round((Date.now() - t0) / 1000), ...status(fpid), db: dbConnections() };
    samples.push(sm);
    log(`${sm.t} s: ${counts.sent} sent, ${counts.ok} 2xx, ${counts.s4} 4xx, ${counts.s5} 5xx, ${counts.err} errors; ` +
      `tc-fcgi RSS ${fmt(sm.rss, 1)} MB, ${sm.fds} fds; MariaDB connections ${sm.db}`);
    nextSample += 30000;
  }
  await sleep(5);
}
await sleep(2000);
const first = samples[Math.min(1, samples.length - 1)];
const last = samples[samples.length - 1];
const problems = [];
if (counts.s5 > 0) problems.push(`${counts.s5} answers 5xx`);
if (counts.err > 0) problems.push(`${counts.err} connection errors`);
if (last.rss > first.rss * 1.1) problems.push(`tc-fcgi RSS grew from ${fmt(first.rss, 1)} to ${fmt(last.rss, 1)} MB`);
if (last.fds > first.fds + 8) problems.push(`tc-fcgi open files grew from ${first.fds} to ${last.fds}`);
if (last.db > first.db + 8) problems.push(`MariaDB connections grew from ${first.db} to ${last.db}`);
log(`done: ${counts.sent} requests in ${minutes} min at ${rate}/s; ${problems.length ? problems.join('; ') : 'no 5xx, memory and connections flat'}`);
process.exit(problems.length ? 1 : 0);
