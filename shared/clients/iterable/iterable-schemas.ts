import { z } from 'zod';

/*
 * Iterable's answers for the list endpoints, transcribed from its API spec
 * (shared/reference/iterable-api-docs.json). Objects stay loose: Iterable adds fields over time
 * and a new field must not turn a good answer into a failure. Optional arrays accept null, which
 * Iterable's Java serializers send for empty collections now and then.
 */

const stringList = z.array(z.string()).nullish();

/** `IterableApiResponse`: the body of every error (and of DELETE /api/lists/{listId}). */
export const IterableErrorBodySchema = z.looseObject({
  code: z.string().optional(),
  msg: z.string().optional(),
  params: z.unknown().optional(),
});
export type IterableErrorBody = z.infer<typeof IterableErrorBodySchema>;

/** `ListDetails`. `listType` is Standard, Dynamic, Suppression or Internal; kept open for new types. */
export const IterableListSchema = z.looseObject({
  id: z.int(),
  name: z.string(),
  listType: z.string(),
  /** Epoch milliseconds. */
  createdAt: z.number(),
  description: z.string().nullish(),
});
export type IterableList = z.infer<typeof IterableListSchema>;

/** `GetListsResponse`. */
export const IterableListsResponseSchema = z.looseObject({ lists: z.array(IterableListSchema) });

/** `CreateListResponse`. */
export const CreateListResponseSchema = z.looseObject({ listId: z.int() });

/**
 * `FailedUserUpdates`: one e-mail list and one userId list per kind of failure. Every `…Emails`
 * key, including kinds added after this was written, is reported (see bulk-update-result.ts).
 */
export const FailedUpdatesSchema = z.looseObject({
  invalidEmails: stringList,
  notFoundEmails: stringList,
  forgottenEmails: stringList,
  conflictEmails: stringList,
  invalidDataEmails: stringList,
  invalidUserIds: stringList,
  notFoundUserIds: stringList,
  forgottenUserIds: stringList,
  conflictUserIds: stringList,
  invalidDataUserIds: stringList,
});

/**
 * `UserBulkUpdateListResponse`, the answer of subscribe and unsubscribe. Partial failures come
 * back as HTTP 200, so the counts and failures must be read from here.
 */
export const BulkUpdateResponseSchema = z.looseObject({
  successCount: z.int().nonnegative(),
  failCount: z.int().nonnegative(),
  failedUpdates: FailedUpdatesSchema.nullish(),
  /** Deprecated by Iterable ("use failedUpdates instead") but still sent: every failed e-mail. */
  invalidEmails: stringList,
});
export type BulkUpdateResponse = z.infer<typeof BulkUpdateResponseSchema>;

/** One subscriber of `SubscribeRequest` as this app sends it: identified by e-mail only. */
export interface IterableSubscriber {
  email: string;
  dataFields?: Record<string, unknown>;
}

/** An e-mail Iterable did not update, with the `failedUpdates` kind it came in (e.g. `invalidEmails`). */
export interface BulkUpdateFailure {
  email: string;
  reason: string;
}

export interface BulkUpdateResult {
  successCount: number;
  failCount: number;
  failures: BulkUpdateFailure[];
}

/** An answer's body read with its schema: throws SyntaxError or a ZodError. */
export function parseJson<T extends z.ZodType>(schema: T, text: string): z.infer<T> {
  return schema.parse(JSON.parse(text));
}

/** Names what did not match, without quoting the answer (it may hold e-mail addresses). */
export function describeParseError(error: unknown): string {
  if (error instanceof SyntaxError) return 'not JSON';
  const issues = (error as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues;
  const first = issues?.[0];
  if (!first) return 'unexpected shape';
  return `${first.path.map(String).join('.') || 'body'}: ${first.message}`;
}
