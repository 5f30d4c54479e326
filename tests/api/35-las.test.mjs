// tests/api/35-las.test.mjs - the UWLR client against las-sim through nginx,
// with every fault las-sim can inject, mutual TLS, the address policy and the
// operator's commands `tcctl las test` and `tcctl las fetch`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { env, tcctl, uniqueSlug, ownSchool, sleep, lasLink } from './lib.mjs';

const BRIN = '99XF';
let conf;
let key;

/* One school of las-sim's for these tests, with a fault. */
async function lasSchool(fault, extra = '') {
  writeFileSync(env.lasConf, `${conf}\n[school ${BRIN} 00]\nkey = ${key}\nklantcode = TC\n` +
    'klantnaam = Testcentrum\ngenerate = seed=5 pupils=25 groups=2 teachers=3 sector=po ' +
    `first_year=2025-2026\nlatency_ms = 0\nfault = ${fault}\ntimeout_ms = 6000\n${extra}`);
  await sleep(1100);	// las-sim re-reads a file whose time changed
}

function school(url, more = []) {
  const slug = ownSchool(uniqueSlug('las'));
  tcctl(['tenant', 'add', '--slug', slug, '--name', 'LAS-test', '--host', `${slug}.localhost`,
    ...lasLink(BRIN, url), ...more]);
  return slug;
}

/* tcctl las test with extra environment; {ok, out} instead of throwing. */
function lasTest(slug, envExtra = {}) {
  try {
    const out = execFileSync(path.join(env.bin, 'tcctl'), ['--config', env.config, 'las', 'test',
      '--tenant', slug, '--year', '2025-2026'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...envExtra }, timeout: 60000 });
    return { ok: true, out };
  } catch (err) {
    return { ok: false, out: `${err.stdout}${err.stderr}`, status: err.status };
  }
}

before(() => {
  conf = readFileSync(env.lasConf, 'utf8');
  key = readFileSync(env.lasKeyFile, 'utf8').trim();
});

after(() => {
  writeFileSync(env.lasConf, conf);
});

test('a healthy LAS: reachable, authorised, counts', async () => {
  await lasSchool('none');
  const r = lasTest(school(`${env.lasHttp}/uwlr`));
  assert.ok(r.ok, r.out);
  assert.match(r.out, /reachable, authorised/);
  assert.match(r.out, /25 pupil\(s\)/);
  assert.ok(!r.out.includes(key), 'the UWLR key is never printed');
});

test('each injected fault becomes its typed error; only the retryable ones are retried', async () => {
  const slug = school(`${env.lasHttp}/uwlr`);
  const cases = [
    ['http500', /http/, /after 3 attempt/],
    ['http404', /http/, /after 1 attempt/],
    ['truncate', /parse/, null],
    ['soapfault:Client.AutorisatieOngeldig', /fault after 1 attempt\(s\): Client\.AutorisatieOngeldig/, null],
    ['soapfault:Server.TijdelijkNietBeschikbaar', /fault after 3 attempt\(s\): Server\.TijdelijkNietBeschikbaar/, null],
  ];
  for (const [fault, kind, attempts] of cases) {
    await lasSchool(fault);
    const r = lasTest(slug);
    assert.ok(!r.ok, `${fault} passed: ${r.out}`);
    assert.equal(r.status, 1);
    assert.match(r.out, kind, fault);
    if (attempts) assert.match(r.out, attempts, fault);
    assert.ok(!r.out.includes(key), 'the UWLR key is never printed');
  }
});

