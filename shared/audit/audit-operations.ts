import { collectionSchema, nextLink, PageQuerySchema } from '../http/collection';
import { defineOperation } from '../http/operation';
import { parseQuery } from '../http/request-body';
import { AuditEntrySchema, type AuditStore } from './audit-store';

export function auditOperations(store: () => AuditStore) {
  return [
    defineOperation({
      name: 'audit-list',
      method: 'GET',
      route: 'audit',
      summary: 'Who did what, when; newest first, paged with top and $skipToken',
      roles: ['Admin'],
      query: PageQuerySchema,
      response: collectionSchema(AuditEntrySchema),
      successStatus: 200,
      handle: async ({ principal, request }) => {
        const query = parseQuery(request, PageQuerySchema);
        const page = await store().page(principal.tenantId, query.top, query.$skipToken);
        return {
          jsonBody: { value: page.value, nextLink: nextLink(request.url, page.continuationToken) },
        };
      },
    }),
  ];
}
