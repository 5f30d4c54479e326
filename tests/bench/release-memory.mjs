// tests/bench/release-memory.mjs - see tests/bench/release-memory.  Each
// round: the fetches of SCHOOLS schools at once (on SCHOOLS threads), then
// their applies one after another (on whichever thread takes each).
import { readFileSync } from 'node:fs';
import { services, lasSchool, lasRestore, startWorker, stopWorkers, sleep, log } from '../fault/lib.mjs';

const [SCHOOLS = 4, PUPILS = 10000, ROUNDS = 3] = process.argv.slice(2).map(Number);
const THREADS = SCHOOLS;

function rss(pid, field) {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return Number(m[1]) / 1024;
}

async function poll(s, id, want) {
  const end = Date.now() + 900000;
  for (;;) {
    const r = await s.admin.get(`/api/imports/${id}`);
    if (r.status === 200 && r.json.status === want) return;
    if (r.status === 200 && r.json.status === 'failed') throw new Error(`import failed: ${r.text}`);
    if (Date.now() > end) throw new Error(`import ${id}: ${r.text}`);
    await sleep(200);
  }
}

/* One run: a fresh tc-worker (extraEnv), ROUNDS rounds of SCHOOLS imports at once. */
async function run(label, prefix, extraEnv) {
  const child = startWorker(`tc-worker-${label}`, { TC_WORKER_THREADS: String(THREADS),
    TC_LAS_HOST_CONCURRENCY: String(THREADS), ...extraEnv });
  await sleep(1500);
  const rest = [];
  for (let round = 0; round < ROUNDS; round++) {
    const schools = [];
    for (let k = 0; k < SCHOOLS; k++) {
      const groups = Math.round(PUPILS / 25);
      schools.push(await lasSchool(`${prefix}${'ABCDEFGH'[round]}${'ABCDEFGH'[k]}`,
        `seed=${round * 10 + k + 1} pupils=${PUPILS} groups=${groups} teachers=${Math.round(groups * 1.1)} ` +
        'sector=po first_year=2025-2026'));
    }
    const ids = [];
    for (const s of schools) {
      const r = await s.admin.post('/api/imports', { school_year: '2026-2027' });
      if (r.status !== 202) throw new Error(r.text);
      ids.push(r.json.import.id);
    }
    await Promise.all(schools.map((s, k) => poll(s, ids[k], 'review')));
    // The applies one after another: applies of several schools at once
    // deadlock in MariaDB now and then ("apply failed: conflict").
    for (const [k, s] of schools.entries()) {
      const a = await s.admin.post(`/api/imports/${ids[k]}/apply`, {});
      if (a.status !== 202 && a.status !== 200) throw new Error(a.text);
      await poll(s, ids[k], 'applied');
    }
    await sleep(1000);
    rest.push(rss(child.pid, 'VmRSS'));
    log(`${label}: round ${round + 1}: peak ${rss(child.pid, 'VmHWM').toFixed(1)} MB, ` +
      `at rest ${rest.at(-1).toFixed(1)} MB`);
  }
  const peak = rss(child.pid, 'VmHWM');
  await stopWorkers();
  return { peak, rest };
}

try {
  services('stop-one', 'tc-worker');
  log(`${ROUNDS} rounds of ${SCHOOLS} imports of ${PUPILS} pupils at once, ${THREADS} threads`);
  const without = await run('no-trim', '61', { LD_PRELOAD: process.env.TC_BENCH_NO_TRIM });
  const withTrim = await run('trim', '62', {});
  const f = (x) => `${x.toFixed(1)} MB`;
  console.log('\n| tc-worker | peak RSS (VmHWM) | RSS at rest after each round |');
  console.log('|---|---|---|');
  console.log(`| as built (malloc_trim after a large job) | ${f(withTrim.peak)} | ${withTrim.rest.map(f).join(', ')} |`);
  console.log(`| malloc_trim a no-op (LD_PRELOAD) | ${f(without.peak)} | ${without.rest.map(f).join(', ')} |`);
  console.log(`\npeak with / without: ${(withTrim.peak / without.peak).toFixed(2)}`);
} finally {
  await stopWorkers();
  await lasRestore();
  services('start-one', 'tc-worker');
}
