import { storageNamesInCode } from './support/code-contract';
import { checkStorageNames, checkStorageSecurity, createdNames } from './support/check-storage';
import { repositoryTemplates } from './support/infra-folder';
import { fileOf, runtimeStorageFile } from './support/templates';

describe('storage contract (infra/app/*storage.bicep against shared/storage-layout.ts)', () => {
  it('creates every queue, table and container the code names, in the right account', async () => {
    expect(checkStorageNames(await repositoryTemplates())).toEqual([]);
  });

  it('knows the names from the code, poison queues included', () => {
    const names = storageNamesInCode();
    expect(names.queues).toEqual([
      'export-batches',
      'export-batches-express',
      'export-batches-express-poison',
      'export-batches-poison',
      'export-runs',
      'export-runs-on-demand',
      'export-runs-on-demand-poison',
      'export-runs-poison',
      'refresh-sweep-shards',
      'refresh-sweep-shards-poison',
      'segment-event-checks',
      'segment-event-checks-poison',
      'webhook-deliveries',
      'webhook-deliveries-poison',
      'webhook-events',
      'webhook-events-poison',
    ]);
    expect(names.tables.length).toBeGreaterThan(0);
    expect(names.segmentsContainer).toBe('segments');
  });

  it('reads created names from the resources, expanding loops', async () => {
    const runtime = fileOf(await repositoryTemplates(), runtimeStorageFile);
    expect(createdNames(runtime, 'Microsoft.Storage/storageAccounts/queueServices/queues')).toEqual(
      storageNamesInCode().queues,
    );
  });

  it('turns shared-key access off and requires TLS 1.2 on every account', async () => {
    expect(checkStorageSecurity(await repositoryTemplates())).toEqual([]);
  });
});
