import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import madge from 'madge';

/**
 * `npm run lint:cycles` (part of `npm test`) runs madge over the code; these tests hold it to
 * what the floor plan needs: no import cycle in the repository, type-only imports included.
 */
const repoRoot = path.resolve(__dirname, '..', '..');
const options = {
  fileExtensions: ['ts'],
  tsConfig: path.join(repoRoot, 'tsconfig.json'),
  excludeRegExp: [/node_modules/, /\.d\.ts$/],
};

describe('import cycles', () => {
  let fixture: string;
  beforeAll(() => {
    fixture = mkdtempSync(path.join(os.tmpdir(), 'import-cycle-'));
    writeFileSync(
      path.join(fixture, 'a.ts'),
      "import type { B } from './b';\nexport type A = { b?: B };\n",
    );
    writeFileSync(
      path.join(fixture, 'b.ts'),
      "import type { A } from './a';\nexport type B = { a?: A };\n",
    );
  });
  afterAll(() => rmSync(fixture, { recursive: true, force: true }));

  it('finds a cycle made only of type imports', async () => {
    const graph = await madge(fixture, { fileExtensions: ['ts'] });
    expect(graph.circular()).toEqual([['a.ts', 'b.ts']]);
  });

  it('finds none in the code', async () => {
    const roots = ['shared', 'functions', 'local', 'scripts', 'bench', 'test'].map((dir) =>
      path.join(repoRoot, dir),
    );
    const graph = await madge(roots, { ...options, baseDir: repoRoot });
    expect(Object.keys(graph.obj()).length).toBeGreaterThan(200);
    expect(graph.circular()).toEqual([]);
  }, 60_000);
});
