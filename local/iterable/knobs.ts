import { z } from 'zod';

/** Route names, as the stand-in's stats and fault filter spell them. */
export const API_ENDPOINTS = [
  'GET /api/lists',
  'POST /api/lists',
  'DELETE /api/lists/{listId}',
  'POST /api/lists/subscribe',
  'POST /api/lists/unsubscribe',
  'GET /api/lists/getUsers',
  'GET /api/lists/previewUsers',
  'GET /api/lists/{listId}/size',
] as const;

export type ApiEndpoint = (typeof API_ENDPOINTS)[number];

/**
 * Behaviour that tests and benchmarks change, at start (options) or at runtime
 * (`POST /_standin/config`). Every field is optional in a change; omitted ones keep their value.
 */
export const KnobsSchema = z.strictObject({
  /** Extra per-key cap over all `/api` routes (token bucket); null = off. Iterable publishes none for list writes. */
  rateLimitPerSecond: z.number().positive().nullable(),
  /** Bucket size for `rateLimitPerSecond`; null = one second's worth. */
  rateLimitBurst: z.int().positive().nullable(),
  /**
   * How `rateLimitPerSecond` counts: `tokenBucket` (refilled continuously, `rateLimitBurst`
   * deep), or `slidingWindow`: at most that many requests in any one-second window, with no
   * burst at all (the strictest reading of a per-second limit; `rateLimitBurst` is ignored).
   */
  rateLimitMode: z.enum(['tokenBucket', 'slidingWindow']),
  /** Published limit of getUsers, previewUsers and size: 5 requests/minute per project, each. */
  listReadsPerMinute: z.int().positive(),
  /** Send `Retry-After` on 429. Off by default: the spec declares no response headers for 429. */
  sendRetryAfter: z.boolean(),
  /** Added before every `/api` answer, including errors, like a slow network. */
  latencyMs: z.number().min(0),
  /** The next n matching `/api` requests answer 429 RateLimitExceeded, whatever the rate. */
  throttleNext: z.int().min(0),
  /** The next n matching `/api` requests answer `failStatus` (after any `throttleNext`). */
  failNext: z.int().min(0),
  failStatus: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]),
  /** Chance of a 5xx per matching request, drawn from an RNG seeded with `seed`. */
  failProbability: z.number().min(0).max(1),
  seed: z.int(),
  /** The next n matching `/api` requests lose their connection without an answer. */
  dropNext: z.int().min(0),
  /** Which routes faults apply to; null = all. */
  faultEndpoints: z.array(z.enum(API_ENDPOINTS)).nullable(),
  /** `afterProcessing` applies the change and then fails: the "did it happen?" case retries must survive. */
  faultTiming: z.enum(['beforeProcessing', 'afterProcessing']),
  /** After `POST /api/lists`, subscribe/unsubscribe to that list answer invalidListId for this long. */
  newListReadyAfterMs: z.number().min(0),
  /**
   * `updateExistingUsersOnly` is "only respected in userID-based and hybrid projects" (spec);
   * an email-based project ignores it and creates the users.
   */
  projectType: z.enum(['hybrid', 'emailBased']),
  /** `code` of the invalidListId 400: the spec-shaped `BadParams`, or `Success` as captured live. */
  invalidListIdCode: z.enum(['BadParams', 'Success']),
  /** Bodies above this answer 413 `BatchTooLarge`; Iterable publishes no figure. */
  maxBodyBytes: z.int().positive(),
});

export type Knobs = z.infer<typeof KnobsSchema>;

export const KnobChangesSchema = KnobsSchema.partial();
export type KnobChanges = z.infer<typeof KnobChangesSchema>;

export const DEFAULT_KNOBS: Readonly<Knobs> = {
  rateLimitPerSecond: null,
  rateLimitBurst: null,
  rateLimitMode: 'tokenBucket',
  listReadsPerMinute: 5,
  sendRetryAfter: false,
  latencyMs: 0,
  throttleNext: 0,
  failNext: 0,
  failStatus: 503,
  failProbability: 0,
  seed: 1,
  dropNext: 0,
  faultEndpoints: null,
  faultTiming: 'beforeProcessing',
  newListReadyAfterMs: 0,
  projectType: 'hybrid',
  invalidListIdCode: 'BadParams',
  maxBodyBytes: 16 * 1024 * 1024,
};

/** Validates a change set (throws a ZodError) and returns the knobs it produces. */
export function applyKnobChanges(current: Knobs, changes: unknown): Knobs {
  return { ...current, ...KnobChangesSchema.parse(changes) };
}
