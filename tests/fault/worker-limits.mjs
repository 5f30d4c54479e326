// tests/fault/worker-limits.mjs - two promises of tc-worker's job stream
// (issue 5) that the other tests only touch:
//   1. at most las.host_concurrency fetches at once per LAS host, over all
//      tc-worker processes: two processes of 4 threads, a limit of 2, six
//      schools on one las-sim whose every answer takes 1.5 s; las-sim's own
//      access log shows never more than 2 requests at once, and 2 at some
//      moment (the limit is used, not a queue of one);
//   2. SIGTERM while a fetch is running: the worker finishes that job (the
//      import reaches the review, the LAS was called once) and exits 0.
// (tests/fault/worker-limits.sh)
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { main, log, services, env, lasRestore, lasSchool, startImport, waitStatus, startWorker,
  runningWorkers, stopWorkers, tcctl, sleep, restoreClock } from './lib.mjs';

const LIMIT = 2;
const LATENCY = 1500;
const WENV = { TC_LAS_HOST_CONCURRENCY: String(LIMIT), TC_WORKER_THREADS: '4' };
const lasLog = path.join(env.servicesDir, 'log', 'las-sim.log');
const worker = (name, extra = {}) => startWorker(name, { ...WENV, ...extra });

/* las-sim's UWLR requests after byte offset from, of the BRINs given:
 * [{brin, start, end}] in milliseconds (its line: "POST /uwlr 200 BRIN … 1500.3ms"). */
function lasRequests(from, brins) {
  const out = [];
  const text = readFileSync(lasLog).subarray(from).toString();
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    const e = JSON.parse(line);
    const m = /^POST \S+ \d+ (\S+) .*?([\d.]+)ms$/.exec(e.message || '');
    if (!m || !brins.includes(m[1])) continue;
    const end = Date.parse(e.time);
    out.push({ brin: m[1], start: end - Number(m[2]), end });
  }
  return out;
}

/* The most requests in progress at one moment (10 ms of slack at each edge:
 * one request may start as the previous one is logged as ended). */
function maxOverlap(reqs) {
  const ev = [];
  for (const r of reqs) ev.push([r.start + 10, 1], [r.end - 10, -1]);
  ev.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let max = 0;
  for (const [, d] of ev) { cur += d; max = Math.max(max, cur); }
  return max;
}

function exited(w, ms) {
  return new Promise((resolve) => {
    if (w.exitCode !== null || w.signalCode !== null) return resolve({ code: w.exitCode, signal: w.signalCode });
    const t = setTimeout(() => resolve(null), ms);
    w.once('exit', (code, signal) => { clearTimeout(t); resolve({ code, signal }); });
  });
}

await main(async () => {
  services('stop-one', 'tc-worker');
  const gen = (seed) => `seed=${seed} pupils=20 groups=2 teachers=2 sector=po first_year=2025-2026`;

  // 1. Six schools, one LAS host, a limit of 2 over two processes.
  const brins = ['86LA', '86LB', '86LC', '86LD', '86LE', '86LF'];
  const schools = [];
  for (const [i, b] of brins.entries()) schools.push(await lasSchool(b, gen(40 + i), { latency_ms: LATENCY }));
  worker('tc-worker-limit-1');
  worker('tc-worker-limit-2');
  await sleep(1000);
  const from = statSync(lasLog).size;
  const t0 = Date.now();
  const ids = [];
  for (const s of schools) ids.push(await startImport(s));
  for (const [i, s] of schools.entries()) {
    const st = await waitStatus(s, ids[i], ['review', 'failed'], 60000);
    assert.equal(st.status, 'review', JSON.stringify(st));
  }
  const took = Date.now() - t0;
  await sleep(300);	// las-sim writes its line after the answer
  const reqs = lasRequests(from, brins);
  log(`${reqs.length} LAS requests in ${took} ms, at most ${maxOverlap(reqs)} at once`);
  assert.equal(reqs.length, brins.length, 'one request per school');
  assert.equal(maxOverlap(reqs), LIMIT, `at most ${LIMIT} at once, and ${LIMIT} at some moment`);
  assert.ok(took >= (brins.length / LIMIT) * LATENCY - 200, `${took} ms: faster than the limit allows`);

  // 2. SIGTERM during a fetch: the job in hand is finished, then exit 0.
  const first = runningWorkers();
  for (const w of first) w.kill('SIGTERM');
  for (const w of first) assert.deepEqual(await exited(w, 20000), { code: 0, signal: null });
  const s = await lasSchool('86LG', gen(50), { latency_ms: 3000 });
  const w = worker('tc-worker-limit-3', { TC_WORKER_THREADS: '1' });
  await sleep(1000);
  const from2 = statSync(lasLog).size;
  const id = await startImport(s);
  await sleep(1000);
  w.kill('SIGTERM');
  log(`SIGTERM to tc-worker pid ${w.pid} during the fetch`);
  const ex = await exited(w, 20000);
  assert.deepEqual(ex, { code: 0, signal: null }, 'exits 0 after its job');
  const st = await waitStatus(s, id, ['review', 'failed'], 1000);
  assert.equal(st.status, 'review', 'the fetch in hand was finished before the exit');
  await sleep(300);
  assert.equal(lasRequests(from2, ['86LG']).length, 1, 'the LAS was called once');
  const logText = readFileSync(path.join(env.servicesDir, 'log', 'tc-worker-limit-3.log'), 'utf8');
  assert.match(logText, /finishing the jobs in hand/);
  assert.match(logText, /"message":"stopped"/);
}, async () => {
  await stopWorkers();
  await lasRestore();
  restoreClock();
  services('start-one', 'tc-worker');
});
