// The load generator of crash.test.ts, in its own process: `node load.mjs <port> <concurrency>`.
// Fires signed webhooks (unique ids; every 7th request re-sends an earlier body, as Meta does on retry)
// until the parent sends 'stop', then reports { acked, sent, failed } — `acked` holds each id that got a 200.
// Sends { progress: <acks so far> } every 50 acks.
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';

const SECRET = 'crash-secret';
const port = Number(process.argv[2]);
const concurrency = Number(process.argv[3] ?? 20);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const acked = new Set();
const sentBodies = [];
let sent = 0;
let failed = 0;
let stopping = false;
let next = 0;

function post(body) {
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/webhooks/fake',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

function nextBody() {
  if (next > 0 && next % 7 === 0 && sentBodies.length > 0) {
    next += 1;
    return sentBodies[Math.floor(Math.random() * sentBodies.length)];
  }
  const n = next++;
  const item = { id: `c${n}`, user: `u${n % 13}`, ts: 1_000_000 + n };
  const body = { text: JSON.stringify(item), id: item.id };
  sentBodies.push(body);
  return body;
}

async function worker() {
  while (!stopping) {
    const body = nextBody();
    sent += 1;
    const status = await post(body.text);
    if (status === 200) {
      const before = acked.size;
      acked.add(body.id);
      if (acked.size !== before && acked.size % 50 === 0) process.send?.({ progress: acked.size });
    } else {
      failed += 1;
      // The engine is gone: do not spin.
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

const workers = Array.from({ length: concurrency }, worker);
process.on('message', async (message) => {
  if (message !== 'stop') return;
  stopping = true;
  await Promise.all(workers);
  agent.destroy();
  process.send?.({ acked: [...acked], sent, failed }, () => process.exit(0));
});
