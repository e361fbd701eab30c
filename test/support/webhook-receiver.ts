import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The status the receiver answered. */
  answered: number;
}

/**
 * A webhook receiver for tests: records every POST, and answers each path with the statuses
 * given for it in turn (the last one from then on; 200 when none are given).
 */
export async function startWebhookReceiver(answers: Record<string, number[]> = {}) {
  const received: ReceivedDelivery[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const seen = received.filter((delivery) => delivery.path === path).length;
      const statuses = answers[path] ?? [200];
      const answered = statuses[Math.min(seen, statuses.length - 1)] ?? 200;
      received.push({
        path,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        answered,
      });
      response.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    at: (path: string) => received.filter((delivery) => delivery.path === path),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Whether `webhook-signature` (`t=<unix>,v1=<hex>`) is the HMAC-SHA256 of `<t>.<body>` with
 * `secret`, signed within the last five minutes, as a receiver should check it.
 */
export function signatureVerifies(delivery: ReceivedDelivery, secret: string): boolean {
  const header = String(delivery.headers['webhook-signature'] ?? '');
  const parts = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!parts) return false;
  const [, timestamp = '', mac = ''] = parts;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = createHmac('sha256', secret)
    .update(`${timestamp}.${delivery.body}`)
    .digest('hex');
  return timingSafeEqual(Buffer.from(mac), Buffer.from(expected));
}

/** Polls `probe` until it returns something, or fails after `ms`. */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  ms: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
