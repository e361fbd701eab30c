import { createdResponse } from '../http/collection';
import { idPagedListOperation } from '../http/id-page-query';
import { uuidParam } from '../http/route-params';
import { defineOperation } from '../http/operation';
import {
  ExportCreateSchema,
  ExportPatchSchema,
  ExportSchema,
  type ExportCreate,
  type ExportPatch,
} from './export-schemas';
import type { ExportService } from './export-service';

export const everyone = ['Admin', 'Contributor', 'Viewer'] as const;
export const writers = ['Admin', 'Contributor'] as const;

const listTaken =
  'ListTaken: another export, in any tenant, writes one of its lists through the same Iterable project (the owner is named only to its own tenant)';

// The parameter must not be called `exports`: in CommonJS output that name is the module's own
// exports object, and module-level constants would be read from it.
export function exportOperations(exportService: () => ExportService) {
  return [
    defineOperation<ExportCreate>({
      name: 'exports-create',
      method: 'POST',
      route: 'exports',
      summary: 'Save an export (segments → Iterable lists); saving does not run it',
      roles: writers,
      body: ExportCreateSchema,
      response: ExportSchema,
      otherErrors: {
        '409': listTaken,
        '429': 'The tenant has as many exports as MAX_EXPORTS_PER_TENANT allows',
      },
      successStatus: 201,
      handle: async ({ principal, body, request }) =>
        createdResponse(request, await exportService().create(principal, body)),
    }),
    idPagedListOperation({
      name: 'exports-list',
      route: 'exports',
      summary: "The tenant's exports in id order, paged with top and $skipToken",
      roles: everyone,
      item: ExportSchema,
      page: (principal, top, afterId) => exportService().page(principal, top, afterId),
    }),
    defineOperation({
      name: 'exports-get',
      method: 'GET',
      route: 'exports/{id}',
      summary: 'One export',
      roles: everyone,
      response: ExportSchema,
      successStatus: 200,
      handle: async ({ principal, params }) => ({
        jsonBody: await exportService().get(principal, uuidParam(params, 'id', 'Export')),
      }),
    }),
    defineOperation<ExportPatch>({
      name: 'exports-update',
      method: 'PATCH',
      route: 'exports/{id}',
      summary: 'Change an export (validated as on create)',
      roles: writers,
      body: ExportPatchSchema,
      response: ExportSchema,
      otherErrors: { '409': `${listTaken}; or the export changed since it was read` },
      successStatus: 200,
      handle: async ({ principal, params, body }) => ({
        jsonBody: await exportService().update(principal, uuidParam(params, 'id', 'Export'), body),
      }),
    }),
    defineOperation({
      name: 'exports-delete',
      method: 'DELETE',
      route: 'exports/{id}',
      summary:
        "Delete an export, cancelling its active run and erasing what it kept of its members (its state and its runs' files); a repeated delete finishes an erasure cut short",
      roles: writers,
      otherErrors: { '409': 'Other exports were saved or deleted at the same moment' },
      successStatus: 204,
      handle: async ({ principal, params }) => {
        await exportService().delete(principal, uuidParam(params, 'id', 'Export'));
        return { status: 204 };
      },
    }),
  ];
}
