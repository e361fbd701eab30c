import ignore from 'ignore';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  deployedFiles,
  funcignoreMatcher,
  funcignorePatterns,
  keptFiles,
  unanchoredPatterns,
} from '../../scripts/package-files';

const repoRoot = path.resolve(__dirname, '..', '..');

/** A small project tree: sources, infra, and a dependency with a folder named like ours. */
function projectTree(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'funcignore-'));
  const files = [
    'host.json',
    'package.json',
    'infra/main.bicep',
    'shared/settings.ts',
    'dist/app/index.js',
    'node_modules/undici/lib/web/infra/index.js',
    'node_modules/undici/index.d.ts',
  ];
  for (const file of files) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), '');
  }
  return root;
}

describe('.funcignore (scripts/package-files)', () => {
  let root: string;
  beforeEach(() => {
    root = projectTree();
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('anchors every pattern of the repository .funcignore', () => {
    const patterns = funcignorePatterns(readFileSync(path.join(repoRoot, '.funcignore'), 'utf8'));
    expect(patterns.length).toBeGreaterThan(5);
    expect(unanchoredPatterns(patterns)).toEqual([]);
  });

  it('keeps from the repository only host.json, package.json, the bundled app and the reference page files', () => {
    expect(deployedFiles(repoRoot)).toEqual([
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

  it('shows why: under gitignore rules an unanchored "infra/" also matches inside a dependency', () => {
    const dependencyFile = 'node_modules/undici/lib/web/infra/index.js';
    expect(ignore().add(['infra/']).ignores(dependencyFile)).toBe(true);
    expect(ignore().add(['/infra/']).ignores(dependencyFile)).toBe(false);
    expect(ignore().add(['/infra/']).ignores('infra/main.bicep')).toBe(true);
  });

  it('never copies the project node_modules, which holds the development dependencies', () => {
    expect(keptFiles(root, ignore().add(['/infra/', '/shared/']))).toEqual([
      'dist/app/index.js',
      'host.json',
      'package.json',
    ]);
  });

  it('does not exclude node_modules, which azd requires of remoteBuild: false', () => {
    const patterns = funcignorePatterns(readFileSync(path.join(repoRoot, '.funcignore'), 'utf8'));
    expect(ignore().add(patterns).ignores('node_modules/')).toBe(false);
  });

  it('refuses a .funcignore with an unanchored pattern, naming it', () => {
    writeFileSync(path.join(root, '.funcignore'), '/shared/\ninfra/\n# a comment\n!/keep.txt\n');
    expect(() => deployedFiles(root)).toThrow(/anchor every pattern.*: infra\/$/);
    expect(() => funcignoreMatcher('!keep.txt\n')).toThrow(/!keep\.txt/);
  });

  it('keeps what no anchored pattern names', () => {
    writeFileSync(
      path.join(root, '.funcignore'),
      '/.funcignore\n/infra/\n/shared/\n/node_modules/\n',
    );
    expect(deployedFiles(root)).toEqual(['dist/app/index.js', 'host.json', 'package.json']);
  });
});
