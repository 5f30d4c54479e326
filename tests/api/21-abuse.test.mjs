// tests/api/21-abuse.test.mjs - what an attacker without an account can make
// the servers do, and the smaller points of the security review (issue 19):
// the reset confirmation checks the token before it hashes, is limited per
// client address, the reset e-mail goes through tc-worker, a new link revokes
// the old one, login counters count the address as the lookup compares it,
// atomically, and never lock for good; "Opnieuw proberen" on an import still
// fetching queues nothing; a __Host- cookie with Secure; the operator in the
// audit log; tcctl's files and keys not world-readable; STARTTLS required.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, statSync, chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { env, addSchool, login, mails, request, sql, sqlValue, redis, tcctl } from './lib.mjs';
import { services, pidOf, lasSchool, lasSet, lasRestore, startImport, waitStatus, sleep } from '../fault/lib.mjs';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tc-abuse-'));
after(async () => {
  rmSync(tmp, { recursive: true, force: true });
});

/** utime + stime of a process in ms. */
function cpuMs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

async function linkTo(address, before) {
  for (let i = 0; i < 100; i++) {
    const list = (await mails()).filter((m) => (m.to || []).some((t) => t.address === address));
    if (list.length > before) {
      const m = list[list.length - 1];
      return /\/#\/wachtwoord\/([0-9a-f]{64})/.exec(m.text || m.html)[1];
    }
    await sleep(200);
  }
  throw new Error(`no e-mail to ${address}`);
}
const countTo = async (a) => (await mails()).filter((m) => (m.to || []).some((t) => t.address === a)).length;

test('the reset confirmation checks the token before hashing, and is limited per address', async () => {
  const s = addSchool({ name: 'Bevestiging School' });
  const pid = pidOf('tc-fcgi');
  const c0 = cpuMs(pid);
  for (let i = 0; i < 20; i++) {
    const r = await request('POST', '/api/password-reset/confirm', { host: s.host,
      body: { token: randomBytes(32).toString('hex'), password: 'Een-lang-genoeg-wachtwoord' } });
    assert.equal(r.status, 410, r.text);
  }
  // Argon2id (64 MiB) costs tens of ms of CPU each: 20 of them are over a
  // second.  Checked first, the made-up tokens cost next to nothing.
  const used = cpuMs(pid) - c0;
  assert.ok(used < 600, `tc-fcgi spent ${used} ms of CPU on 20 made-up tokens`);
  // 30 per address and school in 15 minutes, then 429 with Retry-After.
  let last;
  for (let i = 0; i < 12; i++) {
    last = await request('POST', '/api/password-reset/confirm', { host: s.host,
      body: { token: randomBytes(32).toString('hex'), password: 'Een-lang-genoeg-wachtwoord' } });
  }
  assert.equal(last.status, 429, last.text);
  assert.equal(last.json.error.code, 'too_many_attempts');
  assert.ok(Number(last.headers['retry-after']) > 0);
  // Another school is not affected.
  const o = addSchool({ name: 'Andere Bevestiging' });
  const r = await request('POST', '/api/password-reset/confirm', { host: o.host,
    body: { token: randomBytes(32).toString('hex'), password: 'Een-lang-genoeg-wachtwoord' } });
  assert.equal(r.status, 410);
});

