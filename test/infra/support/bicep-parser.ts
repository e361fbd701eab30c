import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import type { Node } from 'web-tree-sitter';

/**
 * Bicep parsed with tree-sitter's WebAssembly runtime and the grammar's own .wasm, both shipped in
 * their npm packages: no Bicep compiler, no native build. The grammar is a syntax check, not the
 * compiler: it knows no resource types or functions, which the contract checks look at instead.
 */

export type { Node };

let parser: Promise<Parser> | undefined;

async function createParser(): Promise<Parser> {
  await Parser.init({
    locateFile: () => require.resolve('web-tree-sitter/web-tree-sitter.wasm'),
  });
  const grammar = readFileSync(require.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm'));
  const bicep = await Language.load(new Uint8Array(grammar));
  const created = new Parser();
  created.setLanguage(bicep);
  return created;
}

/** The root node of a Bicep source text. */
export async function parseBicep(source: string): Promise<Node> {
  parser ??= createParser();
  const tree = (await parser).parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree.rootNode;
}

export interface SyntaxProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** Every ERROR and MISSING node of a tree, with its 1-based position. */
export function syntaxProblems(file: string, root: Node): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  const visit = (node: Node): void => {
    if (node.isError || node.isMissing) {
      const { row, column } = node.startPosition;
      const what = node.isMissing
        ? `missing ${node.type}`
        : `unexpected ${JSON.stringify(node.text.slice(0, 40))}`;
      problems.push({ file, line: row + 1, column: column + 1, message: what });
      if (node.isError) return;
    }
    if (node.hasError) node.children.forEach(visit);
  };
  visit(root);
  return problems;
}

/** Every .bicep file under a folder, as paths relative to it, sorted. */
export function bicepFilesUnder(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.bicep')) found.push(path.relative(folder, full));
    }
  };
  walk(folder);
  return found.sort();
}
