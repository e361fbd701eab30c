import { z } from 'zod';
import { changeStampFields } from '../change-stamps';
import { CronSchema, TimeZoneSchema } from '../schedule/cron';
import { SegmentNameSchema } from '../segments/segment-name';

/**
 * Iterable data field names: letters, digits and underscores, starting with a letter. A dot would
 * be read as a nested path by Iterable's segmentation, and `email`/`userId` are the identity
 * fields the export sets itself.
 */
const reservedIterableFields = new Set(['email', 'userid', 'itblinternal']);
export const IterableFieldNameSchema = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_]{0,127}$/,
    'must start with a letter and hold only letters, digits and _',
  )
  .refine((name) => !reservedIterableFields.has(name.toLowerCase()), 'is reserved by Iterable');

const ColumnSchema = z.string().min(1).max(256);

export const ExportScheduleSchema = z
  .discriminatedUnion('mode', [
    z.strictObject({ mode: z.literal('refresh') }),
    z.strictObject({ mode: z.literal('custom'), cron: CronSchema, timeZone: TimeZoneSchema }),
    z.strictObject({ mode: z.literal('off') }),
  ])
  .describe(
    'refresh: with every tenant refresh; custom: its own cron and time zone; off: on demand only',
  );
export type ExportSchedule = z.infer<typeof ExportScheduleSchema>;

export const SyncModeSchema = z
  .enum(['mirror', 'addOnly'])
  .describe('mirror: the list ends equal to the segment; addOnly: never removes');

const percent = z.number().min(0).max(100);
const count = z.number().int().min(0);

/** The export's own removal thresholds; each one left out is the app's setting. */
export const RemovalThresholdsSchema = z
  .strictObject({
    guardPercent: percent
      .optional()
      .describe('Removals taking a list more than this share below its recent size need an Admin'),
    guardMinCount: count
      .optional()
      .describe('Runs removing fewer members than this are never held'),
    missingEmailKeyPercent: percent
      .optional()
      .describe('Rows without the e-mail key or column (%) above which no one is removed'),
    missingEmailJumpPercent: percent
      .optional()
      .describe('Rise in rows without a usable e-mail (percentage points) that holds removals'),
    unreadableLines: count
      .optional()
      .describe('Unreadable lines without a known e-mail a run may meet and still remove'),
  })
  .meta({ id: 'RemovalThresholds' });
export type RemovalThresholds = z.infer<typeof RemovalThresholdsSchema>;

const exportFields = {
  displayName: z.string().trim().min(1, 'must not be empty').max(100),
  connectionId: z.uuid().transform((id) => id.toLowerCase()),
  segments: z
    .array(SegmentNameSchema)
    .min(1, 'must name at least one segment')
    .max(50)
    .refine((names) => new Set(names).size === names.length, 'must not name a segment twice')
    .describe('Each segment becomes an Iterable list with exactly its name'),
  emailField: ColumnSchema.describe('The segment column holding the e-mail address'),
  dataFields: z
    .record(IterableFieldNameSchema, ColumnSchema)
    .refine((fields) => Object.keys(fields).length <= 100, 'must map at most 100 fields')
    .describe('Iterable field name → segment column'),
  syncMode: SyncModeSchema,
  schedule: ExportScheduleSchema,
  enabled: z.boolean().describe('A disabled export does not run on schedule'),
};

export const ExportCreateSchema = z
  .strictObject({
    ...exportFields,
    dataFields: exportFields.dataFields.default({}),
    syncMode: exportFields.syncMode.default('mirror'),
    schedule: exportFields.schedule.default({ mode: 'refresh' }),
    enabled: exportFields.enabled.default(true),
    removalThresholds: RemovalThresholdsSchema.optional(),
  })
  .meta({ id: 'ExportCreate' });
export type ExportCreate = z.infer<typeof ExportCreateSchema>;

export const ExportPatchSchema = z
  .strictObject({
    displayName: exportFields.displayName.optional(),
    connectionId: exportFields.connectionId.optional(),
    segments: exportFields.segments.optional(),
    emailField: exportFields.emailField.optional(),
    dataFields: exportFields.dataFields.optional(),
    syncMode: exportFields.syncMode.optional(),
    schedule: exportFields.schedule.optional(),
    enabled: exportFields.enabled.optional(),
    removalThresholds: RemovalThresholdsSchema.optional(),
  })
  .refine(
    (patch) => Object.values(patch).some((value) => value !== undefined),
    'must change at least one field',
  )
  .meta({ id: 'ExportPatch' });
export type ExportPatch = z.infer<typeof ExportPatchSchema>;

/** An export as it is saved. */
export const SavedExportSchema = z.object({
  id: z.uuid(),
  displayName: z.string(),
  connectionId: z.uuid(),
  segments: z.array(z.string()),
  emailField: z.string(),
  dataFields: z.record(z.string(), z.string()),
  syncMode: SyncModeSchema,
  schedule: ExportScheduleSchema,
  enabled: z.boolean(),
  removalThresholds: RemovalThresholdsSchema.optional(),
  ...changeStampFields(),
});
export type SavedExport = z.infer<typeof SavedExportSchema>;

/** An export as the API shows it: as saved, and when it runs next (computed, never stored). */
export const ExportSchema = SavedExportSchema.extend({
  nextRunAt: z.iso
    .datetime()
    .nullable()
    .describe(
      'The next time its schedule (its own, or the refresh schedule it follows) names, in UTC; the refresh timer starts the run within 5 minutes of it. null when it will not run on a schedule: schedule off, export or connection disabled, no refresh schedule set, or refreshes reported by the platform (it runs on each report then)',
    ),
}).meta({ id: 'Export' });
export type Export = z.infer<typeof ExportSchema>;