test('the reset e-mail is sent by tc-worker, and a new link revokes the old one', async () => {
  const s = addSchool({ name: 'Wachtrij School' });
  // tc-fcgi cannot reach any relay: the e-mail still arrives, so it is not
  // tc-fcgi that sends it.
  services('restart', 'tc-fcgi', { TC_SMTP_URL: 'smtp://127.0.0.1:9' });
  try {
    let n = await countTo(s.email);
    const t0 = Date.now();
    let r = await request('POST', '/api/password-reset', { host: s.host, body: { email: s.email } });
    assert.equal(r.status, 202, r.text);
    assert.ok(Date.now() - t0 < 3000, 'the answer does not wait for a relay');
    const first = await linkTo(s.email, n);
    n = await countTo(s.email);
    r = await request('POST', '/api/password-reset', { host: s.host, body: { email: ` ${s.email}`.trim().toUpperCase() } });
    assert.equal(r.status, 202);
    const second = await linkTo(s.email, n);
    assert.notEqual(first, second);
    r = await request('POST', '/api/password-reset/confirm', { host: s.host, body: { token: first, password: 'Nieuw-wachtwoord-een' } });
    assert.equal(r.status, 410, 'the first link stopped working');
    r = await request('POST', '/api/password-reset/confirm', { host: s.host, body: { token: second, password: 'Nieuw-wachtwoord-twee' } });
    assert.equal(r.status, 200, r.text);
  } finally {
    services('restart', 'tc-fcgi');
  }
});

test('login failures count the address as the lookup compares it, atomically, never for good', async () => {
  const s = addSchool({ name: 'Telling School' });
  const upper = s.email.toUpperCase();
  const accents = s.email.replace('e', 'é');
  const variants = [upper, `${s.email} `, accents, s.email, `${upper}  `];
  for (const email of variants) {
    const r = await request('POST', '/api/session', { host: s.host, body: { email, password: 'fout-fout-fout' } });
    assert.equal(r.status, 401, `${email}: ${r.text}`);
  }
  // Five failures on the one account, however typed: the right password waits.
  let r = await request('POST', '/api/session', { host: s.host, body: { email: s.email, password: s.password } });
  assert.equal(r.status, 429, r.text);

  // Parallel guesses: no more than login.max_failures get as far as the password.
  const p = addSchool({ name: 'Parallel School' });
  const answers = await Promise.all(Array.from({ length: 16 }, () => request('POST', '/api/session',
    { host: p.host, body: { email: p.email, password: 'fout-fout-fout' } })));
  const checked = answers.filter((a) => a.status === 401).length;
  assert.ok(checked <= 5, `${checked} of 16 parallel guesses were checked`);
  assert.equal(answers.filter((a) => a.status === 429).length, 16 - checked);

  // A counter that lost its expiry gets it back at the next attempt.
  const q = addSchool({ name: 'Verloop School' });
  r = await request('POST', '/api/session', { host: q.host, body: { email: q.email, password: 'fout-fout-fout' } });
  assert.equal(r.status, 401);
  const tid = sqlValue(`SELECT id FROM tenants WHERE slug = '${q.slug}'`);
  const key = redis(['--scan', '--pattern', `tc:{${tid}}:login-fail:*`]).split('\n')[0];
  assert.ok(key, 'the account counter');
  redis(['SET', key, '50']);	// no expiry: a lost EXPIRE
  r = await request('POST', '/api/session', { host: q.host, body: { email: q.email, password: q.password } });
  assert.equal(r.status, 429);
  const ttl = Number(redis(['TTL', key]));
  assert.ok(ttl > 0 && ttl <= 900, `the counter expires again (${ttl})`);
});

test('"Opnieuw proberen" on an import that is still fetching queues no second fetch', async () => {
  const s = await lasSchool('96DS', 'seed=5 pupils=20 groups=2 teachers=2 sector=po first_year=2025-2026',
    { latency_ms: 6000 });
  try {
    const id = await startImport(s);
    await sleep(300);
    const before = Number(redis(['XLEN', 'tc:jobs']));
    for (let i = 0; i < 5; i++) {
      const r = await s.admin.post(`/api/imports/${id}/retry`, {});
      assert.equal(r.status, 409, r.text);
      assert.equal(r.json.error.code, 'already_fetching');
    }
    assert.ok(Number(redis(['XLEN', 'tc:jobs'])) <= before, 'no fetch job queued');
    const done = await waitStatus(s, id, ['review', 'failed'], 60000);
    assert.equal(done.status, 'review');
    assert.equal((await s.admin.post(`/api/imports/${id}/retry`, {})).status, 409);
    await s.admin.del(`/api/imports/${id}`);
  } finally {
    await lasRestore();
    tcctl(['clock', 'reset']);
  }
  void lasSet;
});

