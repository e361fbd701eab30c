import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { evaluate, isUnresolved, property, stringLiteral, type Value } from './bicep-model';
import { functionBindings, repoRoot, runSettingsModule } from './code-contract';
import {
  apiFile,
  fileOf,
  mainFile,
  moduleFor,
  runtimeStorageFile,
  segmentsStorageFile,
  traceArgument,
  type Templates,
} from './templates';

/**
 * Does the template give the app every setting its code needs? The app settings in api.bicep are
 * evaluated with sample parameter values, then fed to shared/settings.ts itself: a setting the
 * code requires and the template lacks fails here with the code's own error, whatever the setting.
 */

/** Stand-ins for what main.bicep passes to api.bicep (traced to their sources below). */
export const apiParameterSamples: Record<string, Value> = {
  name: 'func-api-abc123',
  planName: 'plan-abc123',
  location: 'westeurope',
  identityId:
    '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-api-abc123',
  identityClientId: '11111111-2222-3333-4444-555555555555',
  storageAccountName: 'stabc123',
  deploymentContainerName: 'app-package-func-api-abc123-abc123',
  segmentsStorageAccountName: 'stsegabc123',
  keyVaultUri: 'https://kv-abc123.vault.azure.net/',
  applicationInsightsName: 'appi-abc123',
  authIssuer: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/v2.0',
  authAudience: 'api://iterable-segment-export',
  authJwksUrl:
    'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/discovery/v2.0/keys',
};

/** What each sample stands for: main.bicep must pass exactly that to api.bicep. */
const apiParameterSources: Record<string, string> = {
  identityId: 'Microsoft.ManagedIdentity/userAssignedIdentities.id',
  identityClientId: 'Microsoft.ManagedIdentity/userAssignedIdentities.properties.clientId',
  storageAccountName: `${runtimeStorageFile}: Microsoft.Storage/storageAccounts.name`,
  segmentsStorageAccountName: `${segmentsStorageFile}: Microsoft.Storage/storageAccounts.name`,
  keyVaultUri: 'Microsoft.KeyVault/vaults.properties.vaultUri',
  applicationInsightsName: 'Microsoft.Insights/components.name',
};

/** Settings the code reads that a deployment leaves unset on purpose, and why. */
export const settingsLeftUnset: Record<string, string> = {
  AzureWebJobsStorage: 'a connection string: Azure reaches storage by identity (__accountName)',
  SEGMENTS_STORAGE: 'a connection string: Azure reaches storage by identity (__accountName)',
  ITERABLE_BASE_URL: 'replaces the Iterable region URL for local runs and tests only',
  WEBHOOKS_ALLOW_LOCAL_TARGETS:
    'lets webhooks reach http and private addresses, for local runs and tests only (default false)',
  APP_VERSION: 'defaults to the deployed package.json version',
  SNAPSHOT_MAX_ROWS:
    'the code default (20M rows) is meant for every deployment; set it to tune one',
  SNAPSHOT_MAX_INFLATED_BYTES:
    'the code default (4 GiB) is meant for every deployment; set it to tune one',
  SNAPSHOT_MAX_COMPRESSION_RATIO:
    'the code default (100:1) is meant for every deployment; set it to tune one',
  MASS_REMOVAL_GUARD_WINDOW_DAYS:
    'the code default (7 days) is meant for every deployment; set it to tune one',
  REMOVAL_EVIDENCE_MISSING_KEY_PERCENT:
    'the code default (50%) is meant for every deployment; an export may set its own',
  REMOVAL_EVIDENCE_MISSING_EMAIL_JUMP_PERCENT:
    'the code default (10 points) is meant for every deployment; an export may set its own',
  REMOVAL_EVIDENCE_UNREADABLE_LINES:
    'the code default (0 lines) is meant for every deployment; an export may set its own',
};

/** App settings the Flex Consumption plan rejects or ignores (its runtime is set in the site). */
const flexConsumptionRejects = [
  'FUNCTIONS_EXTENSION_VERSION',
  'FUNCTIONS_WORKER_RUNTIME',
  'FUNCTIONS_WORKER_RUNTIME_VERSION',
  'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
  'WEBSITE_CONTENTSHARE',
  'WEBSITE_NODE_DEFAULT_VERSION',
  'WEBSITE_RUN_FROM_PACKAGE',
  'SCM_DO_BUILD_DURING_DEPLOYMENT',
];

