// tests/fault/worker-kill.mjs - tc-worker killed (SIGKILL) while it runs a
// LAS fetch (import_fetch) and while it applies an import (import_apply):
// another tc-worker of the consumer group claims the job once it has been
// idle for worker.claim_idle_seconds (5 here) and completes it, once: one
// review with the right counts, every pupil exactly once.
// (tests/fault/worker-kill.sh)
import assert from 'node:assert/strict';
import { main, log, services, lasSet, lasRestore, lasSchool, inWindow, startImport, waitStatus,
  startWorker, runningWorkers, stopWorkers, tcctl, pupils, sleep, restoreClock } from './lib.mjs';

const WENV = { TC_WORKER_CLAIM_IDLE_SECONDS: '5', TC_WORKER_RETRY_SECONDS: '2' };
const N = 5000;
const worker = (name) => startWorker(name, WENV);
function kill(w) {
  w.kill('SIGKILL');
  log(`tc-worker pid ${w.pid} killed`);
}

await main(async () => {
  services('stop-one', 'tc-worker');
  inWindow();

  // import_fetch: the LAS answers after 4 s; the worker dies after 1 s.
  const s = await lasSchool('88FA', 'seed=31 pupils=40 groups=3 teachers=4 sector=po first_year=2025-2026',
    { latency_ms: 4000 });
  const w1 = worker('tc-worker-fault-1');
  await sleep(1000);
  const id = await startImport(s);
  await sleep(1200);
  kill(w1);
  const t0 = Date.now();
  worker('tc-worker-fault-2');
  const st = await waitStatus(s, id, ['review', 'failed'], 60000);
  log(`fetch completed by the other worker after ${Date.now() - t0} ms: ${st.status}`);
  assert.equal(st.status, 'review', JSON.stringify(st));
  assert.equal(st.counts.student.new, 40, JSON.stringify(st.counts));

  // import_apply: 5,000 pupils (about half a second); the worker dies 150 ms in.
  await lasSet('88FA', { latency_ms: 0 });
  const t = await lasSchool('87FA', `seed=32 pupils=${N} groups=40 teachers=45 sector=po first_year=2025-2026`);
  const id2 = await startImport(t);
  assert.equal((await waitStatus(t, id2, ['review', 'failed'], 120000)).status, 'review');
  for (const w of runningWorkers()) kill(w);
  const w3 = worker('tc-worker-fault-3');
  await sleep(1000);
  const res = await t.admin.post(`/api/imports/${id2}/apply`, {});
  assert.equal(res.status, 202, res.text);
  await sleep(150);
  kill(w3);
  log(`pupils after the kill: ${pupils(t)}`);
  assert.ok([0, N].includes(pupils(t)), `all or nothing: ${pupils(t)}`);
  const t1 = Date.now();
  worker('tc-worker-fault-4');
  const done = await waitStatus(t, id2, ['applied', 'failed'], 90000);
  log(`apply completed by the other worker after ${Date.now() - t1} ms: ${done.status}`);
  assert.equal(done.status, 'applied', JSON.stringify(done));
  await sleep(2000);
  assert.equal(pupils(t), N, 'every pupil exactly once');
  const jobs = tcctl(['jobs', 'list']);
  log(jobs.trim().replace(/\n/g, ' | '));
}, async () => {
  await stopWorkers();
  await lasRestore();
  restoreClock();
  services('start-one', 'tc-worker');
});
