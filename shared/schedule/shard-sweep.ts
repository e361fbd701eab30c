import type { ExportRecord } from '../exports/export-store';
import {
  confirmedExport,
  type ClaimNote,
  type SweepEntry,
  type SweepIndex,
} from '../exports/sweep-index';
import { mapConcurrently } from '../map-concurrently';
import { dueSlot, effectiveSchedule, latestSlot, type EffectiveSchedule } from './due-slots';
import type { TenantSchedule } from './schedule-service';
import type { SlotClaims, SlotCursor } from './slot-claims';
import type { SlotOutcome, SlotRunner } from './slot-runner';
import { beyond, type ShardMessage, type ShardPosition } from './sweep-messages';
import type { SweepPlaces } from './sweep-places';

export interface ShardLimits {
  /** Index entries read per query (a page spans slices). */
  pageSize: number;
  /** Entries looked at at once (each due one costs a claim, and a read of its export). */
  concurrency: number;
  /** Entries one invocation looks at before it hands the rest of its shard to a new message. */
  entriesPerInvocation: number;
  /** Time one invocation works before it does the same. */
  msPerInvocation: number;
}

/**
 * An invocation looks at a few thousand entries at most, and stops after a minute: well within
 * the host's timeout, and short enough that a shard's continuation goes to whichever instance is
 * free. Most entries cost nothing but their share of a page (their hint says they are not due).
 */
export const defaultShardLimits: ShardLimits = {
  pageSize: 200,
  concurrency: 16,
  entriesPerInvocation: 5000,
  msPerInvocation: 60_000,
};

export interface ShardSweepDeps {
  index: SweepIndex;
  places: SweepPlaces;
  tenantSchedule(tenantId: string): Promise<TenantSchedule | undefined>;
  exports: { get(tenantId: string, id: string): Promise<ExportRecord | undefined> };
  claims: SlotClaims;
  slots: SlotRunner;
  /** Sends the shard's continuation (queue refresh-sweep-shards). */
  continueLater(message: ShardMessage): Promise<void>;
  clock: () => Date;
  /** Milliseconds from some fixed point, for the invocation's time budget. */
  elapsed: () => number;
  log: { error(message: string, properties?: Record<string, unknown>): void };
  limits: ShardLimits;
}

type EntryOutcome = SlotOutcome | 'notDue' | 'stale' | 'failed';

/** What the sweep made of an entry, and what it learnt of the export's cursor (for the entry). */
interface Looked {
  outcome: EntryOutcome;
  note?: Omit<ClaimNote, 'entry'>;
}

export type ShardReport = Record<EntryOutcome, number> & {
  entries: number;
  /** done: through its slices; continued: out of budget, a continuation was sent; superseded: a later tick's pass already ran; finished: this tick's pass had ended. */
  end: 'done' | 'continued' | 'superseded' | 'finished';
};

interface Invocation {
  /** When the invocation began: the time its runs are requested at. */
  now: Date;
  /** The tick's time: slots are due by it, so every shard of a tick claims the same slots. */
  dueBy: Date;
  started: number;
  report: ShardReport;
  tenants: Map<string, Promise<TenantSchedule | undefined>>;
  latest: Map<string, Date | undefined>;
}

/**
 * One shard's part of a timer tick: the index entries of its slices, in order, each checked
 * against its schedule and claimed when due. The place is saved after every page; a message
 * delivered again goes on from the saved place, and a message of a tick whose pass is done, or
 * older than the last pass, does nothing. Claims stay exactly-once whatever runs twice.
 */
export class ShardSweep {
  constructor(private readonly deps: ShardSweepDeps) {}

  async run(message: ShardMessage): Promise<ShardReport> {
    const invocation: Invocation = {
      now: this.deps.clock(),
      dueBy: new Date(message.tick),
      started: this.deps.elapsed(),
      report: {
        entries: 0,
        started: 0,
        skipped: 0,
        alreadyClaimed: 0,
        deferred: 0,
        notDue: 0,
        stale: 0,
        failed: 0,
        end: 'done',
      },
      tenants: new Map(),
      latest: new Map(),
    };
    const { from, to, tick } = message;
    const saved = await this.deps.places.shard(from, to);
    let position: ShardPosition = { slice: message.slice, after: message.after };
    if (saved && saved.tick > tick) return { ...invocation.report, end: 'superseded' };
    if (saved?.tick === tick) {
      if (saved.done) return { ...invocation.report, end: 'finished' };
      if (beyond(saved, position)) position = { slice: saved.slice, after: saved.after };
    }
    while (position.slice < to) {
      if (this.#outOfBudget(invocation)) {
        await this.deps.places.saveShard(from, to, { tick, ...position, done: false });
        await this.deps.continueLater({ tick, from, to, ...position });
        return { ...invocation.report, end: 'continued' };
      }
      const max = Math.min(
        this.deps.limits.pageSize,
        this.deps.limits.entriesPerInvocation - invocation.report.entries,
      );
      const page = await this.deps.index.page(position, to, max);
      invocation.report.entries += page.entries.length;
      const looked = await mapConcurrently(page.entries, this.deps.limits.concurrency, (entry) =>
        this.#entry(entry, invocation),
      );
      const notes: ClaimNote[] = [];
      page.entries.forEach((entry, at) => {
        const { outcome, note } = looked[at] ?? { outcome: 'failed' };
        invocation.report[outcome]++;
        if (note) notes.push({ entry, ...note });
      });
      await this.#note(notes);
      position = page.next;
      await this.deps.places.saveShard(from, to, { tick, ...position, done: position.slice >= to });
    }
    return invocation.report;
  }

