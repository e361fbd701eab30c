import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The local host runs the deployment package (`npm run package` → out/functionapp/), never the
 * repository's development tree, and runs it from a copy in the temporary folder: Node.js looks
 * for modules in node_modules of every parent folder, so a package left inside the repository
 * would still find the development dependencies, and a file the package lacks would fail only
 * in Azure.
 */

export const packageFolder = path.join(projectRoot(), 'out', 'functionapp');

/** The project folder, from this file compiled (dist/local/) or run as source (local/). */
export function projectRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.funcignore'))) return dir;
  }
  throw new Error(`No project folder (with a .funcignore) above ${__dirname}`);
}

export interface AppPackageCopy {
  /** The copy's folder: the script root for the host. */
  root: string;
  remove(): void;
}

/** Copies the built package outside the repository, for one host or a whole test run. */
export function copyAppPackage(): AppPackageCopy {
  if (!existsSync(path.join(packageFolder, 'host.json'))) {
    throw new Error(`${packageFolder} holds no package: run "npm run package" first`);
  }
  const root = mkdtempSync(path.join(os.tmpdir(), 'iterable-segment-export-app-'));
  const stray = parentModuleFolders(root);
  if (stray.length > 0) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(
      `The package copy in ${root} would find modules in ${stray.join(', ')}: set TMPDIR to a folder outside any Node.js project`,
    );
  }
  cpSync(packageFolder, root, { recursive: true });
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** node_modules folders above `folder`, where Node.js would look for a module the copy lacks. */
function parentModuleFolders(folder: string): string[] {
  const found: string[] = [];
  for (let dir = path.dirname(folder); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'node_modules'))) found.push(path.join(dir, 'node_modules'));
    if (dir === path.dirname(dir)) return found;
  }
}