test('with Secure cookies the session cookie is __Host-, host-only, Path=/', async () => {
  const s = addSchool({ name: 'Koekje School' });
  services('restart', 'tc-fcgi', { TC_SESSION_SECURE_COOKIE: 'yes' });
  try {
    const r = await request('POST', '/api/session', { host: s.host, body: { email: s.email, password: s.password } });
    assert.equal(r.status, 200, r.text);
    const ck = [].concat(r.headers['set-cookie'])[0];
    assert.match(ck, /^__Host-tc_session=[0-9a-f]{64}; Path=\//);
    assert.match(ck, /; Secure/);
    assert.doesNotMatch(ck, /Domain=/i);
    const token = /^__Host-tc_session=([0-9a-f]+)/.exec(ck)[1];
    assert.equal((await request('GET', '/api/me', { host: s.host, cookie: `__Host-tc_session=${token}` })).status, 200);
    assert.equal((await request('GET', '/api/me', { host: s.host, cookie: `tc_session=${token}` })).status, 401);
  } finally {
    services('restart', 'tc-fcgi');
  }
});

test('operator entries name who ran tcctl; tcctl keeps personal data and keys private', async () => {
  const s = addSchool({ name: 'Operator School' });
  const tid = sqlValue(`SELECT id FROM tenants WHERE slug = '${s.slug}'`);
  execFileSync(path.join(env.bin, 'tcctl'), ['--config', env.config, 'user', 'add', '--tenant', s.slug,
    '--email', `op-${randomBytes(3).toString('hex')}@${s.slug}.example`, '--name', 'Juf', '--role', 'teacher'],
  { input: 'Wachtwoord-lang-genoeg\n', env: { ...process.env, SUDO_UID: '4321' }, stdio: ['pipe', 'pipe', 'pipe'] });
  assert.equal(sqlValue(`SELECT actor_id FROM audit_log WHERE tenant_id = ${tid} AND action = 'user_add' AND actor_kind = 'operator' ORDER BY id DESC LIMIT 1`), '4321');

  // las fetch --out: the pupils' data in a file only its owner reads.
  const l = await lasSchool('95DS', 'seed=6 pupils=10 groups=1 teachers=1 sector=po first_year=2025-2026');
  try {
    const out = path.join(tmp, 'fetch.json');
    tcctl(['las', 'fetch', '--tenant', l.slug, '--year', '2026-2027', '--out', out]);
    assert.equal(statSync(out).mode & 0o777, 0o600);
    assert.throws(() => tcctl(['las', 'fetch', '--tenant', l.slug, '--year', '2026-2027', '--out', out]), /exists/);
    // A client key that everyone can read is refused.
    const key = path.join(tmp, 'client.key');
    writeFileSync(key, readFileSync(path.join(env.tlsDir, 'client.key')));
    chmodSync(key, 0o644);
    assert.throws(() => tcctl(['tenant', 'set', l.slug, '--las-client-key', key]), /read by everyone/);
  } finally {
    await lasRestore();
    tcctl(['clock', 'reset']);
  }
});

test('STARTTLS to the relay is required unless turned off', async () => {
  const to = `starttls-${randomBytes(3).toString('hex')}@example.org`;
  // maildev offers no STARTTLS: with smtp.require_tls = yes nothing is sent.
  assert.throws(() => execFileSync(path.join(env.bin, 'tcctl'), ['--config', env.config, 'mail', 'test', '--to', to],
    { env: { ...process.env, TC_SMTP_REQUIRE_TLS: 'yes' }, stdio: ['ignore', 'pipe', 'pipe'] }));
  assert.equal(await countTo(to), 0);
  tcctl(['mail', 'test', '--to', to]);
  assert.equal(await countTo(to), 1);
  void sql;
  void login;
});
