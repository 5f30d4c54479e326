// tests/fault/reminder-kill.mjs - tc-worker killed (SIGKILL) while it sends a
// reminder e-mail (issue 5: "a worker killed during a job → the job completes
// in another"; "never sent twice").  The relay is an SMTP server of this test
// that holds its answer to the first message; the worker dies while it waits,
// so that message was never accepted.  Another tc-worker takes the job over:
// the other administrator's e-mail goes out at once, the interrupted one when
// its claim has expired (smtp.timeout_seconds + 30 s) — each administrator
// gets exactly one accepted e-mail, and email_log has one row each.
// (tests/fault/reminder-kill.sh)
import assert from 'node:assert/strict';
import { SMTPServer } from 'smtp-server';
import { main, log, services, lasRestore, lasSchool, startWorker, stopWorkers, tcctl, sql, sqlValue,
  sleep, restoreClock } from './lib.mjs';
import { addUser } from '../api/roster.mjs';

const SMTP_TIMEOUT = 5;	// seconds: the claim lives 35 s
const relay = { accepted: [], dropped: [], others: [], ours: new Set(), holdFirst: true, closed: new Set() };

/* An SMTP relay on loopback: accepts every message, except that it holds
 * its answer to the first one for our school until the client goes away.
 * It counts only the mail of this test's school (relay.ours): the workers
 * read the shared job stream, where another school's job may still wait. */
function startRelay() {
  relay.server = new SMTPServer({
    secure: false, authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onClose(session) { relay.closed.add(session.id); },
    onData(stream, session, cb) {
      stream.on('data', () => {});
      stream.on('end', async () => {
        const to = session.envelope.rcptTo.map((a) => a.address).join(',');
        if (!relay.ours.has(to)) {
          log(`relay: a message for ${to}, not of this test's school`);
          relay.others.push(to);
          cb();
          return;
        }
        if (relay.holdFirst) {
          relay.holdFirst = false;
          relay.holding = to;
          log(`relay: holding the answer to the message for ${to}`);
          const end = Date.now() + 20000;
          while (!relay.closed.has(session.id) && Date.now() < end) await sleep(50);
          relay.holding = null;
          if (relay.closed.has(session.id)) {
            relay.dropped.push(to);
            return;	// the client is gone: never accepted
          }
        }
        relay.accepted.push({ to, at: Date.now() });
        cb();
      });
    },
  });
  relay.server.on('error', () => {});
  return new Promise((ok) => relay.server.listen(0, '127.0.0.1', () => ok(relay.server.server.address().port)));
}

await main(async () => {
  services('stop-one', 'tc-worker');
  const port = await startRelay();
  const wenv = {
    TC_SMTP_URL: `smtp://127.0.0.1:${port}`, TC_SMTP_TIMEOUT_SECONDS: String(SMTP_TIMEOUT),
    TC_WORKER_CLAIM_IDLE_SECONDS: '5', TC_WORKER_RETRY_SECONDS: '2', TC_WORKER_THREADS: '2',
    // No day scans of their own: this test puts its school's jobs on the stream.
    TC_ACTIVATION_MONTH: '12', TC_ACTIVATION_DAY: '31', TC_REMINDER_HOUR: '23',
  };
  const worker = (name) => startWorker(name, wenv);

  // A school whose import was started automatically and waits for review.
  const s = await lasSchool('85RK', 'seed=61 pupils=12 groups=2 teachers=2 sector=po first_year=2025-2026');
  addUser(s, 'admin', 'Tweede beheerder');
  const admins = sql(`SELECT email FROM users WHERE tenant_id = ${s.id} AND role = 'admin' AND status = 'active'`)
    .map((r) => r[0]).sort();
  assert.equal(admins.length, 2);
  for (const a of admins) relay.ours.add(a);
  tcctl(['clock', 'set', '2026-10-05T07:00']);
  await sleep(1100);
  const w1 = worker('tc-worker-remind-1');
  tcctl(['task', 'run', 'activate', '--tenant', s.slug]);
  let cur = null;
  for (const end = Date.now() + 30000; Date.now() < end; await sleep(200)) {
    cur = (await s.admin.get('/api/imports/current')).json.import;
    if (cur && cur.status === 'review') break;
  }
  assert.equal(cur && cur.status, 'review', `the automatic import: ${JSON.stringify(cur)}`);
  assert.equal(cur.started_by, 'auto');

  // The reminders: the worker dies while the relay holds the first answer.
  tcctl(['task', 'run', 'reminders', '--tenant', s.slug]);
  for (const end = Date.now() + 20000; !relay.holding && Date.now() < end;) await sleep(50);
  assert.ok(relay.holding, 'the first reminder reached the relay');
  const held = relay.holding;
  await sleep(500);
  w1.kill('SIGKILL');
  const t0 = Date.now();
  log(`tc-worker pid ${w1.pid} killed while sending to ${held}`);
  for (const end = Date.now() + 5000; !relay.dropped.length && Date.now() < end;) await sleep(50);
  assert.deepEqual(relay.dropped, [held], 'the interrupted message was never accepted');
  worker('tc-worker-remind-2');

  const date = '2026-10-05';
  const rows = () => Number(sqlValue(`SELECT COUNT(*) FROM email_log WHERE tenant_id = ${s.id}
    AND kind = 'reminder' AND dedup_key LIKE 'reminder:${date}:%'`));
  for (const end = Date.now() + 90000; rows() < 2 && Date.now() < end;) await sleep(250);
  const took = Date.now() - t0;
  log(`accepted: ${relay.accepted.map((m) => m.to).join(' ')}; both recorded ${took} ms after the kill`);
  assert.equal(rows(), 2, 'one email_log row per administrator');
  await sleep(3000);	// time for a second e-mail, which must not come
  assert.deepEqual(relay.accepted.map((m) => m.to).sort(), admins, 'exactly one accepted e-mail each');
  // The interrupted one waited for its claim (35 s from the claim, taken before the kill).
  const late = relay.accepted.find((m) => m.to === held);
  assert.ok(late.at - t0 >= (SMTP_TIMEOUT + 30) * 1000 - 5000, `sent ${late.at - t0} ms after the kill`);
  const dead = tcctl(['jobs', 'list']);
  assert.doesNotMatch(dead, new RegExp(`reminder\\s+tenant ${s.id}\\b`), `no reminder job parked as dead:\n${dead}`);
}, async () => {
  await stopWorkers();
  if (relay.server) await new Promise((ok) => relay.server.close(ok));
  await lasRestore();
  restoreClock();
  services('start-one', 'tc-worker');
});
