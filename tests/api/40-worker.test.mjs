// tests/api/40-worker.test.mjs - tc-worker's clock-driven tasks and its job
// stream (DESIGN.md section 2, steps 4 and 7), with the clock set by the test
// and three tc-worker processes: automatic activation on 2 October (a sync
// waiting for approval gives way), one reminder e-mail per administrator per
// day until the import is applied (also after a cancel, and for a school
// without a LAS link), a
// worker killed during a job, SMTP down for a while, the record of a sent
// e-mail refused (written by a retry, nothing sent twice), Redis restarted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { env, login, tcctl, sql, sqlValue, redis, services, addSchool, mails, restoreClock, sleep, until, setClockAt,
  lasLink, schoolInYear } from './lib.mjs';
import { tenantId, addUser } from './roster.mjs';

const Y = 2031;	// a year of its own: the scans of other tests' dates do not meet it
const extra = [];	// the two extra tc-worker processes
let s;	// the school
let sid;
let admins;
let noLas;	// a school without a LAS link, last year active too
let stopped;	// a school whose automatic import its administrator cancels

function startWorker(name) {
  // Its log straight into a file kept with the others (a pipe would block it).
  const fd = openSync(path.join(env.servicesDir, 'log', `tc-worker-${name}.log`), 'a');
  const p = spawn(path.join(env.bin, 'tc-worker'), ['--config', env.workerConfig, '--name', name],
    { stdio: ['ignore', 'ignore', fd], env: { ...process.env, TZ: 'UTC' } });
  closeSync(fd);
  extra.push(p);
  return p;
}

/* The reminder e-mails in maildev for one address. */
async function remindersTo(address) {
  return (await mails()).filter((m) => m.to.some((t) => t.address === address) &&
    /Herinnering/.test(m.subject));
}

/* Adds a school of las-sim's 99XP whose active year is year, with two admins. */
async function school(name, year = Y - 1) {
  const sch = await schoolInYear(name, year, lasLink());
  const second = addUser(sch, 'admin', 'Tweede beheerder');
  sch.admins = [sch.email, second.email];
  return sch;
}

before(async () => {
  s = await school('Automatisch geactiveerd');
  sid = s.id;
  admins = s.admins;
  stopped = await school('Geannuleerd');
  noLas = addSchool({ name: 'Zonder LAS-koppeling' });
  noLas.id = tenantId(noLas.slug);
  sql(`INSERT INTO school_years (tenant_id, year_start, active) VALUES (${noLas.id}, ${Y - 1}, 1)`);
  noLas.admin = await login(noLas.host, noLas.email, noLas.password);
  startWorker('extra-1');
  startWorker('extra-2');
  await sleep(500);
});

after(() => {
  for (const p of extra) p.kill('SIGTERM');
  try { restoreClock(); } catch { /* Redis may be new */ }
});

let heldSync;	// the nightly sync of 1 October, waiting for approval

test('1 October 23:59: nothing happens but the nightly sync, which waits for approval', async () => {
  await setClockAt(`${Y}-10-01T23:59`);
  await sleep(3000);	// more than a tick of every worker
  assert.equal(sqlValue(`SELECT year_start FROM school_years WHERE tenant_id = ${sid} AND active = 1`), String(Y - 1));
  // The day's sync (or this one, once a day) changes every pupil: held.
  tcctl(['task', 'run', 'sync', '--tenant', s.slug]);
  heldSync = await until(async () => {
    const cur = (await s.admin.get('/api/imports/current')).json.import;
    return cur && cur.kind === 'sync' && cur.status === 'review' && cur.error?.code ? cur : null;
  }, 'the held sync');
  assert.equal(heldSync.error.code, 'sync_held');
  const sy = (await s.admin.get('/api/school-year')).json;
  assert.equal(sy.can_activate, true);
});

let imp;

