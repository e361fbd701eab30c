import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { allOperations } from '../shared/app/api-operations';
import { buildOpenApiDocument } from '../shared/openapi/openapi-document';

export const repositoryRoot = path.resolve(__dirname, __dirname.includes('dist') ? '../..' : '..');

/** Where the committed contract lives: the document and the TypeScript types generated from it. */
export const contractDirectory = path.join(repositoryRoot, 'client', 'generated');
export const contractFiles = ['openapi.json', 'api.d.ts'] as const;

/**
 * The document the app serves at /api/openapi.json, with a fixed version: the served one carries
 * the deployed build's, which would make the committed file change on every build.
 */
export function contractDocument() {
  return buildOpenApiDocument(allOperations(), 'contract');
}

/** TypeScript types of every path, operation and schema, as openapi-typescript writes them. */
export async function contractTypes(document: object): Promise<string> {
  const banner = '// Generated from openapi.json by `npm run openapi`; do not edit.\n';
  return banner + astToString(await openapiTS(document as never));
}

/** Redocly's lint of a document file with the repository's redocly.yaml: its output, and ok. */
export function lintDocument(file: string): { ok: boolean; output: string } {
  const cli = path.join(repositoryRoot, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');
  const result = spawnSync(
    process.execPath,
    [
      cli,
      'lint',
      file,
      '--config',
      path.join(repositoryRoot, 'redocly.yaml'),
      '--format',
      'stylish',
    ],
    {
      cwd: repositoryRoot,
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    },
  );
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/** Writes the document and its types to `directory`; answers their texts by file name. */
export async function writeContract(directory: string): Promise<Record<string, string>> {
  const document = contractDocument();
  const texts: Record<string, string> = {
    'openapi.json': `${JSON.stringify(document, null, 2)}\n`,
    'api.d.ts': await contractTypes(document),
  };
  mkdirSync(directory, { recursive: true });
  for (const [name, text] of Object.entries(texts)) writeFileSync(path.join(directory, name), text);
  return texts;
}
