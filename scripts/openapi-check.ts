import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { contractDirectory, contractFiles, lintDocument, writeContract } from './openapi-contract';

/**
 * `npm run openapi`: writes the app's OpenAPI document and the client types generated from it to
 * client/generated/, and lints the document with Redocly. With `--check` it writes them elsewhere
 * and fails when the committed ones are stale (or the lint fails), as `npm test` does.
 */
function main(): number {
  const check = process.argv.includes('--check');
  const directory = check ? path.join(tmpdir(), `openapi-check-${process.pid}`) : contractDirectory;
  try {
    return checkContract(directory, check);
  } finally {
    if (check) rmSync(directory, { recursive: true, force: true });
  }
}

function checkContract(directory: string, check: boolean): number {
  const texts = writeContract(directory);
  const lint = lintDocument(path.join(directory, 'openapi.json'));
  process.stdout.write(lint.output);
  if (!lint.ok) return 1;
  if (check) {
    const stale = contractFiles.filter(
      (name) => readFileSync(path.join(contractDirectory, name), 'utf8') !== texts[name],
    );
    if (stale.length) {
      process.stderr.write(`Stale in client/generated: ${stale.join(', ')}; run npm run openapi\n`);
      return 1;
    }
  }
  return 0;
}

process.exit(main());
