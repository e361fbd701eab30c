import { z } from 'zod';

/** Queue export-batches: a reference to one batch blob, never the members themselves. */
export const BatchMessageSchema = z.strictObject({
  tenantId: z.string(),
  exportId: z.uuid(),
  runId: z.uuid(),
  batch: z.number().int().min(0),
  /** What the batch holds, so a batch whose blob cannot be read can still be counted. */
  kind: z.enum(['subscribe', 'unsubscribe']),
  segment: z.string(),
  size: z.number().int().min(1),
  /** Times this batch was put back after throttling or a transient failure. */
  attempt: z.number().int().min(0).default(0),
});
export type BatchMessage = z.infer<typeof BatchMessageSchema>;

const SubscriberSchema = z.object({
  email: z.string(),
  dataFields: z.record(z.string(), z.unknown()),
});

/** A batch blob: at most 1,000 members and under 4 MB, for one list. */
export const BatchPayloadSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('subscribe'),
    segment: z.string(),
    listId: z.number().int(),
    listCreatedAt: z.number().optional(),
    subscribers: z.array(SubscriberSchema),
    /** Per member: was it new to the list, or re-sent for changed fields (or a full run)? */
    changes: z.array(z.enum(['added', 'updated', 'resent'])),
  }),
  z.object({
    kind: z.literal('unsubscribe'),
    segment: z.string(),
    listId: z.number().int(),
    emails: z.array(z.string()),
  }),
]);
export type BatchPayload = z.infer<typeof BatchPayloadSchema>;

export const maxBatchMembers = 1000;
/** Iterable refuses bodies of 4 MB or more; stay well under with room for the envelope. */
export const maxBatchBytes = 3.5 * 1024 * 1024;
