import type { BlobServiceClient } from '@azure/storage-blob';
import type { QueueServiceClient } from '@azure/storage-queue';
import { createBlobServiceClient, createQueueServiceClient } from '../../shared/clients/storage';
import { readStorageLocation, type StorageLocation } from '../../shared/settings';

/**
 * A binding's `connection` names an app-setting prefix (default AzureWebJobsStorage): the setting
 * itself holds a connection string, or `__accountName` / `__queueServiceUri` select an identity
 * connection, exactly as in the real host.
 */
export function queueServiceFor(
  connection: string | undefined,
  env: Record<string, string | undefined>,
): QueueServiceClient {
  return createQueueServiceClient(storageLocation(connection, env));
}

/** The blob service of a connection: the host keeps its locks there (azure-webjobs-hosts). */
export function blobServiceFor(
  connection: string | undefined,
  env: Record<string, string | undefined>,
): BlobServiceClient {
  return createBlobServiceClient(storageLocation(connection, env));
}

function storageLocation(
  connection: string | undefined,
  env: Record<string, string | undefined>,
): StorageLocation {
  const prefix = connection || 'AzureWebJobsStorage';
  const location = readStorageLocation(env, prefix);
  if (!location) throw new Error(`Storage connection "${prefix}" is not configured`);
  return location;
}
