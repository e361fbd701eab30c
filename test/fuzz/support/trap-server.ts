import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Trap {
  /** An origin no part of the app is configured with; anything that calls it took a caller's URL. */
  url: string;
  /** Host name alone, for inputs that name a host rather than a URL. */
  host: string;
  /** Every request it received, as "METHOD path". */
  requests: string[];
  close(): Promise<void>;
}

/** A listener that answers nothing useful and records every request that reaches it. */
export async function startTrap(): Promise<Trap> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    request.resume();
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
