import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { apiDocsFiles, apiDocsFolderName } from '../shared/api-docs/api-docs-files';

/**
 * Copies the API reference page's files (Swagger UI's own build, from the swagger-ui-dist
 * package) beside the bundled app, where `GET /api/docs/{file}` reads them: the package then
 * serves the page with no request to any CDN.
 */
export function copyApiDocsFiles(bundleFolder: string, repoRoot: string): string[] {
  const source = path.dirname(
    require.resolve('swagger-ui-dist/package.json', { paths: [repoRoot] }),
  );
  const target = path.join(bundleFolder, apiDocsFolderName);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  return Object.keys(apiDocsFiles).map((name) => {
    copyFileSync(path.join(source, name), path.join(target, name));
    return path.join(target, name);
  });
}
