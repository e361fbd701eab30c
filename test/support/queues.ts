import { randomUUID } from 'node:crypto';
import { QueueClient } from '@azure/storage-queue';

/** A fresh queue name per test, so tests sharing one Azurite never see each other's messages. */
export function uniqueQueueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`.toLowerCase();
}

export function queueClient(name: string): QueueClient {
  const connectionString = process.env.AzureWebJobsStorage;
  if (!connectionString)
    throw new Error('AzureWebJobsStorage is not set (jest globalSetup starts Azurite)');
  return new QueueClient(connectionString, name);
}

export function toBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/**
 * Waits until `count` messages have arrived on the queue, removing them as they come, and returns
 * their texts, decoded from base64 (as the host writes them) unless `encoding` is "none".
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
    const received = exists
      ? (await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 60 }))
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
