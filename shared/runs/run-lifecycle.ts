import type { TableClient, TransactionAction } from '@azure/data-tables';
import { sendQueueMessage } from '../clients/queue-messages';
import { ConflictError, DependencyError, NotFoundError } from '../errors';
import { processLog } from '../process-log';
import { currentTraceparent } from '../telemetry';
import type { ActiveRunLimits } from './active-run-seats';
import { endRun, type RunEndLog, type RunEnding, type RunRef } from './end-run';
import { newRunId } from './run-id';
import { runQueueFor, type RunQueues } from './run-queues';
import { emptyCounts, runMessageFormat, type Run, type RunMessage } from './run-schemas';
import { createRunStarter, type RunStarter, type StartOutcome } from './run-start';
import type { RunStore, StoredRun } from './run-store';

/** What a new run is made of; everything else starts empty. */
export interface NewRun {
  exportId: string;
  trigger: Run['trigger'];
  /** The scheduled slot or the refresh's time. */
  slot?: string;
  requestedBy?: string;
  mode: Run['mode'];
  dryRun: boolean;
  segments: readonly string[];
  /** Snapshot versions to plan, by segment (a reported refresh pins what it reported). */
  snapshotEtags?: ReadonlyMap<string, string>;
  /** `skipped` for the record of a scheduled slot that did not run. */
  status?: 'queued' | 'skipped';
  now: Date;
}

/** The row of a new run, requested or scheduled, not yet written. */
export function newRun(fields: NewRun): Run {
  return {
    id: newRunId(fields.now.getTime()),
    exportId: fields.exportId,
    trigger: fields.trigger,
    ...(fields.slot ? { slot: fields.slot } : {}),
    ...(fields.requestedBy ? { requestedBy: fields.requestedBy } : {}),
    mode: fields.mode,
    dryRun: fields.dryRun,
    status: fields.status ?? 'queued',
    counts: emptyCounts(),
    percentComplete: 0,
    // A pinned version is what planning must read: another one fails the run (SnapshotChanged).
    segments: fields.segments.map((name) => {
      const snapshotEtag = fields.snapshotEtags?.get(name);
      return { name, ...(snapshotEtag ? { snapshotEtag } : {}), counts: emptyCounts() };
    }),
    createdAt: fields.now.toISOString(),
  };
}

/**
 * The one way a run is created and ended, whoever asks: the API, the refresh timer, a reported
 * refresh, the pipeline. A run is written (holding its export and its seats) and then its first
 * message is sent on its run queue (run-queues.ts), carrying the active trace so the run's
 * telemetry continues it.
 */
export class RunLifecycle {
  constructor(
    private readonly store: RunStore,
    private readonly starter: RunStarter,
    private readonly queues: RunQueues,
    private readonly log: RunEndLog = processLog,
  ) {}

  /**
   * Writes the run on the seats of its connection, with the actions `alongside` (a slot's claim)
   * in its transaction, and sends its first message; `started` only when both happened. If the
   * message cannot be sent the run fails at once (NotQueued) and frees its export, so no run
   * waits forever for a message never sent.
   */
  async create(
    tenantId: string,
    run: Run,
    on: { connectionId: string; alongside?: TransactionAction[] },
  ): Promise<StartOutcome> {
    const outcome = await this.starter.tryStart(tenantId, run, on.connectionId, on.alongside);
    if (outcome !== 'started') return outcome;
    try {
      await this.send(tenantId, run);
    } catch (error) {
      await this.end({ tenantId, exportId: run.exportId, runId: run.id }, notQueued);
      throw new DependencyError('storage', 'The run could not be queued; try again.', error);
    }
    return outcome;
  }

  /**
   * Sends the run's message to the planner: to plan it, or with `release` to send the batches a
   * confirmed run held. Sending a queued run's message again (its first one was lost) is safe.
   */
  async send(tenantId: string, run: Pick<Run, 'id' | 'exportId' | 'trigger'>, action?: 'release') {
    const traceparent = currentTraceparent();
    const message: RunMessage = {
      tenantId,
      exportId: run.exportId,
      runId: run.id,
      ...(action ? { action } : {}),
      ...(traceparent ? { traceparent } : {}),
    };
    await sendQueueMessage(runQueueFor(this.queues, run, action), runMessageFormat, message);
  }

  /** Ends a run that has not ended (endRun); the run as it ended, or as it had ended before. */
  async end(ref: RunRef, ending: RunEnding): Promise<StoredRun> {
    const ended = await endRun(this.store, this.log, ref, ending);
    if (ended.outcome === 'missing') throw new NotFoundError('Run', ref.runId);
    if (ended.outcome === 'keptChanging') {
      throw new ConflictError('The run kept changing while it was being ended; try again.');
    }
    return ended.run;
  }
}

const notQueued: RunEnding = {
  status: 'failed',
  error: { code: 'NotQueued', message: 'The run could not be queued.' },
};

/** The lifecycle over one runs table, its active-run seats counted against `limits`. */
export function createRunLifecycle(
  store: RunStore,
  runsTable: TableClient,
  limits: ActiveRunLimits,
  queues: RunQueues,
): RunLifecycle {
  return new RunLifecycle(store, createRunStarter(store, runsTable, limits), queues);
}
