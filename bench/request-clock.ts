import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through between the app and the Iterable stand-in that notes when each API request
 * arrived, for which key and how it was answered. The stand-in keeps counters only, so without
 * this the bench could not tell how many requests a key sent in its busiest second. Keys are
 * noted by the label the bench gave them, never by the key itself.
 */
export interface ClockedRequest {
  /** When the request reached the pass-through (epoch ms). */
  at: number;
  /** The bench's label of the key, or 'unknown'. */
  key: string;
  route: string;
  /** The stand-in's answer; undefined while waiting or when the connection broke. */
  status?: number;
}

export interface RequestClock {
  /** The Iterable base URL to give the app. */
  url: string;
  requests: ClockedRequest[];
  close(): Promise<void>;
}

export async function startRequestClock(
  upstream: string,
  keyLabels: ReadonlyMap<string, string>,
): Promise<RequestClock> {
  const requests: ClockedRequest[] = [];
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((request, response) => {
    const target = new URL(request.url ?? '/', upstream);
    const apiKey = request.headers['api-key'];
    const clocked: ClockedRequest | undefined = target.pathname.startsWith('/api/')
      ? {
          at: Date.now(),
          key: (typeof apiKey === 'string' && keyLabels.get(apiKey)) || 'unknown',
          route: `${request.method ?? 'GET'} ${target.pathname}`,
        }
      : undefined;
    if (clocked) requests.push(clocked);
    const forwarded = http.request(
      target,
      { method: request.method, headers: request.headers, agent },
      (answer) => {
        if (clocked) clocked.status = answer.statusCode;
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    // A broken upstream or client connection breaks the other side too, as a network would.
    forwarded.on('error', () => response.destroy());
    request.on('error', () => forwarded.destroy());
    request.pipe(forwarded);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
