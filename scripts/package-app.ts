import {
  copyFileSync,
  createWriteStream,
  globSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { repoRoot } from './bundle-app';
import { deployedFiles } from './package-files';

/**
 * `npm run package` (after `npm run build`, which compiles and bundles): the deployment artifact
 * exactly as Azure runs it, as a folder (`out/functionapp/`, what the local host runs) and as the
 * zip a deploy uploads (`out/functionapp.zip`). It holds the files of the project that
 * `.funcignore` keeps, and a package.json without the development parts.
 */

export const packageFolder = path.join(repoRoot, 'out', 'functionapp');
export const packageZip = path.join(repoRoot, 'out', 'functionapp.zip');

/** Every entry in a zip gets this time, so the same sources give the same zip. */
const fixedTime = new Date('2000-01-01T00:00:00Z');

interface PackageJson {
  name: string;
  version: string;
  description?: string;
  main: string;
  engines?: Record<string, string>;
}

/**
 * The package's own package.json. Every production dependency is inside the bundle, so it names
 * none: nothing is installed on the instance, whatever the deploy tool does with dependencies.
 */
function deployedPackageJson(source: PackageJson): string {
  const { name, version, description, main, engines } = source;
  return `${JSON.stringify({ name, version, description, private: true, main, engines }, null, 2)}\n`;
}

export interface PackageSummary {
  files: string[];
  bytes: number;
  zipBytes: number;
}

export async function packageApp(): Promise<PackageSummary> {
  const files = deployedFiles(repoRoot);
  rmSync(packageFolder, { recursive: true, force: true });
  rmSync(packageZip, { force: true });
  for (const file of files) {
    const target = path.join(packageFolder, file);
    mkdirSync(path.dirname(target), { recursive: true });
    if (file === 'package.json') {
      const source = JSON.parse(readFileSync(path.join(repoRoot, file), 'utf8')) as PackageJson;
      writeFileSync(target, deployedPackageJson(source));
    } else {
      copyFileSync(path.join(repoRoot, file), target);
    }
  }
  checkEntry(files);
  const zip = new ZipFile();
  for (const file of files) zip.addFile(path.join(packageFolder, file), file, { mtime: fixedTime });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(packageZip));
  const bytes = files.reduce((sum, file) => sum + statSync(path.join(packageFolder, file)).size, 0);
  return { files, bytes, zipBytes: statSync(packageZip).size };
}

/** package.json `main` must name files the package holds, or the worker registers nothing. */
function checkEntry(files: string[]): void {
  const { main } = JSON.parse(
    readFileSync(path.join(packageFolder, 'package.json'), 'utf8'),
  ) as PackageJson;
  if (!files.includes('host.json')) throw new Error('The package has no host.json');
  if (globSync(main, { cwd: packageFolder }).length === 0) {
    throw new Error(`package.json "main" (${main}) matches no file of the package`);
  }
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

if (require.main === module) {
  packageApp().then(
    ({ files, bytes, zipBytes }) => {
      const where = path.relative(repoRoot, packageFolder);
      process.stdout.write(
        `Package ${where}/: ${files.length} files, ${megabytes(bytes)} (${path.relative(repoRoot, packageZip)}: ${megabytes(zipBytes)})\n` +
          files.map((file) => `  ${file}\n`).join(''),
      );
    },
    (error: unknown) => {
      process.stderr.write(
        `Packaging failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
