import createClient, { createQuerySerializer, type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './generated/api';

/**
 * The platform's typed client of this API: every operation with its types, generated from the
 * committed OpenAPI document (client/generated/), with what every caller needs besides: the bearer
 * token on each request, the api-version it was written against, paging (paging.ts) and waiting
 * for a run (wait-for-run.ts).
 */

/** The version of the API this client was generated from; sent on every request. */
export const clientApiVersion = '2026-12-01';

/** The header that names the tenant a Platform app token acts for. */
const tenantHeader = 'x-tenant-id';

export interface ExportClientOptions {
  /** The app's address, e.g. `https://my-app.azurewebsites.net` (the routes add `/api/...`). */
  baseUrl: string;
  /**
   * An Entra ID access token for the API, or a function that returns a current one (called
   * before every request, so it can renew a token that is about to expire).
   */
  token: string | (() => string | Promise<string>);
  /** With the platform's app-only token: the tenant it acts for. */
  tenantId?: string;
  /** A fetch of your own (a proxy, a test); the global fetch by default. */
  fetch?: typeof globalThis.fetch;
}

/** The typed client, and the address it sends to (a nextLink is only followed back to it). */
export type ExportApi = Client<paths> & { readonly baseUrl: string };

function authorizing(options: ExportClientOptions): Middleware {
  const { token, tenantId } = options;
  return {
    async onRequest({ request }) {
      const bearer = typeof token === 'string' ? token : await token();
      request.headers.set('authorization', `Bearer ${bearer}`);
      if (tenantId !== undefined) request.headers.set(tenantHeader, tenantId);
      return request;
    },
  };
}

/** The typed client: `api.GET('/api/exports/{id}', { params: { path: { id } } })` and so on. */
export function createExportApi(options: ExportClientOptions): ExportApi {
  const serialize = createQuerySerializer();
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const api = createClient<paths>({
    baseUrl,
    // Every request names the version this client was generated from.
    querySerializer: (query) => serialize({ 'api-version': clientApiVersion, ...query }),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  api.use(authorizing(options));
  return Object.assign(api, { baseUrl });
}
