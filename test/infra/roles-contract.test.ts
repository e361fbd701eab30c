import { roleByName, roleGrants } from './support/azure-roles';
import { appNeeds, checkRoles, roleAssignments, type Needs } from './support/check-roles';
import { azureSdkCalls } from './support/code-contract';
import { repositoryTemplates } from './support/infra-folder';

const setSecret = 'Microsoft.KeyVault/vaults/secrets/setSecret/action';
const getSecret = 'Microsoft.KeyVault/vaults/secrets/getSecret/action';

/** The code's needs with the Key Vault ones replaced. */
function withKeyVaultNeeds(needs: Needs, permissions: string[]): Needs {
  const changed = new Map(needs.permissions);
  changed.set('key vault', new Set(permissions));
  return { ...needs, permissions: changed };
}

describe('role contract (infra/app/rbac.bicep against what the code calls)', () => {
  const needs = appNeeds(azureSdkCalls());

  it('grants the app exactly the roles its code and the Functions host need', async () => {
    expect(checkRoles(await repositoryTemplates(), needs)).toEqual([]);
  });

  it('finds the Key Vault operations the code calls with the type checker', () => {
    expect([...(needs.permissions.get('key vault') ?? [])]).toEqual(
      expect.arrayContaining([setSecret, getSecret]),
    );
    expect(needs.unknown).toEqual([]);
  });

  it('gives the app Key Vault Secrets Officer: Secrets User cannot write the API keys', async () => {
    const assignments = roleAssignments(await repositoryTemplates());
    const held = assignments.filter((assignment) => assignment.target === 'key vault');
    expect(held.map((assignment) => assignment.roleId)).toEqual([
      roleByName('Key Vault Secrets Officer')?.id,
    ]);
    const user = roleByName('Key Vault Secrets User');
    expect(user && roleGrants(user, setSecret)).toBe(false);
  });

  it('reports a role broader than the code needs', async () => {
    const readOnly = withKeyVaultNeeds(needs, [getSecret]);
    expect(checkRoles(await repositoryTemplates(), readOnly)).toContain(
      'Key Vault Secrets Officer on the key vault is more than needed: Key Vault Secrets User suffices',
    );
  });

  it('reports a need that no assigned role covers', async () => {
    const keys = withKeyVaultNeeds(needs, ['Microsoft.KeyVault/vaults/keys/sign/action']);
    expect(checkRoles(await repositoryTemplates(), keys)).toContain(
      'the app cannot Microsoft.KeyVault/vaults/keys/sign/action on the key vault',
    );
  });

  it('reports an SDK operation whose permission is not written down', async () => {
    const unknown = {
      ...needs,
      unknown: [
        {
          sdk: '@azure/keyvault-secrets',
          operation: 'SecretClient.backupSecret',
          at: 'shared/x.ts:1',
        },
      ],
    };
    expect(checkRoles(await repositoryTemplates(), unknown)).toContain(
      'shared/x.ts:1 calls SecretClient.backupSecret: add the permission it needs to azure-roles.ts',
    );
  });

  it('reads only, on the segments container', async () => {
    const onSegments = roleAssignments(await repositoryTemplates()).filter(
      (assignment) =>
        assignment.target === 'segments container' && assignment.principal === 'appPrincipalId',
    );
    expect(onSegments.map((assignment) => assignment.roleId)).toEqual([
      roleByName('Storage Blob Data Reader')?.id,
    ]);
  });
});
