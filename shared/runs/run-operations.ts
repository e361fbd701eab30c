import { collectionSchema, nextLink, PageQuerySchema } from '../http/collection';
import { defineOperation } from '../http/operation';
import { invalidSkipToken } from '../clients/table-pages';
import { parseQuery } from '../http/request-body';
import { everyone, writers } from '../exports/export-operations';
import { uuidParam } from '../http/route-params';
import type { Principal, Role } from '../http/auth';
import type { ExportService } from '../exports/export-service';
import { RunRequestSchema, RunSchema, type Run, type RunRequest } from './run-schemas';
import { runRetryAfterHeader } from './run-retry-after';
import type { RunService } from './run-service';
import { RejectionSchema, type RejectionPage } from '../pipeline/run-rejections';

/** The status monitor's header, as the OpenAPI document declares it. */
const runRetryAfterDeclared = {
  description: 'While the run is still going: seconds to wait before reading it again',
  value: 'seconds',
  optional: true,
} as const;

export function runOperations(
  exportService: () => ExportService,
  runs: () => RunService,
  rejections: (
    tenantId: string,
    runId: string,
    window: { offset: number; top: number },
  ) => Promise<RejectionPage>,
) {
  /**
   * A run action (`POST .../runs/{runId}/{action}`) on the export and run the route names, once the
   * caller may change the export; it answers the run as the action left it.
   */
  function runAction(definition: {
    name: string;
    action: string;
    summary: string;
    roles: readonly Role[];
    act: (principal: Principal, exportId: string, runId: string) => Promise<Run>;
  }) {
    const { action, act, ...named } = definition;
    return defineOperation({
      ...named,
      method: 'POST',
      route: `exports/{id}/runs/{runId}/${action}`,
      response: RunSchema,
      otherErrors: {
        '409': 'The run is not in a state this action applies to, or changed meanwhile',
        '502': 'Storage failed while the run was being changed',
      },
      successStatus: 200,
      handle: async ({ principal, params }) => {
        const id = uuidParam(params, 'id', 'Export');
        await exportService().assertWritable(principal, id);
        return { jsonBody: await act(principal, id, uuidParam(params, 'runId', 'Run')) };
      },
    });
  }

  return [
    defineOperation<RunRequest>({
      name: 'runs-create',
      method: 'POST',
      route: 'exports/{id}/runs',
      summary:
        'Run an export now: 202 with Operation-Location; 409 with the active run while one is active',
      roles: writers,
      body: RunRequestSchema,
      // Every field has a default: a request without a body runs a delta, not a dry run.
      bodyOptional: true,
      response: RunSchema,
      otherErrors: {
        '409': 'RunActive: a run of this export is still active (its id is in the error)',
        '502': 'Storage failed while the run was being queued',
        '429':
          'The tenant or the connection has as many active runs as MAX_ACTIVE_RUNS_PER_TENANT or MAX_ACTIVE_RUNS_PER_CONNECTION allows',
      },
      successStatus: 202,
      successHeaders: {
        'Operation-Location': { description: 'The URL of the run, to follow its progress' },
        Location: { description: 'The URL of the run' },
        'Retry-After': runRetryAfterDeclared,
      },
      handle: async ({ principal, params, body, request }) => {
        const run = await exportService().requestRun(
          principal,
          uuidParam(params, 'id', 'Export'),
          body,
        );
        const location = `${request.url.split('?')[0]?.replace(/\/$/, '')}/${run.id}`;
        return {
          status: 202,
          headers: { 'operation-location': location, location, ...runRetryAfterHeader(run.status) },
          jsonBody: run,
        };
      },
    }),
    defineOperation({
      name: 'runs-list',
      method: 'GET',
      route: 'exports/{id}/runs',
      summary: "An export's runs, newest first, paged with top and $skipToken",
      roles: everyone,
      query: PageQuerySchema,
      response: collectionSchema(RunSchema),
      successStatus: 200,
      handle: async ({ principal, params, request }) => {
        // The query first: a bad top is the same 400 on every collection, whatever the path.
        const query = parseQuery(request, PageQuerySchema);
        const id = uuidParam(params, 'id', 'Export');
        await exportService().assertExists(principal, id);
        const page = await runs().page(principal.tenantId, id, query.top, query.$skipToken);
        return {
          jsonBody: { value: page.value, nextLink: nextLink(request.url, page.continuationToken) },
        };
      },
    }),
    defineOperation({
      name: 'runs-get',
      method: 'GET',
      route: 'exports/{id}/runs/{runId}',
      summary:
        'One run, with its status, counts and progress; Retry-After (seconds) while it is still going',
      roles: everyone,
      response: RunSchema,
      successStatus: 200,
      successHeaders: { 'Retry-After': runRetryAfterDeclared },
      handle: async ({ principal, params }) => {
        const run = await runs().get(
          principal.tenantId,
          uuidParam(params, 'id', 'Export'),
          uuidParam(params, 'runId', 'Run'),
        );
        // The status monitor: while the run goes on, when to ask again.
        return { headers: runRetryAfterHeader(run.status), jsonBody: run };
      },
    }),
    runAction({
      name: 'runs-cancel',
      action: 'cancel',
      summary: 'Cancel an active run',
      roles: writers,
      act: (principal, id, runId) => runs().cancel(principal, id, runId),
    }),
    runAction({
      name: 'runs-confirm',
      action: 'confirm',
      summary:
        'Let a run held by the mass-removal guard (awaitingConfirmation) send its changes, removals included',
      roles: ['Admin'],
      act: (principal, id, runId) => runs().confirm(principal, id, runId),
    }),
    defineOperation({
      name: 'runs-rejections',
      method: 'GET',
      route: 'exports/{id}/runs/{runId}/rejections',
      summary: "A run's rejected rows with their reason, paged with top and $skipToken",
      roles: ['Admin'],
      query: PageQuerySchema,
      response: collectionSchema(RejectionSchema),
      successStatus: 200,
      handle: async ({ principal, params, request }) => {
        const query = parseQuery(request, PageQuerySchema);
        const id = uuidParam(params, 'id', 'Export');
        const runId = uuidParam(params, 'runId', 'Run');
        await runs().get(principal.tenantId, id, runId);
        // The token is the offset this route issued: a count of rejections, nothing else.
        const token = query.$skipToken || '0';
        if (!/^\d{1,15}$/.test(token)) throw invalidSkipToken();
        const offset = Number(token);
        const { page, more } = await rejections(principal.tenantId, runId, {
          offset,
          top: query.top,
        });
        const next = more ? String(offset + query.top) : undefined;
        return { jsonBody: { value: page, nextLink: nextLink(request.url, next) } };
      },
    }),
  ];
}
