/**
 * Iterable's error body is the spec's `IterableApiResponse` {msg, code, params}; every non-2xx answer
 * of the stand-in's `/api` routes uses it, so the product's client classifies real and local
 * failures with the same code.
 */
export type IterableResponseCode =
  | 'Success'
  | 'BadApiKey'
  | 'BadJsonBody'
  | 'BadParams'
  | 'BatchTooLarge'
  | 'GenericError'
  | 'NotFound'
  | 'RateLimitExceeded';

export interface IterableApiResponse {
  msg: string;
  code: IterableResponseCode;
  params: Record<string, unknown> | null;
}

/** A failure a handler raises; the router turns it into status, headers and body. */
export class IterableApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: IterableApiResponse,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.msg);
    this.name = 'IterableApiFailure';
  }
}

export function iterableResponse(
  code: IterableResponseCode,
  msg: string,
  params: Record<string, unknown> | null = null,
): IterableApiResponse {
  return { msg, code, params };
}

/** The spec documents every endpoint's 401 as "Invalid API key". */
export function badApiKey(): IterableApiFailure {
  return new IterableApiFailure(401, iterableResponse('BadApiKey', 'Invalid API key'));
}

export function badParams(msg: string): IterableApiFailure {
  return new IterableApiFailure(400, iterableResponse('BadParams', msg));
}

export function badJsonBody(detail: string): IterableApiFailure {
  return new IterableApiFailure(
    400,
    iterableResponse('BadJsonBody', `Invalid JSON body: ${detail}`),
  );
}

/**
 * Iterable answers an unknown (or not yet propagated) list id with 400 and the message key
 * `error.lists.invalidListId(<id>)`. Captured responses show `code: "Success"` on this 400, so a
 * client must classify it by status and msg; `code` is a knob for testing exactly that.
 */
export function invalidListId(
  listId: number,
  projectId: number,
  code: 'BadParams' | 'Success',
): IterableApiFailure {
  return new IterableApiFailure(
    400,
    iterableResponse(code, `error.lists.invalidListId(${listId})`, { projectId, listId }),
  );
}

export function rateLimitExceeded(retryAfterSeconds: number | undefined): IterableApiFailure {
  const headers: Record<string, string> =
    retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) };
  return new IterableApiFailure(
    429,
    iterableResponse('RateLimitExceeded', 'Exceeded rate limit.'),
    headers,
  );
}

export function injectedServerError(status: number): IterableApiFailure {
  return new IterableApiFailure(
    status,
    iterableResponse('GenericError', `Injected failure (HTTP ${status}) by the Iterable stand-in`),
  );
}

export function notFound(path: string): IterableApiFailure {
  return new IterableApiFailure(404, iterableResponse('NotFound', `No route for ${path}`));
}

export function bodyTooLarge(limitBytes: number): IterableApiFailure {
  return new IterableApiFailure(
    413,
    iterableResponse('BatchTooLarge', `Request body exceeds ${limitBytes} bytes`),
  );
}
