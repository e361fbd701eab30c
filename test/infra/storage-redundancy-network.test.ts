import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkNetworkExposure, networkExposure } from './support/check-network';
import { checkRedundancy, decidedRedundancy, redundancyOf } from './support/check-redundancy';
import { brokenCopy, infraDir, repositoryTemplates, type Edit } from './support/infra-folder';
import { runtimeStorageFile, segmentsStorageFile, type Templates } from './support/templates';

/** Runs a check on a broken copy of infra/ and removes the copy afterwards. */
async function problemsOf(edits: Edit[], check: (templates: Templates) => string[]) {
  const copy = await brokenCopy(edits);
  try {
    return { syntax: copy.templates.syntax, problems: check(copy.templates) };
  } finally {
    copy.remove();
  }
}

const standardSkus = ['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS'];

describe('storage redundancy (a main.bicep parameter per account, defaults from infra/README.md)', () => {
  it('passes the checks', async () => {
    expect(checkRedundancy(await repositoryTemplates())).toEqual([]);
  });

  it('makes the runtime account zone-redundant and the segments account locally redundant', async () => {
    const templates = await repositoryTemplates();
    expect(redundancyOf(templates, runtimeStorageFile)).toEqual({
      parameter: 'runtimeStorageSku',
      environment: 'RUNTIME_STORAGE_SKU',
      default: 'Standard_ZRS',
      allowed: standardSkus,
    });
    expect(redundancyOf(templates, segmentsStorageFile)).toEqual({
      parameter: 'segmentsStorageSku',
      environment: 'SEGMENTS_STORAGE_SKU',
      default: 'Standard_LRS',
      allowed: standardSkus,
    });
  });

  it('documents each choice and how to change it in infra/README.md', async () => {
    const readme = readFileSync(path.join(infraDir, 'README.md'), 'utf8');
    for (const file of Object.keys(decidedRedundancy)) {
      const found = redundancyOf(await repositoryTemplates(), file);
      if (typeof found === 'string') throw new Error(found);
      expect(readme).toContain(`azd env set ${found.environment} `);
      expect(readme).toContain(found.default);
    }
  });

  it.each<[string, Edit, string]>([
    [
      'a SKU fixed in the module',
      {
        file: 'app/storage.bicep',
        find: '    name: skuName\n',
        replace: "    name: 'Standard_LRS'\n",
      },
      "app/storage.bicep: the account's sku.name must be a parameter, chosen in main.bicep",
    ],
    [
      'an azd default that differs from the template default',
      {
        file: 'main.parameters.json',
        find: '${RUNTIME_STORAGE_SKU=Standard_ZRS}',
        replace: '${RUNTIME_STORAGE_SKU=Standard_LRS}',
      },
      "main.parameters.json: runtimeStorageSku must read ${NAME=Standard_ZRS}, an environment value with the template's default",
    ],
    [
      'a runtime account that is no longer zone-redundant by default',
      {
        file: 'main.bicep',
        find: "param runtimeStorageSku string = 'Standard_ZRS'",
        replace: "param runtimeStorageSku string = 'Standard_LRS'",
      },
      "main.parameters.json: runtimeStorageSku must read ${NAME=Standard_LRS}, an environment value with the template's default",
    ],
    [
      'a premium SKU, which has no queues or tables',
      {
        file: 'main.bicep',
        find: "@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS'])\nparam segmentsStorageSku",
        replace:
          "@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS', 'Premium_LRS'])\nparam segmentsStorageSku",
      },
      'main.bicep: segmentsStorageSku allows Premium_LRS, which the app cannot use',
    ],
  ])('reports %s', async (_case, edit, problem) => {
    const { syntax, problems } = await problemsOf([edit], checkRedundancy);
    expect(syntax).toEqual([]);
    expect(problems).toEqual([problem]);
  });

  it('reports a default other than the one infra/README.md explains', async () => {
    const { problems } = await problemsOf(
      [
        {
          file: 'main.bicep',
          find: "param segmentsStorageSku string = 'Standard_LRS'",
          replace: "param segmentsStorageSku string = 'Standard_GRS'",
        },
        {
          file: 'main.parameters.json',
          find: '${SEGMENTS_STORAGE_SKU=Standard_LRS}',
          replace: '${SEGMENTS_STORAGE_SKU=Standard_GRS}',
        },
      ],
      checkRedundancy,
    );
    expect(problems).toEqual([
      'main.bicep: segmentsStorageSku defaults to Standard_GRS; infra/README.md explains Standard_LRS',
    ]);
  });
});

describe('network exposure (public endpoints, Entra identities only)', () => {
  it('passes the checks', async () => {
    expect(checkNetworkExposure(await repositoryTemplates())).toEqual([]);
  });

  it('keeps both storage accounts and the vault reachable from every network, as infra/README.md explains', async () => {
    const open = { publicNetworkAccess: 'Enabled', defaultAction: 'Allow' };
    expect(networkExposure(await repositoryTemplates())).toEqual([
      { file: 'app/key-vault.bicep', resource: 'Microsoft.KeyVault/vaults vault', ...open },
      {
        file: 'app/segments-storage.bicep',
        resource: 'Microsoft.Storage/storageAccounts account',
        ...open,
      },
      { file: 'app/storage.bicep', resource: 'Microsoft.Storage/storageAccounts account', ...open },
    ]);
  });

  it.each<[string, Edit, string]>([
    [
      'a vault closed to the app',
      {
        file: 'app/key-vault.bicep',
        find: "      defaultAction: 'Allow'",
        replace: "      defaultAction: 'Deny'",
      },
      'app/key-vault.bicep: Microsoft.KeyVault/vaults vault closes its public endpoint, but the app has no virtual network integration and private endpoint: the app would be locked out',
    ],
    [
      'a storage account with its public endpoint off',
      {
        file: 'app/segments-storage.bicep',
        find: "publicNetworkAccess: 'Enabled'",
        replace: "publicNetworkAccess: 'Disabled'",
      },
      'app/segments-storage.bicep: Microsoft.Storage/storageAccounts account closes its public endpoint, but the app has no virtual network integration and private endpoint: the app would be locked out',
    ],
    [
      'a vault that leaves its network rules to Azure',
      {
        file: 'app/key-vault.bicep',
        find: /\n {4}networkAcls: \{[\s\S]*?\n {4}\}/,
        replace: '',
      },
      'app/key-vault.bicep: Microsoft.KeyVault/vaults vault must set publicNetworkAccess and networkAcls.defaultAction',
    ],
    [
      'an open account that takes shared keys',
      {
        file: 'app/storage.bicep',
        find: 'allowSharedKeyAccess: false',
        replace: 'allowSharedKeyAccess: true',
      },
      'app/storage.bicep: Microsoft.Storage/storageAccounts account is open to every network, so it needs properties.allowSharedKeyAccess: false',
    ],
  ])('reports %s', async (_case, edit, problem) => {
    const { syntax, problems } = await problemsOf([edit], checkNetworkExposure);
    expect(syntax).toEqual([]);
    expect(problems).toEqual([problem]);
  });
});
