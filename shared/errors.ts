import { quoteForMessage } from './quote-for-message';

/**
 * The app's few named errors. Each carries the HTTP status and the stable `code` callers see
 * (Azure REST API guidelines), a message safe to show, and the `cause` for logs.
 */

export interface ErrorDetail {
  code: string;
  message: string;
  target?: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: {
      target?: string;
      details?: ErrorDetail[];
      /** Extra, error-specific data for the caller (the guidelines' `innererror`). */
      innerError?: Record<string, unknown>;
      /** Sent as `Retry-After`: the request may succeed if repeated after this many seconds. */
      retryAfterSeconds?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(
    message: string,
    options: { target?: string; details?: ErrorDetail[]; cause?: unknown } = {},
  ) {
    super(400, 'InvalidRequest', message, options);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'A valid bearer token is required.', cause?: unknown) {
    super(401, 'Unauthorized', message, { cause });
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Your role does not allow this action.') {
    super(403, 'Forbidden', message);
  }
}

export class NotFoundError extends AppError {
  /** `id` is quoted only when given: pass it once it is known to be well-formed. */
  constructor(what: string, id?: string) {
    const named = id === undefined ? what : `${what} ${quoteForMessage(id)}`;
    super(404, 'NotFound', `${named} was not found.`, { target: 'id' });
  }
}

export class ConflictError extends AppError {
  constructor(message: string, options: { target?: string; details?: ErrorDetail[] } = {}) {
    super(409, 'Conflict', message, options);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(413, 'PayloadTooLarge', `The request body is larger than ${limitBytes} bytes.`);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(message: string) {
    super(415, 'UnsupportedMediaType', message, { target: 'Content-Type' });
  }
}

/** A service we depend on failed or could not be reached; the caller may try again. */
export class DependencyError extends AppError {
  constructor(dependency: string, message: string, cause?: unknown) {
    super(502, 'DependencyFailed', message, { target: dependency, cause });
  }
}

/**
 * A service we depend on is unavailable for now, and nothing about the request is wrong: 503 with
 * `Retry-After`, so callers retry the same request rather than change it.
 */
export class ServiceUnavailableError extends AppError {
  constructor(
    code: string,
    message: string,
    options: { target: string; retryAfterSeconds: number; cause?: unknown },
  ) {
    super(503, code, message, options);
  }
}
