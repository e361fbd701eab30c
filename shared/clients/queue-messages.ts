import type { QueueClient } from '@azure/storage-queue';
import type { VersionedFormat } from '../schema-version';

/** What writes a queue message: a versioned format (schema-version.ts), which stamps its version. */
export type MessageFormat<T> = Pick<VersionedFormat<T>, 'serialize'>;

/**
 * A message as the Functions host reads it: the format's JSON in base64, because host.json sets
 * the queues' messageEncoding to base64 and the host would refuse plain text.
 */
export function queueMessageText<T>(format: MessageFormat<T>, message: T): string {
  return Buffer.from(format.serialize(message)).toString('base64');
}

/**
 * Sends one message. With `delaySeconds` it stays invisible that long (the queue's visibility
 * delay, at most 7 days): a wait that costs no invocation, instead of a sleep in one.
 */
export async function sendQueueMessage<T>(
  queue: QueueClient,
  format: MessageFormat<T>,
  message: T,
  options: { delaySeconds?: number } = {},
): Promise<void> {
  const text = queueMessageText(format, message);
  if (options.delaySeconds === undefined) await queue.sendMessage(text);
  else await queue.sendMessage(text, { visibilityTimeout: options.delaySeconds });
}

/**
 * How long a message put back after a passing failure waits, in whole seconds: `baseSeconds`
 * doubling with each earlier put-back up to `maxSeconds`, times a random half to whole (so many
 * messages put back at once do not all return at once), and never less than the Retry-After the
 * failure asked for.
 */
export function putBackDelaySeconds(
  earlierPutBacks: number,
  schedule: { baseSeconds: number; maxSeconds: number },
  retryAfterMs: number | undefined,
): number {
  const backoff = Math.min(schedule.maxSeconds, schedule.baseSeconds * 2 ** earlierPutBacks);
  return Math.ceil(Math.max(backoff * (0.5 + Math.random() / 2), (retryAfterMs ?? 0) / 1000));
}
