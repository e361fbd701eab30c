import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import type { IterableRequestEvent } from '../../telemetry';

/** How an IterableClient is made and called: its options, what it reports, and its HTTP pool. */

export interface IterableClientOptions {
  /** Region origin, or ITERABLE_BASE_URL (see iterableBaseUrl in ../iterable-key-check.ts). */
  baseUrl: string;
  apiKey: string;
  /**
   * Awaited before every request: the planner's calls take a slot at their key's gate there, so
   * they count in the key's budget like its batches. Default: none.
   */
  pace?: () => Promise<void>;
  /** Requests per call while failures are throttled or transient; default 4. */
  maxAttempts?: number;
  /** Default 250 ms: the first backoff is up to this, then doubling. */
  retryBaseDelayMs?: number;
  /** Default 10 s. */
  retryMaxDelayMs?: number;
  /** Longest one call keeps retrying, Retry-After included; default 30 s. */
  retryBudgetMs?: number;
  /** How long after a list's creation invalidListId means "not ready yet"; default 30 s. */
  newListGraceMs?: number;
  /** Per request, from queueing to the end of the answer; default 30 s. */
  requestTimeoutMs?: number;
  /** Default: the process-wide keep-alive agent. */
  dispatcher?: Dispatcher;
  /** Told of every request once answered (or not): for logs and metrics. Never sees the key. */
  onRequest?: (event: IterableRequestEvent) => void;
}

export interface ListWriteOptions {
  /**
   * When the list was created (epoch ms), for a list created by another process or invocation:
   * inside the grace window invalidListId is retried. Lists this client created are remembered.
   */
  listCreatedAt?: number;
  /**
   * Called before each attempt: a caller whose work was called off meanwhile (a run cancelled
   * while its batch waited for its slot or a retry) throws here, and the request is never sent.
   */
  beforeAttempt?: () => Promise<void>;
}

let sharedAgent: Agent | undefined;

/**
 * One keep-alive pool per Iterable origin for the whole process: a batch worker fans out many
 * requests at once, and a new TLS handshake per request would cost more than the request.
 */
export function iterableAgent(): Agent {
  sharedAgent ??= new Agent({
    connections: 64,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
    connect: { timeout: 10_000 },
  });
  return sharedAgent;
}
