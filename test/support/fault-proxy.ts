import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultRule {
  method?: string;
  /** Matches when the request path (with query) contains this text. */
  pathIncludes?: string;
  /** Answer with this status instead of forwarding; or, with `duplicate`, forward twice. */
  status?: number;
  duplicate?: boolean;
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
    if (rule?.duplicate) {
      if (rule.times !== undefined) rule.times--;
      void forwardTwice(targetUrl, request, response);
      return;
    }
    if (rule) {
      if (rule.times !== undefined) rule.times--;
      request.resume();
      response
        .writeHead(rule.status ?? 500, { 'content-type': 'application/json' })
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

/** Sends the same request upstream twice (a duplicate delivery) and answers with the first reply. */
async function forwardTwice(
  target: URL,
  request: http.IncomingMessage,
  response: http.ServerResponse,
) {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  const send = () =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
      (resolve, reject) => {
        const upstream = http.request(
          {
            host: target.hostname,
            port: target.port,
            method: request.method,
            path: request.url,
            headers: request.headers,
          },
          (reply) => {
            const parts: Buffer[] = [];
            reply.on('data', (part: Buffer) => parts.push(part));
            reply.on('end', () =>
              resolve({
                status: reply.statusCode ?? 502,
                headers: reply.headers,
                body: Buffer.concat(parts),
              }),
            );
          },
        );
        upstream.on('error', reject);
        upstream.end(body);
      },
    );
  try {
    const first = await send();
    await send();
    response.writeHead(first.status, first.headers).end(first.body);
  } catch {
    response.writeHead(502).end();
  }
}
