import { z } from 'zod';
import { RunStatusSchema, SkipReasonSchema } from '../runs/run-schemas';
import { SegmentNameSchema } from '../segments/segment-name';

export const RefreshRequestSchema = z
  .strictObject({
    refreshedAt: z.iso
      .datetime({ offset: true })
      .describe(
        'When the platform finished writing the snapshots; names the refresh, so a retry with the same value starts nothing new',
      ),
    segments: z
      .array(SegmentNameSchema)
      .min(1)
      .max(1000)
      .optional()
      .describe('The segments the refresh wrote; only exports using one of them run'),
  })
  .meta({ id: 'RefreshRequest' });
export type RefreshRequest = z.infer<typeof RefreshRequestSchema>;

export const RefreshExportOutcomeSchema = z
  .object({
    exportId: z.uuid(),
    displayName: z.string(),
    outcome: z
      .enum(['started', 'skipped', 'deferred'])
      .describe(
        'deferred: a fair-use limit was reached; nothing was recorded, so the same call again may start it',
      ),
    repeated: z
      .boolean()
      .describe('An earlier call for this refresh already did this; nothing new was started'),
    runId: z.uuid().optional(),
    location: z.string().optional().describe('The run resource (as Operation-Location)'),
    status: RunStatusSchema.optional().describe('The run status now'),
    skipReason: SkipReasonSchema.optional(),
    error: z
      .object({ code: z.string(), message: z.string(), target: z.string().optional() })
      .optional()
      .describe('For deferred: the limit that was reached'),
  })
  .meta({ id: 'RefreshExportOutcome' });
export type RefreshExportOutcome = z.infer<typeof RefreshExportOutcomeSchema>;

export const RefreshResultSchema = z
  .object({
    refreshedAt: z.iso.datetime(),
    value: z.array(RefreshExportOutcomeSchema),
  })
  .meta({ id: 'RefreshResult' });
export type RefreshResult = z.infer<typeof RefreshResultSchema>;
