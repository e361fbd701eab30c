import { globSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Loads the app the way the worker's startApp does: package.json `main` is a glob pattern (the
 * quickstarts use "dist/src/{index.js,functions/*.js}"), and every matching file is loaded in
 * order. `entry` replaces `main`, for small apps that are not packages of their own.
 */
export async function loadAppFiles(scriptRoot: string, entry?: string): Promise<string[]> {
  const pattern = entry ?? readMain(scriptRoot);
  const files = globSync(pattern, { cwd: scriptRoot })
    .map((file) => path.resolve(scriptRoot, file))
    .sort();
  if (files.length === 0) {
    throw new Error(
      `The app entry "${pattern}" matches no file under ${scriptRoot} (was it built?)`,
    );
  }
  for (const file of files) {
    if (file.endsWith('.mjs')) await import(pathToFileURL(file).href);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the app is CommonJS, loaded like the worker loads it
    else require(file);
  }
  return files;
}

function readMain(scriptRoot: string): string {
  const file = path.join(scriptRoot, 'package.json');
  const { main } = JSON.parse(readFileSync(file, 'utf8')) as { main?: unknown };
  if (typeof main !== 'string' || main === '') throw new Error(`${file} has no "main" entry`);
  return main;
}
