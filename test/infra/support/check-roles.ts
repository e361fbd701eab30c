import { evaluate, iterations, properties, property, type Value } from './bicep-model';
import { azureSdkCalls, functionBindings, type SdkCall } from './code-contract';
import {
  dataPlaneSdks,
  hostNeeds,
  operationPermissions,
  overBroadRoles,
  roleById,
  roleByName,
  roleGrants,
  type Role,
} from './azure-roles';
import {
  fileOf,
  mainFile,
  moduleFor,
  rbacFile,
  runtimeStorageFile,
  segmentsStorageFile,
  traceArgument,
  type Templates,
} from './templates';

/**
 * Do the role assignments in rbac.bicep match what the code does? The code's needs are the Azure
 * SDK operations it calls (found by the type checker) plus what the Functions host needs; the
 * template's grants are its role assignments, resolved to a role, a principal and a resource.
 */

export type Target =
  'runtime storage' | 'segments container' | 'key vault' | 'application insights';

/** Which rbac.bicep parameter names each target, and where main.bicep must take it from. */
const targetParameters: Record<string, { target: Target; source: string }> = {
  storageAccountName: {
    target: 'runtime storage',
    source: `${runtimeStorageFile}: Microsoft.Storage/storageAccounts.name`,
  },
  segmentsContainerName: {
    target: 'segments container',
    source: `${segmentsStorageFile}: Microsoft.Storage/storageAccounts/blobServices/containers.name`,
  },
  keyVaultName: { target: 'key vault', source: 'Microsoft.KeyVault/vaults.name' },
  applicationInsightsName: {
    target: 'application insights',
    source: 'Microsoft.Insights/components.name',
  },
};

/** The app's identity, as rbac.bicep names it, and where main.bicep must take it from. */
const appPrincipal = {
  parameter: 'appPrincipalId',
  source: 'Microsoft.ManagedIdentity/userAssignedIdentities.properties.principalId',
};

export interface Assignment {
  symbol: string;
  roleId: string;
  /** The expression that gives the role id, e.g. `roles.keyVaultSecretsOfficer`. */
  roleExpression: string;
  principal: string;
  /** The scope expression, e.g. `storageAccount`, or undefined for the resource group. */
  scope?: string;
  target?: Target;
  name: string;
  conditional: boolean;
}

/** Every role assignment of rbac.bicep, loops expanded. */
export function roleAssignments(templates: Templates): Assignment[] {
  const rbac = fileOf(templates, rbacFile);
  const resources = rbac.allResources();
  return rbac.resourcesOfType('Microsoft.Authorization/roleAssignments').flatMap((declared) =>
    iterations(declared, { file: rbac, params: {} }).map((scope) => {
      const details = property(declared.body, 'properties');
      const roleArgument = details && property(details, 'roleDefinitionId');
      const roleIdNode = roleArgument?.childForFieldName('arguments')?.namedChildren[1];
      const roleId: Value = roleIdNode ? evaluate(roleIdNode, scope) : '';
      const scopeText = property(declared.body, 'scope')?.text;
      const scopeSymbol = scopeText?.split('::').pop();
      const scoped = resources.find((resource) => resource.symbol === scopeSymbol);
      const nameParameter = scoped && property(scoped.body, 'name')?.text;
      return {
        symbol: declared.symbol,
        roleId: typeof roleId === 'string' ? roleId : `<${roleIdNode?.text ?? '?'}>`,
        roleExpression: roleIdNode?.text ?? '',
        principal: (details && property(details, 'principalId')?.text) ?? '',
        scope: scopeText,
        target: nameParameter ? targetParameters[nameParameter]?.target : undefined,
        name: property(declared.body, 'name')?.text ?? '',
        conditional: declared.condition !== undefined,
      };
    }),
  );
}

export interface Needs {
  permissions: Map<Target, Set<string>>;
  /** Roles the host needs by name, whatever the code does. */
  roles: Map<Target, string[]>;
  /** SDK operations with no known permission: each is a problem. */
  unknown: SdkCall[];
}

/** What the app's identity needs, per target, from the code's SDK calls and the host. */
export function appNeeds(calls: SdkCall[] = azureSdkCalls()): Needs {
  const permissions = new Map<Target, Set<string>>(
    (['runtime storage', 'segments container', 'key vault', 'application insights'] as const).map(
      (target) => [target, new Set<string>()],
    ),
  );
  const add = (target: Target, needed: string[]) =>
    needed.forEach((permission) => permissions.get(target)?.add(permission));
  const unknown: SdkCall[] = [];
  for (const call of calls.filter((candidate) => dataPlaneSdks.includes(candidate.sdk))) {
    const needed = operationPermissions[call.operation];
    if (!needed) {
      unknown.push(call);
      continue;
    }
    add(call.sdk === '@azure/keyvault-secrets' ? 'key vault' : 'runtime storage', needed);
    // Snapshots are read through the same blob clients: the segments container needs the reads.
    if (call.sdk === '@azure/storage-blob') {
      add(
        'segments container',
        needed.filter((permission) => permission.endsWith('/read')),
      );
    }
  }
  if (functionBindings().connections.length > 0) add('runtime storage', hostNeeds.queueTrigger);
  add('application insights', hostNeeds.telemetry);
  const roles = new Map<Target, string[]>([['runtime storage', [hostNeeds.hostStorageRole]]]);
  return { permissions, roles, unknown };
}

