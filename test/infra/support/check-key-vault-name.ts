import { createHash } from 'node:crypto';
import { evaluate, property, type Value } from './bicep-model';
import {
  fileOf,
  keyVaultFile,
  mainFile,
  moduleFile,
  moduleFor,
  readJson,
  traceOutput,
  type Templates,
} from './templates';

/**
 * `azd down` deletes the resource group, but a deleted Key Vault stays soft-deleted for 90 days
 * and, under purge protection, nobody can purge it: its name is taken all that time. So the
 * vault's name must change when the environment is deleted and created again, and stay the same
 * when the environment is deployed again (the connections' API keys are in it).
 *
 * main.bicep's name for the vault is evaluated for deployments of one environment: a first one, a
 * redeploy, and one after `azd down`. What tells the last apart is an incarnation input below: a
 * value Azure gives a resource when it is created and keeps while the resource exists.
 */

/** Module outputs that differ between two incarnations of an environment, and why. */
export const incarnationInputs: Record<string, string> = {
  'app/storage.bicep: Microsoft.Storage/storageAccounts.properties.creationTime':
    'the runtime storage account is deleted by azd down with its resource group; the next azd up creates a new one',
};

/** The same form as ARM's uniqueString() (13 characters of a-z and 2-7), not its values. */
function uniqueStringStandIn(args: Value[]): Value {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const digest = createHash('sha256').update(JSON.stringify(args)).digest();
  return [...digest.subarray(0, 13)].map((byte) => alphabet[byte % 32]).join('');
}

const subscriptionStandIn = (): Value => ({
  id: '/subscriptions/00000000-0000-0000-0000-0000000000aa',
  subscriptionId: '00000000-0000-0000-0000-0000000000aa',
  tenantId: '00000000-0000-0000-0000-0000000000bb',
});

export interface Deployment {
  /** The runtime storage account's creation time: what Azure recorded for this incarnation. */
  createdAt: string;
  /** KEY_VAULT_NAME of the azd environment (main.parameters.json), empty when unset. */
  keyVaultName?: string;
}

/** The vault's name main.bicep gives in a deployment; undefined when it cannot be worked out. */
export function keyVaultNameFor(templates: Templates, deployment: Deployment): string | undefined {
  const main = fileOf(templates, mainFile);
  const module = moduleFor(templates, keyVaultFile);
  const name = module && property(property(module.body, 'params') ?? module.body, 'name');
  if (!name) return undefined;
  // Every output of every module, as `<module>.outputs.<name>`: the incarnation inputs take this
  // deployment's value, every other output a value that is the same in every deployment.
  const modules: Record<string, Value> = {};
  for (const declared of main.modules) {
    const outputs: Record<string, Value> = {};
    const file = templates.files.get(moduleFile(mainFile, declared));
    for (const output of file?.outputs ?? []) {
      const expression = `${declared.symbol}.outputs.${output.name}`;
      const traced = traceOutput(templates, expression);
      const incarnation = traced && `${traced.file}: ${traced.source}` in incarnationInputs;
      outputs[output.name] = incarnation ? deployment.createdAt : `<${expression}>`;
    }
    modules[declared.symbol] = { outputs };
  }
  const value = evaluate(name, {
    file: main,
    params: {
      ...modules,
      abbrs: readJson(templates, 'abbreviations.json') as Value,
      environmentName: 'segexport-prod',
      location: 'westeurope',
      keyVaultName: deployment.keyVaultName ?? '',
    },
    functions: { uniqueString: uniqueStringStandIn, subscription: subscriptionStandIn },
  });
  return typeof value === 'string' ? value : undefined;
}

/** Key Vault names: 3 to 24 letters, digits and single hyphens, starting with a letter. */
const validVaultName = /^(?=.{3,24}$)[a-zA-Z](?:[a-zA-Z0-9]|-(?!-))*[a-zA-Z0-9]$/;

export function checkKeyVaultName(templates: Templates): string[] {
  const first = { createdAt: '2026-01-05T10:00:00.0000000Z' };
  const afterDownAndUp = { createdAt: '2026-03-02T08:30:00.0000000Z' };
  const names = {
    first: keyVaultNameFor(templates, first),
    redeploy: keyVaultNameFor(templates, { ...first }),
    afterDownAndUp: keyVaultNameFor(templates, afterDownAndUp),
    pinned: keyVaultNameFor(templates, { ...afterDownAndUp, keyVaultName: 'kv-createdbefore' }),
  };
  if (!names.first || !names.afterDownAndUp)
    return [`${mainFile}: cannot work out the Key Vault's name`];
  const problems: string[] = [];
  if (names.redeploy !== names.first)
    problems.push(
      `${mainFile}: the Key Vault's name changes when the environment is deployed again, which would leave the connections' secrets behind`,
    );
  if (names.afterDownAndUp === names.first)
    problems.push(
      `${mainFile}: the Key Vault's name (${names.first}) stays the same after azd down and azd up: the soft-deleted vault keeps that name for 90 days (purge protection), so azd up fails`,
    );
  if (!validVaultName.test(names.first))
    problems.push(`${mainFile}: ${names.first} is not a valid Key Vault name`);
  if (names.pinned !== 'kv-createdbefore')
    problems.push(`${mainFile}: keyVaultName does not name the vault when it is set`);
  return [...problems, ...checkNoFeedback(templates)];
}

/**
 * azd writes main.bicep's outputs into the environment after each deployment. Were KEY_VAULT_NAME
 * read from one of them (AZURE_KEY_VAULT_NAME), the first deployment would pin the vault's name,
 * and the name of the soft-deleted vault would come back after azd down.
 */
function checkNoFeedback(templates: Templates): string[] {
  const outputs = new Set(fileOf(templates, mainFile).outputs.map((output) => output.name));
  const file = readJson(templates, 'main.parameters.json') as
    { parameters?: Record<string, { value?: unknown }> } | undefined;
  const value = file?.parameters?.keyVaultName?.value;
  const variable = typeof value === 'string' ? /^\$\{(\w+)/.exec(value)?.[1] : undefined;
  return variable && outputs.has(variable)
    ? [
        `main.parameters.json: keyVaultName reads ${variable}, an output azd writes back into the environment`,
      ]
    : [];
}
