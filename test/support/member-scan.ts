import { gunzipSync } from 'node:zlib';
import { TableClient, TableServiceClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { segmentsContainerName } from '../../shared/storage-layout';

/**
 * Where in the app's storage `needle` (a member's address, or a domain all of a test's members
 * share) still appears: every table entity, every visible queue message (decoded) and every blob
 * of the app's own containers, state blobs decompressed. The platform's snapshots (the segments
 * container) are the platform's, not the app's, and are left out.
 */
export async function placesHolding(connectionString: string, needle: string): Promise<string[]> {
  const options = { allowInsecureConnection: true };
  const found: string[] = [];
  const tables = TableServiceClient.fromConnectionString(connectionString, options);
  for await (const table of tables.listTables()) {
    const name = table.name ?? '';
    const client = TableClient.fromConnectionString(connectionString, name, options);
    for await (const entity of client.listEntities()) {
      if (JSON.stringify(entity).includes(needle)) found.push(`table ${name} ${entity.rowKey}`);
    }
  }
  const queues = QueueServiceClient.fromConnectionString(connectionString);
  for await (const queue of queues.listQueues()) {
    const client = queues.getQueueClient(queue.name);
    const { peekedMessageItems } = await client.peekMessages({ numberOfMessages: 32 });
    for (const message of peekedMessageItems) {
      const decoded = Buffer.from(message.messageText, 'base64').toString('utf8');
      if (`${message.messageText}\n${decoded}`.includes(needle)) found.push(`queue ${queue.name}`);
    }
  }
  const blobs = BlobServiceClient.fromConnectionString(connectionString);
  for await (const container of blobs.listContainers()) {
    if (container.name === segmentsContainerName) continue;
    const client = blobs.getContainerClient(container.name);
    for await (const blob of client.listBlobsFlat()) {
      let content = await client.getBlobClient(blob.name).downloadToBuffer();
      if (blob.name.endsWith('.gz')) content = gunzipSync(content);
      if (content.toString('utf8').includes(needle))
        found.push(`blob ${container.name}/${blob.name}`);
    }
  }
  return found;
}
