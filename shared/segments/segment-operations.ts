import { z } from 'zod';
import { roles } from '../http/auth';
import { invalidSkipToken } from '../clients/table-pages';
import { collectionSchema, nextLink, PageQuerySchema } from '../http/collection';
import { NotFoundError } from '../errors';
import { defineOperation, type Operation } from '../http/operation';
import { parseInput, parseQuery } from '../http/request-body';
import { SegmentSchema, type SegmentCatalog } from './segment-catalog';
import { SegmentNameSchema } from './segment-name';

const RouteSchema = z.object({ name: SegmentNameSchema });

/** The `{name}` route parameter (already URL-decoded by the host), or 400 with target `name`. */
export function segmentNameFromRoute(params: Record<string, string>): string {
  return parseInput({ name: params.name }, RouteSchema, 'The segment name is not valid.').name;
}

/** The `$skipToken` of the page after the segment `name`: its name, opaque in base64url. */
function tokenOf(name: string): string {
  return Buffer.from(name, 'utf8').toString('base64url');
}

/** The segment name a `$skipToken` this route issued holds; anything else is 400. */
function segmentNameFromToken(token: string): string {
  const name = Buffer.from(token, 'base64url').toString('utf8');
  if (tokenOf(name) !== token || !SegmentNameSchema.safeParse(name).success) {
    throw invalidSkipToken();
  }
  return name;
}

/** Every role reads segments; the token's tenant picks the snapshot folder. */
export function segmentOperations(catalog: () => SegmentCatalog): Operation<unknown>[] {
  return [
    defineOperation({
      name: 'segments-list',
      method: 'GET',
      route: 'segments',
      summary:
        'List the segments found in snapshot storage, with their columns, in name order, paged with top and $skipToken',
      roles,
      query: PageQuerySchema,
      response: collectionSchema(SegmentSchema),
      otherErrors: { '502': 'Snapshot storage could not be listed' },
      successStatus: 200,
      handle: async ({ principal, request }) => {
        const query = parseQuery(request, PageQuerySchema);
        const after = query.$skipToken ? segmentNameFromToken(query.$skipToken) : undefined;
        const page = await catalog().page(principal.tenantId, query.top, after);
        const last = page.more ? page.value.at(-1)?.name : undefined;
        return {
          jsonBody: {
            value: page.value,
            nextLink: nextLink(request.url, last === undefined ? undefined : tokenOf(last)),
          },
        };
      },
    }),
    defineOperation({
      name: 'segments-get',
      method: 'GET',
      route: 'segments/{name}',
      summary: 'Get one segment by name (URL-encoded), with its columns',
      roles,
      response: SegmentSchema,
      otherErrors: { '502': 'The snapshot could not be read' },
      successStatus: 200,
      handle: async ({ principal, params }) => {
        const name = segmentNameFromRoute(params);
        const segment = await catalog().get(principal.tenantId, name);
        if (!segment) throw new NotFoundError('Segment', name);
        return { jsonBody: segment };
      },
    }),
  ];
}
