import type { AuditTrail } from '../audit/audit-trail';
import type { Principal } from '../http/auth';
import { AppError, ConflictError, DependencyError, NotFoundError } from '../errors';
import { activeStatuses, type Run, type RunRequest } from './run-schemas';
import type { RunStore, StoredRun } from './run-store';
import { newRun, type RunLifecycle } from './run-lifecycle';
import { addLogContext } from '../log-context';
import { processLog } from '../process-log';

export interface RunRequestInput extends RunRequest {
  trigger: Run['trigger'];
  slot?: string;
}

/** 409 with the run that holds the export, so the caller can follow it. */
export class ActiveRunError extends AppError {
  constructor(readonly run: Run) {
    super(409, 'RunActive', `Run '${run.id}' of this export is still ${run.status}.`, {
      target: 'exportId',
      details: [
        { code: 'ActiveRun', target: run.id, message: `Run '${run.id}' is ${run.status}.` },
      ],
      innerError: { activeRun: run },
    });
  }
}

/**
 * Requesting, reading and cancelling runs. A request creates the run through the lifecycle (the
 * run and its export's active-run marker in one transaction, then a reference on
 * export-runs-on-demand).
 */
export class RunService {
  constructor(
    private readonly store: RunStore,
    private readonly lifecycle: RunLifecycle,
    /** How many of a running run's batches are done, for its percentComplete. */
    private readonly completedBatches: (
      tenantId: string,
      exportId: string,
      runId: string,
    ) => Promise<number>,
    private readonly audit: AuditTrail,
    /**
     * Throws when the export's connection cannot run it now (disabled by the kill switch, or
     * deleted): one row read, before anything is written.
     */
    private readonly assertConnectionRunnable: (
      tenantId: string,
      connectionId: string,
    ) => Promise<void>,
  ) {}

  async request(
    principal: Principal,
    target: { id: string; connectionId: string; segments: string[] },
    input: RunRequestInput,
  ): Promise<Run> {
    const { id: exportId, segments } = target;
    await this.assertConnectionRunnable(principal.tenantId, target.connectionId);
    const run = newRun({
      exportId,
      trigger: input.trigger,
      slot: input.slot,
      requestedBy: principal.userId,
      mode: input.mode,
      dryRun: input.dryRun,
      segments,
      now: new Date(),
    });
    await this.#start(principal.tenantId, run, target.connectionId);
    addLogContext({ exportId, runId: run.id });
    await this.audit.record(
      principal,
      'run.request',
      { type: 'run', id: run.id },
      {
        exportId,
        mode: run.mode,
        dryRun: run.dryRun,
      },
    );
    return run;
  }

