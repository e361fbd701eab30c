import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { descendantsOfType, properties, property } from './bicep-model';
import { apiFile, fileOf, mainFile, moduleFile, readJson, type Templates } from './templates';

/**
 * What a Bicep compiler would refuse and the grammar cannot see: a module given a parameter it
 * does not declare or not given one it requires, a parameters file that names unknown parameters
 * or misses required ones, an abbreviation that is not in abbreviations.json. And what azd needs:
 * outputs in UPPER_SNAKE, and an azure.yaml service that matches the app's azd-service-name tag.
 */

export function checkModuleParameters(templates: Templates): string[] {
  const problems: string[] = [];
  for (const [name, file] of templates.files) {
    for (const module of file.modules) {
      const target = moduleFile(name, module);
      const declared = templates.files.get(target);
      if (!declared) {
        problems.push(`${name}: module ${module.symbol} points to ${target}, which does not exist`);
        continue;
      }
      const given = properties(property(module.body, 'params') ?? module.body).map(
        (entry) => entry.key,
      );
      for (const key of given.filter((key) => !declared.params.has(key))) {
        problems.push(
          `${name}: module ${module.symbol} passes ${key}, which ${target} does not declare`,
        );
      }
      for (const param of declared.params.values()) {
        if (!param.defaultValue && !given.includes(param.name)) {
          problems.push(
            `${name}: module ${module.symbol} does not pass ${param.name}, which ${target} requires`,
          );
        }
      }
    }
  }
  return problems;
}

export function checkParametersFile(templates: Templates): string[] {
  const main = fileOf(templates, mainFile);
  const file = readJson(templates, 'main.parameters.json') as
    { parameters?: Record<string, unknown> } | undefined;
  if (!file?.parameters) return ['main.parameters.json is missing or has no parameters'];
  const given = Object.keys(file.parameters);
  return [
    ...given
      .filter((name) => !main.params.has(name))
      .map((name) => `main.parameters.json sets ${name}, which ${mainFile} does not declare`),
    ...[...main.params.values()]
      .filter((param) => !param.defaultValue && !given.includes(param.name))
      .map(
        (param) => `main.parameters.json does not set ${param.name}, which ${mainFile} requires`,
      ),
  ];
}

export function checkNaming(templates: Templates): string[] {
  const main = fileOf(templates, mainFile);
  const abbreviations = (readJson(templates, 'abbreviations.json') ?? {}) as Record<
    string,
    unknown
  >;
  const problems: string[] = [];
  for (const access of descendantsOfType(main.root, 'member_expression')) {
    if (access.childForFieldName('object')?.text !== 'abbrs') continue;
    const key = access.childForFieldName('property')?.text ?? '';
    if (typeof abbreviations[key] !== 'string') problems.push(`abbreviations.json has no ${key}`);
  }
  for (const output of main.outputs) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(output.name))
      problems.push(`${mainFile}: output ${output.name} is not UPPER_SNAKE`);
  }
  return problems;
}

/** azure.yaml at the repository root deploys the app as the service the template tags. */
export function checkAzureYaml(repoRoot: string, templates: Templates): string[] {
  const file = path.join(repoRoot, 'azure.yaml');
  if (!existsSync(file)) return ['azure.yaml is missing'];
  const text = readFileSync(file, 'utf8');
  const tag = /'azd-service-name':\s*'([^']+)'/.exec(fileOf(templates, apiFile).root.text)?.[1];
  const service = new RegExp(
    `^services:\\s*\\n\\s+${tag ?? '\\S+'}:\\s*\\n((?:\\s{4,}.*\\n?)*)`,
    'm',
  ).exec(text);
  if (!tag || !service)
    return [`azure.yaml has no service named like ${apiFile}'s azd-service-name tag`];
  const settings = service[1] ?? '';
  return [
    ...(/^\s+host:\s*function\s*$/m.test(settings)
      ? []
      : ['azure.yaml: the service needs host: function']),
    ...(/^\s+language:\s*(ts|js)\s*$/m.test(settings)
      ? []
      : ['azure.yaml: the service needs language: ts']),
    ...(/^\s+project:\s*\.\/?\s*$/m.test(settings)
      ? []
      : ['azure.yaml: the service project is the root']),
  ];
}
