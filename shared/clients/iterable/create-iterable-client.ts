import type { Region } from './iterable-regions';
import { iterableBaseUrl } from '../iterable-key-check';
import { IterableClient } from './iterable-client';
import type { IterableClientOptions } from './iterable-client-options';

export interface IterableConnectionTarget {
  region: Region;
  /** From Key Vault; lives only in the client's request headers. */
  apiKey: string;
  /** `settings.iterableBaseUrl` (ITERABLE_BASE_URL), which replaces the region's origin. */
  baseUrlOverride?: string | undefined;
}

/**
 * The client for one connection. It does not pace: the batch worker books each request's slot at
 * its key's gate (flow-control/), which every instance shares.
 */
export function createIterableClient(
  target: IterableConnectionTarget,
  options: Omit<IterableClientOptions, 'baseUrl' | 'apiKey'> = {},
): IterableClient {
  return new IterableClient({
    ...options,
    baseUrl: iterableBaseUrl(target.region, target.baseUrlOverride),
    apiKey: target.apiKey,
  });
}
