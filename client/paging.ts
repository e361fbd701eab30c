import { ExportApiError } from './api-error';
import type { ExportApi } from './export-client';
import type { paths } from './generated/api';

/**
 * Every item of a collection, page after page, following each page's `nextLink`. A nextLink is
 * only ever followed to the same route of the same app: the client's token goes nowhere else.
 */

type Page = { value: unknown[]; nextLink?: string };

/** The routes whose GET answers a page: `{ value: [...], nextLink? }`. */
export type CollectionPath = {
  [P in keyof paths]: paths[P] extends {
    get: { responses: { 200: { content: { 'application/json': Page } } } };
  }
    ? P
    : never;
}[keyof paths];

type CollectionGet<P extends CollectionPath> = paths[P] extends { get: infer Get } ? Get : never;

/** What one item of the collection at `P` is. */
export type ItemOf<P extends CollectionPath> =
  CollectionGet<P> extends {
    responses: { 200: { content: { 'application/json': { value: (infer Item)[] } } } };
  }
    ? Item
    : never;

/** The path and query parameters of the collection at `P`. */
export type CollectionParams<P extends CollectionPath> =
  CollectionGet<P> extends { parameters: infer Parameters } ? Parameters : never;

type LooseGet = (
  path: string,
  init: { params: { path?: object; query?: Record<string, unknown> } },
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

/** The route's address with its path parameters filled in. */
function pageUrl(baseUrl: string, path: string, pathParams: object | undefined): URL {
  const values = (pathParams ?? {}) as Record<string, string>;
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(values[name] ?? ''),
  );
  return new URL(`${baseUrl}${filled}`);
}

/** The query of the next page, from a nextLink that points back at the page just read. */
function nextQuery(nextLink: string, page: URL): Record<string, string> {
  const next = new URL(nextLink);
  if (next.origin !== page.origin || next.pathname !== page.pathname) {
    throw new Error(
      `A nextLink pointed away from ${page.pathname}: ${next.origin}${next.pathname}`,
    );
  }
  return Object.fromEntries([...next.searchParams].filter(([name]) => name !== 'api-version'));
}

export async function* pages<P extends CollectionPath>(
  api: ExportApi,
  path: P,
  params: CollectionParams<P>,
): AsyncGenerator<ItemOf<P>[], void, undefined> {
  const get = api.GET as unknown as LooseGet;
  const { path: pathParams, query } = (params ?? {}) as {
    path?: object;
    query?: Record<string, unknown>;
  };
  let pageQuery: Record<string, unknown> = { ...query };
  for (;;) {
    const { data, error, response } = await get(path, {
      params: { ...(pathParams ? { path: pathParams } : {}), query: pageQuery },
    });
    if (!response.ok) throw ExportApiError.from(response, error);
    const page = data as Page;
    yield page.value as ItemOf<P>[];
    if (!page.nextLink) return;
    pageQuery = nextQuery(page.nextLink, pageUrl(api.baseUrl, path, pathParams));
  }
}

/** Every item of the collection, each page read in turn. */
export async function listAll<P extends CollectionPath>(
  api: ExportApi,
  path: P,
  params: CollectionParams<P>,
): Promise<ItemOf<P>[]> {
  const items: ItemOf<P>[] = [];
  for await (const page of pages(api, path, params)) items.push(...page);
  return items;
}
