import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
const wchar = () => Number(/wchar: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))?.[1]);
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSwitchboard, silentLogger } from '@switchboard/core';
import { createSqliteStore } from '@switchboard/store-sqlite';
import { createWhatsAppAdapter } from '@switchboard/whatsapp';
import { APP_SECRET, PHONE_NUMBER_ID, signedWebhook, VERIFY_TOKEN } from './lib/webhooks.js';
const N = Number(process.env.N ?? 10000);
const dir = mkdtempSync(join(tmpdir(), 'drainprof-'));
const store = createSqliteStore({ path: join(dir, 'x.db'), durability: 'full' });
const sb = createSwitchboard({ adapters: [createWhatsAppAdapter({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, phoneNumberIds: [PHONE_NUMBER_ID] })], store, logger: silentLogger, processor: { batchSize: 200 }, readModel: process.env.RM !== '0' });
let d = 0; sb.on('*', () => { d++; });
for (let i = 0; i < N; i += 100) {
  const rs = Array.from({ length: Math.min(100, N - i) }, () => { const { body, headers } = signedWebhook(); return new Request('http://127.0.0.1/webhooks/whatsapp', { method: 'POST', body, headers }); });
  await Promise.all(rs.map((r) => sb.handleWebhook(r)));
}
const s = new Session(); s.connect();
if (process.env.PROF) { await s.post('Profiler.enable'); await s.post('Profiler.setSamplingInterval', { interval: 100 }); await s.post('Profiler.start'); }
const w0 = wchar(); const cpu = process.cpuUsage(); const t = process.hrtime.bigint();
if (process.env.DRAIN !== "0") await sb.drain();
const wall = Number(process.hrtime.bigint() - t) / 1e3 / N; const u = process.cpuUsage(cpu);
if (process.env.PROF) { const { profile } = await s.post('Profiler.stop'); writeFileSync('/tmp/pbench/drain.cpuprofile', JSON.stringify(profile)); }
const w = (wchar() - w0) / N; console.log(`written ${w.toFixed(0)} B/event; dispatched ${d}; wall ${wall.toFixed(1)} µs/event; cpu ${((u.user + u.system) / N).toFixed(1)} µs/event (user ${(u.user / N).toFixed(1)})`);
await store.close();
