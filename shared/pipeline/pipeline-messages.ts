import { z } from 'zod';
import { queueMessageText } from '../clients/queue-messages';
import { versionedFormat } from '../schema-version';
import type { SubscribeChange } from '../state/delta-plan';

/**
 * Queue export-batches: one batch of one run, by reference. The members themselves are in the
 * batch blob, as the JSON array Iterable takes (`subscribers` of lists/subscribe, or the e-mails
 * to unsubscribe), so the worker sends the bytes as they are instead of parsing and re-writing
 * them. Everything else the worker needs to send and count the batch travels here.
 */
export const BatchMessageSchema = z.strictObject({
  tenantId: z.string(),
  exportId: z.uuid(),
  runId: z.uuid(),
  batch: z.number().int().min(0),
  kind: z.enum(['subscribe', 'unsubscribe']),
  segment: z.string(),
  listId: z.number().int(),
  /** When the list was created, for the grace window of a new list (ms since the epoch). */
  listCreatedAt: z.number().optional(),
  /** Members in the batch: counted as failed if the batch can never be sent. */
  size: z.number().int().min(1),
  /** Subscribe only: per member, in order, a = new to the list, u = changed, r = re-sent. */
  changes: z
    .string()
    .regex(/^[aur]*$/)
    .optional(),
  /** W3C trace context of the planner, so the run's telemetry is one trace. */
  traceparent: z.string().max(128).optional(),
  /** Times this batch was put back after throttling or a transient failure. */
  attempt: z.number().int().min(0).default(0),
});
export type BatchMessage = z.infer<typeof BatchMessageSchema>;

/**
 * Queue export-batches (and export-batches-poison), and the messages a held run keeps in its
 * held.jsonl. The batch blob's body is Iterable's own request body, read only through its
 * message: a change to it is a change of this format.
 */
export const batchMessageFormat = versionedFormat({
  name: 'export-batches message',
  schema: BatchMessageSchema,
});

/** A batch message as the Functions host reads it (queue-messages.ts). */
export function batchMessageText(message: BatchMessage): string {
  return queueMessageText(batchMessageFormat, message);
}

export const changeCodes: Record<SubscribeChange, string> = {
  added: 'a',
  updated: 'u',
  resent: 'r',
};

/** The batch blob read back (only when a batch's members must be known one by one). */
export const SubscribersSchema = z.array(z.object({ email: z.string() }).loose());
export const EmailsSchema = z.array(z.string());
