import { defineOperation } from '../http/operation';
import { RefreshRequestSchema, RefreshResultSchema, type RefreshRequest } from './refresh-schemas';
import type { RefreshService } from './refresh-service';

export function refreshOperations(service: () => RefreshService) {
  return [
    defineOperation<RefreshRequest>({
      name: 'refreshes-report',
      method: 'POST',
      route: 'refreshes',
      summary:
        "The platform's refresh is done: every refresh export of the tenant runs once on the snapshots as they are now (202); the same refreshedAt again starts nothing new",
      // The platform's app-only token carries Admin as well.
      roles: ['Admin'],
      body: RefreshRequestSchema,
      response: RefreshResultSchema,
      otherErrors: { '409': 'An export of the refresh kept conflicting; report it again' },
      successStatus: 202,
      handle: async ({ principal, body, request }) => {
        const result = await service().report(principal, body);
        const api = new URL(request.url).origin + '/api';
        return {
          status: 202,
          jsonBody: {
            ...result,
            value: result.value.map((entry) =>
              entry.runId
                ? { ...entry, location: `${api}/exports/${entry.exportId}/runs/${entry.runId}` }
                : entry,
            ),
          },
        };
      },
    }),
  ];
}
