// tests/api/90-restarts.test.mjs - readiness follows Redis and MariaDB, and
// tc-fcgi reconnects after a server restart without being restarted itself.
// Runs last (file order): it stops servers that the other tests need.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { request, login, services, addSchool, until } from './lib.mjs';

let a;

before(() => {
  a = addSchool({ name: 'Herstart-school' });
});

// This file waits up to 20 s, looking every 200 ms.
const waitFor = (fn, what, ms = 20000) => until(fn, what, ms, 200);

test('readyz is 503 while Redis is stopped and 200 once it is back; sessions need a new login', async () => {
  const s = await login(a.host, a.email, a.password);
  services('stop-one', 'redis');
  try {
    const down = await request('GET', '/readyz');
    assert.equal(down.status, 503, down.text);
    assert.equal(down.json.redis, 'unavailable');
    assert.equal(down.json.mariadb, 'ok');
    assert.equal((await request('GET', '/healthz')).status, 200, 'alive even without Redis');
    const me = await s.get('/api/me');
    assert.equal(me.status, 503, me.text);
    assert.equal(me.json.error.code, 'unavailable');
  } finally {
    services('start-one', 'redis');
  }
  await waitFor(async () => (await request('GET', '/readyz')).status === 200, 'readyz after Redis');
  // Throwaway Redis: the session is gone, and a new login works on the new connection.
  const me = await s.get('/api/me');
  assert.equal(me.status, 401, me.text);
  const again = await login(a.host, a.email, a.password);
  assert.equal((await again.get('/api/me')).status, 200);
});

test('tc-fcgi reconnects to MariaDB after a restart', async () => {
  const s = await login(a.host, a.email, a.password);
  services('restart', 'mariadb');
  await waitFor(async () => (await request('GET', '/readyz')).status === 200, 'readyz after MariaDB');
  await waitFor(async () => (await s.get('/api/me')).status === 200, '/api/me after MariaDB');
});
