import { TableClient, TableServiceClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';

/**
 * Everything in the run's Azurite, as text with where it came from: every table entity, every
 * visible queue message (raw and base64-decoded), every blob. For proving a secret is nowhere.
 */
export async function dumpStorage(
  connectionString: string,
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
    const client = blobs.getContainerClient(container.name);
    for await (const blob of client.listBlobsFlat()) {
      const content = await client.getBlobClient(blob.name).downloadToBuffer();
      found.push({ where: `blob ${container.name}/${blob.name}`, text: content.toString('utf8') });
    }
  }
  return found;
}
