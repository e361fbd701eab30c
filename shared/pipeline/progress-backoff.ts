/**
 * The wait between two attempts at a shard of completion marks that another batch wrote first.
 * Parallel batches of one run contend for its 16 shard rows; retrying at once makes the losers
 * collide again, so each conflict waits longer (doubling from `baseMs` up to `capMs`), with
 * jitter (half the wait fixed, half random) so the contenders spread out. After `maxAttempts`
 * the write fails, the invocation with it, and the queue delivers the batch again: its result is
 * recorded already, so only its mark is set then.
 */
export interface ProgressBackoff {
  baseMs: number;
  capMs: number;
  maxAttempts: number;
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1). */
  random(): number;
}

export const defaultProgressBackoff: ProgressBackoff = {
  baseMs: 10,
  capMs: 500,
  maxAttempts: 12,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** The wait after the `conflict`-th conflict in a row (1 for the first). */
export function progressBackoffMs(
  conflict: number,
  backoff: Pick<ProgressBackoff, 'baseMs' | 'capMs' | 'random'>,
): number {
  const ceiling = Math.min(backoff.capMs, backoff.baseMs * 2 ** (conflict - 1));
  return Math.round(ceiling / 2 + backoff.random() * (ceiling / 2));
}

/** The shard stayed contended through every attempt. */
export class ProgressContendedError extends Error {
  constructor(attempts: number) {
    super(`The run's progress row stayed contended through ${attempts} attempts`);
  }
}
