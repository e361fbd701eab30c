import { z } from 'zod';
import { queueMessageText } from '../clients/queue-messages';
import { versionedFormat } from '../schema-version';

export const RunStatusSchema = z.enum([
  'queued',
  'planning',
  'awaitingConfirmation',
  'running',
  'succeeded',
  'partiallySucceeded',
  'failed',
  'cancelled',
  'skipped',
]);
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** A run in one of these holds its export: no second run may start until it ends. */
export const activeStatuses: ReadonlySet<RunStatus> = new Set([
  'queued',
  'planning',
  'awaitingConfirmation',
  'running',
]);

export const RunCountsSchema = z.object({
  total: z.number().int().describe('Valid unique members of the segment'),
  added: z.number().int().describe('New to the list'),
  updated: z.number().int().describe('Re-sent for changed data fields'),
  removed: z.number().int(),
  unchanged: z.number().int(),
  rejected: z
    .number()
    .int()
    .describe('Rows refused while reading the snapshot, and members Iterable refused'),
  failed: z.number().int().describe('Members not sent because a batch failed; retried next run'),
  // Runs recorded before duplicates were counted read as none.
  duplicates: z
    .number()
    .int()
    .default(0)
    .describe('Rows dropped because their e-mail came earlier in the segment (the first counts)'),
});
export type RunCounts = z.infer<typeof RunCountsSchema>;

export const emptyCounts = (): RunCounts => ({
  total: 0,
  added: 0,
  updated: 0,
  removed: 0,
  unchanged: 0,
  rejected: 0,
  failed: 0,
  duplicates: 0,
});

/** Why a due schedule slot was recorded as `skipped` instead of running. */
export const SkipReasonSchema = z.object({
  code: z.enum([
    'RunActive',
    'ConnectionNotFound',
    'ConnectionDisabled',
    'ExportDisabled',
    'SnapshotsUnchanged',
  ]),
  message: z.string(),
});
export type SkipReason = z.infer<typeof SkipReasonSchema>;

/** What the mass-removal guard found: the lists a run would shrink by more than allowed. */
export const ConfirmationSchema = z.object({
  message: z.string(),
  /** The guard's setting: removals above this share of a list need confirming. */
  thresholdPercent: z.number(),
  segments: z.array(
    z.object({
      name: z.string(),
      /** Members the export last confirmed in the list. */
      listSize: z.number().int(),
      removing: z.number().int(),
      recentLargestSize: z
        .number()
        .int()
        .optional()
        .describe('The largest confirmed size in the guard window, when above listSize'),
      /** How far below its recent largest size (or its size) the list would end, in percent. */
      percent: z.number(),
    }),
  ),
});

/** Why a run removed no one from a list although members seemed to have left it. */
export const RunWarningSchema = z.object({
  code: z.enum(['emailKeyMissing', 'missingEmailJump', 'unreadableLines']),
  segment: z.string(),
  message: z.string(),
  lines: z.array(z.number().int()).describe('The first lines (CSV rows) that show it'),
});
export type RunWarning = z.infer<typeof RunWarningSchema>;
export type Confirmation = z.infer<typeof ConfirmationSchema>;

export const RunSchema = z
  .object({
    id: z.uuid(),
    exportId: z.uuid(),
    trigger: z.enum(['manual', 'schedule', 'refresh']),
    slot: z.iso
      .datetime()
      .optional()
      .describe("For scheduled runs: the scheduled time; for refresh runs: the refresh's time"),
    requestedBy: z.string().optional(),
    mode: z.enum(['delta', 'full']),
    dryRun: z.boolean(),
    status: RunStatusSchema,
    counts: RunCountsSchema,
    percentComplete: z.number().min(0).max(100),
    segments: z.array(
      z.object({
        name: z.string(),
        listId: z.number().int().optional(),
        sentInFull: z
          .boolean()
          .optional()
          .describe('The list was new to this export (created, recreated or adopted): all sent'),
        snapshotEtag: z
          .string()
          .optional()
          .describe('The snapshot version planned; planning again reads exactly this one'),
        counts: RunCountsSchema,
      }),
    ),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().optional(),
    finishedAt: z.iso.datetime().optional(),
    batchCount: z
      .number()
      .int()
      .optional()
      .describe('Batches planned (set when the run starts sending)'),
    estimatedFinishAt: z.iso
      .datetime()
      .optional()
      .describe('While running: when the run should end at the pace of its batches so far'),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    confirmation: ConfirmationSchema.optional().describe(
      'Why the run waits (awaitingConfirmation) for an Admin to confirm or cancel it',
    ),
    warnings: z
      .array(RunWarningSchema)
      .optional()
      .describe('Removals held because a snapshot looked damaged; the run partly succeeded'),
    skipReason: SkipReasonSchema.optional().describe('For a skipped slot: why it did not run'),
  })
  .meta({ id: 'Run' });
export type Run = z.infer<typeof RunSchema>;

export const RunRequestSchema = z
  .strictObject({
    mode: z.enum(['delta', 'full']).default('delta').describe('delta sends only what changed'),
    dryRun: z.boolean().default(false).describe('Plan and count, send nothing'),
  })
  .meta({ id: 'RunRequest' });
export type RunRequest = z.infer<typeof RunRequestSchema>;

/**
 * What the planner receives on queue export-runs (or export-runs-on-demand): references only,
 * never profile data or keys.
 */
export const RunMessageSchema = z.strictObject({
  tenantId: z.string(),
  exportId: z.uuid(),
  runId: z.uuid(),
  /**
   * A new run is planned; `release` sends the held batches of a confirmed run; `step` plans the
   * next part of a plan too large for memory (its `step`; step 0 is the plan's first invocation,
   * sent again because its planner died); `watch` checks that the planner of that step is alive,
   * and sends the step again if it died.
   */
  action: z.enum(['release', 'step', 'watch']).optional(),
  step: z.number().int().min(0).optional(),
  /** Times planning was put back after Iterable or storage failed for a while. */
  attempt: z.number().int().min(0).optional(),
  /** W3C trace context of the request, so the run's telemetry is one trace. */
  traceparent: z.string().max(128).optional(),
});
export type RunMessage = z.infer<typeof RunMessageSchema>;

/** Queues export-runs and export-runs-on-demand (and their poison queues). */
export const runMessageFormat = versionedFormat({
  name: 'export-runs message',
  schema: RunMessageSchema,
});

/** A run message as the Functions host reads it (queue-messages.ts). */
export function runMessageText(message: RunMessage): string {
  return queueMessageText(runMessageFormat, message);
}
