import type { TransactionAction } from '@azure/data-tables';
import type { Run, SkipReason } from './run-schemas';
import type { RunStore } from './run-store';
import { newRun, type RunLifecycle } from './run-lifecycle';
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
 * The runs the refresh timer and the platform's refresh calls write: a scheduled run (`queued`,
 * holding its export like any run, created through the lifecycle) or the record of a skipped slot.
 * Each is written in one transaction with its slot's claim, so a slot yields exactly one of them;
 * `undefined` means the transaction conflicted and wrote nothing.
 */
export class ScheduledRuns {
  constructor(
    private readonly store: RunStore,
    private readonly lifecycle: RunLifecycle,
  ) {}

  /**
   * The run, or the fair-use limit that keeps it from starting now (nothing written then). A run
   * whose message cannot be sent ends failed and frees its export: the slot is spent either way.
   */
  async start(
    request: SlotRequest,
    claim: ClaimActions,
  ): Promise<Run | LimitReachedError | undefined> {
    const run = scheduledRun(request, 'queued');
    const outcome = await this.lifecycle.create(request.tenantId, run, {
      connectionId: request.connectionId,
      alongside: claim(run),
    });
    if (outcome instanceof LimitReachedError) return outcome;
    return outcome === 'started' ? run : undefined;
  }

  async skip(
    request: SlotRequest,
    reason: SkipReason,
    claim: ClaimActions,
  ): Promise<Run | undefined> {
    const run: ScheduledRun = {
      ...scheduledRun(request, 'skipped'),
      finishedAt: request.now.toISOString(),
      skipReason: reason,
    };
    return (await this.store.record(request.tenantId, run, claim(run))) ? run : undefined;
  }

  /** Sends a queued run's message again (its first one was lost). */
  async requeue(tenantId: string, run: Run): Promise<void> {
    await this.lifecycle.send(tenantId, run);
  }

  async active(tenantId: string, exportId: string): Promise<Run | undefined> {
    return this.store.active(tenantId, exportId);
  }
}

function scheduledRun(request: SlotRequest, status: 'queued' | 'skipped'): ScheduledRun {
  const run = newRun({
    exportId: request.exportId,
    trigger: request.trigger ?? 'schedule',
    slot: request.slot,
    mode: 'delta',
    dryRun: false,
    segments: request.segments,
    snapshotEtags: request.snapshotEtags,
    status,
    now: request.now,
  });
  return { ...run, slot: request.slot };
}
