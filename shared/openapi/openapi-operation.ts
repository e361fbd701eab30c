import { defineOperation, type Operation } from '../http/operation';
import { buildOpenApiDocument } from './openapi-document';

export function openApiOperation(operations: () => Operation<unknown>[], version: () => string) {
  let document: unknown;
  return defineOperation({
    name: 'openapi',
    method: 'GET',
    route: 'openapi.json',
    summary: 'This API as an OpenAPI 3.1 document',
    roles: [],
    successStatus: 200,
    // eslint-disable-next-line @typescript-eslint/require-await -- operations answer with a promise
    handle: async () => {
      document ??= buildOpenApiDocument(operations(), version());
      return { jsonBody: document, headers: { 'cache-control': 'public, max-age=300' } };
    },
  });
}
