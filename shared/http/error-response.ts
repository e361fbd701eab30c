import { randomUUID } from 'node:crypto';
import type { HttpResponseInit } from '@azure/functions';
import { NewerSchemaVersionError } from '../schema-version';
import { AppError } from '../errors';

export interface ErrorLogger {
  error(message: string, properties?: Record<string, unknown>): void;
}

/**
 * The one place an error becomes an HTTP response. A known AppError shows its code and message;
 * anything else is logged with a new error id and answered 500 with only that id, so no stack
 * trace or internal message ever reaches a caller.
 */
export function errorResponse(error: unknown, log: ErrorLogger): HttpResponseInit {
  if (error instanceof AppError) {
    const headers: Record<string, string> = { 'x-ms-error-code': error.code };
    if (error.status === 401) headers['www-authenticate'] = 'Bearer';
    if (error.options.retryAfterSeconds !== undefined) {
      headers['retry-after'] = String(error.options.retryAfterSeconds);
    }
    return {
      status: error.status,
      headers,
      jsonBody: {
        error: {
          code: error.code,
          message: error.message,
          ...(error.options.target ? { target: error.options.target } : {}),
          ...(error.options.details?.length ? { details: error.options.details } : {}),
          ...(error.options.innerError ? { innererror: error.options.innerError } : {}),
        },
      },
    };
  }
  if (error instanceof NewerSchemaVersionError) {
    // A newer release wrote what the request read: a deploy is under way, and an instance of
    // that release answers it. Nothing is wrong with the request, so it is worth repeating.
    log.error('Read a record of a newer release', { errorMessage: error.message });
    return {
      status: 503,
      headers: { 'x-ms-error-code': 'NewerSchemaVersion', 'retry-after': '30' },
      jsonBody: { error: { code: 'NewerSchemaVersion', message: error.message } },
    };
  }
  const errorId = randomUUID();
  log.error('Unexpected error', {
    errorId,
    errorName: error instanceof Error ? error.name : typeof error,
    errorMessage: error instanceof Error ? error.message : String(error),
    stack: error instanceof Error ? error.stack : undefined,
  });
  return {
    status: 500,
    headers: { 'x-ms-error-code': 'InternalError' },
    jsonBody: {
      error: {
        code: 'InternalError',
        message: `An unexpected error occurred. Quote error id ${errorId} when reporting it.`,
        details: [{ code: 'ErrorId', message: errorId, target: 'errorId' }],
      },
    },
  };
}
