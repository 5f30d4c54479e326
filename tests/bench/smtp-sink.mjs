// tests/bench/smtp-sink.mjs - a local SMTP sink for the reminder benchmark:
// accepts every message and appends one line per message ("recipient size")
// to a file, so that the benchmark can count messages and recipients.  It is
// a receiving server for a benchmark, not a client, and speaks just enough
// SMTP for libcurl (no STARTTLS, no AUTH).
//
//   node tests/bench/smtp-sink.mjs PORTFILE LOGFILE
//
// Listens on 127.0.0.1 on a free port and writes the port to PORTFILE.
import net from 'node:net';
import { appendFileSync, writeFileSync, renameSync } from 'node:fs';

const [portFile, logFile] = process.argv.slice(2);
if (!portFile || !logFile) {
  console.error('usage: smtp-sink.mjs PORTFILE LOGFILE');
  process.exit(2);
}
writeFileSync(logFile, '');

function session(sock) {
  let buf = '';
  let data = false;	// inside DATA
  let size = 0;
  let rcpt = [];
  const say = (s) => sock.write(`${s}\r\n`);

  function command(line) {
    const verb = line.slice(0, 4).toUpperCase();
    switch (verb) {
      case 'EHLO': say('250-sink\r\n250 8BITMIME'); break;	// one write: no Nagle wait
      case 'HELO': say('250 sink'); break;
      case 'MAIL': rcpt = []; say('250 OK'); break;
      case 'RCPT': rcpt.push((/<([^>]*)>/.exec(line) || [])[1] || ''); say('250 OK'); break;
      case 'DATA':
        if (rcpt.length === 0) { say('503 no recipient'); break; }
        data = true; size = 0; say('354 go on'); break;
      case 'RSET': rcpt = []; say('250 OK'); break;
      case 'NOOP': say('250 OK'); break;
      case 'QUIT': say('221 bye'); sock.end(); break;
      default: say('502 not implemented');
    }
  }

  sock.setNoDelay(true);
  sock.setEncoding('latin1');
  sock.on('data', (chunk) => {
    buf += chunk;
    let i;
    while ((i = buf.indexOf('\r\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (!data) {
        command(line);
      } else if (line === '.') {
        data = false;
        appendFileSync(logFile, rcpt.map((r) => `${r} ${size}\n`).join(''));
        rcpt = [];
        say('250 queued');
      } else {
        size += line.length + 2;
      }
    }
  });
  sock.on('error', () => {});
  say('220 sink ESMTP');
}

const server = net.createServer(session);
server.listen(0, '127.0.0.1', () => {
  writeFileSync(`${portFile}.tmp`, String(server.address().port));
  renameSync(`${portFile}.tmp`, portFile);
});
process.on('SIGTERM', () => process.exit(0));
