import { globSync, readFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';

/**
 * Run in a fresh process: `node load-entries.js <app folder> [entry glob]`. Loads every file named
 * by the folder's package.json `main` (or the glob given), as the Node worker does, with a minimal
 * `@azure/functions-core` that records what the app registers, and prints one JSON line: the
 * functions registered and which of the folder's files were loaded. A module missing from the
 * folder fails the load with Node's own "Cannot find module" error.
 */

const root = path.resolve(process.argv[2] ?? '.');
const registered: string[] = [];
const coreApi = {
  version: '4.0.0',
  hostVersion: '4.1040.0',
  registerFunction: (metadata: { name: string }) => {
    registered.push(metadata.name);
    return { dispose: () => undefined };
  },
  registerHook: () => ({ dispose: () => undefined }),
  setProgrammingModel: () => undefined,
  getProgrammingModel: () => undefined,
  log: () => undefined,
  Disposable: class {
    dispose() {}
  },
};
type Require = (this: NodeJS.Module, id: string) => unknown;
const prototype = Module.prototype as unknown as { require: Require };
prototype.require = new Proxy(prototype.require, {
  apply(target, thisArg: NodeJS.Module, args: [string]) {
    return args[0] === '@azure/functions-core' ? coreApi : Reflect.apply(target, thisArg, args);
  },
});

const main =
  process.argv[3] ??
  (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string }).main;
const files = globSync(main, { cwd: root }).sort();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the app as the worker does
for (const file of files) require(path.join(root, file));
// Every file of the folder that was loaded, lazily required ones included.
const modules = Object.keys(require.cache)
  .filter((file) => file.startsWith(`${root}${path.sep}`))
  .map((file) => path.relative(root, file))
  .sort();
process.stdout.write(`${JSON.stringify({ files, modules, registered: registered.sort() })}\n`);
// The telemetry distro keeps timers; the load is what is checked, so end here.
process.exit(0);
