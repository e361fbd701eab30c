import { z } from 'zod';

/** Key Vault's object-name rule; it is also why names can be used verbatim in URL paths. */
export const SECRET_NAME_PATTERN = /^[0-9a-zA-Z-]{1,127}$/;

/** "Secrets ... with a maximum size of 25k bytes each" (Key Vault docs), counted as UTF-8. */
export const MAX_SECRET_VALUE_BYTES = 25 * 1024;

const MAX_CONTENT_TYPE_LENGTH = 255;
const MAX_TAGS = 15;

/** Unix epoch seconds, as Key Vault sends and expects every timestamp. */
const EpochSecondsSchema = z.number().int();

const TagsSchema = z
  .record(z.string(), z.string())
  .refine((tags) => Object.keys(tags).length <= MAX_TAGS, `at most ${MAX_TAGS} tags are allowed`);

// Clients may send null for "not set"; unknown attributes (created, recoveryLevel, ...) are
// read-only on the real service and are ignored, as there.
const RequestAttributesSchema = z.object({
  enabled: z.boolean().nullish(),
  nbf: EpochSecondsSchema.nullish(),
  exp: EpochSecondsSchema.nullish(),
});

export const SetSecretBodySchema = z.object({
  // An empty string is a valid secret value on the real service.
  value: z
    .string()
    .refine(
      (value) => Buffer.byteLength(value, 'utf8') <= MAX_SECRET_VALUE_BYTES,
      `must be at most ${MAX_SECRET_VALUE_BYTES} bytes`,
    ),
  contentType: z.string().max(MAX_CONTENT_TYPE_LENGTH).nullish(),
  attributes: RequestAttributesSchema.nullish(),
  tags: TagsSchema.nullish(),
});
export type SetSecretBody = z.infer<typeof SetSecretBodySchema>;

export const UpdateSecretBodySchema = z.object({
  contentType: z.string().max(MAX_CONTENT_TYPE_LENGTH).nullish(),
  attributes: RequestAttributesSchema.nullish(),
  tags: TagsSchema.nullish(),
});
export type UpdateSecretBody = z.infer<typeof UpdateSecretBodySchema>;

/** One version of a secret as the stand-in keeps it (in memory and in its data file). */
export const StoredVersionSchema = z.object({
  version: z.string().regex(/^[0-9a-f]{32}$/),
  value: z.string(),
  contentType: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  enabled: z.boolean(),
  notBefore: EpochSecondsSchema.optional(),
  expires: EpochSecondsSchema.optional(),
  created: EpochSecondsSchema,
  updated: EpochSecondsSchema,
});
export type StoredVersion = z.infer<typeof StoredVersionSchema>;

/** A secret with its versions, oldest first; `deletion` is set while it is soft-deleted. */
export const StoredSecretSchema = z.object({
  name: z.string().regex(SECRET_NAME_PATTERN),
  versions: z.array(StoredVersionSchema).min(1),
  deletion: z
    .object({ deletedDate: EpochSecondsSchema, scheduledPurgeDate: EpochSecondsSchema })
    .optional(),
});
export type StoredSecret = z.infer<typeof StoredSecretSchema>;

export const StoredVaultSchema = z.object({
  format: z.literal(1),
  secrets: z.array(StoredSecretSchema),
});
export type StoredVault = z.infer<typeof StoredVaultSchema>;