  /**
   * Starts the run, or throws why not: the export's own active run (409) before a fair-use limit
   * (429), since waiting for a seat is no use while the export itself is busy. A seat taken at the
   * same moment by another request is picked again.
   */
  async #start(tenantId: string, run: Run, connectionId: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const outcome = await this.lifecycle.create(tenantId, run, { connectionId });
      if (outcome === 'started') return;
      const active = await this.store.active(tenantId, run.exportId);
      if (active) throw new ActiveRunError(stripStorage(active));
      if (outcome !== 'conflict') throw outcome;
    }
    throw new ConflictError('Other runs were requested at the same moment; try again.');
  }

  async get(tenantId: string, exportId: string, runId: string): Promise<Run> {
    const run = await this.store.get(tenantId, exportId, runId);
    if (!run) throw new NotFoundError('Run', runId);
    if (run.status === 'running' && run.batchCount) {
      const done = await this.completedBatches(tenantId, exportId, runId);
      // Planning is the first tenth of the work; the batches are the rest.
      run.percentComplete = Math.min(99, Math.round(10 + (90 * done) / run.batchCount));
      const estimate = estimateFinish(run, done, Date.now());
      if (estimate) run.estimatedFinishAt = estimate;
    }
    return stripStorage(run);
  }

  async page(tenantId: string, exportId: string, top: number, continuationToken?: string) {
    const page = await this.store.page(tenantId, exportId, top, continuationToken);
    return { value: page.value.map(stripStorage), continuationToken: page.continuationToken };
  }

  async cancel(
    principal: Principal,
    exportId: string,
    runId: string,
    reason?: Run['error'],
  ): Promise<Run> {
    const run = await this.store.get(principal.tenantId, exportId, runId);
    if (!run) throw new NotFoundError('Run', runId);
    if (!activeStatuses.has(run.status)) {
      throw new ConflictError(`Run '${runId}' has already ended (${run.status}).`, {
        target: 'runId',
      });
    }
    const cancelled = await this.#cancel(principal.tenantId, exportId, runId, reason);
    await this.#cancelled(principal, cancelled, run.status, reason);
    return cancelled;
  }

  async #cancelled(
    principal: Principal,
    run: Run,
    previousStatus: Run['status'],
    reason: Run['error'],
  ): Promise<void> {
    const { exportId, id: runId } = run;
    processLog.info('Run cancelled', {
      exportId,
      runId,
      previousStatus,
      ...(reason ? { reason: reason.code } : {}),
    });
    await this.audit.record(
      principal,
      'run.cancel',
      { type: 'run', id: runId },
      { exportId, ...(reason ? { reason: reason.code } : {}) },
    );
  }

  /**
   * Lets a run held by the mass-removal guard send its batches: the run becomes `running` and a
   * release message goes to the planner, which enqueues them. Only a held run can be confirmed.
   */
  async confirm(principal: Principal, exportId: string, runId: string): Promise<Run> {
    const run = await this.store.get(principal.tenantId, exportId, runId);
    if (!run) throw new NotFoundError('Run', runId);
    if (run.status !== 'awaitingConfirmation') {
      throw new ConflictError(`Run '${runId}' is ${run.status}, not awaitingConfirmation.`, {
        target: 'runId',
      });
    }
    const confirmed: StoredRun = { ...run, status: 'running' };
    if (!(await this.store.save(principal.tenantId, confirmed))) {
      throw new ConflictError('The run changed while it was being confirmed; try again.');
    }
    try {
      await this.lifecycle.send(principal.tenantId, run, 'release');
    } catch (error) {
      const current = await this.store.get(principal.tenantId, exportId, runId);
      if (current?.status === 'running')
        await this.store.save(principal.tenantId, { ...current, status: 'awaitingConfirmation' });
      throw new DependencyError('storage', 'The run could not be released; try again.', error);
    }
    await this.audit.record(
      principal,
      'run.confirm',
      { type: 'run', id: runId },
      { exportId, removing: run.counts.removed },
    );
    return stripStorage((await this.store.get(principal.tenantId, exportId, runId)) ?? confirmed);
  }

  /**
   * Cancels the export's active run, if any (when the export is deleted, or its connection
   * stopped, with `reason` as the run's error). A run that ended meanwhile is left as it ended.
   */
  async cancelActive(
    principal: Principal,
    exportId: string,
    reason?: Run['error'],
  ): Promise<Run | undefined> {
    const active = await this.store.active(principal.tenantId, exportId);
    if (!active) return undefined;
    const ended = await this.#cancel(principal.tenantId, exportId, active.id, reason);
    if (ended.status !== 'cancelled') return undefined;
    await this.#cancelled(principal, ended, active.status, reason);
    return ended;
  }

  /** The run cancelled, or as it ended meanwhile. */
  async #cancel(tenantId: string, exportId: string, runId: string, reason?: Run['error']) {
    const ended = await this.lifecycle.end(
      { tenantId, exportId, runId },
      { status: 'cancelled', ...(reason ? { error: reason } : {}) },
    );
    return stripStorage(ended);
  }
}

/**
 * Batches are sent while the snapshot is still being planned, so the pace is measured from the
 * run's start: the remaining batches are expected to take as long per batch as the finished ones.
 */
export function estimateFinish(
  run: Pick<Run, 'startedAt' | 'batchCount'>,
  doneBatches: number,
  now: number,
): string | undefined {
  if (!run.startedAt || !run.batchCount || doneBatches <= 0) return undefined;
  const elapsed = Math.max(0, now - Date.parse(run.startedAt));
  const remaining = Math.max(0, run.batchCount - doneBatches);
  return new Date(now + (elapsed / doneBatches) * remaining).toISOString();
}

function stripStorage(run: StoredRun): Run {
  const { rowKey: _rowKey, etag: _etag, ...rest } = run;
  return rest;
}
