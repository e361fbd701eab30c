import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type JwksFrontMode = 'ok' | 'status500' | 'malformed' | 'notKeySet' | 'hang';

export interface JwksFront {
  /** What AUTH_JWKS_URL points at. */
  url: string;
  mode: JwksFrontMode;
  /** Key set requests that reached the front. */
  requests: number;
  /** Stops listening on the port: connections are refused, as from an issuer that is down. */
  down(): Promise<void>;
  /** Listens on the same port again. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A token issuer's key set endpoint that fails on cue: it serves the real issuer's keys (`ok`),
 * answers 500, a body that is not JSON, JSON that is not a key set, or never answers; or it is down.
 */
export async function startJwksFront(jwksUrl: string): Promise<JwksFront> {
  const server = http.createServer((request, response) => {
    front.requests++;
    const send = (status: number, body: string) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(body);
    switch (front.mode) {
      case 'status500':
        return send(500, '{"error":"server_error"}');
      case 'malformed':
        return send(200, '<html>Service Unavailable</html>');
      case 'notKeySet':
        return send(200, '{"keys":"none"}');
      case 'hang':
        return; // the socket stays open until the client gives up
      case 'ok':
        fetch(jwksUrl).then(
          async (upstream) => send(upstream.status, await upstream.text()),
          () => send(502, '{}'),
        );
    }
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  const front: JwksFront = {
    url: `http://127.0.0.1:${port}/keys`,
    mode: 'ok',
    requests: 0,
    down: stop,
    up: () => listen(port),
    close: () => (server.listening ? stop() : Promise.resolve()),
  };
  return front;
}
