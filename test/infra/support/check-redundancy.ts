import { evaluate, property } from './bicep-model';
import {
  fileOf,
  mainFile,
  moduleFor,
  readJson,
  runtimeStorageFile,
  segmentsStorageFile,
  type Templates,
} from './templates';

/**
 * Each storage account's redundancy (its SKU) is a choice main.bicep makes with a parameter the
 * azd environment can change, with the default infra/README.md explains: zone-redundant for the
 * runtime account, which holds the only copy of the app's data and is the host's own storage;
 * locally redundant for the segments account, whose snapshots the platform writes again.
 */

export const decidedRedundancy: Record<string, string> = {
  [runtimeStorageFile]: 'Standard_ZRS',
  [segmentsStorageFile]: 'Standard_LRS',
};

export interface Redundancy {
  /** The main.bicep parameter. */
  parameter: string;
  /** The azd environment value main.parameters.json reads it from. */
  environment: string;
  default: string;
  allowed: string[];
}

/** The redundancy of the account a module creates, traced to main.bicep; or why it cannot be. */
export function redundancyOf(templates: Templates, file: string): Redundancy | string {
  const account = fileOf(templates, file)
    .resourcesOfType('Microsoft.Storage/storageAccounts')
    .find((resource) => !resource.existing);
  const sku = account && property(property(account.body, 'sku') ?? account.body, 'name');
  if (!sku || sku.type !== 'identifier' || !fileOf(templates, file).params.has(sku.text))
    return `${file}: the account's sku.name must be a parameter, chosen in ${mainFile}`;
  const module = moduleFor(templates, file);
  const passed = module && property(property(module.body, 'params') ?? module.body, sku.text);
  const main = fileOf(templates, mainFile);
  const parameter = passed?.type === 'identifier' ? main.params.get(passed.text) : undefined;
  if (!parameter?.defaultValue)
    return `${mainFile}: ${file}'s ${sku.text} must be a parameter of ${mainFile} with a default`;
  const allowedDecorator = parameter.decorators.find((text) => text.startsWith('@allowed('));
  const allowed = [...(allowedDecorator ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1] ?? '');
  const fallback = readJson(templates, 'main.parameters.json') as
    { parameters?: Record<string, { value?: unknown }> } | undefined;
  const value = fallback?.parameters?.[parameter.name]?.value;
  const [, environment, environmentDefault] =
    (typeof value === 'string' && /^\$\{(\w+)=([^}]*)\}$/.exec(value)) || [];
  const defaultValue = evaluate(parameter.defaultValue, { file: main, params: {} });
  if (typeof defaultValue !== 'string')
    return `${mainFile}: ${parameter.name} needs a literal default`;
  if (!environment || environmentDefault !== defaultValue)
    return `main.parameters.json: ${parameter.name} must read \${NAME=${defaultValue}}, an environment value with the template's default`;
  return { parameter: parameter.name, environment, default: defaultValue, allowed };
}

export function checkRedundancy(templates: Templates): string[] {
  return Object.entries(decidedRedundancy).flatMap(([file, decided]) => {
    const found = redundancyOf(templates, file);
    if (typeof found === 'string') return [found];
    return [
      ...(found.default === decided
        ? []
        : [
            `${mainFile}: ${found.parameter} defaults to ${found.default}; infra/README.md explains ${decided}`,
          ]),
      ...(found.allowed.length > 0 && found.allowed.includes(found.default)
        ? []
        : [`${mainFile}: ${found.parameter} needs @allowed() with its default in it`]),
      // A premium account has no queues or tables; RA- variants add a read endpoint nobody uses.
      ...found.allowed
        .filter((sku) => !/^Standard_(LRS|ZRS|GRS|GZRS)$/.test(sku))
        .map((sku) => `${mainFile}: ${found.parameter} allows ${sku}, which the app cannot use`),
    ];
  });
}
