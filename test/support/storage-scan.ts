import { gunzipSync } from 'node:zlib';
import { TableClient, TableServiceClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { segmentsContainerName } from '../../shared/storage-layout';

/**
 * Everything in the run's Azurite, as text with where it came from: every table entity, every
 * visible queue message (raw and base64-decoded), every blob (`.gz` ones decompressed) but those
 * of `skipContainers`. For proving a secret, or a member, is nowhere.
 */
export async function dumpStorage(
  connectionString: string,
  { skipContainers = [] }: { skipContainers?: string[] } = {},
): Promise<{ where: string; text: string }[]> {
  const options = { allowInsecureConnection: true };
  const found: { where: string; text: string }[] = [];
  const tables = TableServiceClient.fromConnectionString(connectionString, options);
  for await (const table of tables.listTables()) {
    const name = table.name ?? '';
    const client = TableClient.fromConnectionString(connectionString, name, options);
    for await (const entity of client.listEntities()) {
      found.push({ where: `table ${name}`, text: JSON.stringify(entity) });
    }
  }
  const queues = QueueServiceClient.fromConnectionString(connectionString);
  for await (const queue of queues.listQueues()) {
    const client = queues.getQueueClient(queue.name);
    const { peekedMessageItems } = await client.peekMessages({ numberOfMessages: 32 });
    for (const message of peekedMessageItems) {
      const decoded = Buffer.from(message.messageText, 'base64').toString('utf8');
      found.push({ where: `queue ${queue.name}`, text: `${message.messageText}\n${decoded}` });
    }
  }
  const blobs = BlobServiceClient.fromConnectionString(connectionString);
  for await (const container of blobs.listContainers()) {
    if (skipContainers.includes(container.name)) continue;
    const client = blobs.getContainerClient(container.name);
    for await (const blob of client.listBlobsFlat()) {
      let content = await client.getBlobClient(blob.name).downloadToBuffer();
      if (blob.name.endsWith('.gz')) content = gunzipSync(content);
      found.push({ where: `blob ${container.name}/${blob.name}`, text: content.toString('utf8') });
    }
  }
  return found;
}

/**
 * Where in the app's storage `needle` (a member's address, or a domain all of a test's members
 * share) still appears. The platform's snapshots (the segments container) are the platform's,
 * not the app's, and are left out.
 */
export async function placesHolding(connectionString: string, needle: string): Promise<string[]> {
  const stored = await dumpStorage(connectionString, { skipContainers: [segmentsContainerName] });
  return stored.filter(({ text }) => text.includes(needle)).map(({ where }) => where);
}
