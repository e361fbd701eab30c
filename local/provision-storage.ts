import type { BlobServiceClient } from '@azure/storage-blob';
import type { TableServiceClient } from '@azure/data-tables';
import type { QueueServiceClient } from '@azure/storage-queue';
import {
  containerNames,
  poisonQueueName,
  queueNames,
  segmentsContainerName,
  tableNames,
} from '../shared/storage-layout';

/**
 * Creates in a local storage account what the infrastructure templates create in Azure: the
 * queues (with their poison queues), tables and containers. Safe to run again.
 */
export async function provisionStorage(clients: {
  queues: QueueServiceClient;
  tables: TableServiceClient;
  blobs: BlobServiceClient;
  segmentBlobs: BlobServiceClient;
}): Promise<void> {
  const queues = Object.values(queueNames).flatMap((name) => [name, poisonQueueName(name)]);
  await Promise.all([
    ...queues.map((name) => clients.queues.getQueueClient(name).createIfNotExists()),
    ...Object.values(tableNames).map((name) => createTable(clients.tables, name)),
    ...Object.values(containerNames).map((name) =>
      clients.blobs.getContainerClient(name).createIfNotExists(),
    ),
    clients.segmentBlobs.getContainerClient(segmentsContainerName).createIfNotExists(),
  ]);
}

async function createTable(tables: TableServiceClient, name: string): Promise<void> {
  // createTable succeeds when the table already exists (the SDK treats 409 as done).
  await tables.createTable(name);
}
