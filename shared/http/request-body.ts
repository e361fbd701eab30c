import type { HttpRequest } from '@azure/functions';
import type { z } from 'zod';
import {
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
  type ErrorDetail,
} from '../errors';
import { apiVersionParameter } from './api-version';
import { refuseUnsafeKeysAndText } from './body-text';
import { quoteForMessage, truncateTarget } from '../quote-for-message';

export const maxBodyBytes = 1024 * 1024;

// `application/json` or any structured-syntax `+json` type (RFC 6839), parameters allowed.
const jsonMediaType = /^(application\/json|[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+\+json)$/;

/**
 * 415 unless the body is declared JSON. Reading text sent as a form or plain text as JSON would
 * let a browser form post (no CORS preflight for those types) reach the API as a JSON request.
 */
function requireJsonContentType(request: HttpRequest): void {
  const declared = request.headers.get('content-type');
  const mediaType = declared?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (jsonMediaType.test(mediaType)) return;
  throw new UnsupportedMediaTypeError(
    declared === null
      ? 'The request body must be JSON, sent with Content-Type: application/json; no Content-Type was given.'
      : `The request body must be JSON, sent with Content-Type: application/json, not ${quoteForMessage(declared)}.`,
  );
}

/**
 * Reads a JSON body and parses it with a strict schema: a body not declared JSON is 415, over 1 MB
 * is 413, malformed JSON is 400, and each schema problem (unknown field, missing field, bad value)
 * is a detail naming its field. An `optional` body may be left out: then it is `{}`.
 */
export async function readJsonBody<T>(
  request: HttpRequest,
  schema: z.ZodType<T>,
  options: { optional?: boolean } = {},
): Promise<T> {
  if (!options.optional) requireJsonContentType(request);
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBodyBytes) throw new PayloadTooLargeError(maxBodyBytes);
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > maxBodyBytes) throw new PayloadTooLargeError(maxBodyBytes);
  if (options.optional) {
    // No body (none at all, or zero bytes, whatever its Content-Type) asks for every default; a
    // body that is there must be JSON like any other.
    if (bytes.length === 0) return parseInput({}, schema, 'The request body is not valid.');
    requireJsonContentType(request);
  }
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (error) {
    throw new ValidationError('The request body is not valid JSON.', { cause: error });
  }
  refuseUnsafeKeysAndText(value);
  return parseInput(value, schema, 'The request body is not valid.');
}

/**
 * Parses the request's query string with a strict schema: each problem is a 400 naming its field.
 * `api-version`, which every route takes and the operation adapter checks, is not the schema's.
 */
export function parseQuery<T>(request: HttpRequest, schema: z.ZodType<T>): T {
  const query = Object.fromEntries(request.query);
  delete query[apiVersionParameter];
  return parseInput(query, schema, 'The query is not valid.');
}

/** Parses any input (body, query, route) with a schema, naming each problem by its field. */
export function parseInput<T>(value: unknown, schema: z.ZodType<T>, message: string): T {
  // reportInput tells a missing field from a wrong one; the input itself is never echoed back.
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const details = result.error.issues.flatMap((issue): ErrorDetail[] => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        // The field name is the caller's own: quoted as a value, never trusted as text.
        const target = [...path, key].join('.');
        return {
          code: 'UnknownField',
          target: truncateTarget(target),
          message: `${quoteForMessage(target)} is not a known field.`,
        };
      });
    }
    const target = path.join('.') || '(body)';
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    const quoted = quoteForMessage(target);
    return [
      {
        code: missing ? 'MissingField' : 'InvalidField',
        target: truncateTarget(target),
        message: missing ? `${quoted} is required.` : `${quoted}: ${issue.message}`,
      },
    ];
  });
  const first = details[0];
  throw new ValidationError(details.length === 1 && first ? first.message : message, {
    target: first?.target,
    details,
  });
}
