import { ExportApiError } from './api-error';
import type { ExportApi } from './export-client';
import type { components } from './generated/api';

/**
 * Waiting for a run: read it, and while it is going read it again after the `Retry-After` the API
 * sent (5 s while it works, 60 s while it awaits confirmation). A 429 or 503 with a Retry-After is
 * waited out the same way.
 */

export type Run = components['schemas']['Run'];
export type RunStatus = Run['status'];

/** The statuses of a run that has not ended. */
export const goingStatuses: ReadonlySet<RunStatus> = new Set([
  'queued',
  'planning',
  'awaitingConfirmation',
  'running',
]);

export interface WaitForRunOptions {
  /** Give up after this long (default 30 minutes): the promise rejects with a RunWaitTimeout. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Each reading of the run while it is going, for a progress display. */
  onProgress?: (run: Run) => void;
  /**
   * Keep waiting while the run awaits a person's confirmation (the mass-removal guard). By
   * default the wait ends there, since the run goes no further until someone confirms or cancels.
   */
  throughConfirmation?: boolean;
}

export class RunWaitTimeout extends Error {
  constructor(readonly run: Run) {
    super(`Run ${run.id} is still ${run.status}`);
    this.name = 'RunWaitTimeout';
  }
}

/** The wait the API asked for, in milliseconds; 5 s when it named none, never over a minute. */
export function retryAfterMs(response: Response): number {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 60) * 1000 : 5000;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const retriedStatuses = new Set([429, 503]);

/** The run once it has ended (or awaits confirmation, unless `throughConfirmation`). */
export async function waitForRun(
  api: ExportApi,
  exportId: string,
  runId: string,
  options: WaitForRunOptions = {},
): Promise<Run> {
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  let last: Run | undefined;
  for (;;) {
    const { data, error, response } = await api.GET('/api/exports/{id}/runs/{runId}', {
      params: { path: { id: exportId, runId } },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (data) {
      last = data;
      const waiting =
        goingStatuses.has(data.status) &&
        (data.status !== 'awaitingConfirmation' || options.throughConfirmation === true);
      if (!waiting) return data;
      options.onProgress?.(data);
    } else if (!retriedStatuses.has(response.status) || !response.headers.has('retry-after')) {
      throw ExportApiError.from(response, error);
    }
    const delay = retryAfterMs(response);
    if (Date.now() + delay > deadline) {
      if (last) throw new RunWaitTimeout(last);
      throw ExportApiError.from(response, error);
    }
    await sleep(delay, options.signal);
  }
}
