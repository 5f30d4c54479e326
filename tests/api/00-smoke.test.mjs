// tests/api/00-smoke.test.mjs - the servers answer through nginx at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request, env, addSchool } from './lib.mjs';

test('/healthz answers 200 through nginx', async () => {
  const res = await request('GET', '/healthz');
  assert.equal(res.status, 200, res.text);
});

test('/readyz answers 200 when MariaDB and Redis are up', async () => {
  const res = await request('GET', '/readyz');
  assert.equal(res.status, 200, res.text);
});

test('an unknown Host on /api/me is a 404 JSON error with code and message', async () => {
  const res = await request('GET', '/api/me', { host: 'no-such-school.localhost' });
  assert.equal(res.status, 404, res.text);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  assert.ok(res.json && res.json.error, `no error object in ${res.text}`);
  assert.equal(typeof res.json.error.code, 'string');
  assert.ok(res.json.error.code.length > 0);
  assert.equal(typeof res.json.error.message, 'string');
  assert.ok(res.json.error.message.length > 0);
});

test('responses carry the security headers', async () => {
  const res = await request('GET', '/healthz');
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.equal(res.headers['x-frame-options'], 'DENY');
  assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
});

test('/api/support: the support contact of tc.conf, for a known school without a session', async () => {
  const conf = readFileSync(env.config, 'utf8');
  const want = (k) => (new RegExp(`^support\\.${k}\\s*=\\s*(.*)$`, 'm').exec(conf) || [])[1]?.trim() ?? null;
  const s = addSchool({ name: 'Hulpschool' });
  const res = await request('GET', '/api/support', { host: s.host });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json, { text: want('text'), email: want('email'), phone: want('phone') });
  assert.equal((await request('GET', '/api/support', { host: 'onbekend.localhost' })).status, 404);
});
