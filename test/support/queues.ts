import { randomUUID } from 'node:crypto';
import { QueueClient } from '@azure/storage-queue';

/** A fresh queue name per test, so tests sharing one Azurite never see each other's messages. */
export function uniqueQueueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`.toLowerCase();
}

function storageConnectionString(): string {
  const connectionString = process.env.AzureWebJobsStorage;
  if (!connectionString)
    throw new Error('AzureWebJobsStorage is not set (jest globalSetup starts Azurite)');
  return connectionString;
}

export function queueClient(name: string): QueueClient {
  return new QueueClient(storageConnectionString(), name);
}

/** The run's storage connection string with queue requests sent through `proxyUrl` (a fault proxy). */
export function queueConnectionVia(proxyUrl: string): string {
  return storageConnectionString().replace(
    /QueueEndpoint=http:\/\/[^/;]+/,
    `QueueEndpoint=${proxyUrl}`,
  );
}

/** The origin (http://host:port) of the run's Azurite queue service. */
export function queueServiceOrigin(): string {
  const match = /QueueEndpoint=(http:\/\/[^/;]+)/.exec(storageConnectionString());
  if (!match?.[1]) throw new Error('AzureWebJobsStorage has no QueueEndpoint');
  return match[1];
}

export function toBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/**
 * Waits until `count` messages have arrived on the queue, removing them as they come, and returns
 * their texts, decoded from base64 (as the host writes them) unless `encoding` is "none". It
 * receives no more than it still needs, so it never removes a message it does not return.
 */
export async function takeMessages(
  queue: QueueClient,
  count: number,
  {
    timeoutMs = 20_000,
    encoding = 'base64',
  }: { timeoutMs?: number; encoding?: 'base64' | 'none' } = {},
): Promise<string[]> {
  const texts: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (texts.length < count) {
    if (Date.now() > deadline) {
      throw new Error(`Only ${texts.length} of ${count} messages arrived on ${queue.name}`);
    }
    const exists = await queue.exists();
    const wanted = Math.min(32, count - texts.length);
    const received = exists
      ? (await queue.receiveMessages({ numberOfMessages: wanted, visibilityTimeout: 60 }))
          .receivedMessageItems
      : [];
    for (const message of received) {
      const text = message.messageText;
      texts.push(encoding === 'base64' ? Buffer.from(text, 'base64').toString('utf8') : text);
      await queue.deleteMessage(message.messageId, message.popReceipt);
    }
    if (received.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return texts;
}

/** Messages currently visible on the queue, without taking them. */
export async function peekAll(queue: QueueClient): Promise<string[]> {
  if (!(await queue.exists())) return [];
  const { peekedMessageItems } = await queue.peekMessages({ numberOfMessages: 32 });
  return peekedMessageItems.map((message) => message.messageText);
}
