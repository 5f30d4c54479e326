// tests/bench/dos.mjs - what an attacker without an account can make
// Testcentrum spend (issue 19, point 4), measured against the servers of
// scripts/services; prints a Markdown table (docs/operations.md,
// "Cheap denial of service").  Not in scripts/check (it loads the machine):
//   eval "$(scripts/services env DIR)"; node tests/bench/dos.mjs [SECONDS]
//
//   1. POST /api/password-reset/confirm with made-up tokens: answers per
//      second and tc-fcgi CPU per answer;
//   2. POST /api/password-reset for made-up addresses, and for addresses
//      that exist: the time of the answer (must not tell them apart) and the
//      CPU per answer;
//   3. POST /api/imports/{id}/retry on an import that is still fetching: LAS
//      fetches queued per request.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { request, addSchool, tcctl, redis } from '../api/lib.mjs';
import { lasRestore, lasSchool, pidOf, startImport, waitStatus, sleep } from '../fault/lib.mjs';

const SECONDS = Number(process.argv[2] || 5);
const CONC = 16;

/** utime + stime of a process in ms (from /proc). */
function cpuMs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;	// clock ticks of 10 ms
}

/** Runs make() CONC at a time for SECONDS; {n, rps, statuses, cpuPer, ms}. */
async function hammer(make) {
  const pid = pidOf('tc-fcgi');
  const wpid = pidOf('tc-worker');
  const c0 = cpuMs(pid);
  const w0 = cpuMs(wpid);
  const end = Date.now() + SECONDS * 1000;
  const statuses = {};
  const lat = [];
  let n = 0;
  const t0 = Date.now();
  await Promise.all(Array.from({ length: CONC }, async () => {
    while (Date.now() < end) {
      const s = Date.now();
      let status;
      try {
        status = (await make()).status;
      } catch {
        status = 'timeout';	// the client gave up waiting
      }
      lat.push(Date.now() - s);
      statuses[status] = (statuses[status] || 0) + 1;
      n++;
    }
  }));
  const secs = (Date.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return {
    n, rps: n / secs, statuses,
    cpuPer: (cpuMs(pid) - c0) / n, wcpuPer: (cpuMs(wpid) - w0) / n,
    p50: lat[Math.floor(lat.length / 2)],
  };
}

const rows = [];
const fmt = (x, d = 1) => Number(x).toFixed(d);

const school = addSchool({ name: 'DoS-meting' });
const base = { host: school.host };

// 1. Confirmation with made-up tokens.
{
  const r = await hammer(() => request('POST', '/api/password-reset/confirm', {
    ...base, body: { token: randomBytes(32).toString('hex'), password: 'Een-lang-wachtwoord-1' },
  }));
  rows.push(['reset confirmation, made-up token', fmt(r.rps), fmt(r.cpuPer, 2), `${r.p50} ms`,
    JSON.stringify(r.statuses)]);
}

// 2. Reset requests: made-up addresses, then existing ones (each once).
{
  const r = await hammer(() => request('POST', '/api/password-reset', {
    ...base, body: { email: `x${randomBytes(6).toString('hex')}@nergens.example` },
  }));
  rows.push(['reset request, unknown address', fmt(r.rps), fmt(r.cpuPer, 2), `${r.p50} ms`,
    JSON.stringify(r.statuses)]);
  const known = [];
  for (let i = 0; i < 20; i++) {
    const email = `leerkracht${i}-${randomBytes(3).toString('hex')}@${school.slug}.example`;
    tcctl(['user', 'add', '--tenant', school.slug, '--email', email, '--name', `L ${i}`, '--role', 'teacher'],
      'Wachtwoord-lang-genoeg\n');
    known.push(email);
  }
  const timeOf = async (email) => {
    const s = process.hrtime.bigint();
    const res = await request('POST', '/api/password-reset', { ...base, body: { email } });
    return [Number(process.hrtime.bigint() - s) / 1e6, res.status];
  };
  const tk = [];
  const tu = [];
  for (const e of known) {
    tk.push((await timeOf(e))[0]);
    tu.push((await timeOf(`n${randomBytes(6).toString('hex')}@${school.slug}.example`))[0]);
  }
  const med = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
  rows.push(['reset request: answer time, existing vs unknown address (median of 20)',
    '', '', `${fmt(med(tk))} ms vs ${fmt(med(tu))} ms`, '']);
}

// 3. "Opnieuw proberen" on an import that is still fetching.
{
  const s = await lasSchool('97DS', 'seed=5 pupils=30 groups=2 teachers=2 sector=po first_year=2025-2026',
    { latency_ms: 15000 });
  const id = await startImport(s);
  await sleep(500);
  const before = Number(redis(['XLEN', 'tc:jobs']));
  const st = {};
  for (let i = 0; i < 20; i++) {
    const res = await s.admin.post(`/api/imports/${id}/retry`, {});
    st[res.status] = (st[res.status] || 0) + 1;
  }
  const queued = Number(redis(['XLEN', 'tc:jobs'])) - before;
  rows.push(['"Opnieuw proberen" ×20 while fetching', '', '', `${queued} LAS fetches queued`,
    JSON.stringify(st)]);
  await s.admin.del(`/api/imports/${id}`);
  await lasRestore();
  tcctl(['clock', 'reset']);
  await waitStatus(s, id, ['cancelled'], 5000).catch(() => {});
}

console.log(`| attack (${CONC} at once, ${SECONDS} s) | answers/s | tc-fcgi CPU ms/answer | time | answers |`);
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
