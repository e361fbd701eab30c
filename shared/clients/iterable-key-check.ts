import type { Region } from '../connections/connection-schemas';
import { DependencyError, ValidationError } from '../http/errors';

const regionBaseUrls: Record<Region, string> = {
  us: 'https://api.iterable.com',
  eu: 'https://api.eu.iterable.com',
};

/** A key works only in its own region; ITERABLE_BASE_URL replaces both for local runs and tests. */
export function iterableBaseUrl(region: Region, override?: string): string {
  return override ?? regionBaseUrls[region];
}

const checkTimeoutMs = 10_000;

/**
 * Proves a key before anything is saved: `GET /api/lists` is cheap (100 requests/s) and needs
 * only a key that works in the region. 401 means Iterable rejected the key; no answer, 429 or 5xx
 * means Iterable could not be asked, and the caller may try again.
 */
export async function verifyIterableApiKey(baseUrl: string, apiKey: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/api/lists`, {
      headers: { 'Api-Key': apiKey, Accept: 'application/json' },
      signal: AbortSignal.timeout(checkTimeoutMs),
    });
  } catch (error) {
    throw new DependencyError(
      'iterable',
      'Iterable could not be reached to check the API key; nothing was saved.',
      error,
    );
  }
  await response.body?.cancel();
  if (response.ok) return;
  if (response.status === 401 || response.status === 403) {
    throw new ValidationError('Iterable rejected the API key for this region.', {
      target: 'apiKey',
    });
  }
  throw new DependencyError(
    'iterable',
    `Iterable answered HTTP ${response.status} while checking the API key; nothing was saved.`,
  );
}
