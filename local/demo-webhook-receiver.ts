import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a platform's webhook endpoint received: each CloudEvent, and whether its signature held. */
export interface DemoReceiver {
  url: string;
  next(timeoutMs: number): Promise<{ type: string; subject: string; verified: boolean }>;
  close(): Promise<void>;
}

/**
 * A webhook endpoint such as the platform runs, on this machine: it checks `webhook-signature`
 * (`t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`) with the secret it registered.
 */
export async function startDemoReceiver(secret: string): Promise<DemoReceiver> {
  const received: { type: string; subject: string; verified: boolean }[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const event = JSON.parse(body) as { type: string; subject: string };
      const verified = verify(String(request.headers['webhook-signature'] ?? ''), body, secret);
      received.push({ type: event.type, subject: event.subject, verified });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/segment-export-events`,
    next: async (timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while (received.length === 0) {
        if (Date.now() > deadline) throw new Error('No webhook delivery arrived');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return received.shift()!;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function verify(header: string, body: string, secret: string): boolean {
  const [, timestamp, mac] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) ?? [];
  if (!timestamp || !mac) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return timingSafeEqual(Buffer.from(mac), Buffer.from(expected));
}
