// tests/api/42-mail.test.mjs - the mail relay (issue 5, "E-mail"): smtp://
// with STARTTLS and a login, smtps://, the relay's certificate checked
// against smtp.ca_file, a login never sent in the clear, a refused login.
// The relays are SMTP servers of this test (nodemailer's smtp-server, with
// the test CA's certificate); the messages go through `tcctl mail test`,
// which sends with the same code as the reminders and the password e-mails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { env } from './lib.mjs';

const USER = 'relay-user';
const PASSWORD = 'relay-wachtwoord-1';
const relays = [];

/*
 * An SMTP server on loopback.  Records every login attempt (with whether the
 * connection was encrypted by then) and every message.
 */
function relay(opts) {
  const r = { logins: [], messages: [] };
  r.server = new SMTPServer({
    key: readFileSync(path.join(env.tlsDir, 'server.key')),
    cert: readFileSync(path.join(env.tlsDir, 'server.crt')),
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    ...opts,
    onAuth(auth, session, cb) {
      r.logins.push({ user: auth.username, secure: session.secure });
      if (auth.username === USER && auth.password === PASSWORD) return cb(null, { user: USER });
      return cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        r.messages.push({ secure: session.secure, user: session.user,
          to: session.envelope.rcptTo.map((a) => a.address), raw: Buffer.concat(chunks).toString() });
        cb();
      });
    },
  });
  // A client that gives up (an unknown CA) is an 'error' of the connection.
  r.server.on('error', () => {});
  return new Promise((resolve) => {
    r.server.listen(0, '127.0.0.1', () => {
      r.port = r.server.server.address().port;
      relays.push(r);
      resolve(r);
    });
  });
}

/* `tcctl mail test` with the relay settings of smtp; never rejects. */
function mailTest(smtp, to = 'beheer@school.example') {
  const e = { ...process.env };
  for (const k of ['TC_SMTP_URL', 'TC_SMTP_USER', 'TC_SMTP_PASSWORD', 'TC_SMTP_CA_FILE']) delete e[k];
  Object.assign(e, { TC_SMTP_TIMEOUT_SECONDS: '10' }, smtp);
  return new Promise((resolve) => {
    execFile(path.join(env.bin, 'tcctl'), ['--config', env.config, 'mail', 'test', '--to', to],
      { env: e, encoding: 'utf8', timeout: 30000 }, (err, stdout, stderr) => {
        resolve({ code: err ? err.code : 0, stdout, stderr });
      });
  });
}

let starttls;	// smtp:// offering STARTTLS, a login required
let plain;	// smtp:// without STARTTLS, offering a login in the clear
let implicit;	// smtps://
const ca = () => path.join(env.tlsDir, 'ca.crt');

