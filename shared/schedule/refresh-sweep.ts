import type { ExportRecord, ExportStore } from '../exports/export-store';
import { dueSlot, effectiveSchedule, latestSlot } from './due-slots';
import { sweepStart, type ScheduleIndex, type SweepPosition } from './schedule-index';
import type { TenantSchedule } from './schedule-service';
import type { SlotClaims } from './slot-claims';
import type { DueSlot, SlotOutcome, SlotRunner } from './slot-runner';

export interface SweepLimits {
  /** Tenants or exports read per table query. */
  pageSize: number;
  /** Exports looked at per invocation; the next invocation goes on from where this one stopped. */
  exportsPerInvocation: number;
}

/**
 * Looking at an export costs no request of its own (its page and its page's cursors are one query
 * each), so a pass over a few thousand exports fits in one invocation every five minutes.
 */
export const defaultSweepLimits: SweepLimits = { pageSize: 200, exportsPerInvocation: 5000 };

export interface RefreshSweepDeps {
  index: ScheduleIndex;
  tenantSchedule(tenantId: string): Promise<TenantSchedule | undefined>;
  exports: Pick<ExportStore, 'pageAfter'>;
  claims: SlotClaims;
  slots: SlotRunner;
  clock: () => Date;
  log: { error(message: string, properties?: Record<string, unknown>): void };
  limits: SweepLimits;
}

export interface SweepReport {
  tenants: number;
  exports: number;
  started: number;
  skipped: number;
  alreadyClaimed: number;
  /** Due slots left due because a fair-use limit was reached; they start at a later pass. */
  deferred: number;
  /** Exports or tenants whose handling failed; they are tried again next invocation. */
  failed: number;
  /** A pass reached the end of the tenants in this invocation (else the next one goes on). */
  complete: boolean;
}

interface Invocation {
  now: Date;
  budget: number;
  report: SweepReport;
  /** Latest slot per schedule key: exports that follow their tenant's schedule share one. */
  latest: Map<string, Date | undefined>;
}

/**
 * One refresh-timer invocation: a pass over the indexed tenants and their exports, in id order,
 * that claims every due slot. It looks at no more than `exportsPerInvocation` exports and saves
 * where it stopped; an invocation that resumed a pass and finishes it goes on with a new pass while
 * it has budget left. Time is read once, from the injected clock.
 */
export class RefreshSweep {
  constructor(private readonly deps: RefreshSweepDeps) {}

  /** `now`: the time slots are due by, when the caller read it already (else the clock's). */
  async run(now = this.deps.clock()): Promise<SweepReport> {
    const invocation: Invocation = {
      now,
      budget: this.deps.limits.exportsPerInvocation,
      report: {
        tenants: 0,
        exports: 0,
        started: 0,
        skipped: 0,
        alreadyClaimed: 0,
        deferred: 0,
        failed: 0,
        complete: false,
      },
      latest: new Map(),
    };
    const from = await this.deps.index.position();
    let stoppedAt = await this.#pass(from, invocation);
    invocation.report.complete = stoppedAt === undefined;
    if (!stoppedAt && from.tenantId !== '' && invocation.budget > 0) {
      // A new pass, up to the tenant where this invocation began.
      stoppedAt = await this.#pass(sweepStart, invocation, from.tenantId);
    }
    await this.deps.index.savePosition(stoppedAt ?? sweepStart);
    return invocation.report;
  }

  /**
   * Goes from `from` to the end of the tenants, or to tenant `until`; undefined when it got
   * there, else the position where the budget ran out.
   */
  async #pass(
    from: SweepPosition,
    invocation: Invocation,
    until?: string,
  ): Promise<SweepPosition | undefined> {
    if (from.tenantId !== '') {
      const stop = await this.#tenant(from.tenantId, from.afterExportId, invocation);
      if (stop) return stop;
    }
    let afterTenantId = from.tenantId;
    for (;;) {
      const page = await this.deps.index.tenantsAfter(afterTenantId, this.deps.limits.pageSize);
      for (const tenantId of page.tenantIds) {
        if (until !== undefined && tenantId >= until) return { tenantId: until, afterExportId: '' };
        const stop = await this.#tenant(tenantId, '', invocation);
        if (stop) return stop;
        afterTenantId = tenantId;
      }
      if (page.done) return undefined;
    }
  }

  async #tenant(
    tenantId: string,
    afterExportId: string,
    invocation: Invocation,
  ): Promise<SweepPosition | undefined> {
    let after = afterExportId;
    try {
      invocation.report.tenants++;
      const tenantSchedule = await this.deps.tenantSchedule(tenantId);
      for (;;) {
        if (invocation.budget <= 0) return { tenantId, afterExportId: after };
        const max = Math.min(this.deps.limits.pageSize, invocation.budget);
        const page = await this.deps.exports.pageAfter(tenantId, after, max);
        invocation.budget -= page.records.length;
        invocation.report.exports += page.records.length;
        await this.#page(tenantId, tenantSchedule, page.records, invocation);
        if (page.done) return undefined;
        after = page.records.at(-1)?.id ?? after;
      }
    } catch (error) {
      // One tenant's storage trouble must not hold up the others; its slots wait for next time.
      invocation.report.failed++;
      this.deps.log.error('Refresh timer could not go through a tenant', {
        tenantId,
        error: String(error),
      });
      return undefined;
    }
  }

  async #page(
    tenantId: string,
    tenantSchedule: TenantSchedule | undefined,
    records: ExportRecord[],
    invocation: Invocation,
  ): Promise<void> {
    const scheduled = records.flatMap((record) => {
      const schedule = effectiveSchedule(record, tenantSchedule);
      const latest = schedule && latestSlot(invocation.latest, schedule, invocation.now);
      return schedule && latest ? [{ record, schedule, latest }] : [];
    });
    if (scheduled.length === 0) return;
    const cursors = await this.deps.claims.cursors(
      tenantId,
      scheduled.map(({ record }) => record.id),
    );
    for (const { record, schedule, latest } of scheduled) {
      const cursor = cursors.get(record.id);
      const slot = dueSlot(schedule, cursor, latest);
      if (!slot) continue;
      const due: DueSlot = {
        tenantId,
        record,
        slot,
        scheduleKey: schedule.key,
        cursor,
        now: invocation.now,
      };
      count(invocation.report, await this.#runSlot(due));
    }
  }

  async #runSlot(due: DueSlot): Promise<SlotOutcome | 'failed'> {
    try {
      return await this.deps.slots.run(due);
    } catch (error) {
      this.deps.log.error('Refresh timer could not run a due slot', {
        tenantId: due.tenantId,
        exportId: due.record.id,
        slot: due.slot,
        error: String(error),
      });
      return 'failed';
    }
  }
}

function count(report: SweepReport, outcome: SlotOutcome | 'failed'): void {
  report[outcome]++;
}
