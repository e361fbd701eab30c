import { z } from 'zod';
import { NotFoundError } from '../errors';

/**
 * An id that is not a UUID cannot name a resource: 404, like any other unknown id, without
 * repeating what the caller sent.
 */
export function uuidParam(params: Record<string, string>, name: string, what: string): string {
  const value = params[name] ?? '';
  if (!z.uuid().safeParse(value).success) throw new NotFoundError(what);
  return value.toLowerCase();
}