/** The app settings api.bicep sets, evaluated; unresolved values keep their expression text. */
export function templateAppSettings(templates: Templates): Record<string, Value> | undefined {
  const api = fileOf(templates, apiFile);
  const resource = api
    .resourcesOfType('Microsoft.Web/sites/config')
    .find((candidate) => property(candidate.body, 'name')?.text === "'appsettings'");
  const settings = resource && property(resource.body, 'properties');
  if (!settings) return undefined;
  const value = evaluate(settings, { file: api, params: apiParameterSamples });
  return value && typeof value === 'object' && !Array.isArray(value) && !isUnresolved(value)
    ? value
    : undefined;
}

/** What Azure puts in place of a resource property at deployment, in the form it has there. */
export const deployedValues: Record<string, string> = {
  'applicationInsights.properties.ConnectionString':
    'InstrumentationKey=00000000-0000-0000-0000-00000000000a;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;LiveEndpoint=https://westeurope.livediagnostics.monitor.azure.com/',
};

/** The app settings as the process would see them. */
export function settingsEnvironment(settings: Record<string, Value>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(settings).map(([name, value]) => [
      name,
      typeof value === 'string'
        ? value
        : isUnresolved(value)
          ? (deployedValues[value.text] ?? `<${value.text}>`)
          : JSON.stringify(value),
    ]),
  );
}

export function checkAppSettings(templates: Templates): string[] {
  const settings = templateAppSettings(templates);
  if (!settings) return [`${apiFile}: no Microsoft.Web/sites/config 'appsettings' resource`];
  const env = settingsEnvironment(settings);
  const problems: string[] = [];
  const run = runSettingsModule(env);
  if (run.error)
    problems.push(`shared/settings.ts refuses the template's settings: ${run.error.message}`);
  for (const name of run.reads) {
    if (!(name in env) && !(name in settingsLeftUnset)) {
      problems.push(
        `${name} is read by shared/settings.ts but the template neither sets it nor says why it is left unset`,
      );
    }
  }
  for (const name of Object.keys(settingsLeftUnset)) {
    if (name in env) problems.push(`${name} is set by the template: ${settingsLeftUnset[name]}`);
  }
  for (const name of flexConsumptionRejects) {
    if (name in env) problems.push(`${name} is not an app setting on the Flex Consumption plan`);
  }
  problems.push(...checkBindings(env), ...checkSampleSources(templates));
  return problems;
}

/** Trigger connections use the identity; every %SETTING% a binding names is set. */
function checkBindings(env: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const connection of functionBindings().connections) {
    if (!env[`${connection}__accountName`]) {
      problems.push(`${connection}__accountName is not set (a trigger uses ${connection})`);
    }
    if (env[`${connection}__credential`] !== 'managedidentity') {
      problems.push(`${connection}__credential must be managedidentity`);
    }
    if (!env[`${connection}__clientId`]) {
      problems.push(`${connection}__clientId is not set: a user-assigned identity needs it`);
    }
  }
  for (const name of bindingExpressionSettings()) {
    if (!(name in env))
      problems.push(`%${name}% is used in a binding but the template does not set ${name}`);
  }
  return problems;
}

/** Setting names used as `%NAME%` binding expressions anywhere in the deployed code. */
export function bindingExpressionSettings(): string[] {
  const names = new Set(functionBindings().settingExpressions);
  const shared = path.join(repoRoot, 'shared');
  for (const file of readdirSync(shared, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue;
    const source = readFileSync(path.join(shared, file), 'utf8');
    for (const match of source.matchAll(/['"`]%([A-Za-z0-9_]+)%['"`]/g)) names.add(match[1] ?? '');
  }
  return [...names].filter(Boolean).sort();
}

/** The samples stand for the right things: main.bicep passes what each one names. */
function checkSampleSources(templates: Templates): string[] {
  const api = moduleFor(templates, apiFile);
  if (!api) return [`${mainFile} does not deploy ${apiFile}`];
  return Object.entries(apiParameterSources).flatMap(([parameter, expected]) => {
    const traced = traceArgument(templates, api, parameter);
    const found = expected.includes(': ') ? `${traced?.file}: ${traced?.source}` : traced?.source;
    return traced && found === expected
      ? []
      : [`${mainFile} passes ${parameter} from ${found ?? 'an unknown source'}, not ${expected}`];
  });
}

/** The refresh timer's schedule: a parameter, every five minutes unless set. */
export function refreshScheduleDefaults(templates: Templates): Record<string, string> {
  const defaults: Record<string, string> = {};
  for (const name of [mainFile, apiFile]) {
    const value = fileOf(templates, name).params.get('refreshTimerSchedule')?.defaultValue;
    if (value) defaults[name] = stringLiteral(value);
  }
  return defaults;
}
