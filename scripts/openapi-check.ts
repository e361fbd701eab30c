import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { contractDirectory, contractFiles, lintDocument, writeContract } from './openapi-contract';

/**
 * `npm run openapi`: writes the app's OpenAPI document and the client types generated from it to
 * client/generated/, and lints the document with Redocly. With `--check` it writes them elsewhere
 * and fails when the committed ones are stale (or the lint fails), as `npm test` does.
 */
async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const directory = check ? path.join(tmpdir(), `openapi-check-${process.pid}`) : contractDirectory;
  const texts = await writeContract(directory);
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

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
