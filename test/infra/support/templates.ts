import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { bicepFilesUnder, syntaxProblems } from './bicep-parser';
import { property, readBicepFile, type BicepFile, type Declaration } from './bicep-model';

/**
 * The infrastructure folder as the checks see it: every Bicep file parsed, the parameters file and
 * the abbreviations read. Checks take one of these, so a test can point them at a broken copy.
 */
export interface Templates {
  dir: string;
  files: Map<string, BicepFile>;
  syntax: string[];
}

export const mainFile = 'main.bicep';
export const apiFile = 'app/api.bicep';
export const rbacFile = 'app/rbac.bicep';
export const runtimeStorageFile = 'app/storage.bicep';
export const segmentsStorageFile = 'app/segments-storage.bicep';
export const keyVaultFile = 'app/key-vault.bicep';

export async function loadTemplates(dir: string): Promise<Templates> {
  const files = new Map<string, BicepFile>();
  const syntax: string[] = [];
  for (const relative of bicepFilesUnder(dir)) {
    const name = relative.split(path.sep).join('/');
    const file = await readBicepFile(path.join(dir, relative));
    files.set(name, file);
    for (const problem of syntaxProblems(name, file.root)) {
      syntax.push(`${problem.file}:${problem.line}:${problem.column} ${problem.message}`);
    }
  }
  return { dir, files, syntax };
}

/** A Bicep file of the set; throws with the file's name when it is not there. */
export function fileOf(templates: Templates, name: string): BicepFile {
  const file = templates.files.get(name);
  if (!file) throw new Error(`${name} is missing from ${templates.dir}`);
  return file;
}

export function readJson(templates: Templates, name: string): unknown {
  const file = path.join(templates.dir, name);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as unknown) : undefined;
}

/** The file a module declaration points to, as a key of `templates.files`. */
export function moduleFile(from: string, module: Declaration): string {
  return path.posix.normalize(path.posix.join(path.posix.dirname(from), module.target));
}

/** The module of main.bicep whose file is `name`. */
export function moduleFor(templates: Templates, name: string): Declaration | undefined {
  return fileOf(templates, mainFile).modules.find(
    (module) => moduleFile(mainFile, module) === name,
  );
}

/**
 * Where a module argument of main.bicep comes from, as `<resource type><property path>`: for
 * `keyVault.outputs.uri`, the output `uri` of the key-vault module is `vault.properties.vaultUri`,
 * which gives `Microsoft.KeyVault/vaults.properties.vaultUri`, with the module file that declares
 * it. Undefined when the argument is not a module output of that shape.
 */
export function traceArgument(
  templates: Templates,
  module: Declaration,
  parameter: string,
): { file: string; source: string } | undefined {
  const argument = property(property(module.body, 'params') ?? module.body, parameter)?.text;
  return traceOutput(templates, argument ?? '');
}

/** Where `<module>.outputs.<name>` of main.bicep comes from, in the form of traceArgument. */
export function traceOutput(
  templates: Templates,
  expression: string,
): { file: string; source: string } | undefined {
  const main = fileOf(templates, mainFile);
  const [, symbol, output] = /^(\w+)\.outputs\.(\w+)$/.exec(expression) ?? [];
  const source = main.modules.find((candidate) => candidate.symbol === symbol);
  if (!source) return undefined;
  const file = moduleFile(mainFile, source);
  const declared = templates.files
    .get(file)
    ?.outputs.find((candidate) => candidate.name === output);
  const [, resourceSymbol, rest] = /^(\w+)((?:\.\w+)+)$/.exec(declared?.value.text ?? '') ?? [];
  const resource = templates.files
    .get(file)
    ?.allResources()
    .find((candidate) => candidate.symbol === resourceSymbol);
  if (!resource || !rest) return undefined;
  return { file, source: `${resource.target.split('@')[0] ?? ''}${rest}` };
}
