import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The API reference page's static files: Swagger UI's own build (the swagger-ui-dist package),
 * copied into the package beside the bundled app at build time (scripts/bundle-app), so the page
 * loads nothing from outside the app.
 */

/** The folder beside the bundled app that holds the files. */
export const apiDocsFolderName = 'api-docs';

/** The files served under `/api/docs/`, with their content types; no other name is served. */
export const apiDocsFiles = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  LICENSE: 'text/plain; charset=utf-8',
  NOTICE: 'text/plain; charset=utf-8',
} as const;

export type ApiDocsFileName = keyof typeof apiDocsFiles;

export function isApiDocsFile(name: string): name is ApiDocsFileName {
  return Object.hasOwn(apiDocsFiles, name);
}

export interface ApiDocsFile {
  contentType: string;
  bytes: Buffer;
  /** The same bytes gzipped, for a client that accepts it (text files only). */
  gzipped?: Buffer;
  /** A strong validator of the bytes, for If-None-Match. */
  etag: string;
}

/** Reads each file once per process, on its first request. */
export class ApiDocsFileCache {
  readonly #files = new Map<ApiDocsFileName, ApiDocsFile>();

  constructor(private readonly folder: string) {}

  get(name: ApiDocsFileName): ApiDocsFile {
    let file = this.#files.get(name);
    if (!file) {
      const contentType = apiDocsFiles[name];
      const bytes = readFileSync(path.join(this.folder, name));
      file = {
        contentType,
        bytes,
        ...(contentType.startsWith('image/') ? {} : { gzipped: gzipSync(bytes) }),
        etag: `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`,
      };
      this.#files.set(name, file);
    }
    return file;
  }
}
