// tests/api/01-api-doc.test.mjs - docs/api.md describes every route of the
// routing table (`tc-fcgi --routes`), and nothing that does not exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { env, repoRoot } from './lib.mjs';

const routes = execFileSync(path.join(env.bin, 'tc-fcgi'), ['--routes'], { encoding: 'utf8' })
  .trim().split('\n').map((l) => l.split(' '));
const doc = readFileSync(path.join(repoRoot, 'docs', 'api.md'), 'utf8');
const headings = [...doc.matchAll(/^### ([A-Z]+) (\/\S*)\s*$/gm)].map((m) => `${m[1]} ${m[2]}`);
const roleWords = { none: 'none', school: 'school', session: 'session', admin: 'admin' };

test('tc-fcgi --routes prints METHOD PATH AUTH lines', () => {
  assert.ok(routes.length >= 5);
  for (const r of routes) {
    assert.equal(r.length, 3, r.join(' '));
    assert.match(r[0], /^(GET|POST|PUT|PATCH|DELETE)$/);
    assert.match(r[1], /^\//);
    assert.ok(r[2] in roleWords, r.join(' '));
  }
});

test('every route has a "### METHOD /path" section in docs/api.md', () => {
  const missing = routes.filter(([m, p]) => !headings.includes(`${m} ${p}`)).map((r) => `${r[0]} ${r[1]}`);
  assert.deepEqual(missing, [], `docs/api.md does not describe: ${missing.join(', ')}`);
});

test('docs/api.md describes no route that does not exist', () => {
  const known = new Set(routes.map(([m, p]) => `${m} ${p}`));
  const extra = headings.filter((h) => !known.has(h));
  assert.deepEqual(extra, []);
});

test('each section names the role the routing table requires', () => {
  for (const [m, p, auth] of routes) {
    const start = doc.indexOf(`### ${m} ${p}\n`);
    const next = doc.indexOf('\n### ', start + 4);
    const section = doc.slice(start, next < 0 ? undefined : next);
    assert.match(section, new RegExp(`Role: \`${auth}\``), `${m} ${p} should say Role: \`${auth}\``);
  }
});
