// tests/api/20-password-reset.test.mjs - "wachtwoord vergeten": the same 202
// for known and unknown addresses, the e-mail's link, the token works once,
// the old password and the old sessions stop working, the rate limit, and
// tokens do not cross schools.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { addSchool, login, mails, request, sqlValue } from './lib.mjs';

let school;
let other;

before(() => {
  school = addSchool({ name: 'Reset School' });
  other = addSchool({ name: 'Andere School' });
});

/** The reset link in the newest e-mail to address (waits up to 10 s). */
async function resetLink(address, after = 0) {
  for (let i = 0; i < 50; i++) {
    const list = (await mails()).filter((m) => (m.to || []).some((t) => t.address === address));
    if (list.length > after) {
      const m = list[list.length - 1];
      const hit = /(http:\/\/[^\s"<]+\/#\/wachtwoord\/([0-9a-f]{64}))/.exec(m.text || m.html);
      assert.ok(hit, `no link in: ${m.text}`);
      return { url: hit[1], token: hit[2], mail: m, count: list.length };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no e-mail to ${address}`);
}

function countTo(address) {
  return mails().then((l) => l.filter((m) => (m.to || []).some((t) => t.address === address)).length);
}

test('unknown and known addresses get the same 202 answer', async () => {
  const a = await request('POST', '/api/password-reset', { host: school.host, body: { email: school.email } });
  const b = await request('POST', '/api/password-reset', { host: school.host, body: { email: `niemand@${school.slug}.example` } });
  assert.equal(a.status, 202, a.text);
  assert.equal(b.status, 202, b.text);
  assert.deepEqual(a.json, b.json);
  const { url, mail } = await resetLink(school.email);
  assert.equal(mail.subject, 'Nieuw wachtwoord voor Testcentrum');
  assert.ok(url.startsWith(`http://${school.host}:`), url);
  // The address of another school's user gets nothing from this school.
  const n = await countTo(other.email);
  const c = await request('POST', '/api/password-reset', { host: school.host, body: { email: other.email } });
  assert.equal(c.status, 202);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await countTo(other.email), n);
});

test('malformed input is refused', async () => {
  for (const body of [{}, { email: 'geen-adres' }, { email: school.email, extra: 1 }]) {
    const r = await request('POST', '/api/password-reset', { host: school.host, body });
    assert.equal(r.status, 400, JSON.stringify(body));
  }
  const r = await request('POST', '/api/password-reset', { host: 'onbekend.localhost', body: { email: school.email } });
  assert.equal(r.status, 404);
});

test('the link sets a new password once; old password and sessions end', async () => {
  const s = await login(school.host, school.email, school.password);
  const before = await countTo(school.email);
  await request('POST', '/api/password-reset', { host: school.host, body: { email: school.email.toUpperCase() } });
  const { token } = await resetLink(school.email, before);
  // Too short: refused, and the token is not used up.
  let r = await request('POST', '/api/password-reset/confirm', { host: school.host, body: { token, password: 'kort' } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'password');
  // Another school does not know the token.
  r = await request('POST', '/api/password-reset/confirm', { host: other.host, body: { token, password: 'Een-heel-nieuw-wachtwoord' } });
  assert.equal(r.status, 410);
  const audits = Number(sqlValue(`SELECT COUNT(*) FROM audit_log a JOIN tenants t ON t.id = a.tenant_id WHERE t.slug = '${school.slug}' AND a.action = 'password_reset'`));
  r = await request('POST', '/api/password-reset/confirm', { host: school.host, body: { token, password: 'Een-heel-nieuw-wachtwoord' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { password_changed: true });
  // Once only.
  r = await request('POST', '/api/password-reset/confirm', { host: school.host, body: { token, password: 'Nog-een-ander-wachtwoord' } });
  assert.equal(r.status, 410);
  assert.equal(r.json.error.code, 'reset_link_invalid');
  // The old session has ended, the old password fails, the new one works.
  assert.equal((await s.get('/api/me')).status, 401);
  r = await request('POST', '/api/session', { host: school.host, body: { email: school.email, password: school.password } });
  assert.equal(r.status, 401);
  await login(school.host, school.email, 'Een-heel-nieuw-wachtwoord');
  school.password = 'Een-heel-nieuw-wachtwoord';
  // An audit entry without personal data.
  const after = Number(sqlValue(`SELECT COUNT(*) FROM audit_log a JOIN tenants t ON t.id = a.tenant_id WHERE t.slug = '${school.slug}' AND a.action = 'password_reset'`));
  assert.equal(after, audits + 1);
  // Malformed tokens are simply invalid.
  for (const t of ['', 'abc', 'G'.repeat(64), token.toUpperCase()]) {
    r = await request('POST', '/api/password-reset/confirm', { host: school.host, body: { token: t, password: 'Een-heel-nieuw-wachtwoord' } });
    assert.equal(r.status, 410, t);
  }
});

test('requests per address are rate-limited, still with 202', async () => {
  const s = addSchool({ name: 'Limiet School' });
  for (let i = 0; i < 5; i++) {
    const r = await request('POST', '/api/password-reset', { host: s.host, body: { email: s.email } });
    assert.equal(r.status, 202);
  }
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(await countTo(s.email), 3);
});
