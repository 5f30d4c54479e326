// tests/bench/redis-memory.mjs - Redis memory of one school whose import is
// in review (docs/scaling.md, "Redis memory per school").  For each size:
// a school linked to las-sim with that many pupils (a group per 25 pupils,
// a teacher per group), its import fetched into review, then the sum of
// MEMORY USAGE over the school's keys (tc:{id}:*), per pupil.  Runs against
// the servers of scripts/services (eval "$(scripts/services env DIR)"):
//   node tests/bench/redis-memory.mjs 300 3000
import { execFileSync } from 'node:child_process';
import { env, log, lasSchool, lasRestore, startImport, waitStatus, tcctl } from '../fault/lib.mjs';

function redis(args) {
  const where = env.redisSocket ? ['-s', env.redisSocket] : [];
  return execFileSync('redis-cli', [...where, ...args], { encoding: 'utf8' }).trim();
}
/* The master, when the Sentinels name one (the cluster), else TC_REDIS_SOCKET. */
function master() {
  const s = process.env.TC_REDIS_SENTINELS;
  if (!s) return [];
  const [host, port] = s.split(',')[0].split(':');
  const out = execFileSync('redis-cli', ['-h', host, '-p', port, 'SENTINEL', 'get-master-addr-by-name', 'tc'],
    { encoding: 'utf8' }).trim().split('\n');
  return ['-h', out[0], '-p', out[1]];
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const rows = [];
try {
  const m = master();
  const cli = (args) => (m.length ? execFileSync('redis-cli', [...m, ...args], { encoding: 'utf8' }).trim() : redis(args));
  for (const [i, pupils] of (sizes.length ? sizes : [300, 3000]).entries()) {
    const groups = Math.max(1, Math.round(pupils / 25));
    const s = await lasSchool(`6${i}MB`, `seed=${90 + i} pupils=${pupils} groups=${groups} teachers=${groups} ` +
      'sector=po first_year=2025-2026');
    const id = await startImport(s);
    await waitStatus(s, id, ['review'], 600000);
    const keys = cli(['--scan', '--pattern', `tc:{${s.id}}:*`]).split('\n').filter(Boolean);
    let bytes = 0;
    for (const k of keys) bytes += Number(cli(['MEMORY', 'USAGE', k, 'SAMPLES', '0']) || 0);
    rows.push({ pupils, groups, keys: keys.length, bytes, perPupil: Math.round(bytes / pupils) });
    log(JSON.stringify(rows.at(-1)));
    tcctl(['erase-tenant', s.slug, '--confirm', s.slug]);
  }
} finally {
  await lasRestore();
  tcctl(['clock', 'reset']);
}
console.log('| pupils | groups | keys | bytes in Redis | bytes per pupil |');
console.log('|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.pupils} | ${r.groups} | ${r.keys} | ${r.bytes} | ${r.perPupil} |`);
