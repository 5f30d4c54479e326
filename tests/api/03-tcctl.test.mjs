// tests/api/03-tcctl.test.mjs - the operator CLI: every bad argument is a
// one-line error with exit status 2 and changes nothing; the UWLR key is
// stored encrypted and never printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tcctl, sql, sqlValue, uniqueSlug, ownSchool } from './lib.mjs';

function fails(args, stdin = '') {
  try {
    tcctl(args, stdin);
  } catch (err) {
    return err;
  }
  assert.fail(`tcctl ${args.join(' ')} should have failed`);
}

test('bad tenant arguments: exit 2, one line, nothing changed', () => {
  const slug = uniqueSlug();
  // What these commands would add, not every school of the shared deployment.
  const count = () => sqlValue(`SELECT COUNT(*) FROM tenants WHERE slug IN ('Bad Slug', '${slug}')
    OR host IN ('x.localhost', '${slug}.localhost', 'not a host')`);
  const before = count();
  const cases = [
    ['tenant', 'add', '--slug', 'Bad Slug', '--name', 'X', '--host', 'x.localhost'],
    ['tenant', 'add', '--slug', slug, '--host', `${slug}.localhost`],
    ['tenant', 'add', '--slug', slug, '--name', 'X', '--host', 'not a host'],
    ['tenant', 'add', '--slug', slug, '--name', 'X', '--host', `${slug}.localhost`, '--brin', 'xx'],
    ['tenant', 'add', '--slug', slug, '--name', 'X', '--host', `${slug}.localhost`, '--las-url', 'ftp://x'],
    ['tenant', 'add', '--slug', slug, '--name', 'X', '--host', `${slug}.localhost`, '--las-xsd', '2.1'],
    ['tenant', 'add', '--slug', slug, '--name', 'X', '--host', `${slug}.localhost`, '--bogus'],
    ['tenant', 'show', 'no-such-school'],
    ['tenant', 'frobnicate'],
  ];
  for (const args of cases) {
    const err = fails(args);
    assert.equal(err.status, 2, `${args.join(' ')}: ${err.stderr}`);
    assert.equal(err.stderr.trim().split('\n').length, 1, err.stderr);
    assert.match(err.stderr, /^tcctl: /);
  }
  assert.equal(count(), before);
});

test('a school with a LAS link: key encrypted at rest, never printed', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tcctl-'));
  const keyFile = path.join(dir, 'key');
  const key = 'geheime-sleutel-0123456789';
  writeFileSync(keyFile, `${key}\n`);
  const slug = ownSchool(uniqueSlug());
  const out = tcctl(['tenant', 'add', '--slug', slug, '--name', 'LAS-school', '--host', `${slug}.localhost`,
    '--brin', '99XP', '--dependancecode', '00', '--las-url', 'https://las.example/uwlr',
    '--las-klantcode', 'TC', '--las-klantnaam', 'Testcentrum', '--las-key-file', keyFile, '--las-xsd', '2.2']);
  assert.match(out, new RegExp(`added school ${slug}`));
  const show = tcctl(['tenant', 'show', slug]);
  assert.ok(!show.includes(key));
  assert.match(show, /las-key: \(set, encrypted\)/);
  assert.match(show, /las-xsd: 2\.2/);
  const stored = sql(`SELECT HEX(las_key_enc) FROM tenants WHERE slug = '${slug}'`)[0][0];
  assert.ok(!stored.includes(Buffer.from(key).toString('hex').toUpperCase()));
  assert.equal(stored.length, (key.length + 40) * 2);
  assert.ok(!tcctl(['tenant', 'list']).includes(key));
  // Changing one field keeps the others.
  tcctl(['tenant', 'set', slug, '--name', 'Nieuwe naam']);
  const after = tcctl(['tenant', 'show', slug]);
  assert.match(after, /name: Nieuwe naam/);
  assert.match(after, /las-key: \(set, encrypted\)/);
  assert.match(after, /brin: 99XP/);
  const dup = fails(['tenant', 'add', '--slug', slug, '--name', 'X', '--host', `other-${slug}.localhost`]);
  assert.equal(dup.status, 2);
});

test('users: bad arguments refused, passwords hashed with Argon2id', () => {
  const slug = uniqueSlug();
  tcctl(['tenant', 'add', '--slug', ownSchool(slug), '--name', 'U', '--host', `${slug}.localhost`]);
  // The users these commands would add, not every user of the deployment.
  const users = () => sqlValue(`SELECT COUNT(*) FROM users u JOIN tenants t ON t.id = u.tenant_id
    WHERE t.slug = '${slug}' OR u.email = 'geen-adres'`);
  const before = users();
  for (const [args, stdin] of [
    [['user', 'add', '--tenant', slug, '--email', 'geen-adres', '--name', 'X', '--role', 'admin'], 'Wachtwoord-123\n'],
    [['user', 'add', '--tenant', slug, '--email', 'x@y.example', '--name', 'X', '--role', 'root'], 'Wachtwoord-123\n'],
    [['user', 'add', '--tenant', slug, '--email', 'x@y.example', '--name', 'X', '--role', 'admin'], 'kort\n'],
    [['user', 'add', '--tenant', 'no-such', '--email', 'x@y.example', '--name', 'X', '--role', 'admin'], 'Wachtwoord-123\n'],
    [['user', 'add', '--email', 'x@y.example', '--name', 'X', '--role', 'admin'], 'Wachtwoord-123\n'],
  ]) {
    const err = fails(args, stdin);
    assert.equal(err.status, 2, `${args.join(' ')}: ${err.stderr}`);
  }
  assert.equal(users(), before);
  tcctl(['user', 'add', '--tenant', slug, '--email', 'x@y.example', '--name', 'X', '--role', 'teacher'], 'Wachtwoord-123\n');
  const hash = sqlValue(`SELECT password_hash FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE t.slug = '${slug}'`);
  assert.match(hash, /^\$argon2id\$/);
  assert.ok(tcctl(['user', 'list', '--tenant', slug]).includes('x@y.example'));
});

test('migrate is idempotent and refuses a database newer than itself', () => {
  assert.match(tcctl(['migrate']), /up to date/);
  sql('INSERT INTO schema_migrations (version, name) VALUES (999, "999_future.sql")');
  try {
    const err = fails(['migrate']);
    assert.equal(err.status, 2);
    assert.match(err.stderr, /newer than this program/);
  } finally {
    sql('DELETE FROM schema_migrations WHERE version = 999');
  }
});
