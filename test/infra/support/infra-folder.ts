import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from './code-contract';
import { loadTemplates, type Templates } from './templates';

/** The infra/ folder of this repository. */
export const infraDir = path.join(repoRoot, 'infra');

let loaded: Promise<Templates> | undefined;

/** The repository's templates, parsed once per test file. */
export function repositoryTemplates(): Promise<Templates> {
  loaded ??= loadTemplates(infraDir);
  return loaded;
}

export interface Edit {
  file: string;
  find: string | RegExp;
  replace: string;
}

/**
 * A copy of infra/ in a temporary folder with edits applied, parsed. Each edit must find its text,
 * so a test of a broken copy cannot pass just because the template changed under it.
 */
export async function brokenCopy(
  edits: Edit[],
): Promise<{ templates: Templates; remove: () => void }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'infra-'));
  cpSync(infraDir, dir, { recursive: true });
  for (const edit of edits) {
    const file = path.join(dir, edit.file);
    const before = readFileSync(file, 'utf8');
    const after = before.replace(edit.find, edit.replace);
    if (after === before) throw new Error(`${edit.file} has no ${String(edit.find)} to change`);
    writeFileSync(file, after);
  }
  return {
    templates: await loadTemplates(dir),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
