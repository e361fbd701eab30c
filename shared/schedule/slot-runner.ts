import type { ExportRecord } from '../exports/export-store';
import { ConflictError } from '../errors';
import type { Run, SkipReason } from '../runs/run-schemas';
import type { ScheduledRun, ScheduledRuns, SlotRequest } from '../runs/scheduled-runs';
import { LimitReachedError } from '../fair-use/limit-reached-error';
import type { SlotClaims, SlotCursor } from './slot-claims';
import type { ConnectionState } from '../connections/connection-state';

/** `deferred`: a fair-use limit kept the run from starting; the slot stays due for the next pass. */
export type SlotOutcome = 'started' | 'skipped' | 'alreadyClaimed' | 'deferred';

export interface DueSlot {
  tenantId: string;
  /** What a run needs of the export. */
  record: Pick<ExportRecord, 'id' | 'connectionId' | 'segments' | 'enabled'>;
  slot: string;
  scheduleKey: string;
  /** The export's cursor as read with its page (none before its first claim). */
  cursor: SlotCursor | undefined;
  now: Date;
}

export interface SlotRunnerDeps {
  runs: ScheduledRuns;
  claims: SlotClaims;
  connectionState(tenantId: string, connectionId: string): Promise<ConnectionState>;
  log?: { warn(message: string, properties?: Record<string, unknown>): void };
}

/**
 * A run still `queued` this long after it was requested or started has lost its queue message (the
 * process died between writing the run and sending it): its message is sent again. Planning put
 * back by an Iterable outage waits at most 5 minutes a time, and a second message for a run is
 * harmless (the first to arrive plans it, the other finds it no longer queued).
 */
export const lostRunAfterMs = 15 * 60 * 1000;

/** A claim that keeps conflicting means something else keeps moving the cursor: give up. */
const maxAttempts = 4;

/**
 * Turns a due slot into exactly one run or skipped record. The claim is a conditional write in
 * the same transaction as the run, never a check followed by a write: when it conflicts, nothing
 * was written, and a fresh read says why (another timer claimed the slot, or the export holds an
 * active run, which makes the slot a skipped one).
 */
export class SlotRunner {
  constructor(private readonly deps: SlotRunnerDeps) {}

  async run(due: DueSlot): Promise<SlotOutcome> {
    const { claims, runs } = this.deps;
    const request = slotRequest(due);
    let reason = await this.#reasonToSkip(due);
    let cursor = due.cursor;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const claim = (run: ScheduledRun) =>
        claims.actions(due.tenantId, run, due.scheduleKey, cursor);
      if (reason) {
        if (await runs.skip(request, reason, claim)) return 'skipped';
      } else {
        const started = await runs.start(request, claim);
        if (started instanceof LimitReachedError) {
          const active = await runs.active(due.tenantId, due.record.id);
          if (!active) return this.#defer(due, started);
          // The export's own run is what holds the slot up: that is a skip, as without limits.
          reason = activeReason(active);
          await this.#requeueIfLost(due, active);
          continue;
        }
        if (started) return 'started';
      }
      cursor = await claims.cursor(due.tenantId, due.record.id);
      // The cursor only moves forward, with a claim: at or past this slot, the slot is taken.
      if (cursor && cursor.lastSlot >= due.slot) return 'alreadyClaimed';
      if (!reason) {
        const active = await runs.active(due.tenantId, due.record.id);
        if (active) {
          reason = activeReason(active);
          await this.#requeueIfLost(due, active);
        }
      }
    }
    throw new ConflictError(`Slot ${due.slot} of export '${due.record.id}' kept conflicting.`);
  }

  /**
   * One claim from the cursor as the caller believes it is (`due.cursor`, maybe without reading
   * it): the outcome, or `conflict` when the transaction wrote nothing because the cursor moved or
   * the export holds a run. The caller then reads the cursor and decides again (`run`).
   */
  async tryOnce(due: DueSlot): Promise<SlotOutcome | 'conflict'> {
    const { claims, runs } = this.deps;
    const request = slotRequest(due);
    const claim = (run: ScheduledRun) =>
      claims.actions(due.tenantId, run, due.scheduleKey, due.cursor);
    const reason = await this.#reasonToSkip(due);
    if (reason) return (await runs.skip(request, reason, claim)) ? 'skipped' : 'conflict';
    const started = await runs.start(request, claim);
    if (started instanceof LimitReachedError) {
      // The export's own run may be what holds the slot up: `run` tells.
      if (await runs.active(due.tenantId, due.record.id)) return 'conflict';
      return this.#defer(due, started);
    }
    return started ? 'started' : 'conflict';
  }

  /**
   * A limit is a queue, not a refusal: the slot is left unclaimed, so it is still due at the next
   * pass and starts once a seat is free; should the export's next slot come first, that one run
   * covers both, as after downtime. Logged each pass, so a waiting slot is never silent.
   */
  #defer(due: DueSlot, limit: LimitReachedError): SlotOutcome {
    this.deps.log?.warn('Scheduled run waits for a fair-use limit', {
      tenantId: due.tenantId,
      exportId: due.record.id,
      slot: due.slot,
      limit: limit.code,
      setting: limit.options.target,
      value: limit.value,
    });
    return 'deferred';
  }

  async #requeueIfLost(due: DueSlot, active: Run): Promise<void> {
    const since = Date.parse(active.startedAt ?? active.createdAt);
    if (active.status !== 'queued' || due.now.getTime() - since < lostRunAfterMs) return;
    await this.deps.runs.requeue(due.tenantId, active);
    this.deps.log?.warn('Run queued again: its queue message was lost', {
      tenantId: due.tenantId,
      exportId: active.exportId,
      runId: active.id,
      queuedSince: new Date(since).toISOString(),
    });
  }

  async #reasonToSkip({ tenantId, record }: DueSlot): Promise<SkipReason | undefined> {
    if (!record.enabled) {
      return { code: 'ExportDisabled', message: 'The export is disabled.' };
    }
    const state = await this.deps.connectionState(tenantId, record.connectionId);
    return connectionSkipReason(state, record.connectionId);
  }
}

function slotRequest(due: DueSlot): SlotRequest {
  return {
    tenantId: due.tenantId,
    exportId: due.record.id,
    connectionId: due.record.connectionId,
    slot: due.slot,
    segments: due.record.segments,
    now: due.now,
  };
}

/** Why a slot or a refresh cannot run on its export's connection, if it cannot. */
export function connectionSkipReason(
  state: ConnectionState,
  connectionId: string,
): SkipReason | undefined {
  if (state === 'missing') {
    return {
      code: 'ConnectionNotFound',
      message: `Connection '${connectionId}' no longer exists.`,
    };
  }
  if (state === 'disabled') {
    return { code: 'ConnectionDisabled', message: `Connection '${connectionId}' is disabled.` };
  }
  return undefined;
}

/** Why a slot or a refresh did not run: the export still held a run of its own. */
export function activeReason(active: Run): SkipReason {
  return {
    code: 'RunActive',
    message: `Run '${active.id}' of this export was still ${active.status}.`,
  };
}
