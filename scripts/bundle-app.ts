import { build, type Metafile, type Plugin } from 'esbuild';
import { readdirSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { copyApiDocsFiles } from './api-docs-assets';

/**
 * Bundles the app into `dist/app/`: `index.js` holds every function file and every production
 * dependency, `telemetry-distro.js` the Azure Monitor OpenTelemetry distro, loaded only when
 * telemetry is configured. The deployment package then needs no node_modules at all: the
 * production dependencies as installed are 160 MB in 44,000 files (most of it OpenTelemetry),
 * slow to upload and slow for every new instance to load.
 *
 * Identifiers are kept, so a stack trace in the logs still names our functions.
 */

export const repoRoot = path.resolve(__dirname, '..', '..');
export const bundleFolder = path.join(repoRoot, 'dist', 'app');
const distroFile = 'telemetry-distro.js';

/**
 * The Functions worker provides this module at run time (it intercepts the require); it exists
 * in no package, so it must stay a require.
 */
const runtimeProvided = ['@azure/functions-core'];

/**
 * The app requires the distro lazily (shared/telemetry.ts); in the bundle that require points
 * at the distro's own bundle beside it, so a cold start without telemetry never parses it.
 */
const distroBesideApp: Plugin = {
  name: 'telemetry-distro-beside-app',
  setup(builder) {
    builder.onResolve({ filter: /^@azure\/monitor-opentelemetry$/ }, () => ({
      path: `./${distroFile}`,
      external: true,
    }));
  },
};

/** Every function file, index first (it reads the settings and starts telemetry). */
export function functionFiles(): string[] {
  const names = readdirSync(path.join(repoRoot, 'functions'))
    .filter((name) => name.endsWith('.ts'))
    .sort();
  return ['index.ts', ...names.filter((name) => name !== 'index.ts')];
}

const common = {
  bundle: true,
  metafile: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  logLevel: 'warning',
  legalComments: 'none',
  external: runtimeProvided,
} as const;

export async function bundleApp(): Promise<string[]> {
  const entry = functionFiles()
    .map((name) => `import './functions/${name.replace(/\.ts$/, '')}';`)
    .join('\n');
  const app = await build({
    ...common,
    stdin: { contents: entry, resolveDir: repoRoot, sourcefile: 'app-entry.ts', loader: 'ts' },
    outfile: path.join(bundleFolder, 'index.js'),
    plugins: [distroBesideApp],
  });
  const distro = await build({
    ...common,
    // The CommonJS build (require.resolve follows the package's "require" condition): the ESM
    // build, which an import would pick, calls
    // createRequire(import.meta.url), which cannot find @azure/functions-core in a CommonJS bundle,
    // and the distro's Functions hook (the invocation's trace context) would silently be lost.
    entryPoints: [require.resolve('@azure/monitor-opentelemetry', { paths: [repoRoot] })],
    outfile: path.join(bundleFolder, distroFile),
  });
  checkExternals([app.metafile, distro.metafile]);
  return [
    ...['index.js', distroFile].map((name) => path.join(bundleFolder, name)),
    ...copyApiDocsFiles(bundleFolder, repoRoot),
  ];
}

/**
 * What a bundle still requires at run time must be there on every instance: Node.js's own
 * modules, the worker's core API, or the distro's bundle. Anything else would be a module the
 * package lacks, found only when Azure loads it.
 */
function checkExternals(metafiles: Metafile[]): void {
  const allowed = new Set([...runtimeProvided, `./${distroFile}`]);
  const missing = metafiles
    .flatMap((metafile) => Object.values(metafile.outputs))
    .flatMap((output) => output.imports)
    // A require.resolve only probes whether a module is there (the distro's, in a try).
    .filter((imported) => imported.kind !== 'require-resolve')
    .filter((imported) => imported.external && !isBuiltin(imported.path))
    .map((imported) => imported.path)
    .filter((name) => !allowed.has(name));
  if (missing.length > 0) {
    throw new Error(`The bundle requires modules the package does not hold: ${missing.join(', ')}`);
  }
}

if (require.main === module) {
  bundleApp().catch((error: unknown) => {
    process.stderr.write(`Bundling the app failed: ${String(error)}\n`);
    process.exit(1);
  });
}
