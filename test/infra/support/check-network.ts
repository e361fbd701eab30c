import type { Node } from './bicep-parser';
import { property } from './bicep-model';
import { apiFile, fileOf, type Templates } from './templates';

/**
 * Network exposure of what the app reaches: every storage account and the Key Vault says whether
 * its public endpoint is open (publicNetworkAccess, networkAcls.defaultAction), nothing is left
 * to Azure's defaults. Open to every network, each takes Entra identities only (infra/README.md,
 * "Network exposure"). Closing one needs the app inside a virtual network and a private endpoint:
 * without both, the app is locked out of its own data.
 */

export interface Exposure {
  file: string;
  resource: string;
  publicNetworkAccess?: string;
  defaultAction?: string;
}

const exposedTypes = ['Microsoft.Storage/storageAccounts', 'Microsoft.KeyVault/vaults'];

function at(node: Node | undefined, path: string): string | undefined {
  let current = node;
  for (const key of path.split('.')) current = current && property(current, key);
  return current?.text.replace(/^'|'$/g, '');
}

export function networkExposure(templates: Templates): Exposure[] {
  return [...templates.files].flatMap(([file, bicep]) =>
    exposedTypes.flatMap((type) =>
      bicep
        .resourcesOfType(type)
        .filter((resource) => !resource.existing)
        .map((resource) => ({
          file,
          resource: `${type} ${resource.symbol}`,
          publicNetworkAccess: at(resource.body, 'properties.publicNetworkAccess'),
          defaultAction: at(resource.body, 'properties.networkAcls.defaultAction'),
        })),
    ),
  );
}

/** Identity-only access, per type: what makes an open endpoint safe. */
const identityOnly: Record<string, Record<string, string>> = {
  'Microsoft.Storage/storageAccounts': {
    'properties.allowSharedKeyAccess': 'false',
    'properties.allowBlobPublicAccess': 'false',
  },
  'Microsoft.KeyVault/vaults': { 'properties.enableRbacAuthorization': 'true' },
};

export function checkNetworkExposure(templates: Templates): string[] {
  const site = fileOf(templates, apiFile)
    .resourcesOfType('Microsoft.Web/sites')
    .find((resource) => !resource.existing);
  const inNetwork = at(site?.body, 'properties.virtualNetworkSubnetId') !== undefined;
  const privateEndpoints = [...templates.files.values()].some(
    (file) => file.resourcesOfType('Microsoft.Network/privateEndpoints').length > 0,
  );
  const problems: string[] = [];
  for (const exposure of networkExposure(templates)) {
    const label = `${exposure.file}: ${exposure.resource}`;
    if (!exposure.publicNetworkAccess || !exposure.defaultAction) {
      problems.push(`${label} must set publicNetworkAccess and networkAcls.defaultAction`);
      continue;
    }
    const open = exposure.publicNetworkAccess === 'Enabled' && exposure.defaultAction === 'Allow';
    if (!open && !(inNetwork && privateEndpoints)) {
      problems.push(
        `${label} closes its public endpoint, but the app has no virtual network integration and private endpoint: the app would be locked out`,
      );
    }
    if (open) {
      const [type, symbol] = exposure.resource.split(' ');
      const resource = fileOf(templates, exposure.file)
        .resourcesOfType(type ?? '')
        .find((candidate) => candidate.symbol === symbol);
      for (const [path, value] of Object.entries(identityOnly[type ?? ''] ?? {})) {
        if (at(resource?.body, path) !== value)
          problems.push(`${label} is open to every network, so it needs ${path}: ${value}`);
      }
    }
  }
  return problems;
}
