import type { HttpRequest } from '@azure/functions';
import type { z } from 'zod';
import { PayloadTooLargeError, ValidationError, type ErrorDetail } from './errors';

export const maxBodyBytes = 1024 * 1024;

/**
 * Reads a JSON body and parses it with a strict schema: over 1 MB is 413, malformed JSON is 400,
 * and each schema problem (unknown field, missing field, bad value) is a detail naming its field.
 */
export async function readJsonBody<T>(request: HttpRequest, schema: z.ZodType<T>): Promise<T> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBodyBytes) throw new PayloadTooLargeError(maxBodyBytes);
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > maxBodyBytes) throw new PayloadTooLargeError(maxBodyBytes);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (error) {
    throw new ValidationError('The request body is not valid JSON.', { cause: error });
  }
  return parseInput(value, schema, 'The request body is not valid.');
}

/** Parses any input (body, query, route) with a schema, naming each problem by its field. */
export function parseInput<T>(value: unknown, schema: z.ZodType<T>, message: string): T {
  // reportInput tells a missing field from a wrong one; the input itself is never echoed back.
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const details = result.error.issues.flatMap((issue): ErrorDetail[] => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        code: 'UnknownField',
        target: [...path, key].join('.'),
        message: `'${[...path, key].join('.')}' is not a known field.`,
      }));
    }
    const target = path.join('.') || '(body)';
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    return [
      {
        code: missing ? 'MissingField' : 'InvalidField',
        target,
        message: missing ? `'${target}' is required.` : `'${target}': ${issue.message}`,
      },
    ];
  });
  const first = details[0];
  throw new ValidationError(details.length === 1 && first ? first.message : message, {
    target: first?.target,
    details,
  });
}
