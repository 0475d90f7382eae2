// A real SMTP server (npm smtp-server, from the Nodemailer project) on loopback for Los's mail tests
// (tests/http/invitations.rs). It speaks SMTP as a mail relay does, takes every message without
// authentication or TLS (loopback only), and writes each one, raw, to LOS_SMTP_DIR as <n>.eml together with
// <n>.json holding the envelope (from, to). Prints "ready <port>" once listening.
//
//   LOS_SMTP_PORT  port to listen on (127.0.0.1)
//   LOS_SMTP_DIR   directory for the received messages (must exist)
import fs from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

const port = Number(process.env.LOS_SMTP_PORT);
const dir = process.env.LOS_SMTP_DIR;
let n = 0;

const server = new SMTPServer({
  secure: false,
  disabledCommands: ['STARTTLS', 'AUTH'],
  authOptional: true,
  logger: false,
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => {
      n += 1;
      const base = path.join(dir, String(n));
      const envelope = {
        from: session.envelope.mailFrom && session.envelope.mailFrom.address,
        to: session.envelope.rcptTo.map((r) => r.address),
      };
      // The envelope first: a reader that sees the .eml finds its envelope beside it.
      fs.writeFileSync(`${base}.json`, JSON.stringify(envelope));
      fs.writeFileSync(`${base}.eml.part`, Buffer.concat(chunks));
      fs.renameSync(`${base}.eml.part`, `${base}.eml`);
      callback();
    });
  },
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${port}\n`);
});
