import { AppError } from '../../errors';
import { IterableErrorBodySchema } from './iterable-schemas';
import type { IterableErrorBody } from './iterable-schemas';

/**
 * What a caller can do about a failed Iterable call:
 * - `throttled`: Iterable asked us to slow down (429); try again later, `retryAfterMs` if sent.
 * - `transient`: 5xx, timeout, dropped or refused connection, unreadable answer; try again later.
 * - `rejected`: Iterable refused this request (other 4xx); the same request will fail again.
 * - `auth`: the connection's API key is wrong, revoked or lacks permission; nothing succeeds
 *   until an admin fixes the connection.
 */
export type IterableFailureKind = 'throttled' | 'transient' | 'rejected' | 'auth';

export interface IterableErrorDetails {
  kind: IterableFailureKind;
  /** e.g. `POST /api/lists/subscribe`. */
  operation: string;
  /** Iterable's HTTP status; absent when no answer came. */
  iterableStatus?: number | undefined;
  /** Iterable's `code` (BadParams, BadApiKey, RateLimitExceeded, ...). */
  iterableCode?: string | undefined;
  retryAfterMs?: number | undefined;
  isInvalidListId?: boolean;
  cause?: unknown;
}

/**
 * A failed Iterable call, after the client's own retries. It is an AppError so that, should it
 * reach an HTTP route, the caller sees 502 DependencyFailed (Iterable's own status would mislead:
 * its 401 is about the stored key, not the caller's token). Its message never holds the API key.
 */
export class IterableError extends AppError {
  readonly kind: IterableFailureKind;
  readonly operation: string;
  readonly iterableStatus: number | undefined;
  readonly iterableCode: string | undefined;
  /** From Iterable's `Retry-After`, when it sent one: how long to wait before trying again. */
  readonly retryAfterMs: number | undefined;
  /**
   * The list id is unknown to Iterable: deleted, or (just after creation) not yet visible to the
   * list write endpoints. After the grace window the caller should recreate the list.
   */
  readonly isInvalidListId: boolean;
  /** How many requests the client sent before giving up (set by the client). */
  attempts = 1;

  constructor(message: string, details: IterableErrorDetails) {
    super(502, 'DependencyFailed', message, {
      target: 'iterable',
      innerError: { kind: details.kind, iterableStatus: details.iterableStatus },
      cause: details.cause,
    });
    this.kind = details.kind;
    this.operation = details.operation;
    this.iterableStatus = details.iterableStatus;
    this.iterableCode = details.iterableCode;
    this.retryAfterMs = details.retryAfterMs;
    this.isInvalidListId = details.isInvalidListId ?? false;
  }

  /** Throttled and transient failures may succeed later; rejected and auth ones will not. */
  get retryable(): boolean {
    return this.kind === 'throttled' || this.kind === 'transient';
  }
}

/** What the client saw instead of a good answer. */
export type IterableFailure =
  /** Iterable answered with a non-2xx status. */
  | { outcome: 'status'; status: number; body: string; retryAfter?: string | string[] | undefined }
  /** Iterable answered 2xx with a body that is not the documented shape (or not JSON). */
  | { outcome: 'unreadable'; status: number; problem: string }
  /** No answer: connection refused, dropped or reset, DNS, timeout. */
  | { outcome: 'noAnswer'; error: unknown };

export interface FailureContext {
  operation: string;
  /** Removed from anything Iterable or the network stack put into a message. */
  apiKey: string;
}

const AUTH_CODES = new Set(['BadApiKey', 'BadAuthorizationHeader', 'Unauthorized', 'Forbidden']);
const MAX_MESSAGE_DETAIL = 300;

/**
 * The one place an Iterable failure gets its kind. Iterable quirk: an unknown (or not yet
 * propagated) list answers 400 with msg `error.lists.invalidListId(<id>)`, and the live service has
 * been captured sending `code: "Success"` on it, so it is recognised by its msg, never its code.
 */
export function classifyIterableFailure(
  failure: IterableFailure,
  context: FailureContext,
): IterableError {
  const { operation } = context;
  if (failure.outcome === 'noAnswer') {
    const cause = safeCause(failure.error, context.apiKey);
    return new IterableError(`Iterable did not answer ${operation}: ${cause.message}`, {
      kind: 'transient',
      operation,
      cause,
    });
  }
  if (failure.outcome === 'unreadable') {
    return new IterableError(
      `Iterable's answer to ${operation} (HTTP ${failure.status}) could not be read: ${redact(failure.problem, context.apiKey).slice(0, MAX_MESSAGE_DETAIL)}`,
      { kind: 'transient', operation, iterableStatus: failure.status },
    );
  }

  const { status } = failure;
  const body = parseErrorBody(failure.body);
  const msg = redact(body.msg ?? '', context.apiKey).slice(0, MAX_MESSAGE_DETAIL);
  const isInvalidListId = status >= 400 && status < 500 && msg.includes('invalidListId');
  const kind = kindOf(status, body.code, isInvalidListId);
  const codeText = body.code === undefined ? '' : ` ${body.code}`;
  return new IterableError(
    `Iterable answered ${operation} with HTTP ${status}${codeText}${msg ? `: ${msg}` : ''}`,
    {
      kind,
      operation,
      iterableStatus: status,
      iterableCode: body.code,
      retryAfterMs: parseRetryAfterMs(failure.retryAfter),
      isInvalidListId,
    },
  );
}

function kindOf(
  status: number,
  code: string | undefined,
  isInvalidListId: boolean,
): IterableFailureKind {
  if (isInvalidListId) return 'rejected';
  if (status === 429 || code === 'RateLimitExceeded') return 'throttled';
  if (status >= 500 || status === 408) return 'transient';
  if (status === 401 || status === 403 || (code !== undefined && AUTH_CODES.has(code))) {
    return 'auth';
  }
  return 'rejected';
}

function parseErrorBody(text: string): IterableErrorBody {
  try {
    const parsed = IterableErrorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // Not JSON: a gateway's HTML page, for instance. Its text is not worth quoting.
  }
  return {};
}

/** `Retry-After` is delay-seconds or an HTTP-date (RFC 9110 §10.2.3); anything else is ignored. */
export function parseRetryAfterMs(
  value: string | string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function redact(text: string, apiKey: string): string {
  return apiKey.length > 0 ? text.split(apiKey).join('[redacted]') : text;
}

/**
 * A copy of a network error that keeps only its name, code and message. undici's errors can
 * carry the socket and, for some, the request's headers, which hold the Api-Key; never attach them.
 */
function safeCause(error: unknown, apiKey: string): Error & { code?: string } {
  // Duck-typed: errors from Node's own modules fail `instanceof Error` in another realm (a vm or
  // Jest's sandbox).
  const source = isErrorLike(error) ? error : { name: 'Error', message: String(error) };
  const inner = isErrorLike(source.cause) ? ` (${source.cause.message})` : '';
  const copy: Error & { code?: string } = new Error(
    redact(`${source.message}${inner}`, apiKey).slice(0, MAX_MESSAGE_DETAIL),
  );
  copy.name = typeof source.name === 'string' ? source.name : 'Error';
  if (typeof source.code === 'string') copy.code = source.code;
  return copy;
}

interface ErrorLike {
  name?: unknown;
  message: string;
  code?: unknown;
  cause?: unknown;
}

function isErrorLike(value: unknown): value is ErrorLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}
