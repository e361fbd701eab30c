import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { invalidSkipToken, type IdPage } from '../clients/table-pages';
import type { Principal, Role } from './auth';
import { collectionSchema, nextLink, PageQuerySchema } from './collection';
import { defineOperation, type Operation } from './operation';
import { parseQuery } from './request-body';

/**
 * The query of a collection paged by id (connections, exports): `top`, and a `$skipToken` that is
 * the id of the previous page's last item, as this API issues it in nextLink. Anything but an id
 * is a token the API never issued (400). Keyset paging: items added or deleted meanwhile never
 * shift a page, and a token stays valid however long it is kept.
 */
export function readIdPageQuery(request: HttpRequest): { top: number; afterId: string } {
  const query = parseQuery(request, PageQuerySchema);
  const token = query.$skipToken ?? '';
  if (token !== '' && !z.uuid().safeParse(token).success) throw invalidSkipToken();
  return { top: query.top, afterId: token.toLowerCase() };
}

/** `{value, nextLink?}` of a page by id: the next page starts after this page's last item. */
export function idPage<T extends { id: string }>(
  request: HttpRequest,
  page: IdPage<T>,
): { value: T[]; nextLink?: string } {
  const last = page.more ? page.value.at(-1)?.id : undefined;
  return { value: page.value, nextLink: nextLink(request.url, last) };
}

/**
 * A list operation paged by id (GET of a collection): `top` and `$skipToken` in, `{value,
 * nextLink?}` of `item`s out, each page read by `page` after the `$skipToken` id.
 */
export function idPagedListOperation<T extends { id: string }>(definition: {
  name: string;
  route: string;
  summary: string;
  roles: readonly Role[];
  item: z.ZodType<T>;
  page: (principal: Principal, top: number, afterId: string) => Promise<IdPage<T>>;
}): Operation {
  const { item, page, ...named } = definition;
  return defineOperation({
    ...named,
    method: 'GET',
    query: PageQuerySchema,
    response: collectionSchema(item),
    successStatus: 200,
    handle: async ({ principal, request }) => {
      const { top, afterId } = readIdPageQuery(request);
      return { jsonBody: idPage(request, await page(principal, top, afterId)) };
    },
  });
}
