// tests/fault/db-apply.mjs - "Gegevens importeren" while MariaDB goes away:
//   1. MariaDB frozen (SIGSTOP) in the middle of the apply's transaction and
//      then killed (SIGKILL): afterwards either every pupil of the import is
//      there or none, and the apply completes once MariaDB is back;
//   2. MariaDB stopped before the apply starts: the job waits and completes
//      when it comes back, exactly once.
// (tests/fault/db-apply.sh)
import assert from 'node:assert/strict';
import { main, log, services, pidOf, lasRestore, lasSchool, inWindow, startImport, waitStatus,
  tcctl, sql, pupils, sleep, env, restoreClock } from './lib.mjs';

const N = 5000;
const GEN = `seed=21 pupils=${N} groups=40 teachers=45 sector=po first_year=2025-2026`;

async function review(s) {
  const id = await startImport(s);
  const st = await waitStatus(s, id, ['review', 'failed'], 120000);
  assert.equal(st.status, 'review', JSON.stringify(st));
  return id;
}

/** Waits until the import is applied, re-sending "Gegevens importeren" when it fell back. */
async function untilApplied(s, id, ms) {
  const end = Date.now() + ms;
  let st;
  while (Date.now() < end) {
    const res = await s.admin.get(`/api/imports/${id}`);
    st = res.json;
    if (res.status === 200 && st.status === 'applied') return st;
    if (res.status === 200 && st.status === 'review') {
      const a = await s.admin.post(`/api/imports/${id}/apply`, {});
      log('apply again:', a.status, a.json?.import?.status ?? a.text.slice(0, 100));
    }
    if (res.status === 200 && st.status === 'failed') {
      const a = await s.admin.post(`/api/imports/${id}/retry`, {});
      log('retry:', a.status, a.text.slice(0, 100));
    }
    await sleep(300);
  }
  throw new Error(`not applied within ${ms} ms: ${JSON.stringify(st)}`);
}

await main(async () => {
  services('restart', 'tc-worker', { TC_WORKER_CLAIM_IDLE_SECONDS: '5', TC_WORKER_RETRY_SECONDS: '2' });
  inWindow();

  // 1. Frozen, then killed, in the middle of the transaction.
  const s = await lasSchool('96FA', GEN);
  const id = await review(s);
  log(`import ${id} in review with ${N} pupils`);
  const res = await s.admin.post(`/api/imports/${id}/apply`, {});
  assert.ok([200, 202].includes(res.status), res.text);
  // The apply of 5,000 pupils takes about half a second here: freeze
  // MariaDB 150 ms after the job was queued, inside its transaction.
  await sleep(150);
  const mpid = pidOf('mariadb');
  process.kill(mpid, 'SIGSTOP');
  log('MariaDB frozen 150 ms into the apply');
  await sleep(1500);
  process.kill(mpid, 'SIGKILL');
  process.kill(mpid, 'SIGCONT');
  await sleep(300);
  services('start-one', 'mariadb');
  log('MariaDB back');
  const n = pupils(s);
  log(`pupils right after the crash: ${n}` + (n === N ? ' (the apply was done before the freeze)' : ' (rolled back)'));
  assert.ok(n === 0 || n === N, `all or nothing: ${n} of ${N} pupils`);
  const done = await untilApplied(s, id, 120000);
  assert.equal(pupils(s), N, 'every pupil once after the apply');
  log('applied:', JSON.stringify(done.result));
  const twice = await s.admin.post(`/api/imports/${id}/apply`, {});
  assert.ok([200, 409].includes(twice.status), twice.text);
  await sleep(1000);
  assert.equal(pupils(s), N, 'a second click imports nothing twice');

  // 2. Stopped before the apply, back 4 s later.
  const t = await lasSchool('97FA', 'seed=22 pupils=300 groups=10 teachers=12 sector=po first_year=2025-2026');
  const id2 = await review(t);
  services('stop-one', 'mariadb');
  const r2 = await t.admin.post(`/api/imports/${id2}/apply`, {});
  log('apply with MariaDB stopped:', r2.status, r2.text.slice(0, 160));
  await sleep(4000);
  services('start-one', 'mariadb');
  const d2 = await untilApplied(t, id2, 120000);
  assert.equal(pupils(t), 300);
  log('applied after MariaDB came back:', JSON.stringify(d2.result));
  assert.equal(Number(sql(`SELECT COUNT(*) FROM students WHERE tenant_id = ${t.id}`)[0][0]), 300);
}, async () => {
  try { process.kill(pidOf('mariadb'), 'SIGCONT'); } catch { /* not running */ }
  services('start-one', 'mariadb');
  await lasRestore();
  restoreClock();
  services('restart', 'tc-worker');
});
