import { z } from 'zod';
import { roles } from '../http/auth';
import { collectionSchema } from '../http/collection';
import { NotFoundError } from '../errors';
import { defineOperation, type Operation } from '../http/operation';
import { parseInput } from '../http/request-body';
import { SegmentSchema, type SegmentCatalog } from './segment-catalog';
import { SegmentNameSchema } from './segment-name';

const RouteSchema = z.object({ name: SegmentNameSchema });

/** The `{name}` route parameter (already URL-decoded by the host), or 400 with target `name`. */
export function segmentNameFromRoute(params: Record<string, string>): string {
  return parseInput({ name: params.name }, RouteSchema, 'The segment name is not valid.').name;
}

/** Every role reads segments; the token's tenant picks the snapshot folder. */
export function segmentOperations(catalog: () => SegmentCatalog): Operation<unknown>[] {
  return [
    defineOperation({
      name: 'segments-list',
      method: 'GET',
      route: 'segments',
      summary: 'List the segments found in snapshot storage, with their columns',
      roles,
      response: collectionSchema(SegmentSchema),
      otherErrors: { '502': 'Snapshot storage could not be listed' },
      successStatus: 200,
      handle: async ({ principal }) => ({
        jsonBody: { value: await catalog().list(principal.tenantId) },
      }),
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
