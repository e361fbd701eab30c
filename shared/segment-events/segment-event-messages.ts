import { z } from 'zod';
import { versionedFormat } from '../schema-version';

/**
 * Queue segment-event-checks: "look at the tenant's segment events once the quiet window after
 * `receivedAt` has passed". Each event sends one, delayed by the window; the one for the
 * tenant's latest event is the one that starts the refresh.
 */
export const SegmentEventCheckSchema = z.strictObject({
  tenantId: z.string().min(1),
  receivedAt: z.iso.datetime(),
});
export type SegmentEventCheck = z.infer<typeof SegmentEventCheckSchema>;

export const segmentEventCheckFormat = versionedFormat({
  name: 'segment-event-checks message',
  schema: SegmentEventCheckSchema,
});
