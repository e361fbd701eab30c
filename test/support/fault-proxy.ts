import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultRule {
  method?: string;
  /** Matches when the request path (with query) contains this text. */
  pathIncludes?: string;
  status: number;
  body?: unknown;
  /** How many matching requests fail; default every one until cleared. */
  times?: number;
}

export interface FaultProxy {
  url: string;
  fail(rule: FaultRule): void;
  clear(): void;
  /** Requests seen, as "METHOD path". */
  seen: string[];
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of a real service (Azurite, a stand-in) that answers chosen requests
 * with an error instead of forwarding them: a real dependency that fails on cue, so tests need
 * no mock of the app's own modules.
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const rules: FaultRule[] = [];
  const seen: string[] = [];
  const targetUrl = new URL(target);
  const server = http.createServer((request, response) => {
    const path = request.url ?? '/';
    seen.push(`${request.method} ${path}`);
    const rule = rules.find(
      (candidate) =>
        (candidate.times ?? 1) > 0 &&
        (!candidate.method || candidate.method === request.method) &&
        (!candidate.pathIncludes || path.includes(candidate.pathIncludes)),
    );
    if (rule) {
      if (rule.times !== undefined) rule.times--;
      request.resume();
      response
        .writeHead(rule.status, { 'content-type': 'application/json' })
        .end(
          JSON.stringify(rule.body ?? { error: { code: 'InjectedFault', message: 'injected' } }),
        );
      return;
    }
    const upstream = http.request(
      {
        host: targetUrl.hostname,
        port: targetUrl.port,
        method: request.method,
        path,
        headers: request.headers,
      },
      (upstreamResponse) => {
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(response);
      },
    );
    upstream.on('error', () => response.writeHead(502).end());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    fail: (rule) => rules.push({ times: Number.POSITIVE_INFINITY, ...rule }),
    clear: () => rules.splice(0),
    seen,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
