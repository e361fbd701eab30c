import { newRunId } from './run-id';
import type { TransactionAction } from '@azure/data-tables';
import type { QueueClient } from '@azure/storage-queue';
import { ConflictError, DependencyError } from '../errors';
import {
  activeStatuses,
  emptyCounts,
  type Run,
  runMessageText,
  type RunMessage,
  type SkipReason,
} from './run-schemas';
import type { RunStore, StoredRun } from './run-store';
import type { RunStarter } from './run-start';
import { LimitReachedError } from '../fair-use/limit-reached-error';

export type ScheduledRun = Run & { slot: string };

/** What a slot's claim adds to the transaction that writes its run. */
export type ClaimActions = (run: ScheduledRun) => TransactionAction[];

export interface SlotRequest {
  tenantId: string;
  exportId: string;
  connectionId: string;
  slot: string;
  segments: string[];
  now: Date;
  /** `refresh` when the platform reported the refresh; the timer's runs are `schedule`. */
  trigger?: 'schedule' | 'refresh';
  /** Snapshot versions (ETags) by segment as they were when the refresh was reported. */
  snapshotEtags?: ReadonlyMap<string, string>;
}

/**
 * The runs the refresh timer and the platform's refresh calls write: a scheduled run (`queued`, holding its export like any run)
 * or the record of a skipped slot. Each is written in one transaction with its slot's claim, so a
 * slot yields exactly one of them; `undefined` means the transaction conflicted and wrote nothing.
 */
export class ScheduledRuns {
  constructor(
    private readonly store: RunStore,
    private readonly starter: RunStarter,
    private readonly queue: QueueClient,
  ) {}

  /** The run, or the fair-use limit that keeps it from starting now (nothing written then). */
  async start(
    request: SlotRequest,
    claim: ClaimActions,
  ): Promise<Run | LimitReachedError | undefined> {
    const run = newRun(request, 'queued');
    const outcome = await this.starter.tryStart(
      request.tenantId,
      run,
      request.connectionId,
      claim(run),
    );
    if (outcome instanceof LimitReachedError) return outcome;
    if (outcome === 'conflict') return undefined;
    const message: RunMessage = {
      tenantId: request.tenantId,
      exportId: request.exportId,
      runId: run.id,
    };
    try {
      await this.queue.sendMessage(runMessageText(message));
    } catch (error) {
      // The slot is spent either way: its run ends failed, visibly, and frees the export.
      await this.#failUnqueued(request.tenantId, run);
      throw new DependencyError('storage', 'A scheduled run could not be queued.', error);
    }
    return run;
  }

  async skip(
    request: SlotRequest,
    reason: SkipReason,
    claim: ClaimActions,
  ): Promise<Run | undefined> {
    const run: ScheduledRun = {
      ...newRun(request, 'skipped'),
      finishedAt: request.now.toISOString(),
      skipReason: reason,
    };
    return (await this.store.record(request.tenantId, run, claim(run))) ? run : undefined;
  }

  /** Sends a queued run's message again (its first one was lost). */
  async requeue(tenantId: string, run: Run): Promise<void> {
    const message: RunMessage = { tenantId, exportId: run.exportId, runId: run.id };
    await this.queue.sendMessage(runMessageText(message));
  }

  async active(tenantId: string, exportId: string): Promise<Run | undefined> {
    return this.store.active(tenantId, exportId);
  }

  async #failUnqueued(tenantId: string, run: Run): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await this.store.get(tenantId, run.exportId, run.id);
      if (!stored || !activeStatuses.has(stored.status)) return;
      const failed: StoredRun = {
        ...stored,
        status: 'failed',
        finishedAt: new Date().toISOString(),
        error: { code: 'NotQueued', message: 'The run could not be queued.' },
      };
      if (await this.store.finish(tenantId, failed)) return;
    }
    throw new ConflictError('The unqueued run kept changing while it was being ended.');
  }
}

function newRun(request: SlotRequest, status: Run['status']): ScheduledRun {
  return {
    id: newRunId(request.now.getTime()),
    exportId: request.exportId,
    trigger: request.trigger ?? 'schedule',
    slot: request.slot,
    mode: 'delta',
    dryRun: false,
    status,
    counts: emptyCounts(),
    percentComplete: 0,
    // A pinned version is what planning must read: another one fails the run (SnapshotChanged).
    segments: request.segments.map((name) => {
      const snapshotEtag = request.snapshotEtags?.get(name);
      return { name, ...(snapshotEtag ? { snapshotEtag } : {}), counts: emptyCounts() };
    }),
    createdAt: request.now.toISOString(),
  };
}
