/* eslint-disable @typescript-eslint/require-await -- an in-memory fake answers at once, behind the same async methods as the client it stands in for */
import type { QueueClient } from '@azure/storage-queue';

/** A message as sent: its text (base64 JSON, as the Functions host reads it) and its delay. */
export interface SentMessage {
  text: string;
  visibilityTimeout: number | undefined;
}

/**
 * A storage queue in memory that keeps what was sent, in order, with each message's delay. The
 * app only sends; a test takes the messages and hands them to the worker the host would call.
 */
export class MemoryQueue {
  readonly sent: SentMessage[] = [];

  constructor(readonly name: string) {}

  asQueueClient(): QueueClient {
    return this as unknown as QueueClient;
  }

  async sendMessage(text: string, options: { visibilityTimeout?: number } = {}) {
    this.sent.push({ text, visibilityTimeout: options.visibilityTimeout });
    return { messageId: String(this.sent.length) };
  }

  async getProperties() {
    return { approximateMessagesCount: this.sent.length };
  }

  /** The messages sent so far, decoded, with their delays; the queue is left empty. */
  take(): { body: unknown; visibilityTimeout: number | undefined }[] {
    return this.sent.splice(0).map((message) => ({
      body: JSON.parse(Buffer.from(message.text, 'base64').toString('utf8')) as unknown,
      visibilityTimeout: message.visibilityTimeout,
    }));
  }
}
