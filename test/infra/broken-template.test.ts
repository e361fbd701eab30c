import { checkAppSettings } from './support/check-settings';
import { checkRedeployable } from './support/check-redeploy';
import { checkRoles } from './support/check-roles';
import { checkNoSecrets } from './support/check-secrets';
import { checkStorageNames } from './support/check-storage';
import { checkModuleParameters } from './support/check-wiring';
import { brokenCopy, type Edit } from './support/infra-folder';
import type { Templates } from './support/templates';

/** Runs checks on a broken copy of infra/ and removes the copy afterwards. */
async function problemsOf(edits: Edit[], check: (templates: Templates) => string[]) {
  const copy = await brokenCopy(edits);
  try {
    return { syntax: copy.templates.syntax, problems: check(copy.templates) };
  } finally {
    copy.remove();
  }
}

describe('a deliberately broken copy of the templates fails the checks', () => {
  it('reports an app setting the code requires when the template drops it', async () => {
    const { syntax, problems } = await problemsOf(
      [{ file: 'app/api.bicep', find: /^\s*KEY_VAULT_URL: keyVaultUri\n/m, replace: '' }],
      checkAppSettings,
    );
    expect(syntax).toEqual([]);
    expect(problems).toContain(
      "shared/settings.ts refuses the template's settings: Setting KEY_VAULT_URL is missing",
    );
  });

  it('reports an AUTH_* setting the template drops', async () => {
    const { problems } = await problemsOf(
      [{ file: 'app/api.bicep', find: /^\s*AUTH_AUDIENCE: authAudience\n/m, replace: '' }],
      checkAppSettings,
    );
    expect(problems).toContain(
      "shared/settings.ts refuses the template's settings: Setting AUTH_AUDIENCE is missing",
    );
  });

  it('reports a setting with a value the code refuses', async () => {
    const { problems } = await problemsOf(
      [
        {
          file: 'app/api.bicep',
          find: 'AUTH_JWKS_URL: authJwksUrl',
          replace: "AUTH_JWKS_URL: 'keys'",
        },
      ],
      checkAppSettings,
    );
    expect(problems).toContain(
      "shared/settings.ts refuses the template's settings: Setting AUTH_JWKS_URL must be an http(s) URL",
    );
  });

  it('reports a connection string where the code expects the identity', async () => {
    const { problems } = await problemsOf(
      [
        {
          file: 'app/api.bicep',
          find: "AzureWebJobsStorage__credential: 'managedidentity'",
          replace: "AzureWebJobsStorage: 'UseDevelopmentStorage=true'",
        },
      ],
      checkAppSettings,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'AzureWebJobsStorage__credential must be managedidentity',
        expect.stringMatching(/^AzureWebJobsStorage is set by the template/) as string,
      ]),
    );
  });

  it('reports a syntax error with its file and line', async () => {
    const { syntax } = await problemsOf(
      [
        {
          file: 'app/rbac.bicep',
          find: "  principalType: 'ServicePrincipal'\n  }\n}",
          replace: "  principalType: 'ServicePrincipal'\n  }\n",
        },
      ],
      () => [],
    );
    expect(syntax.length).toBeGreaterThan(0);
    expect(syntax[0]).toMatch(/^app\/rbac\.bicep:\d+:\d+ /);
  });

  it('reports a stray token in main.bicep', async () => {
    const { syntax } = await problemsOf(
      [{ file: 'main.bicep', find: 'param location string', replace: 'param location string =' }],
      () => [],
    );
    expect(syntax).toEqual([expect.stringMatching(/^main\.bicep:\d+:\d+ /)]);
  });

  it('reports a queue the code uses and the template no longer creates', async () => {
    const { problems } = await problemsOf(
      [{ file: 'app/storage.bicep', find: "  'export-batches-poison'\n", replace: '' }],
      checkStorageNames,
    );
    expect(problems).toEqual(['app/storage.bicep does not create the queue export-batches-poison']);
  });

  it('reports a Key Vault role that cannot write the secrets the code writes', async () => {
    const { problems } = await problemsOf(
      [
        {
          file: 'app/rbac.bicep',
          find: "keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7' // Key Vault Secrets Officer",
          replace:
            "keyVaultSecretsOfficer: '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault Secrets User",
        },
      ],
      (templates) => checkRoles(templates),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'the app cannot Microsoft.KeyVault/vaults/secrets/setSecret/action on the key vault',
      ]),
    );
  });

  it('reports a role id without its name beside it', async () => {
    const { problems } = await problemsOf(
      [{ file: 'app/rbac.bicep', find: "' // Storage Blob Data Reader", replace: "'" }],
      (templates) => checkRoles(templates),
    );
    expect(problems).toContain(
      'app/rbac.bicep: roles.storageBlobDataReader (2a2b9908-6ea1-4ae2-8e65-a410df84e7d1) needs the comment // Storage Blob Data Reader',
    );
  });

  it('reports listKeys() and a key in an output', async () => {
    const { problems } = await problemsOf(
      [
        {
          file: 'app/storage.bicep',
          find: 'output name string = account.name',
          replace:
            'output name string = account.name\noutput STORAGE_KEY string = account.listKeys().keys[0].value',
        },
      ],
      checkNoSecrets,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^app\/storage\.bicep:\d+ calls account\.listKeys\(\)$/) as string,
        'app/storage.bicep: output STORAGE_KEY is named like a secret',
      ]),
    );
  });

  it('reports a role assignment that a second deployment would duplicate', async () => {
    const { problems } = await problemsOf(
      [
        {
          file: 'app/rbac.bicep',
          find: 'name: guid(vault.id, appPrincipalId, roles.keyVaultSecretsOfficer)',
          replace: 'name: guid(vault.id, appPrincipalId, roles.keyVaultSecretsOfficer, utcNow())',
        },
      ],
      checkRedeployable,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^app\/rbac\.bicep:\d+ calls utcNow\(\)/) as string,
      ]),
    );
  });

  it('reports a module parameter main.bicep stops passing', async () => {
    const { problems } = await problemsOf(
      [{ file: 'main.bicep', find: /^\s*authJwksUrl: authJwksUrl\n/m, replace: '' }],
      checkModuleParameters,
    );
    expect(problems).toEqual([
      'main.bicep: module api does not pass authJwksUrl, which app/api.bicep requires',
    ]);
  });
});
