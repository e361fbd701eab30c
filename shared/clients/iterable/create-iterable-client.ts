import type { Region } from './iterable-regions';
import { iterableBaseUrl } from '../iterable-key-check';
import { IterableClient } from './iterable-client';
import type { IterableClientOptions } from './iterable-client-options';
import { rateLimiterFor } from './rate-limiter';

export interface IterableConnectionTarget {
  /** Keys the connection's shared rate limiter; unique across tenants. */
  connectionId: string;
  region: Region;
  /** From Key Vault; lives only in the client's request headers. */
  apiKey: string;
  /** The connection's request-rate cap over all instances; undefined = no cap. */
  requestsPerSecond?: number | undefined;
  /**
   * The maximum instance count the operator configured for the app: each process takes its share
   * of the cap, because a limiter can only see its own process. Default 1.
   */
  instanceCount?: number | undefined;
  /** `settings.iterableBaseUrl` (ITERABLE_BASE_URL), which replaces the region's origin. */
  baseUrlOverride?: string | undefined;
}

/** The client for one connection, sharing the connection's rate limiter within this process. */
export function createIterableClient(
  target: IterableConnectionTarget,
  options: Omit<IterableClientOptions, 'baseUrl' | 'apiKey' | 'rateLimiter'> = {},
): IterableClient {
  const { requestsPerSecond, instanceCount = 1 } = target;
  const perProcess =
    requestsPerSecond === undefined ? undefined : requestsPerSecond / Math.max(1, instanceCount);
  return new IterableClient({
    ...options,
    baseUrl: iterableBaseUrl(target.region, target.baseUrlOverride),
    apiKey: target.apiKey,
    rateLimiter: rateLimiterFor(target.connectionId, perProcess),
  });
}
