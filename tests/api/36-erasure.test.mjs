// tests/api/36-erasure.test.mjs - a pupil deleted for good is gone from
// Redis too (issue 19, DESIGN.md section 2 step 2): deleted in the middle of
// the review of an import, no key of the school still holds its name, ECK-iD
// or LAS key: every key of Redis is read (SCAN, then the value by its type),
// not only the kinds the code knows.  Also: the last sync's points lose it,
// and a failed import's staged data expires within a day.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tcctl, sql, sqlValue, redis, addSchool, login, sleep, setClockAt, lasLink, waitImport,
  reviewImport } from './lib.mjs';
import { tenantId } from './roster.mjs';

let a;
let aid;

/** Every key of Redis (SCAN) but those of other schools (their own
 * {tenant} tag: they imported the same LAS fixture), with its value as text
 * whatever its type: [key, text]. */
function everyKey() {
  const keys = redis(['--scan']).split('\n').filter((k) => k !== '')
    .filter((k) => !/^tc:\{\d+\}:/.test(k) || k.startsWith(`tc:{${aid}}:`));
  const out = [];
  for (const k of keys) {
    const type = redis(['TYPE', k]);
    let v = '';
    if (type === 'string') v = redis(['GET', k]);
    else if (type === 'hash') v = redis(['HGETALL', k]);
    else if (type === 'set') v = redis(['SMEMBERS', k]);
    else if (type === 'zset') v = redis(['ZRANGE', k, '0', '-1']);
    else if (type === 'list') v = redis(['LRANGE', k, '0', '-1']);
    else if (type === 'stream') v = redis(['XRANGE', k, '-', '+']);
    else if (type === 'none') continue;	// expired meanwhile
    else assert.fail(`key ${k} of type ${type}: the test cannot read it`);
    out.push([k, `${k}\n${v}`]);
  }
  return out;
}

/** The keys that hold any of needles. */
function holders(needles) {
  return everyKey()
    .filter(([, v]) => needles.some((n) => v.includes(n)))
    .map(([k]) => k);
}

before(async () => {
  a = addSchool({ name: 'Basisschool Vergeten', extra: lasLink() });
  aid = tenantId(a.slug);
  a.admin = await login(a.host, a.email, a.password);
});

after(() => {
  tcctl(['clock', 'reset']);
});

