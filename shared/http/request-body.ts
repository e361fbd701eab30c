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
  refuseIllFormedText(value);
  return parseInput(value, schema, 'The request body is not valid.');
}

// Half of a UTF-16 surrogate pair on its own (JSON lets `"\ud800"` through) is no character:
// encodeURIComponent throws on it, and storage keys, URLs and Iterable cannot carry it.
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

interface Visit {
  value: unknown;
  key?: string;
  parent?: Visit;
}

function pathOf(visit: Visit): string {
  const keys: string[] = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.') || '(body)';
}

/**
 * 400 for a field name or string value that is not well-formed Unicode, naming where it is. The
 * walk keeps its own stack, so a body nested 100,000 deep cannot overflow the call stack.
 */
function refuseIllFormedText(body: unknown): void {
  const pending: Visit[] = [{ value: body }];
  for (let visit = pending.pop(); visit; visit = pending.pop()) {
    const { value } = visit;
    let target: string | undefined;
    if (typeof value === 'string') {
      if (loneSurrogate.test(value)) target = pathOf(visit);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (loneSurrogate.test(key)) {
          target = pathOf(visit);
          break;
        }
        pending.push({ value: item, key, parent: visit });
      }
    }
    if (target !== undefined) {
      const message = `'${target}' holds text that is not well-formed Unicode (a lone surrogate).`;
      throw new ValidationError(message, {
        target,
        details: [{ code: 'InvalidField', target, message }],
      });
    }
  }
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