  #outOfBudget({ report, started }: Invocation): boolean {
    const { entriesPerInvocation, msPerInvocation } = this.deps.limits;
    return (
      report.entries >= entriesPerInvocation || this.deps.elapsed() - started >= msPerInvocation
    );
  }

  async #entry(entry: SweepEntry, invocation: Invocation): Promise<Looked> {
    try {
      // The entry's own schedule and hint rule most exports out without another read.
      const indexed = await this.#schedule(entry, invocation);
      const hint =
        entry.claimedSlot !== undefined && indexed && entry.claimedKey === indexed.key
          ? { lastSlot: entry.claimedSlot, scheduleKey: indexed.key }
          : undefined;
      if (
        !indexed ||
        !dueSlot(indexed, hint, latestSlot(invocation.latest, indexed, invocation.dueBy))
      )
        return { outcome: 'notDue' };
      return await this.#claim(entry, invocation);
    } catch (error) {
      // One export's trouble must not hold up the others; its slot is tried at the next tick.
      this.deps.log.error('Refresh sweep could not look at an export', {
        tenantId: entry.tenantId,
        exportId: entry.exportId,
        error: String(error),
      });
      return { outcome: 'failed' };
    }
  }

  /**
   * Due by its entry. The export decides as its last save confirmed it in the entry, or as its
   * row says when the entry is unconfirmed (a save or delete under way, or one that died). The
   * cursor is read only when the entry does not know it: an entry the sweep noted after its last
   * claim (and no save since) knows its version, and one never claimed has none. A claim from a
   * cursor that moved meanwhile writes nothing; the cursor is read then, and decides.
   */
  async #claim(entry: SweepEntry, invocation: Invocation): Promise<Looked> {
    const { tenantId, exportId } = entry;
    const record = confirmedExport(entry) ?? (await this.deps.exports.get(tenantId, exportId));
    if (!record || record.schedule.mode === 'off') {
      await this.deps.index.remove(tenantId, exportId, entry.etag);
      return { outcome: 'stale' };
    }
    // An entry written again is no longer as read: nothing is noted on it.
    const asRead = record.updatedAt === entry.updatedAt;
    if (!asRead) await this.deps.index.save(record);
    const schedule = await this.#schedule(record, invocation);
    if (!schedule) return { outcome: 'notDue' };
    const latest = latestSlot(invocation.latest, schedule, invocation.dueBy);
    const due = { tenantId, record, scheduleKey: schedule.key, now: invocation.now };
    const known = asRead ? knownCursor(entry) : 'unknown';
    if (known !== 'unknown') {
      const slot = dueSlot(schedule, known, latest);
      if (!slot) return { outcome: 'notDue' };
      const outcome = await this.deps.slots.tryOnce({ ...due, slot, cursor: known });
      if (outcome !== 'conflict') return this.#claimed(entry, outcome, slot, schedule.key);
    }
    const cursor = await this.deps.claims.cursor(tenantId, exportId);
    const slot = dueSlot(schedule, cursor, latest);
    if (!slot) {
      const note = cursor && { slot: cursor.lastSlot, scheduleKey: cursor.scheduleKey };
      return {
        outcome: 'notDue',
        note: asRead && note ? { ...note, cursorEtag: cursor.etag } : undefined,
      };
    }
    const outcome = await this.deps.slots.run({ ...due, slot, cursor });
    return asRead ? this.#claimed(entry, outcome, slot, schedule.key) : { outcome };
  }

  /** The outcome, and the note of the claim for the entry (with the cursor's new version). */
  #claimed(entry: SweepEntry, outcome: SlotOutcome, slot: string, scheduleKey: string): Looked {
    if (outcome === 'deferred') return { outcome };
    const moved = this.deps.claims.takeCommitted(entry.tenantId, entry.exportId);
    const cursorEtag = moved?.lastSlot === slot ? moved.etag : undefined;
    return { outcome, note: { slot, scheduleKey, cursorEtag } };
  }

  /** Notes are hints: one that cannot be written costs the next pass a read, nothing more. */
  async #note(notes: ClaimNote[]): Promise<void> {
    try {
      await this.deps.index.noteClaims(notes);
    } catch (error) {
      this.deps.log.error('Refresh sweep could not note the slots it claimed', {
        entries: notes.length,
        error: String(error),
      });
    }
  }

  async #schedule(
    exported: Pick<ExportRecord, 'schedule' | 'updatedAt' | 'tenantId'>,
    invocation: Invocation,
  ): Promise<EffectiveSchedule | undefined> {
    if (exported.schedule.mode !== 'refresh') return effectiveSchedule(exported, undefined);
    const { tenantId } = exported;
    let tenant = invocation.tenants.get(tenantId);
    if (!tenant) {
      tenant = this.deps.tenantSchedule(tenantId);
      invocation.tenants.set(tenantId, tenant);
    }
    return effectiveSchedule(exported, await tenant);
  }
}

/**
 * The export's cursor as its entry knows it: none for an entry never noted claimed, the noted
 * one with its version, or `unknown` (noted without a version: the cursor must be read).
 */
function knownCursor(entry: SweepEntry): SlotCursor | undefined | 'unknown' {
  if (entry.claimedSlot === undefined) return undefined;
  if (!entry.claimedKey || !entry.cursorEtag) return 'unknown';
  return { lastSlot: entry.claimedSlot, scheduleKey: entry.claimedKey, etag: entry.cursorEtag };
}
