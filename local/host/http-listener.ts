import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RpcHttpData } from './core-types';
import type { HostLog } from './host-log';
import type { HostFunction, Invoker } from './invoker';
import type { WebhookResponse } from './event-grid-webhook';
import { RouteTable } from './route-table';
import { formatSetCookie } from './set-cookie';
import { invocationTraceContext } from './trace-context';

export interface HttpFunction {
  fn: HostFunction;
  triggerBindingName: string;
  route: string;
  methods: string[] | undefined;
}

/** Host endpoints that are not functions: `/admin/...`, as the real host's admin API. */
export type AdminHandler = (
  method: string,
  path: string,
  body: Buffer,
) => Promise<{ status: number; body?: unknown } | undefined>;

/** Extension webhooks under `/runtime/webhooks/`, as the real host serves Event Grid's. */
export type RuntimeWebhookHandler = (
  method: string,
  url: URL,
  headers: http.IncomingHttpHeaders,
  body: Buffer,
) => Promise<WebhookResponse | undefined>;

export class HttpListener {
  readonly routes = new RouteTable<HttpFunction>();
  #server: http.Server;

  constructor(
    private readonly routePrefix: string,
    private readonly invoker: Invoker,
    private readonly log: HostLog,
    private readonly admin: AdminHandler,
    /** Bytes; the real host's FUNCTIONS_REQUEST_BODY_SIZE_LIMIT, 100 MB unless set. */
    private readonly maxBodyBytes: number,
    private readonly runtimeWebhook?: RuntimeWebhookHandler,
  ) {
    this.#server = http.createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        this.log.error(
          `HTTP ${request.method} ${request.url} failed in the host: ${String(error)}`,
        );
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    });
  }

  add(httpFunction: HttpFunction): void {
    const route = [this.routePrefix, httpFunction.route].filter(Boolean).join('/');
    this.routes.add(route, httpFunction.methods, httpFunction);
  }

  async listen(port: number, host: string): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => resolve());
    });
    const address = this.#server.address() as AddressInfo;
    return `http://${host === '0.0.0.0' ? 'localhost' : host}:${address.port}`;
  }

  /** Stops accepting connections; open keep-alive connections are closed once idle. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeIdleConnections();
    await closed;
  }

  closeAllConnections(): void {
    this.#server.closeAllConnections();
  }

  async #handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const method = (request.method ?? 'GET').toUpperCase();
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`);
    const body = await readBody(request, this.maxBodyBytes);
    if (body === undefined) {
      response.writeHead(413).end();
      return;
    }
    if (url.pathname.startsWith('/admin/')) {
      const result = await this.admin(method, url.pathname, body);
      if (result) {
        const payload = result.body === undefined ? '' : JSON.stringify(result.body);
        response.writeHead(result.status, payload ? { 'content-type': 'application/json' } : {});
        response.end(payload);
        return;
      }
    }
    if (this.runtimeWebhook && url.pathname.toLowerCase().startsWith('/runtime/webhooks/')) {
      const result = await this.runtimeWebhook(method, url, request.headers, body);
      if (result) {
        response.writeHead(result.status, result.headers ?? {});
        response.end(result.body ?? '');
        return;
      }
    }
    const match = this.routes.match(method, url.pathname);
    if (match.kind !== 'found') {
      // The real host answers 404, with no body, for an unknown route and for a known route
      // called with a method it does not accept (azure-functions-host#10098).
      response.writeHead(404).end();
      return;
    }
    const { fn, triggerBindingName } = match.target;
    const rpcRequest: RpcHttpData = {
      method,
      url: url.toString(),
      headers: flattenHeaders(request.headers),
      params: match.params,
      body: body.length > 0 ? { bytes: body } : undefined,
    };
    let rpcResponse: RpcHttpData | null | undefined;
    try {
      const outcome = await this.invoker.invoke(fn, {
        inputData: [{ name: triggerBindingName, data: { http: rpcRequest } }],
        traceContext: invocationTraceContext(headerValue(request.headers.traceparent)),
      });
      rpcResponse = outcome.response.returnValue?.http;
    } catch {
      // A failed invocation is a bare 500, as in Azure: no error detail reaches the caller.
      response.writeHead(500).end();
      return;
    }
    writeResponse(response, rpcResponse);
  }
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function writeResponse(response: http.ServerResponse, rpc: RpcHttpData | null | undefined): void {
  if (!rpc) {
    response.writeHead(204).end();
    return;
  }
  const body = rpc.body?.bytes
    ? Buffer.from(rpc.body.bytes)
    : Buffer.from(rpc.body?.string ?? '', 'utf8');
  const headers: http.OutgoingHttpHeaders = { ...rpc.headers };
  // The library sends cookies apart from the headers (whose keys it has lower-cased); the host
  // turns each into a Set-Cookie header of its own, after any the app set as a plain header.
  const cookies = (rpc.cookies ?? []).map(formatSetCookie).filter((c) => c !== undefined);
  if (cookies.length > 0) {
    const own = rpc.headers?.['set-cookie'];
    headers['set-cookie'] = own ? [own, ...cookies] : cookies;
  }
  response.writeHead(Number(rpc.statusCode ?? 200), headers);
  response.end(body);
}

/**
 * The request body, or undefined when it is larger than `limit`. An over-limit body is still
 * read to its end (and dropped): stopping early would close the connection under a client
 * that is still sending, which then sees a reset instead of the 413.
 */
async function readBody(request: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = Number(request.headers['content-length']) > limit;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) tooLarge = true;
    if (tooLarge) chunks.length = 0;
    else chunks.push(chunk);
  }
  return tooLarge ? undefined : Buffer.concat(chunks);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
