import { QueueServiceClient } from '@azure/storage-queue';
import { createAzureCredential } from '../../shared/clients/azure-credential';
import { readStorageLocation } from '../../shared/settings';

/**
 * A binding's `connection` names an app-setting prefix (default AzureWebJobsStorage): the setting
 * itself holds a connection string, or `__accountName` / `__queueServiceUri` select an identity
 * connection, exactly as in the real host.
 */
export function queueServiceFor(
  connection: string | undefined,
  env: Record<string, string | undefined>,
): QueueServiceClient {
  const prefix = connection || 'AzureWebJobsStorage';
  const location = readStorageLocation(env, prefix);
  if (!location) throw new Error(`Storage connection "${prefix}" is not configured`);
  if (location.kind === 'connectionString') {
    return QueueServiceClient.fromConnectionString(location.connectionString);
  }
  return new QueueServiceClient(location.queueUrl, createAzureCredential(location.clientId));
}
