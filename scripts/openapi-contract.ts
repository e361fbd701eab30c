import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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

/** Runs a development tool's command-line script with this Node. */
function runTool(script: string, args: string[]): { ok: boolean; output: string } {
  const result = spawnSync(
    process.execPath,
    [path.join(repositoryRoot, 'node_modules', script), ...args],
    {
      cwd: repositoryRoot,
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    },
  );
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/**
 * Writes the TypeScript types of every path, operation and schema of a document file, as the
 * openapi-typescript command writes them (its library is ES modules only underneath, which the
 * tests' CommonJS cannot load).
 */
function writeTypes(documentFile: string, typesFile: string): void {
  const result = runTool('openapi-typescript/bin/cli.js', [
    documentFile,
    '--output',
    typesFile,
    // A field with a default may be left out of a request; answers mark what they always carry.
    '--default-non-nullable=false',
  ]);
  if (!result.ok) throw new Error(`openapi-typescript failed:\n${result.output}`);
}

/** Redocly's lint of a document file with the repository's redocly.yaml: its output, and ok. */
export function lintDocument(file: string): { ok: boolean; output: string } {
  return runTool('@redocly/cli/bin/cli.js', [
    'lint',
    file,
    '--config',
    path.join(repositoryRoot, 'redocly.yaml'),
    '--format',
    'stylish',
  ]);
}

/** Writes the document and its types to `directory`; answers their texts by file name. */
export function writeContract(directory: string): Record<string, string> {
  mkdirSync(directory, { recursive: true });
  const documentFile = path.join(directory, 'openapi.json');
  const typesFile = path.join(directory, 'api.d.ts');
  writeFileSync(documentFile, `${JSON.stringify(contractDocument(), null, 2)}\n`);
  writeTypes(documentFile, typesFile);
  return {
    'openapi.json': readFileSync(documentFile, 'utf8'),
    'api.d.ts': readFileSync(typesFile, 'utf8'),
  };
}
