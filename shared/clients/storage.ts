import { TableClient, TableServiceClient } from '@azure/data-tables';
import { BlobServiceClient, type StoragePipelineOptions } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import type { StorageLocation } from '../settings';
import { createAzureCredential } from './azure-credential';

/**
 * Storage clients for a connection string (Azurite, or an account key where identity is not
 * possible) or for service URLs reached with managed identity (Azure).
 */

export function createBlobServiceClient(
  location: StorageLocation,
  options?: StoragePipelineOptions,
): BlobServiceClient {
  return location.kind === 'connectionString'
    ? BlobServiceClient.fromConnectionString(location.connectionString, options)
    : new BlobServiceClient(location.blobUrl, createAzureCredential(location.clientId), options);
}

export function createQueueServiceClient(location: StorageLocation): QueueServiceClient {
  return location.kind === 'connectionString'
    ? QueueServiceClient.fromConnectionString(location.connectionString)
    : new QueueServiceClient(location.queueUrl, createAzureCredential(location.clientId));
}

// The tables SDK refuses plain http (Azurite) unless told it is allowed.
const insecure = /(^|;)\s*(UseDevelopmentStorage=true|DefaultEndpointsProtocol=http)\s*(;|$)/i;

export function createTableServiceClient(location: StorageLocation): TableServiceClient {
  if (location.kind === 'identity') {
    return new TableServiceClient(location.tableUrl, createAzureCredential(location.clientId));
  }
  return TableServiceClient.fromConnectionString(location.connectionString, {
    allowInsecureConnection: insecure.test(location.connectionString),
  });
}

export function createTableClient(location: StorageLocation, tableName: string): TableClient {
  if (location.kind === 'identity') {
    return new TableClient(location.tableUrl, tableName, createAzureCredential(location.clientId));
  }
  return TableClient.fromConnectionString(location.connectionString, tableName, {
    allowInsecureConnection: insecure.test(location.connectionString),
  });
}
