import type { Node } from './bicep-parser';
import { property, type BicepFile, type Declaration } from './bicep-model';
import {
  apiFile,
  fileOf,
  mainFile,
  moduleFor,
  runtimeStorageFile,
  type Templates,
} from './templates';

/**
 * The resources have the shape the issue asks for: a Flex Consumption app on Node 22 with a
 * user-assigned identity and its scale as parameters, deployed from a blob container with that
 * identity; a Key Vault with RBAC, soft delete and purge protection; Application Insights on a
 * Log Analytics workspace with local authentication off.
 */

/** The text at a path of nested properties, e.g. `properties.functionAppConfig.runtime.name`. */
function at(node: Node | undefined, path: string): string | undefined {
  let current = node;
  for (const key of path.split('.')) current = current && property(current, key);
  return current?.text;
}

function expectAll(label: string, body: Node, expected: Record<string, string>): string[] {
  return Object.entries(expected).flatMap(([path, value]) => {
    const actual = at(body, path);
    return actual === value
      ? []
      : [`${label}: ${path} is ${actual ?? 'not set'}, expected ${value}`];
  });
}

function created(file: BicepFile, type: string): Declaration[] {
  return file.resourcesOfType(type).filter((resource) => !resource.existing);
}

export function checkFunctionApp(templates: Templates): string[] {
  const api = fileOf(templates, apiFile);
  const [plan] = created(api, 'Microsoft.Web/serverfarms');
  const [site] = created(api, 'Microsoft.Web/sites');
  if (!plan || !site) return [`${apiFile} must declare a plan and a site`];
  const problems = [
    ...expectAll(`${apiFile} plan`, plan.body, {
      'sku.tier': "'FlexConsumption'",
      'sku.name': "'FC1'",
    }),
    ...expectAll(`${apiFile} site`, site.body, {
      kind: "'functionapp,linux'",
      'identity.type': "'UserAssigned'",
      'properties.httpsOnly': 'true',
      'properties.functionAppConfig.runtime.name': "'node'",
      'properties.functionAppConfig.runtime.version': "'22'",
      'properties.functionAppConfig.scaleAndConcurrency.maximumInstanceCount':
        'maximumInstanceCount',
      'properties.functionAppConfig.scaleAndConcurrency.instanceMemoryMB': 'instanceMemoryMB',
      'properties.functionAppConfig.deployment.storage.type': "'blobContainer'",
      'properties.functionAppConfig.deployment.storage.authentication.type':
        "'UserAssignedIdentity'",
      'properties.functionAppConfig.deployment.storage.authentication.userAssignedIdentityResourceId':
        'identityId',
    }),
  ];
  const deploymentUrl =
    at(site.body, 'properties.functionAppConfig.deployment.storage.value') ?? '';
  if (!deploymentUrl.includes('${deploymentContainerName}')) {
    problems.push(`${apiFile}: the app must deploy from the deploymentContainerName container`);
  }
  return [...problems, ...checkScaleParameters(templates), ...checkDeploymentContainer(templates)];
}

/** maximumInstanceCount and instanceMemoryMB are main.bicep parameters, passed through. */
function checkScaleParameters(templates: Templates): string[] {
  const main = fileOf(templates, mainFile);
  const api = moduleFor(templates, apiFile);
  return ['maximumInstanceCount', 'instanceMemoryMB'].flatMap((name) =>
    main.params.has(name) && api && at(api.body, `params.${name}`) === name
      ? []
      : [`${mainFile}: ${name} must be a parameter passed to ${apiFile}`],
  );
}

/** The container the app deploys from is created, in the runtime storage account. */
function checkDeploymentContainer(templates: Templates): string[] {
  const storage = moduleFor(templates, runtimeStorageFile);
  const api = moduleFor(templates, apiFile);
  const passed = [storage, api].map(
    (module) => module && at(module.body, 'params.deploymentContainerName'),
  );
  const createsIt = created(
    fileOf(templates, runtimeStorageFile),
    'Microsoft.Storage/storageAccounts/blobServices/containers',
  ).some((container) => property(container.body, 'name')?.text === 'deploymentContainerName');
  return passed[0] && passed[0] === passed[1] && createsIt
    ? []
    : [
        `${mainFile}: the deployment container must be created by ${runtimeStorageFile} and used by ${apiFile}`,
      ];
}

export function checkKeyVault(templates: Templates): string[] {
  const vaults = [...templates.files].flatMap(([name, file]) =>
    created(file, 'Microsoft.KeyVault/vaults').map((vault) => ({ name, vault })),
  );
  if (vaults.length !== 1) return [`expected one Key Vault, found ${vaults.length}`];
  return vaults.flatMap(({ name, vault }) =>
    expectAll(`${name} ${vault.symbol}`, vault.body, {
      'properties.enableRbacAuthorization': 'true',
      'properties.enableSoftDelete': 'true',
      'properties.enablePurgeProtection': 'true',
      // A fixed number: the retention cannot change once the vault exists.
      'properties.softDeleteRetentionInDays': '90',
    }),
  );
}

export function checkMonitoring(templates: Templates): string[] {
  const components = [...templates.files].flatMap(([name, file]) =>
    created(file, 'Microsoft.Insights/components').map((component) => ({ name, file, component })),
  );
  if (components.length !== 1)
    return [`expected one Application Insights, found ${components.length}`];
  return components.flatMap(({ name, file, component }) => {
    const workspace = at(component.body, 'properties.WorkspaceResourceId') ?? '';
    const onWorkspace = created(file, 'Microsoft.OperationalInsights/workspaces').some(
      (candidate) => workspace === `${candidate.symbol}.id`,
    );
    return [
      ...expectAll(`${name} ${component.symbol}`, component.body, {
        'properties.DisableLocalAuth': 'true',
      }),
      ...(onWorkspace
        ? []
        : [`${name}: Application Insights must sit on a Log Analytics workspace`]),
    ];
  });
}