before(async () => {
  assert.ok(env.tlsDir, 'TC_TLS_DIR is not set (scripts/services env)');
  starttls = await relay({ secure: false, authOptional: false });
  plain = await relay({ secure: false, authOptional: true, allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'] });
  implicit = await relay({ secure: true, authOptional: false });
});

after(async () => {
  await Promise.all(relays.map((r) => new Promise((res) => r.server.close(res))));
});

test('smtp:// with STARTTLS and a login: sent encrypted, logged in, both bodies', async () => {
  const res = await mailTest({ TC_SMTP_URL: `smtp://127.0.0.1:${starttls.port}`, TC_SMTP_USER: USER,
    TC_SMTP_PASSWORD: PASSWORD, TC_SMTP_CA_FILE: ca() }, 'juf@regenboog.example');
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /the relay accepted the message/);
  assert.deepEqual(starttls.logins, [{ user: USER, secure: true }]);
  assert.equal(starttls.messages.length, 1);
  const m = starttls.messages[0];
  assert.equal(m.secure, true);
  assert.equal(m.user, USER);
  assert.deepEqual(m.to, ['juf@regenboog.example']);
  assert.match(m.raw, /^To: juf@regenboog\.example\r?$/m);
  const subject = /^Subject: =\?UTF-8\?B\?([^?]+)\?=/m.exec(m.raw);
  assert.ok(subject, m.raw.slice(0, 400));
  assert.equal(Buffer.from(subject[1], 'base64').toString(), 'Testbericht van Testcentrum');
  assert.match(m.raw, /multipart\/alternative/);
  assert.match(m.raw, /Content-Type: text\/plain; charset=utf-8/);
  assert.match(m.raw, /Content-Type: text\/html; charset=utf-8/);
});

test('a wrong password: the relay refuses, the command says so and fails', async () => {
  const before = starttls.messages.length;
  const res = await mailTest({ TC_SMTP_URL: `smtp://127.0.0.1:${starttls.port}`, TC_SMTP_USER: USER,
    TC_SMTP_PASSWORD: 'fout', TC_SMTP_CA_FILE: ca() });
  assert.equal(res.code, 1);
  assert.match(res.stderr, /tcctl: mail test: smtp: .*\(refused\)/);
  assert.doesNotMatch(res.stderr, /fout/);
  assert.equal(starttls.messages.length, before);
});

test('a login is never sent in the clear: a relay without STARTTLS gets no AUTH', async () => {
  const res = await mailTest({ TC_SMTP_URL: `smtp://127.0.0.1:${plain.port}`, TC_SMTP_USER: USER,
    TC_SMTP_PASSWORD: PASSWORD, TC_SMTP_CA_FILE: ca() });
  assert.equal(res.code, 1);
  assert.match(res.stderr, /tcctl: mail test: smtp: /);
  assert.deepEqual(plain.logins, []);
  assert.equal(plain.messages.length, 0);
  // Without a login the same relay is used as it is (a relay on the host).
  const ok = await mailTest({ TC_SMTP_URL: `smtp://127.0.0.1:${plain.port}` });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(plain.messages.length, 1);
  assert.equal(plain.messages[0].secure, false);
});

test("the relay's certificate is checked: an unknown CA is refused before the login", async () => {
  const n = starttls.logins.length;
  const m = starttls.messages.length;
  const res = await mailTest({ TC_SMTP_URL: `smtp://127.0.0.1:${starttls.port}`, TC_SMTP_USER: USER,
    TC_SMTP_PASSWORD: PASSWORD });
  assert.equal(res.code, 1);
  assert.match(res.stderr, /certificate|SSL/i);
  assert.equal(starttls.logins.length, n);
  assert.equal(starttls.messages.length, m);
});

test('smtps://: TLS from the first byte, with a login', async () => {
  const res = await mailTest({ TC_SMTP_URL: `smtps://127.0.0.1:${implicit.port}`, TC_SMTP_USER: USER,
    TC_SMTP_PASSWORD: PASSWORD, TC_SMTP_CA_FILE: ca() });
  assert.equal(res.code, 0, res.stderr);
  assert.deepEqual(implicit.logins, [{ user: USER, secure: true }]);
  assert.equal(implicit.messages.length, 1);
  assert.equal(implicit.messages[0].secure, true);
});

test('a bad address is a usage error, nothing is sent', async () => {
  const before = implicit.messages.length;
  for (const to of ['geen-adres', 'a@b.example\r\nRCPT TO:<x@y.example>']) {
    const res = await mailTest({ TC_SMTP_URL: `smtps://127.0.0.1:${implicit.port}`, TC_SMTP_USER: USER,
      TC_SMTP_PASSWORD: PASSWORD, TC_SMTP_CA_FILE: ca() }, to);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /--to: expected one e-mail address/);
  }
  assert.equal(implicit.messages.length, before);
});

test('a relay that stalls mid-conversation is cut off by the low-speed limit (issue 14)', async () => {
  // It greets and answers EHLO, then never answers MAIL FROM.
  const stalled = { closed: 0, mailFrom: 0 };
  const server = new SMTPServer({ secure: false, authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false, onMailFrom() { stalled.mailFrom++; }, onClose() { stalled.closed++; } });
  server.on('error', () => {});
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    const t0 = Date.now();
    // The whole-message limit is far away: only the low-speed limit can end it.
    const res = await mailTest({ TC_SMTP_URL: `smtp://127.0.0.1:${server.server.address().port}`,
      TC_SMTP_TIMEOUT_SECONDS: '120', TC_SMTP_LOW_SPEED_SECONDS: '3', TC_SMTP_CONNECT_TIMEOUT_SECONDS: '2' });
    const ms = Date.now() - t0;
    assert.equal(stalled.mailFrom, 1, 'the conversation got as far as MAIL FROM');
    assert.equal(res.code, 1, res.stderr);
    assert.match(res.stderr, /tcctl: mail test: smtp: the relay stalled: no answer, or less than 1000 bytes\/s, for 3 s .*\(may pass later\)/);
    assert.ok(ms < 15000, `cut off after ${ms} ms`);
    for (let i = 0; i < 50 && stalled.closed === 0; i++) await new Promise((ok) => setTimeout(ok, 100));
    assert.equal(stalled.closed, 1, 'the connection to the relay was closed');
  } finally {
    server.close();
  }
});
