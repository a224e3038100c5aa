import { connect } from 'node:net';
import {
  createLogger,
  createMemoryStore,
  createSwitchboard,
  type Logger,
  ManualClock,
  type Store,
  type SwitchboardOptions,
} from '../src/index.js';
import { createFakeAdapter, sign } from './fake-adapter.js';

export interface LogLine {
  level: string;
  msg: string;
  [key: string]: unknown;
}

export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  return { logger: createLogger({ level: 'debug', sink: (line) => lines.push(line as LogLine) }), lines };
}

export function setup(options: Partial<SwitchboardOptions> & { store?: Store } = {}) {
  const clock = new ManualClock();
  const store = options.store ?? createMemoryStore();
  const fake = createFakeAdapter();
  const { logger, lines } = captureLogger();
  const switchboard = createSwitchboard({
    adapters: [fake.adapter],
    store,
    clock,
    logger,
    random: () => 1,
    ...options,
  });
  return { clock, store, fake, logger, lines, switchboard };
}

/**
 * On one keep-alive connection: streams a chunked body to `/webhooks/fake` until the 413 arrives, goes on
 * uploading 1 MiB more as a client that has not read the answer yet would, ends the body, then sends a
 * handshake GET on the same connection. Resolves with everything the server sent (once it closes).
 */
export async function uploadPastTheCap(base: string): Promise<string> {
  const socket = connect(Number(new URL(base).port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let received = '';
  socket.on('data', (d: Buffer) => {
    received += d.toString('latin1');
  });
  const closed = new Promise((resolve) => socket.once('close', resolve));
  socket.on('error', () => {}); // a reset shows as a missing answer in what the caller checks
  const mib = `${(1024 * 1024).toString(16)}\r\n${' '.repeat(1024 * 1024)}\r\n`;
  socket.write(
    `POST /webhooks/fake HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\nx-hub-signature-256: ${sign('x')}\r\n\r\n`,
  );
  while (!received.includes('413') && !socket.destroyed) {
    socket.write(mib);
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, 20));
  socket.write(mib);
  socket.write('0\r\n\r\n');
  socket.end(
    'GET /webhooks/fake?hub.mode=subscribe&hub.verify_token=fake-verify-token&hub.challenge=again HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n',
  );
  await closed;
  return received;
}