test('2 October: activated automatically and fetched for review, never applied', async () => {
  await setClockAt(`${Y}-10-02T00:01`);
  imp = await until(async () => {
    const cur = (await s.admin.get('/api/imports/current')).json.import;
    return cur && cur.kind === 'transition' && cur.status === 'review' ? cur : null;
  }, 'the automatic import in review');
  assert.equal(imp.started_by, 'auto');
  assert.equal((await s.admin.get(`/api/imports/${heldSync.id}`)).json.status, 'cancelled', 'the held sync gave way');
  assert.equal(imp.school_year, `${Y}-${Y + 1}`);
  assert.equal(sqlValue(`SELECT year_start FROM school_years WHERE tenant_id = ${sid} AND active = 1`), String(Y));
  assert.equal(sqlValue(`SELECT activated_by FROM school_years WHERE tenant_id = ${sid} AND year_start = ${Y}`), 'auto');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${sid} AND action = 'school_year_activate_auto'`), '1');
  await sleep(3000);
  assert.equal((await s.admin.get(`/api/imports/${imp.id}`)).json.status, 'review', 'never applied by itself');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM students WHERE tenant_id = ${sid}`), '0');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM school_years WHERE tenant_id = ${sid}`), '2', 'last year stays');
  // Without a LAS link: the year is activated, with nothing to import.
  await until(() => sqlValue(`SELECT year_start FROM school_years WHERE tenant_id = ${noLas.id} AND active = 1`) === String(Y),
    'the school without a LAS link activated');
  assert.equal(sqlValue(`SELECT activated_by FROM school_years WHERE tenant_id = ${noLas.id} AND year_start = ${Y}`), 'auto');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${noLas.id} AND action = 'school_year_activate_auto'`), '1');
  assert.equal((await noLas.admin.get('/api/imports/current')).json.import, null);
  assert.equal((await noLas.admin.get('/api/school-year')).json.import_due, `${Y}-${Y + 1}`);
});

test('reminders at 08:00 on 2 and 3 October: one e-mail per administrator per day, with three workers', async () => {
  for (const [day, n] of [[2, 1], [3, 2]]) {
    await setClockAt(`${Y}-10-0${day}T08:00`);
    for (const a of admins) await until(async () => (await remindersTo(a)).length >= n, `reminder ${n} to ${a}`);
    await sleep(3000);	// time for a second one, which must not come
    for (const a of admins) assert.equal((await remindersTo(a)).length, n, `${a} on day ${day}`);
  }
  const m = (await remindersTo(admins[0]))[0];
  const link = `http://${s.host}:${env.port}/#/import/${imp.id}`;
  assert.ok(m.text.includes(link), m.text);
  assert.ok(m.html.includes(link));
  assert.match(m.subject, new RegExp(`${Y}-${Y + 1}`));
  assert.equal(sqlValue(`SELECT COUNT(*) FROM email_log WHERE tenant_id = ${sid} AND kind = 'reminder'`), '4');
  assert.equal(sqlValue(`SELECT COUNT(*) FROM email_log WHERE tenant_id = ${sid} AND recipient_hash LIKE '%@%'`), '0');
  // The school without a LAS link is reminded too: how to import a file.
  const n = await remindersTo(noLas.email);
  assert.equal(n.length, 2);
  assert.match(n[0].text, /geen koppeling met een LAS/);
  assert.match(n[0].text, /EDEXML-bestand/);
  assert.ok(n[0].text.includes(`http://${noLas.host}:${env.port}/#/overgang`), n[0].text);
});

