import { z } from 'zod';
import { RunCountsSchema, RunStatusSchema } from '../shared/runs/run-schemas';

/**
 * What the smoke run reads of the app's answers. Loose objects: a field added by a later release
 * must not fail a smoke run; a field it relies on that is missing or of another type does.
 */

const DependencySchema = z.looseObject({
  status: z.enum(['healthy', 'unhealthy']),
  reason: z.string().optional(),
});

export const HealthSchema = z.looseObject({
  status: z.enum(['healthy', 'unhealthy']),
  version: z.string(),
  checks: z.record(z.string(), DependencySchema),
});
export type Health = z.infer<typeof HealthSchema>;

/** A 503 from health: the report and an error naming the failing dependencies. */
export const UnhealthySchema = HealthSchema.extend({
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
    details: z.array(z.looseObject({ target: z.string(), message: z.string() })).optional(),
  }),
});

export const OpenApiSchema = z.looseObject({
  openapi: z.string().regex(/^3\.1\.\d+$/, 'must be an OpenAPI 3.1 version'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z
    .record(z.string(), z.unknown())
    .refine((paths) => Object.keys(paths).length > 0, 'must list at least one path'),
});

export const SegmentSchema = z.looseObject({
  name: z.string(),
  format: z.string(),
  columns: z.array(z.string()),
  problem: z.looseObject({ code: z.string(), message: z.string() }).optional(),
});
export type Segment = z.infer<typeof SegmentSchema>;

export const ExportSchema = z.looseObject({
  id: z.string(),
  displayName: z.string(),
  segments: z.array(z.string()),
});
export type Export = z.infer<typeof ExportSchema>;

export const ExportListSchema = z.looseObject({ value: z.array(ExportSchema) });

export const RunSchema = z.looseObject({
  id: z.string(),
  dryRun: z.boolean(),
  status: RunStatusSchema,
  counts: RunCountsSchema,
  segments: z.array(z.looseObject({ name: z.string(), counts: RunCountsSchema })),
  error: z.looseObject({ code: z.string(), message: z.string() }).optional(),
  confirmation: z.looseObject({ message: z.string() }).optional(),
});
export type Run = z.infer<typeof RunSchema>;