test('a LAS slower than las.timeout times out; latency within it is fine', async () => {
  const slug = school(`${env.lasHttp}/uwlr`);
  await lasSchool('timeout');
  let r = lasTest(slug, { TC_LAS_TIMEOUT: '2' });
  assert.ok(!r.ok);
  assert.match(r.out, /timeout/);
  await lasSchool('none');
  writeFileSync(env.lasConf, readFileSync(env.lasConf, 'utf8').replace(/(\[school 99XF 00\][^[]*?)latency_ms = 0/, '$1latency_ms = 1500'));
  await sleep(1100);
  r = lasTest(slug, { TC_LAS_TIMEOUT: '10' });
  assert.ok(r.ok, r.out);
});

test('wrong key, unknown school, forbidden addresses', async () => {
  await lasSchool('none');
  const dir = mkdtempSync(path.join(tmpdir(), 'las-'));
  writeFileSync(path.join(dir, 'key'), 'niet-de-sleutel\n');
  const slug = ownSchool(uniqueSlug('las'));
  tcctl(['tenant', 'add', '--slug', slug, '--name', 'X', '--host', `${slug}.localhost`, '--brin', BRIN,
    '--dependancecode', '00', '--las-url', `${env.lasHttp}/uwlr`, '--las-klantcode', 'TC',
    '--las-klantnaam', 'Testcentrum', '--las-key-file', path.join(dir, 'key')]);
  let r = lasTest(slug);
  assert.match(r.out, /Client\.AutorisatieOngeldig/);
  assert.ok(!r.out.includes('niet-de-sleutel'));
  const unknown = uniqueSlug('las');
  tcctl(['tenant', 'add', '--slug', unknown, '--name', 'X', '--host', `${unknown}.localhost`, '--brin', '99ZZ',
    '--las-url', `${env.lasHttp}/uwlr`, '--las-klantcode', 'TC', '--las-klantnaam', 'Testcentrum',
    '--las-key-file', env.lasKeyFile]);
  r = lasTest(unknown);
  assert.match(r.out, /Client\.OngeldigeKlantIdentificatie/);
  const ok = school(`${env.lasHttp}/uwlr`);
  r = lasTest(ok, { TC_LAS_ALLOW_PRIVATE: 'no' });
  assert.ok(!r.ok);
  assert.match(r.out, /refused_address/);
  r = lasTest(ok, { TC_LAS_ALLOW_HTTP: 'no' });
  assert.ok(!r.ok);
  assert.match(r.out, /config|http/);
});

test('mutual TLS through nginx: the client certificate opens, no or a foreign one does not', async () => {
  await lasSchool('none');
  const tls = env.tlsDir;
  const url = `${env.lasHttps}/uwlr`;
  const good = school(url, ['--las-client-cert', path.join(tls, 'client.crt'),
    '--las-client-key', path.join(tls, 'client.key'), '--las-ca-file', path.join(tls, 'ca.crt')]);
  let r = lasTest(good);
  assert.ok(r.ok, r.out);
  const none = school(url, ['--las-ca-file', path.join(tls, 'ca.crt')]);
  r = lasTest(none);
  assert.ok(!r.ok, r.out);
  const rogue = school(url, ['--las-client-cert', path.join(tls, 'rogue.crt'),
    '--las-client-key', path.join(tls, 'rogue.key'), '--las-ca-file', path.join(tls, 'ca.crt')]);
  r = lasTest(rogue);
  assert.ok(!r.ok, r.out);
  // Without the private CA the server is not trusted: verification is on.
  const untrusted = school(url, ['--las-client-cert', path.join(tls, 'client.crt'),
    '--las-client-key', path.join(tls, 'client.key')]);
  r = lasTest(untrusted);
  assert.ok(!r.ok, r.out);
  assert.match(r.out, /tls/);
});

test('tcctl las fetch writes the records as JSON', async () => {
  await lasSchool('none');
  const slug = school(`${env.lasHttp}/uwlr`);
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'las-')), 'records.json');
  const text = tcctl(['las', 'fetch', '--tenant', slug, '--year', '2025-2026', '--out', out]);
  assert.match(text, /25 pupil\(s\)/);
  const groups = Number(/(\d+) group\(s\)/.exec(text)[1]);
  const data = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(data.leerlingen.length, 25);
  assert.equal(data.groepen.length, groups);
  assert.ok(data.leerlingen.every((p) => p.key && p.achternaam !== undefined));
  assert.equal(data.schooljaar, '2025-2026');
});
