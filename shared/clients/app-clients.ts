import type { TableClient, TableServiceClient } from '@azure/data-tables';
import type { SecretClient } from '@azure/keyvault-secrets';
import type { BlobServiceClient } from '@azure/storage-blob';
import type { QueueServiceClient } from '@azure/storage-queue';
import { getSettings, type Settings } from '../settings';
import { createSecretClient } from './key-vault';
import {
  createBlobServiceClient,
  createQueueServiceClient,
  createTableClient,
  createTableServiceClient,
} from './storage';

/** The SDK clients the services use, built once per process from the settings and passed in. */
export interface AppClients {
  settings: Settings;
  tables: TableServiceClient;
  table: (name: string) => TableClient;
  queues: QueueServiceClient;
  blobs: BlobServiceClient;
  segmentBlobs: BlobServiceClient;
  secrets: SecretClient;
}

export function createAppClients(settings: Settings): AppClients {
  return {
    settings,
    tables: createTableServiceClient(settings.storage),
    table: (name) => createTableClient(settings.storage, name),
    queues: createQueueServiceClient(settings.storage),
    blobs: createBlobServiceClient(settings.storage),
    segmentBlobs: createBlobServiceClient(settings.segmentsStorage),
    secrets: createSecretClient(settings.keyVaultUrl, clientIdOf(settings)),
  };
}

function clientIdOf(settings: Settings): string | undefined {
  return settings.storage.kind === 'identity' ? settings.storage.clientId : undefined;
}

let clients: AppClients | undefined;

export function getAppClients(): AppClients {
  clients ??= createAppClients(getSettings());
  return clients;
}
