import { inspect } from 'node:util';
import { IterableClient } from '../../../../shared/clients/iterable/iterable-client';
import type { IterableClientOptions } from '../../../../shared/clients/iterable/iterable-client-options';
import { startIterableStandIn } from '../../../../local/iterable/server';
import type { IterableStandIn, IterableStandInOptions } from '../../../../local/iterable/server';

export const API_KEY = 'client-test-key-5f1c9a0e7b3d4c21';

/** Starts a fresh stand-in before each test of the calling `describe` and closes it after. */
export function useStandIn(options: IterableStandInOptions = {}): () => IterableStandIn {
  let standIn: IterableStandIn | undefined;
  beforeEach(async () => {
    standIn = await startIterableStandIn({ apiKeys: [API_KEY], ...options });
  });
  afterEach(async () => {
    await standIn?.close();
    standIn = undefined;
  });
  return () => {
    if (!standIn) throw new Error('the stand-in runs only inside a test');
    return standIn;
  };
}

/** A client for the stand-in with fast retries, so failure tests stay quick. */
export function clientFor(
  standIn: IterableStandIn,
  options: Partial<IterableClientOptions> = {},
): IterableClient {
  return new IterableClient({
    baseUrl: standIn.url,
    apiKey: API_KEY,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 50,
    ...options,
  });
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Answers per status for one route, e.g. `{ '200': 1, '503': 2 }`. */
export function answersOf(standIn: IterableStandIn, route: string): Record<string, number> {
  return standIn.stats().requests[route] ?? {};
}

export function membersOf(standIn: IterableStandIn, listId: number): string[] {
  const list = standIn.inspect({ listId, users: false })[0]?.lists[0];
  if (!list) throw new Error(`list ${listId} is not in the stand-in`);
  return list.members ?? [];
}

/**
 * Everything an error could leak into a log: every own property, enumerable or not (message,
 * stack, cause, ...), to any depth, as JSON and as Node's inspector prints it.
 */
export function everythingIn(error: unknown): string {
  const seen = new Set<unknown>();
  const expand = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (seen.has(value)) return '[seen]';
    seen.add(value);
    const out: Record<string, unknown> = {};
    for (const key of Object.getOwnPropertyNames(value)) {
      out[key] = expand((value as Record<string, unknown>)[key]);
    }
    return out;
  };
  return `${JSON.stringify(expand(error))}\n${inspect(error, { depth: 10, showHidden: true })}`;
}

export function subscribers(count: number, prefix = 'user'): Array<{ email: string }> {
  return Array.from({ length: count }, (_, index) => ({ email: `${prefix}${index}@example.com` }));
}
