import { RunStatusSchema } from '../../../shared/runs/run-schemas';
import { runRetryAfterHeader, runRetryAfterSeconds } from '../../../shared/runs/run-retry-after';

describe('runRetryAfterSeconds', () => {
  it('asks a poller back in 5 seconds while a run moves, and in a minute while it waits for an Admin', () => {
    expect(runRetryAfterSeconds('queued')).toBe(5);
    expect(runRetryAfterSeconds('planning')).toBe(5);
    expect(runRetryAfterSeconds('running')).toBe(5);
    expect(runRetryAfterSeconds('awaitingConfirmation')).toBe(60);
  });

  it('gives no Retry-After once a run has ended', () => {
    const ended = RunStatusSchema.options.filter(
      (status) => !['queued', 'planning', 'running', 'awaitingConfirmation'].includes(status),
    );
    expect(ended).toEqual(['succeeded', 'partiallySucceeded', 'failed', 'cancelled', 'skipped']);
    for (const status of ended) expect(runRetryAfterHeader(status)).toEqual({});
    expect(runRetryAfterHeader('running')).toEqual({ 'retry-after': '5' });
  });
});
