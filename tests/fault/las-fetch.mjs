// tests/fault/las-fetch.mjs - the LAS fetch against a LAS that is gone, hangs
// past las.timeout, answers half a body, an HTTP error or a SOAP fault: each
// gives a failed import with a Dutch message, and POST /api/imports/{id}/retry
// fetches it once the LAS is back.  (tests/fault/las-fetch.sh)
import assert from 'node:assert/strict';
import { main, log, services, lasSet, lasRestore, lasSchool, inWindow, startImport, waitStatus,
  tcctl, sleep, restoreClock } from './lib.mjs';

const TIMEOUT = 3;	// las.timeout of the tc-worker of this test (seconds)
const faults = [
  { name: 'las-sim stopped', brin: '91FA', stop: true },
  { name: 'las-sim hangs past las.timeout', brin: '92FA', las: { fault: 'timeout', timeout_ms: 15000 } },
  { name: 'half an answer (truncate)', brin: '93FA', las: { fault: 'truncate' } },
  { name: 'HTTP 503', brin: '94FA', las: { fault: 'http503' } },
  { name: 'a SOAP fault', brin: '95FA', las: { fault: 'soapfault:Server.TijdelijkNietBeschikbaar' } },
];

await main(async () => {
  services('restart', 'tc-worker', { TC_LAS_TIMEOUT: String(TIMEOUT), TC_LAS_CONNECT_TIMEOUT: '2', TC_WORKER_RETRY_SECONDS: '2' });
  inWindow();
  for (const f of faults) {
    const s = await lasSchool(f.brin, 'seed=11 pupils=40 groups=3 teachers=4 sector=po first_year=2025-2026');
    if (f.stop) services('stop-one', 'las-sim');
    else await lasSet(f.brin, f.las);
    const t0 = Date.now();
    const id = await startImport(s);
    const st = await waitStatus(s, id, ['failed', 'review'], 120000);
    log(`${f.name}: ${st.status} after ${Date.now() - t0} ms:`, JSON.stringify(st.error));
    assert.equal(st.status, 'failed', `${f.name}: ${JSON.stringify(st)}`);
    assert.ok(st.error && typeof st.error.code === 'string' && st.error.code.length > 0, JSON.stringify(st));
    // A message for the portal, in Dutch (not a libcurl or libxml2 text).
    assert.match(st.error.message, /\b(de|het|een|niet|LAS|later|opnieuw)\b/, JSON.stringify(st.error));
    assert.doesNotMatch(st.error.message, /curl|errno|xml parser|Couldn't|Operation timed/i);
    // A second retry of a failed import is refused only while it runs.
    if (f.stop) services('start-one', 'las-sim');
    else await lasSet(f.brin, { fault: 'none' });
    const r = await s.admin.post(`/api/imports/${id}/retry`, {});
    assert.equal(r.status, 202, r.text);
    const again = await waitStatus(s, id, ['review', 'failed'], 60000);
    assert.equal(again.status, 'review', JSON.stringify(again));
    assert.equal(again.counts.student.new, 40, JSON.stringify(again.counts));
    const notFailed = await s.admin.post(`/api/imports/${id}/retry`, {});
    assert.equal(notFailed.status, 409, notFailed.text);
    log(`${f.name}: retry → review with 40 pupils`);
  }
}, async () => {
  services('start-one', 'las-sim');
  await lasRestore();
  restoreClock();
  services('restart', 'tc-worker');
  await sleep(100);
});
