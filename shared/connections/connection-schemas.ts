import { z } from 'zod';
import { changeStampFields, storedChangeStampFields } from '../change-stamps';
import { iterableRegions } from '../clients/iterable/iterable-regions';

export const RegionSchema = z
  .enum(iterableRegions)
  .describe("Iterable's data center for the project");

const DisplayNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters');

/** Iterable API keys are 32 hex characters today; accept any plausible key and let Iterable judge. */
const ApiKeySchema = z
  .string()
  .trim()
  .min(16, 'must be at least 16 characters')
  .max(200, 'must be at most 200 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

const UserIdSchema = z.string().trim().min(1).max(128);

/** Iterable publishes no limit for list writes; an admin may cap this connection's request rate. */
const RequestsPerSecondSchema = z
  .number()
  .int()
  .min(1)
  .max(1000)
  .describe('Most requests per second this connection sends to Iterable, over all instances');

export const ConnectionCreateSchema = z
  .strictObject({
    displayName: DisplayNameSchema,
    apiKey: ApiKeySchema.describe('Write-only: stored in Key Vault, never returned'),
    region: RegionSchema.default('us'),
    allowContributors: z.boolean().default(false),
    consent: z.strictObject({
      accepted: z.literal(true, { error: 'must be true: data-privacy consent is required' }),
    }),
    addSelfAsExportUser: z
      .boolean()
      .optional()
      .describe(
        'Adds the calling user as export user (default true); an app names users in exportUsers',
      ),
    exportUsers: z
      .array(UserIdSchema)
      .max(100)
      .optional()
      .describe('Users (oid) who may use this connection in exports'),
    requestsPerSecond: RequestsPerSecondSchema.optional(),
  })
  .meta({ id: 'ConnectionCreate' });
export type ConnectionCreate = z.infer<typeof ConnectionCreateSchema>;

export const ConnectionPatchSchema = z
  .strictObject({
    displayName: DisplayNameSchema.optional(),
    apiKey: ApiKeySchema.optional().describe(
      'Rotates the key: checked with Iterable, stored as a new secret version',
    ),
    allowContributors: z.boolean().optional(),
    addExportUsers: z.array(UserIdSchema).max(100).optional(),
    removeExportUsers: z.array(UserIdSchema).max(100).optional(),
    requestsPerSecond: RequestsPerSecondSchema.nullable()
      .optional()
      .describe('null removes the cap'),
    enabled: z
      .boolean()
      .optional()
      .describe(
        "Kill switch: false cancels the active runs of the connection's exports and refuses new runs until true",
      ),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message: 'must change at least one field',
  })
  .meta({ id: 'ConnectionPatch' });
export type ConnectionPatch = z.infer<typeof ConnectionPatchSchema>;

export const ConnectionDeleteQuerySchema = z.strictObject({
  force: z
    .enum(['true', 'false'])
    .default('false')
    .describe(
      'true: also when exports use it: cancels their active runs, removes their schedules and keeps them without a connection',
    ),
});

export const ConnectionSchema = z
  .object({
    id: z.uuid(),
    displayName: z.string(),
    region: RegionSchema,
    allowContributors: z.boolean(),
    exportUsers: z.array(z.string()).describe('Users (oid) who may use this connection in exports'),
    consent: z.object({
      accepted: z.literal(true),
      acceptedBy: z.string(),
      acceptedAt: z.iso.datetime(),
    }),
    keyHint: z.string().describe('The last four characters of the API key'),
    requestsPerSecond: RequestsPerSecondSchema.optional(),
    enabled: z.boolean().describe('A disabled connection runs no export until enabled again'),
    ...changeStampFields(),
  })
  .meta({ id: 'Connection' });
export type Connection = z.infer<typeof ConnectionSchema>;

/** What the connections table holds per connection; the key itself lives only in Key Vault. */
export const ConnectionEntitySchema = z.object({
  partitionKey: z.string(),
  rowKey: z.string(),
  kind: z.literal('connection'),
  displayName: z.string(),
  region: RegionSchema,
  allowContributors: z.boolean(),
  exportUsers: z.string().transform((text) => z.array(z.string()).parse(JSON.parse(text))),
  consentAcceptedBy: z.string(),
  consentAcceptedAt: z.string(),
  keyHint: z.string(),
  secretName: z.string(),
  secretVersion: z.string(),
  requestsPerSecond: z.number().int().optional(),
  // Rows written before the kill switch existed have no column: they are enabled.
  enabled: z
    .boolean()
    .optional()
    .transform((enabled) => enabled ?? true),
  ...storedChangeStampFields(),
});
export type ConnectionEntity = z.infer<typeof ConnectionEntitySchema>;

export function keyHint(apiKey: string): string {
  return `…${apiKey.slice(-4)}`;
}