test('SMTP down at 08:00 on 4 October: delivered later, once', async () => {
  const pid = Number(readFileSync(path.join(env.servicesDir, 'run', 'maildev.pid'), 'utf8'));
  process.kill(pid, 'SIGSTOP');
  try {
    await setClockAt(`${Y}-10-04T08:00`);
    await sleep(7000);	// the first try times out (smtp.timeout_seconds 5)
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  for (const a of admins) await until(async () => (await remindersTo(a)).length >= 3, `the late reminder to ${a}`, 60000);
  await sleep(4000);
  for (const a of admins) assert.equal((await remindersTo(a)).length, 3, a);
});

test('the record fails after the send on 5 October: recorded later, never sent twice', async () => {
  // A trigger makes MariaDB refuse this school's e-mail records (kind may not
  // be NULL): the e-mails go out, their records do not.
  const trigger = 'tc_test_refuse_record';
  sql(`CREATE TRIGGER ${trigger} BEFORE INSERT ON email_log FOR EACH ROW ` +
    `SET NEW.kind = IF(NEW.tenant_id = ${sid}, NULL, NEW.kind)`);
  try {
    await setClockAt(`${Y}-10-05T08:00`);
    for (const a of admins) await until(async () => (await remindersTo(a)).length >= 4, `reminder 4 to ${a}`);
    await sleep(3000);	// the job fails and is retried meanwhile
    assert.equal(sqlValue(`SELECT COUNT(*) FROM email_log WHERE tenant_id = ${sid} AND kind = 'reminder'`), '6');
  } finally {
    sql(`DROP TRIGGER IF EXISTS ${trigger}`);
  }
  await until(() => sqlValue(`SELECT COUNT(*) FROM email_log WHERE tenant_id = ${sid} AND kind = 'reminder'`) === '8',
    'the records written by a retry', 60000);
  await sleep(3000);
  for (const a of admins) assert.equal((await remindersTo(a)).length, 4, a);
});

test('applied on the 5th: no reminder on the 6th; cancelled: fetched again and reminded', async () => {
  const res = await s.admin.post(`/api/imports/${imp.id}/apply`);
  assert.ok([200, 202].includes(res.status), res.text);
  await until(async () => (await s.admin.get(`/api/imports/${imp.id}`)).json.status === 'applied', 'applied');
  // The other school had its reminders of the 2nd to the 5th; it cancels.
  for (const a of stopped.admins) await until(async () => (await remindersTo(a)).length >= 4, `reminder 4 to ${a}`, 60000);
  const cur = (await stopped.admin.get('/api/imports/current')).json.import;
  assert.equal(cur.started_by, 'auto');
  const del = await stopped.admin.del(`/api/imports/${cur.id}`);
  assert.equal(del.status, 200, del.text);
  assert.equal((await stopped.admin.get('/api/school-year')).json.import_due, `${Y}-${Y + 1}`, 'still owed');
  await setClockAt(`${Y}-10-06T08:30`);
  for (const a of stopped.admins) await until(async () => (await remindersTo(a)).length >= 5, `reminder 5 to ${a}`);
  await sleep(4000);
  for (const a of admins) assert.equal((await remindersTo(a)).length, 4, a);
  for (const a of stopped.admins) assert.equal((await remindersTo(a)).length, 5, a);
  // Its link leads to the import fetched again, live.
  const last = (await remindersTo(stopped.admins[0])).find((m) => !m.text.includes(cur.id));
  const id = /#\/import\/(\d+)/.exec(last.text)[1];
  const again = (await stopped.admin.get(`/api/imports/${id}`)).json;
  assert.equal(again.status, 'review');
  assert.equal(again.started_by, 'auto');
});

test('a crash between the automatic activation and the import start: the retry starts the import', async () => {
  const c = await school('Onderbroken activering');
  const date = `${Y}-10-06`;
  // What a run of auto_activate left when its worker died right after the
  // activation: the new year active by "auto", no import, no marker of the
  // day (tc:{t}:task:activate:<date>); and its job back on the stream.
  sql(`UPDATE school_years SET active = NULL WHERE tenant_id = ${c.id}; ` +
    `INSERT INTO school_years (tenant_id, year_start, active, activated_at, activated_by) VALUES (${c.id}, ${Y}, 1, NOW(), 'auto')`);
  const job = ['XADD', 'tc:jobs', '*', 'kind', 'auto_activate', 'tenant', String(c.id), 'attempt', '1',
    'payload', JSON.stringify({ date, year: Y })];
  redis(job);
  const cur = await until(async () => {
    const i = (await c.admin.get('/api/imports/current')).json.import;
    return i && i.status === 'review' ? i : null;
  }, 'the import of the retried activation');
  assert.equal(cur.started_by, 'auto');
  assert.equal(cur.school_year, `${Y}-${Y + 1}`);
  // The same job once more: done for the day, nothing new.
  redis(job);
  await sleep(3000);
  assert.equal((await c.admin.get('/api/imports/current')).json.import.id, cur.id);
  assert.equal(sqlValue(`SELECT COUNT(*) FROM school_years WHERE tenant_id = ${c.id} AND active = 1 AND year_start = ${Y}`), '1');
});

test('a worker killed during a job: another one finishes it', async () => {
  // A slow LAS for this school: the fetch takes 6 s.
  const conf = readFileSync(env.lasConf, 'utf8');
  const key = readFileSync(env.lasKeyFile, 'utf8').trim();
  writeFileSync(env.lasConf, `${conf}\n[school 99XS 00]\nkey = ${key}\nklantcode = TC\nklantnaam = Testcentrum\n` +
    'generate = seed=3 pupils=30 groups=2 teachers=2 sector=po first_year=2025-2026\nlatency_ms = 6000\nfault = none\n');
  try {
    const slow = addSchool({ name: 'Trage LAS', extra: lasLink('99XS') });
    const slowId = tenantId(slow.slug);
    sql(`INSERT INTO school_years (tenant_id, year_start, active) VALUES (${slowId}, ${Y}, 1)`);
    const ss = await login(slow.host, slow.email, slow.password);
    await sleep(1100);	// las-sim sees the new school
    const res = await ss.post('/api/imports', { school_year: `${Y}-${Y + 1}` });
    assert.equal(res.status, 202, res.text);
    // Find the consumer that holds this school's fetch (XPENDING: id,
    // consumer, idle, deliveries per entry; the stream is shared, so the
    // entry's tenant decides) and kill its process.
    const consumer = await until(async () => {
      const lines = redis(['XPENDING', 'tc:jobs', 'workers', '-', '+', '100']).split('\n');
      for (let i = 0; i + 3 < lines.length; i += 4) {
        const f = redis(['XRANGE', 'tc:jobs', lines[i], lines[i]]).split('\n');
        const t = f.indexOf('tenant');
        if (t > 0 && f[t + 1] === String(slowId)) return lines[i + 1];
      }
      return null;
    }, 'the fetch to be taken by a worker', 10000);
    const name = consumer.replace(/-\d+$/, '');	/* "<process name>-<thread>" */
    const victim = extra.find((p) => name === `extra-${extra.indexOf(p) + 1}`);
    if (victim) {
      victim.kill('SIGKILL');
    } else {
      // The services' worker ("host-pid") took it.
      const pid = Number(name.split('-').pop());
      process.kill(pid, 'SIGKILL');
    }
    const done = await until(async () => {
      const cur = (await ss.get(`/api/imports/${res.json.import.id}`)).json;
      return cur.status === 'review' ? cur : null;
    }, 'the fetch finished by another worker', 40000);
    assert.equal(done.counts.student.new, 30);
    if (!victim) services('start-one', 'tc-worker');
  } finally {
    writeFileSync(env.lasConf, conf);
  }
});

test('jobs that keep failing are parked as dead and can be retried or dropped', async () => {
  const out = tcctl(['jobs', 'list']);
  assert.match(out, /stream: \d+ job\(s\)/);
  // An unknown job kind is parked at once.
  redis(['XADD', 'tc:jobs', '*', 'kind', 'no_such_kind', 'tenant', String(sid), 'attempt', '0', 'payload', '{}']);
  const id = await until(async () => {
    const m = /^ {2}(\d+-\d+)\s+no_such_kind/m.exec(tcctl(['jobs', 'list']));
    return m ? m[1] : null;
  }, 'the dead job');
  assert.match(tcctl(['jobs', 'show', id]), /unknown job kind/);
  assert.match(tcctl(['jobs', 'drop', id]), /dropped/);
  assert.ok(!tcctl(['jobs', 'list']).includes(id));
});

test('Redis restarted: the workers go on', async () => {
  services('restart', 'redis');
  const again = await school('Na herstart', Y);
  await sleep(1500);
  await setClockAt(`${Y}-10-07T09:00`);	// the clock is gone with Redis: set it again
  const res = await again.admin.post('/api/imports', { school_year: `${Y}-${Y + 1}` });
  assert.equal(res.status, 202, res.text);
  await until(async () => (await again.admin.get(`/api/imports/${res.json.import.id}`)).json.status === 'review',
    'a job after the Redis restart');
});
