import { ErasureRecords, type ErasureRecord, type ErasureScope } from './erasure-records';
import { sweepErasure, type ErasureStorage } from './export-erasure';
import { WorkBudget } from './work-budget';

/**
 * How long after an erasure is asked for an invocation of its runs may still be writing: the
 * host's functionTimeout (30 minutes, host.json) and a margin. The run is cancelled first, but a
 * planner or finalizer that read it before may write a blob until its invocation ends; a sweep
 * started after this takes that away too.
 */
export const erasureSettleMs = 35 * 60_000;

/** Storage operations the request that deletes spends on its erasure; the timer does the rest. */
export const requestErasureOperations = 2_000;

export interface ErasureOptions {
  settleMs?: number;
  now?: () => Date;
}

/**
 * Erasing what an export kept of its members, recorded first so that nothing is left behind
 * without a record: the request that deletes sweeps once within its budget, and the retention
 * timer sweeps every recorded erasure until one sweep starts after it settled.
 */
export class Erasures {
  readonly records: ErasureRecords;
  readonly #settleMs: number;
  readonly #now: () => Date;

  constructor(
    private readonly storage: ErasureStorage,
    options: ErasureOptions = {},
  ) {
    this.records = new ErasureRecords(storage.runs);
    this.#settleMs = options.settleMs ?? erasureSettleMs;
    this.#now = options.now ?? (() => new Date());
  }

  /** Records the erasure (before anything of the export is deleted). */
  async begin(tenantId: string, exportId: string, scope: ErasureScope): Promise<void> {
    await this.records.request(tenantId, exportId, scope, this.#now());
  }

  /**
   * Sweeps the recorded erasure once, within `operations`; false when none is recorded. Kept
   * until a sweep that started after it settled went through.
   */
  async sweep(
    tenantId: string,
    exportId: string,
    scope: ErasureScope,
    operations = requestErasureOperations,
  ): Promise<boolean> {
    const record = await this.records.get(tenantId, exportId, scope);
    if (!record) return false;
    await this.continue(record, new WorkBudget(operations));
    return true;
  }

  /** One sweep of a recorded erasure; whether the record is gone (the erasure is finished). */
  async continue(record: ErasureRecord, budget: WorkBudget): Promise<boolean> {
    const startedAt = this.#now();
    const complete = await sweepErasure(this.storage, record, budget);
    if (!complete) {
      await this.records.save(record);
      return false;
    }
    const settledAt = Date.parse(record.requestedAt) + this.#settleMs;
    if (startedAt.getTime() >= settledAt) {
      await this.records.remove(record);
      return true;
    }
    await this.records.save({ ...record, sweptAt: startedAt.toISOString() });
    return false;
  }
}
