import type { Region } from './iterable/iterable-regions';
import { DependencyError, ValidationError } from '../errors';
import { IterableClient } from './iterable/iterable-client';
import { IterableError } from './iterable/iterable-error';

const regionBaseUrls: Record<Region, string> = {
  us: 'https://api.iterable.com',
  eu: 'https://api.eu.iterable.com',
};

/** A key works only in its own region; ITERABLE_BASE_URL replaces both for local runs and tests. */
export function iterableBaseUrl(region: Region, override?: string): string {
  return override ?? regionBaseUrls[region];
}

/**
 * Proves a key before anything is saved: `GET /api/lists` is cheap (100 requests/s) and needs
 * only a key that works in the region. Iterable refusing the key (auth) is the caller's 400;
 * anything else (no answer, 429, 5xx) means Iterable could not be asked, and the caller may try
 * again. One attempt only: the caller is waiting on an HTTP request.
 */
export async function verifyIterableApiKey(baseUrl: string, apiKey: string): Promise<void> {
  const client = new IterableClient({ baseUrl, apiKey, maxAttempts: 1, requestTimeoutMs: 10_000 });
  try {
    await client.getLists();
  } catch (error) {
    if (error instanceof IterableError && error.kind === 'auth') {
      throw new ValidationError('Iterable rejected the API key for this region.', {
        target: 'apiKey',
      });
    }
    const status = error instanceof IterableError ? error.iterableStatus : undefined;
    throw new DependencyError(
      'iterable',
      status
        ? `Iterable answered HTTP ${status} while checking the API key; nothing was saved.`
        : 'Iterable could not be reached to check the API key; nothing was saved.',
      error,
    );
  }
}
