import { setTimeout as sleep } from 'node:timers/promises';
import { activeStatuses } from '../shared/runs/run-schemas';
import { retryAfterMs } from './smoke-answers';
import { HttpFailure, type SmokeApi } from './smoke-http';
import { RunSchema, type Run } from './smoke-schemas';

/** How often a run is asked for when the app sends no Retry-After. */
const pollMs = 2000;
/** Even a Retry-After of 0 must not turn polling into a busy loop. */
const shortestWaitMs = 500;

export interface StartedRun {
  run: Run;
  /** The run resource, from the request's Operation-Location. */
  location: URL;
  retryAfterMs: number | undefined;
}

export type RunEnd =
  | { kind: 'ended'; run: Run }
  /** Still active at the deadline; `lastError` when the last polls got no answer. */
  | { kind: 'timedOut'; run: Run; lastError?: string }
  | { kind: 'interrupted'; run: Run };

/** `POST /api/exports/{id}/runs {"dryRun": true}`: 202 with the run and Operation-Location. */
export async function requestDryRun(api: SmokeApi, exportId: string): Promise<StartedRun> {
  const target = api.url(`exports/${exportId}/runs`);
  const { value: run, answer } = await api.json('POST', target, [202], RunSchema, {
    body: { dryRun: true },
    authorized: true,
  });
  const header = answer.headers.get('operation-location');
  if (!run.dryRun) {
    // Never expected; but a real run must not go on in the name of a smoke test.
    await api.send('POST', api.url(`exports/${exportId}/runs/${run.id}/cancel`), {
      authorized: true,
      uninterruptible: true,
    });
    throw new HttpFailure(`${answer.label} queued run ${run.id} as a real run; it was cancelled`);
  }
  if (!header) throw new HttpFailure(`${answer.label} answered 202 without Operation-Location`);
  return {
    run,
    location: pollTarget(header, api.base),
    retryAfterMs: retryAfterMs(answer.headers),
  };
}

/**
 * The run resource to poll. The token goes only to the app named by --url: a location on
 * another origin (a proxy's inner address) is asked for at the same path there.
 */
function pollTarget(header: string, base: URL): URL {
  const location = new URL(header, base);
  return location.origin === base.origin
    ? location
    : new URL(`${location.pathname}${location.search}`, base.origin);
}

/**
 * Polls the run until it leaves the active statuses (or waits for a person, which a smoke run
 * cannot), honouring Retry-After, every 2 s otherwise. A poll without an answer or with a 5xx
 * is asked again until the deadline: a smoke run must not fail on one lost request.
 */
export async function followRun(
  api: SmokeApi,
  started: StartedRun,
  deadline: number,
  interrupt: AbortSignal,
): Promise<RunEnd> {
  let run = started.run;
  let waitMs = started.retryAfterMs ?? pollMs;
  let lastError: string | undefined;
  for (;;) {
    if (!activeStatuses.has(run.status) || run.status === 'awaitingConfirmation')
      return { kind: 'ended', run };
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { kind: 'timedOut', run, ...(lastError ? { lastError } : {}) };
    try {
      await sleep(Math.min(Math.max(waitMs, shortestWaitMs), remaining), undefined, {
        signal: interrupt,
      });
      const polled = await api.json('GET', started.location, [200], RunSchema, {
        authorized: true,
      });
      run = polled.value;
      waitMs = retryAfterMs(polled.answer.headers) ?? pollMs;
      lastError = undefined;
    } catch (error) {
      if (interrupt.aborted) return { kind: 'interrupted', run };
      if (!(error instanceof HttpFailure) || !error.transient) throw error;
      lastError = error.message;
      waitMs = error.retryAfterMs ?? pollMs;
    }
  }
}
