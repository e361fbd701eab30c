import { z } from 'zod';
import { badParams } from './errors';

/*
 * Request bodies of the list endpoints, transcribed from the spec's definitions. Swagger 2.0 leaves
 * `additionalProperties` open on all of them, so unknown fields are ignored (stripped), as Iterable
 * does; optional fields accept null as "absent". `int64` ids are JSON integers (no strings).
 * These run on every subscriber of every batch, so they avoid transforms and per-key checks
 * (`dataFields` is any JSON object): those would cost more than the update itself.
 */

const listId = z.int();

/** `CreateListRequest`: name required. The spec does not forbid an empty name; Iterable's UI does. */
export const CreateListRequestSchema = z.object({
  name: z.string().refine((name) => name.trim().length > 0, 'name must not be empty'),
  description: z.string().nullish(),
});

/** An e-mail or a userId identifies the user ("Provide an email or a userId"); one is required. */
const identified = (user: { email?: string | null; userId?: string | null }) =>
  typeof user.email === 'string' || typeof user.userId === 'string';
const IDENTIFIER_REQUIRED = { message: 'email or userId is required' };

/** `OptionalApiUser`. */
export const OptionalApiUserSchema = z
  .object({
    email: z.string().nullish(),
    userId: z.string().nullish(),
    dataFields: z.looseObject({}).nullish(),
    mergeNestedObjects: z.boolean().nullish(),
    preferUserId: z.boolean().nullish(),
  })
  .refine(identified, IDENTIFIER_REQUIRED);

/** `Unsubscriber`. */
export const UnsubscriberSchema = z
  .object({ email: z.string().nullish(), userId: z.string().nullish() })
  .refine(identified, IDENTIFIER_REQUIRED);

/** `SubscribeRequest`: listId and subscribers required. */
export const SubscribeRequestSchema = z.object({
  listId,
  subscribers: z.array(OptionalApiUserSchema),
  updateExistingUsersOnly: z.boolean().nullish(),
});

/** `UnsubscribeRequest`: listId and subscribers required. */
export const UnsubscribeRequestSchema = z.object({
  listId,
  subscribers: z.array(UnsubscriberSchema),
  campaignId: z.int().nullish(),
  channelUnsubscribe: z.boolean().nullish(),
});

export type OptionalApiUser = z.infer<typeof OptionalApiUserSchema>;
export type Unsubscriber = z.infer<typeof UnsubscriberSchema>;
export type SubscribeRequest = z.infer<typeof SubscribeRequestSchema>;
export type UnsubscribeRequest = z.infer<typeof UnsubscribeRequestSchema>;

/* Query and path parameters arrive as text; `integer`/`boolean` types per the spec. */
const integerText = z
  .string()
  .regex(/^-?\d{1,18}$/, 'must be an integer')
  .transform(Number);
const booleanText = z.enum(['true', 'false']).transform((v) => v === 'true');

export const ListIdPathSchema = z.object({ listId: integerText });

/** getUsers: listId required, preferUserId optional (default false). */
export const GetUsersQuerySchema = z.object({
  listId: integerText,
  preferUserId: booleanText.optional(),
});

/** previewUsers: like getUsers plus `size`, "up to 5000. Defaults to 1000." */
export const PreviewUsersQuerySchema = GetUsersQuerySchema.extend({
  size: integerText.pipe(z.number().int().min(1).max(5000)).optional(),
});

function fieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    text += typeof part === 'number' ? `[${part}]` : `${text ? '.' : ''}${String(part)}`;
  }
  return text || 'body';
}

/** Parses, or throws Iterable's 400 `BadParams` naming the first offending fields. */
export function parseParams<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => `${fieldPath(issue.path)}: ${issue.message}`);
  throw badParams(`Invalid params: ${problems.join('; ')}`);
}
