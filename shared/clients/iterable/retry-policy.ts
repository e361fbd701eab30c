import type { IterableError } from './iterable-error';

export interface RetryPolicy {
  /** Requests per call, the first included, while failures are throttled or transient. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * How long one call may keep retrying. Past it the error goes to the caller (a queue worker),
   * which re-enqueues the batch with a delay instead of holding an instance idle.
   */
  budgetMs: number;
}

export interface AttemptState {
  /** Throttled or transient failures so far, this one included. */
  failedAttempts: number;
  elapsedMs: number;
  /**
   * Whether sending the request twice does no harm. Subscribe and unsubscribe set membership, so
   * they are; creating a list is not: a lost answer may hide a created list.
   */
  idempotent: boolean;
}

/**
 * Milliseconds to wait before the next attempt, or undefined to give up. Exponential backoff with
 * full jitter (spreads the retries of many workers); a `Retry-After` is waited out in full, plus a
 * little jitter so the workers it stopped do not return in one burst.
 */
export function retryDelayMs(
  error: IterableError,
  state: AttemptState,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | undefined {
  if (!error.retryable || state.failedAttempts >= policy.maxAttempts) return undefined;
  // A 429 is answered before any work is done, so even a non-idempotent call may repeat it.
  if (!state.idempotent && error.kind !== 'throttled') return undefined;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (state.failedAttempts - 1));
  const delay =
    error.retryAfterMs === undefined
      ? random() * ceiling
      : error.retryAfterMs + random() * policy.baseDelayMs;
  return state.elapsedMs + delay > policy.budgetMs ? undefined : Math.round(delay);
}

const FIRST_LIST_GRACE_DELAY_MS = 250;
const MAX_LIST_GRACE_DELAY_MS = 2_000;

/**
 * Iterable quirk: right after `POST /api/lists` the new list id can answer invalidListId on the
 * write endpoints for a while. Inside the grace window the call is retried (250 ms, doubling to
 * 2 s, the last try at the window's end); undefined once the window has passed.
 */
export function listGraceDelayMs(graceRetries: number, msLeftInWindow: number): number | undefined {
  if (msLeftInWindow <= 0) return undefined;
  const backoff = FIRST_LIST_GRACE_DELAY_MS * 2 ** graceRetries;
  return Math.ceil(Math.min(backoff, MAX_LIST_GRACE_DELAY_MS, msLeftInWindow));
}
