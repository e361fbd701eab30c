import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { startAzurite } from '../../local/azurite';

describe('startAzurite', () => {
  it('with a data folder, finds its blobs and queue messages again after a restart', async () => {
    const location = mkdtempSync(path.join(os.tmpdir(), 'azurite-data-'));
    let azurite = await startAzurite({ blob: 0, queue: 0, table: 0 }, '127.0.0.1', { location });
    try {
      const queue = new QueueClient(azurite.connectionString, 'kept-messages');
      await queue.create();
      await queue.sendMessage('kept');
      const container = BlobServiceClient.fromConnectionString(
        azurite.connectionString,
      ).getContainerClient('kept-blobs');
      await container.create();
      await container.getBlockBlobClient('kept.txt').upload('kept', 4);
      await azurite.stop();

      azurite = await startAzurite(azurite.ports, '127.0.0.1', { location });
      const { peekedMessageItems } = await new QueueClient(
        azurite.connectionString,
        'kept-messages',
      ).peekMessages();
      expect(peekedMessageItems.map((message) => message.messageText)).toEqual(['kept']);
      const blob = BlobServiceClient.fromConnectionString(azurite.connectionString)
        .getContainerClient('kept-blobs')
        .getBlockBlobClient('kept.txt');
      expect((await blob.downloadToBuffer()).toString()).toBe('kept');
    } finally {
      await azurite.stop();
      rmSync(location, { recursive: true, force: true });
    }
  });

  it('without one, keeps its data on disk in a folder of its own and removes it when it stops', async () => {
    const azurite = await startAzurite({ blob: 0, queue: 0, table: 0 });
    try {
      const queue = new QueueClient(azurite.connectionString, 'on-disk');
      await queue.create();
      await queue.sendMessage('on disk');
      expect(azurite.dataFolder.startsWith(os.tmpdir())).toBe(true);
      expect(readdirSync(azurite.dataFolder).length).toBeGreaterThan(0);
    } finally {
      await azurite.stop();
    }
    expect(existsSync(azurite.dataFolder)).toBe(false);
  });
});