export function checkRoles(templates: Templates, needs: Needs = appNeeds()): string[] {
  const assignments = roleAssignments(templates);
  const problems = [
    ...needs.unknown.map(
      (call) => `${call.at} calls ${call.operation}: add the permission it needs to azure-roles.ts`,
    ),
    ...checkRoleNames(templates),
    ...checkAssignmentShape(assignments),
    ...checkWiring(templates),
  ];
  const app = assignments.filter((assignment) => assignment.principal === appPrincipal.parameter);
  for (const [target, needed] of needs.permissions) {
    const held = app
      .filter((assignment) => assignment.target === target)
      .map((assignment) => roleById(assignment.roleId))
      .filter((role): role is Role => role !== undefined);
    problems.push(...checkTarget(target, needed, needs.roles.get(target) ?? [], held));
  }
  return problems;
}

function checkTarget(
  target: Target,
  needed: Set<string>,
  hostRoles: string[],
  held: Role[],
): string[] {
  const problems: string[] = [];
  const covered = (roles: Role[], permission: string) =>
    roles.some((role) => roleGrants(role, permission));
  for (const permission of needed) {
    if (!covered(held, permission)) problems.push(`the app cannot ${permission} on the ${target}`);
  }
  for (const name of hostRoles) {
    if (!held.some((role) => role.name === name)) {
      problems.push(`the Functions host needs ${name} on the ${target}`);
    }
  }
  for (const role of held) {
    if (hostRoles.includes(role.name)) continue;
    const others = held.filter((other) => other !== role);
    const onlyThis = [...needed].filter((permission) => !covered(others, permission));
    if (onlyThis.length === 0) {
      problems.push(`${role.name} on the ${target} grants nothing the app needs`);
      continue;
    }
    const enough = role.narrower
      .map(roleByName)
      .find(
        (narrower) => narrower && onlyThis.every((permission) => roleGrants(narrower, permission)),
      );
    if (enough)
      problems.push(`${role.name} on the ${target} is more than needed: ${enough.name} suffices`);
  }
  if (target === 'segments container') {
    const writes = ['write', 'delete', 'add/action'].map(
      (verb) => `Microsoft.Storage/storageAccounts/blobServices/containers/blobs/${verb}`,
    );
    for (const permission of writes) {
      if (covered(held, permission)) problems.push(`the app may ${permission} on the ${target}`);
    }
  }
  return problems;
}

/** Every role id in rbac.bicep is a known role, with its name written beside it. */
function checkRoleNames(templates: Templates): string[] {
  const rbac = fileOf(templates, rbacFile);
  const problems: string[] = [];
  for (const [variable, node] of rbac.variables) {
    for (const entry of properties(node)) {
      const id = evaluate(entry.value, { file: rbac, params: {} });
      if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) continue;
      const name = roleById(id)?.name ?? overBroadRoles[id.toLowerCase()];
      if (!name) problems.push(`${rbacFile}: ${variable}.${entry.key} is an unknown role id ${id}`);
      else if (entry.trailingComment !== name) {
        problems.push(`${rbacFile}: ${variable}.${entry.key} (${id}) needs the comment // ${name}`);
      }
    }
  }
  return problems;
}

function checkAssignmentShape(assignments: Assignment[]): string[] {
  const problems: string[] = [];
  if (assignments.length === 0) problems.push(`${rbacFile} assigns no roles`);
  for (const assignment of assignments) {
    const label = `${rbacFile}: ${assignment.symbol}`;
    const overBroad = overBroadRoles[assignment.roleId.toLowerCase()];
    if (overBroad) problems.push(`${label} assigns ${overBroad}`);
    else if (!roleById(assignment.roleId))
      problems.push(`${label} assigns an unknown role ${assignment.roleId}`);
    if (!assignment.scope)
      problems.push(`${label} has no scope: it would cover the resource group`);
    else if (!assignment.target)
      problems.push(`${label} is scoped to ${assignment.scope}, which is no known target`);
    if (assignment.principal !== appPrincipal.parameter) {
      const role = roleById(assignment.roleId);
      if (
        assignment.target !== 'segments container' ||
        role?.name !== 'Storage Blob Data Contributor'
      ) {
        problems.push(`${label} gives ${assignment.principal} more than writing segment snapshots`);
      }
      if (!assignment.conditional)
        problems.push(`${label} must apply only when ${assignment.principal} is given`);
    }
  }
  return problems;
}

/** main.bicep hands rbac.bicep the right resources and the app's own identity. */
function checkWiring(templates: Templates): string[] {
  const rbac = moduleFor(templates, rbacFile);
  if (!rbac) return [`${mainFile} does not deploy ${rbacFile}`];
  const expected: Record<string, string> = {
    [appPrincipal.parameter]: appPrincipal.source,
    segmentsStorageAccountName: `${segmentsStorageFile}: Microsoft.Storage/storageAccounts.name`,
    ...Object.fromEntries(
      Object.entries(targetParameters).map(([name, { source }]) => [name, source]),
    ),
  };
  return Object.entries(expected).flatMap(([parameter, source]) => {
    const traced = traceArgument(templates, rbac, parameter);
    const found = source.includes(': ') ? `${traced?.file}: ${traced?.source}` : traced?.source;
    return traced && found === source
      ? []
      : [
          `${mainFile} passes rbac ${parameter} from ${found ?? 'an unknown source'}, not ${source}`,
        ];
  });
}
