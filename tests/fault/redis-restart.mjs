// tests/fault/redis-restart.mjs - Redis restarted (empty) while an import is
// in review: the sessions are gone (a new login, a JSON 401, no error page),
// the import is gone (404) and can be fetched again, and no row of the
// school changed.  (tests/fault/redis-restart.sh)
import assert from 'node:assert/strict';
import { main, log, services, lasRestore, lasSchool, inWindow, startImport, waitStatus,
  tcctl, rows, login, sleep, restoreClock } from './lib.mjs';
import { request } from '../api/lib.mjs';

await main(async () => {
  inWindow();
  const s = await lasSchool('86FA', 'seed=41 pupils=60 groups=4 teachers=5 sector=po first_year=2025-2026');
  const id = await startImport(s);
  assert.equal((await waitStatus(s, id, ['review', 'failed'], 60000)).status, 'review');
  const before = rows(s.id);
  services('restart', 'redis');
  log('Redis restarted');
  // The old session: a JSON 401 (the portal shows its login), not a 5xx.
  let me;
  for (let i = 0; i < 50; i++) {
    me = await s.admin.get('/api/me');
    if (me.status < 500) break;
    await sleep(200);
  }
  assert.equal(me.status, 401, me.text);
  assert.equal(me.json.error.code, 'not_logged_in');
  const page = await request('GET', '/', { host: s.host });
  assert.equal(page.status, 200);
  // The clock of the tests lived in Redis too.
  inWindow();
  s.admin = await login(s.host, s.email, s.password);
  const gone = await s.admin.get(`/api/imports/${id}`);
  assert.equal(gone.status, 404, gone.text);
  const cur = await s.admin.get('/api/imports/current');
  assert.equal(cur.status, 200, cur.text);
  assert.equal(cur.json.import, null);
  assert.equal(rows(s.id), before, 'no row of the school changed');
  // Fetched again: the job stream (and tc-worker's consumer group) came back.
  const id2 = await startImport(s);
  const st = await waitStatus(s, id2, ['review', 'failed'], 60000);
  assert.equal(st.status, 'review', JSON.stringify(st));
  assert.equal(st.counts.student.new, 60);
  assert.equal(rows(s.id), before, 'the new fetch changed no row either');
  log('fetched again after the restart');
}, async () => {
  services('start-one', 'redis');
  await lasRestore();
  restoreClock();
});
