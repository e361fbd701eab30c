import type { ExportStore } from '../exports/export-store';
import { sweepSlices, type SweepIndex } from '../exports/sweep-index';
import { mapConcurrently } from '../map-concurrently';
import type { RefreshSweep, SweepReport } from './refresh-sweep';
import type { ScheduleIndex } from './schedule-index';
import { shardRange, type ShardMessage } from './sweep-messages';
import type { SweepPlaces } from './sweep-places';

export interface SweepFanOutDeps {
  places: SweepPlaces;
  sweepIndex: SweepIndex;
  /** The tenants with schedules, as the index before the sweep index listed them. */
  scheduleIndex: Pick<ScheduleIndex, 'tenantsAfter'>;
  exports: Pick<ExportStore, 'pageAfter'>;
  /** The pass over tenants that the timer made before the sweep index: it runs until the backfill is done. */
  tenantPass: Pick<RefreshSweep, 'run'>;
  send(messages: ShardMessage[]): Promise<void>;
  shards: number;
  /** Exports the backfill copies into the index per tick. */
  backfillPerTick: number;
  clock: () => Date;
}

export interface TickReport {
  shards: number;
  /** While the index is being backfilled: the pass over tenants that still covers every export. */
  tenantPass?: SweepReport;
  backfilled?: { exports: number; complete: boolean };
}

/**
 * The refresh timer: one message per shard of the sweep index, nothing else. Exports saved before
 * the index existed have no entry yet; until a one-time backfill has copied them all, each tick
 * also makes the timer's earlier pass over tenants (which claims the same slots, exactly once)
 * and copies the next part of them, so no export misses a slot while the index fills.
 */
export class SweepFanOut {
  constructor(private readonly deps: SweepFanOutDeps) {}

  async tick(): Promise<TickReport> {
    const report: TickReport = { shards: this.deps.shards };
    // One time for the whole tick: the shards claim the slots due by it, as the tenant pass does.
    const now = this.deps.clock();
    const backfill = await this.deps.places.backfill();
    if (!backfill?.done) {
      report.tenantPass = await this.deps.tenantPass.run(now);
      report.backfilled = await this.#backfill(
        backfill ?? { tenantId: '', afterExportId: '', done: false },
      );
    }
    const tick = now.toISOString();
    const messages = Array.from({ length: this.deps.shards }, (_, shard) => {
      const { from, to } = shardRange(shard, this.deps.shards, sweepSlices);
      return { tick, from, to, slice: from, after: '' };
    });
    await this.deps.send(messages.filter((message) => message.from < message.to));
    return report;
  }

  /** Copies up to `backfillPerTick` exports into the index, from where the last tick stopped. */
  async #backfill(place: { tenantId: string; afterExportId: string }) {
    let budget = this.deps.backfillPerTick;
    let { tenantId, afterExportId } = place;
    let exports = 0;
    if (tenantId === '') {
      const first = await this.deps.scheduleIndex.tenantsAfter('', 1);
      tenantId = first.tenantIds[0] ?? '';
    }
    while (tenantId !== '') {
      if (budget <= 0) {
        await this.deps.places.saveBackfill({ tenantId, afterExportId, done: false });
        return { exports, complete: false };
      }
      const page = await this.deps.exports.pageAfter(
        tenantId,
        afterExportId,
        Math.min(200, budget),
      );
      await mapConcurrently(page.records, 16, (record) => this.deps.sweepIndex.add(record));
      budget -= page.records.length;
      exports += page.records.length;
      if (page.done) {
        const next = await this.deps.scheduleIndex.tenantsAfter(tenantId, 1);
        tenantId = next.tenantIds[0] ?? '';
        afterExportId = '';
      } else {
        afterExportId = page.records.at(-1)?.id ?? afterExportId;
      }
    }
    await this.deps.places.saveBackfill({ tenantId: '', afterExportId: '', done: true });
    return { exports, complete: true };
  }
}
