import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { invalidSkipToken } from '../clients/table-pages';
import { nextLink, PageQuerySchema } from './collection';
import { parseInput } from './request-body';

/**
 * The query of a collection paged by id (connections, exports): `top`, and a `$skipToken` that is
 * the id of the previous page's last item, as this API issues it in nextLink. Anything but an id
 * is a token the API never issued (400). Keyset paging: items added or deleted meanwhile never
 * shift a page, and a token stays valid however long it is kept.
 */
export function readIdPageQuery(request: HttpRequest): { top: number; afterId: string } {
  const query = parseInput(
    Object.fromEntries(request.query),
    PageQuerySchema,
    'The query is not valid.',
  );
  const token = query.$skipToken ?? '';
  if (token !== '' && !z.uuid().safeParse(token).success) throw invalidSkipToken();
  return { top: query.top, afterId: token.toLowerCase() };
}

/** `{value, nextLink?}` of a page by id: the next page starts after this page's last item. */
export function idPage<T extends { id: string }>(
  request: HttpRequest,
  page: { value: T[]; more: boolean },
): { value: T[]; nextLink?: string } {
  const last = page.more ? page.value.at(-1)?.id : undefined;
  return { value: page.value, nextLink: nextLink(request.url, last) };
}
