// tests/fault/http-abuse.mjs - clients that misbehave must not stop the
// workers from serving everybody else:
//   - 1,000 slow clients (headers and bodies trickling in) through nginx;
//   - request bodies cut off (Content-Length larger than what is sent), and
//     clients that hang up before the answer, through nginx;
//   - the same straight at tc-fcgi's FastCGI socket (a FastCGI client that
//     sends part of a body and goes away), so that a worker thread is never
//     lost to one.
// Meanwhile /healthz and a logged-in GET /api/students must keep answering
// 200 quickly.  (tests/fault/http-abuse.sh)
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { main, log, sleep, env } from './lib.mjs';
import { request } from '../api/lib.mjs';
import { newSchool, mkStudent } from '../api/roster.mjs';

const SLOW = 1000;
const fcgiSock = path.join(env.servicesDir, 'run', 'tc-fcgi.sock');

/** Good requests while the abuse goes on: every one 200 within 3 s. */
async function probe(s, label, n = 20) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = Date.now();
    const h = await request('GET', '/healthz', { timeout: 3000 });
    assert.equal(h.status, 200, `${label}: /healthz ${h.status}`);
    const l = await s.admin.get('/api/students?limit=5', { timeout: 3000 });
    assert.equal(l.status, 200, `${label}: /api/students ${l.status} ${l.text.slice(0, 100)}`);
    times.push(Date.now() - t0);
  }
  times.sort((a, b) => a - b);
  log(`${label}: ${n} good pairs, median ${times[n >> 1]} ms, max ${times[n - 1]} ms`);
}

function raw(text, { close = 0 } = {}) {
  return new Promise((ok) => {
    const c = net.connect(env.base.match(/:(\d+)$/)[1], '127.0.0.1', () => {
      c.write(text);
      if (close) setTimeout(() => c.destroy(), close);
    });
    c.on('error', () => ok());
    c.on('close', () => ok());
    c.setTimeout(5000, () => { c.destroy(); ok(); });
  });
}

/** FastCGI records (version 1) for a direct request to tc-fcgi. */
function record(type, id, content) {
  const pad = (8 - (content.length % 8)) % 8;
  const h = Buffer.from([1, type, id >> 8, id & 255, content.length >> 8, content.length & 255, pad, 0]);
  return Buffer.concat([h, content, Buffer.alloc(pad)]);
}
function params(obj) {
  const parts = [];
  for (const [k, v] of Object.entries(obj)) {
    const kb = Buffer.from(k);
    const vb = Buffer.from(v);
    parts.push(Buffer.from([kb.length, vb.length]), kb, vb);
  }
  return Buffer.concat(parts);
}
function fcgiCutOff(host, cookie) {
  return new Promise((ok) => {
    const c = net.connect(fcgiSock, () => {
      c.write(record(1, 1, Buffer.from([0, 1, 0, 0, 0, 0, 0, 0])));	// BEGIN_REQUEST, responder
      c.write(record(4, 1, params({
        REQUEST_METHOD: 'POST', REQUEST_URI: '/api/students', SCRIPT_NAME: '', PATH_INFO: '/api/students',
        DOCUMENT_URI: '/api/students', QUERY_STRING: '', CONTENT_TYPE: 'application/json',
        CONTENT_LENGTH: '5000', HTTP_HOST: host, HTTP_COOKIE: cookie, REMOTE_ADDR: '127.0.0.1',
        SERVER_PROTOCOL: 'HTTP/1.1', GATEWAY_INTERFACE: 'CGI/1.1',
      })));
      c.write(record(4, 1, Buffer.alloc(0)));
      c.write(record(5, 1, Buffer.from('{"achternaam":"Afgebr')));	// part of STDIN
      setTimeout(() => c.destroy(), 50);
    });
    c.on('error', () => ok());
    c.on('close', () => ok());
  });
}

await main(async () => {
  const s = await newSchool('Storing HTTP');
  await mkStudent(s.admin, { achternaam: 'Vries', roepnaam: 'Zoë' });
  await probe(s, 'before');

  // 1,000 slow clients: half trickle their headers, half their bodies.
  const slow = [];
  let open = 0;
  for (let i = 0; i < SLOW; i++) {
    const c = net.connect(env.base.match(/:(\d+)$/)[1], '127.0.0.1');
    c.on('error', () => {});
    c.on('connect', () => {
      open += 1;
      if (i % 2) {
        c.write(`GET /api/students HTTP/1.1\r\nHost: ${s.host}\r\n`);
      } else {
        c.write(`POST /api/session HTTP/1.1\r\nHost: ${s.host}\r\nContent-Type: application/json\r\n` +
          'Content-Length: 4000\r\n\r\n{"email":"');
      }
    });
    slow.push(c);
  }
  await sleep(1500);
  log(`${open} slow clients connected`);
  assert.ok(open >= SLOW * 0.95, `only ${open} of ${SLOW} slow clients got a connection`);
  const trickle = setInterval(() => {
    for (const c of slow) if (!c.destroyed) c.write(c.remoteAddress ? 'a' : '');
  }, 1000);
  await probe(s, 'with 1,000 slow clients');

  // Bodies cut off and clients that hang up, through nginx (100 of each).
  const cut = [];
  for (let i = 0; i < 100; i++) {
    cut.push(raw(`POST /api/students HTTP/1.1\r\nHost: ${s.host}\r\nCookie: ${s.admin.cookie}\r\n` +
      `X-CSRF-Token: ${s.admin.csrf}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"achternaam":`,
    { close: 20 }));
    cut.push(raw(`GET /api/students?limit=200 HTTP/1.1\r\nHost: ${s.host}\r\nCookie: ${s.admin.cookie}\r\n\r\n`,
      { close: 1 }));
  }
  await Promise.all(cut);
  await probe(s, 'after 200 cut-off bodies and hang-ups');

  // Straight at tc-fcgi: more cut-off FastCGI requests than it has threads.
  const direct = [];
  for (let i = 0; i < 64; i++) direct.push(fcgiCutOff(s.host, s.admin.cookie));
  await Promise.all(direct);
  await probe(s, 'after 64 cut-off FastCGI requests');

  clearInterval(trickle);
  for (const c of slow) c.destroy();
  await sleep(300);
  await probe(s, 'after');
  // Nothing half-written: no pupil "Afgebr..." or from a cut-off body.
  const list = await s.admin.get('/api/students?limit=200');
  assert.equal(list.json.total, 1, list.text.slice(0, 300));
}, async () => {});
