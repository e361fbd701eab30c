import type { ContainerClient } from '@azure/storage-blob';
import { azuriteConnectionString, azuritePortsSetting } from '../local/azurite';
import { createBlobServiceClient } from '../shared/clients/storage';
import { readStorageLocation, type StorageLocation } from '../shared/settings';
import { segmentsContainerName } from '../shared/storage-layout';

/** The segments container the app reads, and words for where it is (never a key). */
export interface SegmentStorage {
  container: ContainerClient;
  /** e.g. `SEGMENTS_STORAGE (https://stseg….blob.core.windows.net/)`. */
  where: string;
}

/**
 * Where the app reads snapshots from, found as the app finds it (settings.ts): SEGMENTS_STORAGE,
 * else AzureWebJobsStorage, each a connection string or `__accountName` / `__blobServiceUri` for
 * an Entra ID sign-in (az login). With neither, the Azurite `npm start` runs, on AZURITE_PORTS or
 * its standard ports.
 */
export function segmentStorage(env: Record<string, string | undefined>): SegmentStorage {
  const configured = (['SEGMENTS_STORAGE', 'AzureWebJobsStorage'] as const)
    .map((setting) => ({ setting, location: readStorageLocation(env, setting) }))
    .find(({ location }) => location !== undefined);
  const { setting, location } = configured ?? {
    setting: 'local Azurite of npm start',
    location: localAzurite(env),
  };
  const service = createBlobServiceClient(location!, {
    // A storage that does not answer is named within seconds, not after a minute of retries.
    retryOptions: { maxTries: 3, retryDelayInMs: 500, maxRetryDelayInMs: 2000 },
  });
  // A SAS connection string puts its token in the URL's query: only the account is shown.
  const url = new URL(service.url);
  url.search = '';
  return {
    container: service.getContainerClient(segmentsContainerName),
    where: `${setting} (${url.href})`,
  };
}

function localAzurite(env: Record<string, string | undefined>): StorageLocation {
  const ports = azuritePortsSetting(env);
  if (ports.blob === 0) {
    throw new Error(
      'AZURITE_PORTS asks for any free port, so the Azurite of npm start cannot be found: set AzureWebJobsStorage to the connection string npm start printed',
    );
  }
  return { kind: 'connectionString', connectionString: azuriteConnectionString(ports) };
}
