import { createdResponse } from '../http/collection';
import { idPagedListOperation } from '../http/id-page-query';
import { uuidParam } from '../http/route-params';
import { defineOperation } from '../http/operation';
import { parseQuery } from '../http/request-body';
import {
  ConnectionCreateSchema,
  ConnectionDeleteQuerySchema,
  ConnectionPatchSchema,
  ConnectionSchema,
  type ConnectionCreate,
  type ConnectionPatch,
} from './connection-schemas';
import type { ConnectionService } from './connection-service';

function connectionId(params: Record<string, string>): string {
  return uuidParam(params, 'id', 'Connection');
}

export function connectionOperations(service: () => ConnectionService) {
  return [
    defineOperation<ConnectionCreate>({
      name: 'connections-create',
      method: 'POST',
      route: 'connections',
      summary: 'Connect an Iterable project; the API key is checked with Iterable first',
      roles: ['Admin'],
      body: ConnectionCreateSchema,
      response: ConnectionSchema,
      otherErrors: {
        '409': 'A connection of the same name exists',
        '502': 'Iterable or Key Vault failed while the key was checked or stored',
      },
      successStatus: 201,
      handle: async ({ principal, body, request }) =>
        createdResponse(request, await service().create(principal, body)),
    }),
    idPagedListOperation({
      name: 'connections-list',
      route: 'connections',
      summary: 'The connections the caller may use, in id order, paged with top and $skipToken',
      roles: ['Admin', 'Contributor'],
      item: ConnectionSchema,
      page: (principal, top, afterId) => service().page(principal, top, afterId),
    }),
    defineOperation({
      name: 'connections-get',
      method: 'GET',
      route: 'connections/{id}',
      summary: 'Get one connection',
      roles: ['Admin', 'Contributor'],
      response: ConnectionSchema,
      successStatus: 200,
      handle: async ({ principal, params }) => ({
        jsonBody: await service().get(principal, connectionId(params)),
      }),
    }),
    defineOperation<ConnectionPatch>({
      name: 'connections-update',
      method: 'PATCH',
      route: 'connections/{id}',
      summary:
        'Rename, allow or disallow contributors, rotate the key, change export users; enabled: false stops its runs',
      roles: ['Admin'],
      body: ConnectionPatchSchema,
      response: ConnectionSchema,
      otherErrors: {
        '409': 'A connection of the new name exists, or the connection changed meanwhile',
        '502': 'Iterable or Key Vault failed while the key was checked or stored',
      },
      successStatus: 200,
      handle: async ({ principal, params, body }) => ({
        jsonBody: await service().update(principal, connectionId(params), body),
      }),
    }),
    defineOperation({
      name: 'connections-delete',
      method: 'DELETE',
      route: 'connections/{id}',
      summary:
        'Delete a connection and its key (409 while exports use it, unless force=true: then their runs are cancelled, their schedules removed and what they confirmed in its Iterable project erased first; the exports stay, to be moved to another connection)',
      roles: ['Admin'],
      query: ConnectionDeleteQuerySchema,
      otherErrors: {
        '409': 'Exports use the connection (they are named in details); force=true deletes anyway',
        '502': 'Key Vault failed while the key was deleted',
      },
      successStatus: 204,
      handle: async ({ principal, params, request }) => {
        const query = parseQuery(request, ConnectionDeleteQuerySchema);
        await service().delete(principal, connectionId(params), { force: query.force === 'true' });
        return { status: 204 };
      },
    }),
  ];
}
