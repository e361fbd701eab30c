import { spawnSync } from 'node:child_process';
import { cpSync, globSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yauzl from 'yauzl';
import { appPackageRoot } from '../support/app-package';

const repoRoot = path.resolve(__dirname, '..', '..');
const packageFolder = path.join(repoRoot, 'out', 'functionapp');
const loader = path.join(repoRoot, 'dist', 'test', 'support', 'load-entries.js');

/** Settings enough for the app to load; nothing is reached while it loads. */
const loadSettings = {
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  KEY_VAULT_URL: 'http://127.0.0.1:1',
  AUTH_ISSUER: 'http://127.0.0.1:1/issuer',
  AUTH_AUDIENCE: 'api://iterable-segment-export',
  AUTH_JWKS_URL: 'http://127.0.0.1:1/jwks',
};

interface Loaded {
  files: string[];
  modules: string[];
  registered: string[];
}

/** Loads the app in `root` in a fresh process, as the worker does; fails on any error. */
function loadApp(root: string, env: Record<string, string> = {}, entry?: string): Loaded {
  const { PATH, HOME, TMPDIR } = process.env;
  const result = spawnSync(process.execPath, [loader, root, ...(entry ? [entry] : [])], {
    cwd: root,
    env: { PATH, HOME, TMPDIR, ...loadSettings, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) {
    throw new Error(`Loading ${root} failed (${result.status}):\n${result.stderr}`);
  }
  const line = result.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as Loaded;
}

function zipEntries(file: string): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const entries = new Map<string, number>();
      zip.on('entry', (entry: yauzl.Entry) => {
        entries.set(entry.fileName, entry.uncompressedSize);
        zip.readEntry();
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('the deployment package (npm run package)', () => {
  const files = globSync('**/*', { cwd: packageFolder, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(packageFolder, path.join(entry.parentPath, entry.name)))
    .sort();

  it('holds host.json, a package.json, the bundled app and the reference page files, and nothing else', () => {
    expect(files).toEqual([
      'dist/app/api-docs/LICENSE',
      'dist/app/api-docs/NOTICE',
      'dist/app/api-docs/favicon-32x32.png',
      'dist/app/api-docs/swagger-ui-bundle.js',
      'dist/app/api-docs/swagger-ui.css',
      'dist/app/index.js',
      'dist/app/telemetry-distro.js',
      'host.json',
      'package.json',
    ]);
  });

  it('is under 30 MB unzipped', () => {
    const bytes = files.reduce(
      (sum, file) => sum + statSync(path.join(packageFolder, file)).size,
      0,
    );
    expect(bytes).toBeLessThan(30 * 1024 * 1024);
  });

  it('ships a package.json that installs nothing and names the bundle as main', () => {
    const deployed = JSON.parse(
      readFileSync(path.join(packageFolder, 'package.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(deployed).not.toHaveProperty('dependencies');
    expect(deployed).not.toHaveProperty('devDependencies');
    expect(deployed).not.toHaveProperty('scripts');
    expect(deployed.main).toBe('dist/app/index.js');
  });

  it('zips exactly the files of the folder, byte for byte in size', async () => {
    const entries = await zipEntries(path.join(repoRoot, 'out', 'functionapp.zip'));
    expect([...entries.keys()].sort()).toEqual(files);
    for (const file of files) {
      expect(entries.get(file)).toBe(statSync(path.join(packageFolder, file)).size);
    }
  });

  it('loads every entry file from a copy outside the repository in a fresh process, registering every function the sources do', () => {
    const fromPackage = loadApp(appPackageRoot());
    // The development build (tsc output, one file per function) registers what the sources say.
    const fromSources = loadApp(repoRoot, {}, 'dist/functions/*.js');
    expect(fromPackage.files).toEqual(['dist/app/index.js']);
    // Without Application Insights the distro is never parsed: a cold start does not pay for it.
    expect(fromPackage.modules).toEqual(['dist/app/index.js']);
    expect(fromPackage.registered.length).toBeGreaterThan(20);
    expect(fromPackage.registered).toEqual(fromSources.registered);
  });

  it('loads the telemetry distro from the copy when Application Insights is configured', () => {
    const loaded = loadApp(appPackageRoot(), {
      APPLICATIONINSIGHTS_CONNECTION_STRING:
        'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:1/',
    });
    expect(loaded.registered.length).toBeGreaterThan(20);
    expect(loaded.modules).toEqual(['dist/app/index.js', 'dist/app/telemetry-distro.js']);
  });

  it('fails to load, naming the module, when a file the app needs is missing', () => {
    // A copy outside the repository, as the package's: nothing above it can supply the module.
    const root = mkdtempSync(path.join(os.tmpdir(), 'missing-module-'));
    try {
      cpSync(path.join(repoRoot, 'test', 'scripts', 'fixtures', 'missing-module'), root, {
        recursive: true,
      });
      expect(() => loadApp(root)).toThrow(/Cannot find module '\.\/web\/infra'/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
