import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { NotFoundError } from '../errors';
import { defineOperation } from '../http/operation';
import { ApiDocsFileCache, isApiDocsFile, type ApiDocsFile } from './api-docs-files';
import { apiDocsContentSecurityPolicy, apiDocsInitScript, apiDocsPage } from './api-docs-page';

/**
 * `GET /api/docs`, the API reference page, and `GET /api/docs/{file}`, its files. Anyone may
 * read them, as anyone may read `/api/openapi.json`; calling the API from the page still takes a
 * token. They are not operations of the API itself, so the OpenAPI document does not list them.
 */

const initScriptName = 'init.js';

/** A day: each file's URL carries a hash of Swagger UI's files, so an upgrade is a new URL. */
const fileCacheControl = 'public, max-age=86400';

function acceptsGzip(request: HttpRequest): boolean {
  return /\bgzip\b/i.test(request.headers.get('accept-encoding') ?? '');
}

function fileResponse(request: HttpRequest, file: ApiDocsFile): HttpResponseInit {
  const headers: Record<string, string> = {
    'content-type': file.contentType,
    'cache-control': fileCacheControl,
    etag: file.etag,
    vary: 'Accept-Encoding',
    'x-content-type-options': 'nosniff',
  };
  if (request.headers.get('if-none-match') === file.etag) return { status: 304, headers };
  if (file.gzipped && acceptsGzip(request)) {
    return { status: 200, headers: { ...headers, 'content-encoding': 'gzip' }, body: file.gzipped };
  }
  return { status: 200, headers, body: file.bytes };
}

/** `folder` holds Swagger UI's files (in the package, `api-docs/` beside the bundled app). */
export function apiDocsOperations(folder: string) {
  const files = new ApiDocsFileCache(folder);
  const page = defineOperation({
    name: 'apiDocs',
    method: 'GET',
    route: 'docs',
    summary: 'The API reference page',
    roles: [],
    successStatus: 200,
    // eslint-disable-next-line @typescript-eslint/require-await -- operations answer with a promise
    handle: async ({ request }) => ({
      status: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-cache',
        'content-security-policy': apiDocsContentSecurityPolicy,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      },
      body: apiDocsPage(
        new URL(request.url).pathname,
        files.get('swagger-ui-bundle.js').etag.replaceAll('"', ''),
      ),
    }),
  });
  const file = defineOperation({
    name: 'apiDocsFile',
    method: 'GET',
    route: 'docs/{file}',
    summary: "A file of the API reference page (Swagger UI's own build)",
    roles: [],
    successStatus: 200,
    // eslint-disable-next-line @typescript-eslint/require-await -- operations answer with a promise
    handle: async ({ request, params }) => {
      const name = params.file ?? '';
      if (name === initScriptName) {
        return {
          status: 200,
          headers: {
            'content-type': 'text/javascript; charset=utf-8',
            'cache-control': 'no-cache',
            'x-content-type-options': 'nosniff',
          },
          body: apiDocsInitScript,
        };
      }
      if (!isApiDocsFile(name)) throw new NotFoundError('The API reference file');
      return fileResponse(request, files.get(name));
    },
  });
  return [page, file];
}
