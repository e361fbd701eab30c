import { Cron } from 'croner';
import type { HostLog } from './host-log';
import type { HostFunction, Invoker } from './invoker';

/** A timer's singleton lock (listener-lock.ts): only its holder runs the schedule. */
export interface TimerLock {
  readonly held: boolean;
  start(): void;
  stop(): Promise<void>;
}

/** Makes a timer's singleton lock; `onAcquired` runs each time this instance takes it. */
export type TimerLockFactory = (timer: TimerFunction, onAcquired: () => void) => TimerLock;

export interface TimerFunction {
  fn: HostFunction;
  triggerBindingName: string;
  schedule: string;
  runOnStartup: boolean;
}

interface RetryOptions {
  maxRetryCount?: number;
  retryStrategy?: 'fixedDelay' | 'exponentialBackoff';
  delayInterval?: { seconds?: number };
  minimumInterval?: { seconds?: number };
  maximumInterval?: { seconds?: number };
}

/**
 * NCRONTAB is six fields, seconds first, and a day must match both day-of-month and day-of-week
 * (NCrontab's rule), so croner runs in 6-part mode with AND semantics. Times are UTC unless
 * WEBSITE_TIME_ZONE names another zone, as on App Service.
 */
export function ncrontabJob(
  schedule: string,
  timeZone: string | undefined,
  run?: (self: Cron) => void,
): Cron {
  if (schedule.trim().split(/\s+/).length !== 6) {
    throw new Error(`"${schedule}" is not a six-field NCRONTAB expression`);
  }
  const options = { mode: '6-part', domAndDow: true, timezone: timeZone ?? 'UTC' } as const;
  return run ? new Cron(schedule, options, run) : new Cron(schedule, options);
}

/**
 * Runs timer-triggered functions: on schedule, once at start when `runOnStartup`, never
 * overlapping. With locks (as the host always has them), a timer runs only on the instance that
 * holds its listener lock, so an app scaled out to many instances runs each occurrence once;
 * `runOnStartup` then runs when this instance takes the lock, as the real listener starts then.
 */
export class TimerScheduler {
  #jobs: Cron[] = [];
  #locks: TimerLock[] = [];
  #running = new Set<string>();
  #stopped = false;

  constructor(
    private readonly invoker: Invoker,
    private readonly log: HostLog,
    private readonly timeZone: string | undefined,
  ) {}

  start(timers: TimerFunction[], lockFor?: TimerLockFactory): void {
    for (const timer of timers) {
      let last: Date | undefined;
      const onStartup = () => {
        if (timer.runOnStartup)
          void this.fire(timer, { scheduled: new Date(), next: job.nextRun() ?? undefined });
      };
      // Taken only once the job exists: onStartup runs when the lock is acquired.
      const lock = lockFor?.(timer, onStartup);
      const job = ncrontabJob(timer.schedule, this.timeZone, (self) => {
        if (lock && !lock.held) return;
        const scheduled = self.currentRun() ?? new Date();
        void this.fire(timer, { last, scheduled, next: self.nextRun() ?? undefined });
        last = scheduled;
      });
      this.#jobs.push(job);
      if (!lock) {
        onStartup();
        continue;
      }
      this.#locks.push(lock);
      lock.start();
    }
  }

  /** One timer invocation (also used by the admin API), with the function's retry policy. */
  async fire(
    timer: TimerFunction,
    status: { last?: Date; scheduled: Date; next?: Date },
  ): Promise<void> {
    const name = timer.fn.metadata.name;
    if (this.#stopped) return;
    if (this.#running.has(name)) {
      this.log.info(`Timer '${name}' is still running; this occurrence is skipped`);
      return;
    }
    this.#running.add(name);
    // Which occurrence this is, as the real host's "Timer fired at" reason tells it.
    this.log.info(`Timer '${name}' fired for ${status.scheduled.toISOString()}`);
    try {
      const retry = (timer.fn.metadata.retryOptions ?? {}) as RetryOptions;
      const maxRetries = retry.maxRetryCount ?? 0;
      for (let attempt = 0; !this.#stopped; attempt++) {
        try {
          await this.invoker.invoke(timer.fn, timerInput(timer, status));
          return;
        } catch {
          if (maxRetries !== -1 && attempt >= maxRetries) return;
          await sleep(retryDelayMs(retry, attempt));
        }
      }
    } finally {
      this.#running.delete(name);
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#jobs.forEach((job) => job.stop());
  }

  /** Gives up the listener locks, once this instance's timer runs have ended. */
  async releaseLocks(): Promise<void> {
    await Promise.all(this.#locks.map((lock) => lock.stop()));
  }
}

function timerInput(timer: TimerFunction, status: { last?: Date; scheduled: Date; next?: Date }) {
  const late = Date.now() - status.scheduled.getTime();
  const json = JSON.stringify({
    Schedule: { AdjustForDST: true },
    ScheduleStatus: {
      Last: (status.last ?? status.scheduled).toISOString(),
      Next: status.next?.toISOString(),
      LastUpdated: new Date().toISOString(),
    },
    // The host calls a run past due when it starts well after its scheduled time.
    IsPastDue: late > 1000,
  });
  return { inputData: [{ name: timer.triggerBindingName, data: { json } }] };
}

function retryDelayMs(retry: RetryOptions, attempt: number): number {
  if (retry.retryStrategy === 'exponentialBackoff') {
    const min = (retry.minimumInterval?.seconds ?? 1) * 1000;
    const max = (retry.maximumInterval?.seconds ?? 900) * 1000;
    return Math.min(max, min * 2 ** attempt);
  }
  return (retry.delayInterval?.seconds ?? 0) * 1000;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