test('a pupil deleted in the middle of a review leaves no key with its name, ECK-iD or LAS key', async () => {
  // A first import fills the school; the transition a year later is reviewed.
  await setClockAt('2023-09-01T10:00');
  const first = await reviewImport(a.admin, '2023-2024');
  let res = await a.admin.post(`/api/imports/${first.id}/apply`);
  assert.ok([200, 202].includes(res.status), res.text);
  await waitImport(a.admin, first.id, ['applied']);
  // A pupil entered by hand who looks like a new LAS pupil (a candidate).
  sql(`INSERT INTO students (tenant_id, achternaam, roepnaam, source) VALUES (${aid}, 'Schmidt', 'Hannah', 'manual')`);
  const manual = Number(sqlValue(`SELECT id FROM students WHERE tenant_id = ${aid} AND source = 'manual'`));
  await setClockAt('2024-08-15T10:00');
  const trans = await reviewImport(a.admin, '2024-2025');

  // The pupil: one the LAS still lists, linked to ours, with an ECK-iD.
  const recs = (await a.admin.get(`/api/imports/${trans.id}/records?kind=student&limit=200`)).json.items;
  const linked = recs.find((r) => r.category === 'existing' && r.fields.eckid && r.link?.id);
  assert.ok(linked, 'a linked pupil with an ECK-iD');
  linked.link_id = linked.link.id;
  const [id, eckid, lasKey, roep, achter, geb] = sql(`SELECT id, eckid, las_key, roepnaam, achternaam,
    geboortedatum FROM students WHERE tenant_id = ${aid} AND id = ${linked.link_id}`)[0];
  const name = `${roep} ${achter}`;
  // The administrator decided on it, and the last sync named both pupils.
  res = await a.admin.put(`/api/imports/${trans.id}/decisions`,
    { decisions: [{ kind: 'student', key: linked.key, category: 'existing', link_id: Number(id) }] });
  assert.equal(res.status, 200, res.text);
  redis(['SET', `tc:{${aid}}:sync:points`, JSON.stringify({
    date: '2024-08-14', status: 'applied', leavers: [Number(id)], archived: [],
    lookalikes: [{ name: `${roep} ${achter}`, geboortedatum: geb, candidates: [Number(id)] },
      { name: 'Hannah Schmidt', geboortedatum: null, candidates: [manual] }],
  }), 'EX', '600']);
  redis(['SADD', `tc:{${aid}}:sync:dismissed`, id]);

  const needles = [name, eckid, lasKey];
  const before = holders(needles);
  assert.ok(before.some((k) => k.includes(':import-data:')), `the staged records hold it: ${before}`);
  assert.ok(before.some((k) => k.includes(':import-decisions:')), `the choices hold it: ${before}`);
  assert.ok(before.some((k) => k.endsWith(':sync:points')), `the sync points hold it: ${before}`);

  // Archived and deleted for good while the review is open.
  res = await a.admin.post('/api/students/deactivate', { ids: [Number(id), manual] });
  assert.equal(res.status, 200, res.text);
  res = await a.admin.post('/api/students/delete', { ids: [Number(id), manual], confirm: true });
  assert.equal(res.status, 200, res.text);

  const left = holders(needles);
  assert.deepEqual(left, [], `keys that still hold ${name} / ${eckid} / ${lasKey}`);
  assert.equal(redis(['SISMEMBER', `tc:{${aid}}:sync:dismissed`, id]), '0');
  // The hand-entered pupil is no candidate any more; the LAS record that
  // looked like it stays (the LAS still lists that child).
  const after = (await a.admin.get(`/api/imports/${trans.id}/records?kind=student&limit=200`)).json.items;
  assert.ok(!after.some((r) => r.key === linked.key), 'the linked LAS record is gone from the review');
  for (const r of after) {
    assert.ok(!(r.candidates || []).some((c) => c.id === manual), `${r.key} still offers the deleted pupil`);
  }
  const points = JSON.parse(redis(['GET', `tc:{${aid}}:sync:points`]));
  assert.deepEqual(points.leavers, []);
  assert.equal(points.lookalikes.length, 0, JSON.stringify(points.lookalikes));
  // The review still works: counts, summary and the key's TTL are kept.
  const now = await a.admin.get(`/api/imports/${trans.id}`);
  assert.equal(now.status, 200);
  assert.equal(now.json.counts.student.existing + now.json.counts.student.new,
    trans.counts.student.existing + trans.counts.student.new - 1);
  const ttl = Number(redis(['TTL', `tc:{${aid}}:import-data:${trans.id}:student`]));
  assert.ok(ttl > 86400, `the staged records keep their expiry (${ttl})`);
  assert.equal((await a.admin.del(`/api/imports/${trans.id}`)).status, 200);
});

test('a failed import keeps its staged data at most a day', async () => {
  // An import that fails: the LAS link points at nothing.
  const b = addSchool({ name: 'Basisschool Mislukt', extra: lasLink('99XP', 'http://127.0.0.1:9/uwlr') });
  const bid = tenantId(b.slug);
  b.admin = await login(b.host, b.email, b.password);
  await setClockAt('2023-09-01T10:00');
  let res = await b.admin.post('/api/imports', { school_year: '2023-2024' });
  assert.equal(res.status, 202, res.text);
  const id = res.json.import.id;
  await waitImport(b.admin, id, ['failed'], 120000);
  // Staged data of an earlier attempt (as a retry finds it), for 30 days;
  // "Opnieuw proberen" fails again.
  redis(['SET', `tc:{${bid}}:import-data:${id}:student`, '[{"key":"x","display":"Iemand Anders"}]', 'EX', String(30 * 86400)]);
  res = await b.admin.post(`/api/imports/${id}/retry`);
  assert.ok([200, 202].includes(res.status), res.text);
  await sleep(500);
  await waitImport(b.admin, id, ['failed'], 120000);
  const ttl = Number(redis(['TTL', `tc:{${bid}}:import-data:${id}:student`]));
  assert.ok(ttl > 0 && ttl <= 86400, `staged data of a failed import expires within a day (${ttl})`);
});
