import type { ExportRecord } from '../exports/export-store';
import { LimitReachedError } from '../fair-use/limit-reached-error';
import { ConflictError } from '../errors';
import type { Run, SkipReason } from '../runs/run-schemas';
import type { RunStore } from '../runs/run-store';
import type { ScheduledRun, ScheduledRuns, SlotRequest } from '../runs/scheduled-runs';
import type { ConnectionState } from '../connections/connection-state';
import { activeReason, connectionSkipReason } from '../schedule/slot-runner';
import type { RefreshClaims } from './refresh-claims';
import type { RefreshExportOutcome } from './refresh-schemas';
import { lastDeliveredRun, unchangedReason } from './unchanged-snapshots';

export interface RefreshRunnerDeps {
  runs: ScheduledRuns;
  runStore: RunStore;
  claims: RefreshClaims;
  connectionState(tenantId: string, connectionId: string): Promise<ConnectionState>;
}

/** One export's part of a reported refresh. */
export interface ExportRefresh {
  tenantId: string;
  record: ExportRecord;
  refreshedAt: string;
  /** Each segment's snapshot version now; a segment without a readable snapshot has none. */
  etags: ReadonlyMap<string, string>;
  now: Date;
}

/** A claim that keeps conflicting means something else keeps writing the export's rows. */
const maxAttempts = 4;

type Outcome = Omit<RefreshExportOutcome, 'location'>;

/**
 * Turns one export's share of a refresh into exactly one run or skipped record, as the timer's
 * SlotRunner does for a slot: the claim is written in the run's own transaction, and a conflict
 * (nothing written) is explained by a fresh read: the refresh was claimed already, or the export
 * holds an active run, which makes this a skip (RunActive). A fair-use limit claims nothing.
 */
export class RefreshRunner {
  constructor(private readonly deps: RefreshRunnerDeps) {}

  async run(refresh: ExportRefresh): Promise<Outcome> {
    const { runs, claims } = this.deps;
    const { tenantId, record } = refresh;
    const earlier = await this.#earlier(refresh);
    if (earlier) return earlier;
    const request: SlotRequest = {
      tenantId,
      exportId: record.id,
      connectionId: record.connectionId,
      slot: refresh.refreshedAt,
      segments: record.segments,
      now: refresh.now,
      trigger: 'refresh',
      snapshotEtags: refresh.etags,
    };
    const claim = (run: ScheduledRun) => claims.actions(tenantId, run);
    let reason = await this.#reasonToSkip(refresh);
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      if (reason) {
        const skipped = await runs.skip(request, reason, claim);
        if (skipped) return answer(record, skipped, 'skipped', false);
      } else {
        const started = await runs.start(request, claim);
        if (started instanceof LimitReachedError) {
          const active = await runs.active(tenantId, record.id);
          if (!active) return deferred(record, started);
          reason = activeReason(active);
          continue;
        }
        if (started) return answer(record, started, 'started', false);
      }
      const claimed = await this.#earlier(refresh);
      if (claimed) return claimed;
      const active = await runs.active(tenantId, record.id);
      if (active) {
        const carried = await this.#carryOver(refresh, active);
        if (carried) return carried;
        reason = activeReason(active);
      }
    }
    throw new ConflictError(
      `The refresh of export '${record.id}' kept conflicting; report it again.`,
    );
  }

  /**
   * A refresh run of an earlier refresh that is still queued has read nothing yet: it takes this
   * refresh over (its pinned versions and time become this one's, in one transaction with this
   * refresh's claim) rather than this refresh being skipped and that run, planned later, failing
   * on snapshots rewritten since. Undefined when the run has begun meanwhile (its row changed).
   */
  async #carryOver(refresh: ExportRefresh, active: Run): Promise<Outcome | undefined> {
    if (active.status !== 'queued' || active.trigger !== 'refresh') return undefined;
    if (active.slot && active.slot >= refresh.refreshedAt) return undefined;
    const { tenantId, record } = refresh;
    const stored = await this.deps.runStore.get(tenantId, record.id, active.id);
    if (stored?.status !== 'queued') return undefined;
    const carried = {
      ...stored,
      slot: refresh.refreshedAt,
      segments: stored.segments.map((segment) => ({
        ...segment,
        snapshotEtag: refresh.etags.get(segment.name),
      })),
    };
    const claim = this.deps.claims.actions(tenantId, { ...carried, slot: refresh.refreshedAt });
    if (!(await this.deps.runStore.saveWith(tenantId, carried, claim))) return undefined;
    return answer(record, carried, 'started', false);
  }

  /** What an earlier call for the same refresh did with the export, if one did. */
  async #earlier({ tenantId, record, refreshedAt }: ExportRefresh): Promise<Outcome | undefined> {
    const claim = await this.deps.claims.get(tenantId, record.id, refreshedAt);
    if (!claim) return undefined;
    const run = await this.deps.runStore.get(tenantId, record.id, claim.runId);
    const outcome = claim.outcome === 'skipped' ? 'skipped' : 'started';
    if (!run)
      return { exportId: record.id, displayName: record.displayName, outcome, repeated: true };
    return answer(record, run, outcome, true);
  }

  async #reasonToSkip(refresh: ExportRefresh): Promise<SkipReason | undefined> {
    const { tenantId, record } = refresh;
    if (!record.enabled) return { code: 'ExportDisabled', message: 'The export is disabled.' };
    const state = await this.deps.connectionState(tenantId, record.connectionId);
    const unusable = connectionSkipReason(state, record.connectionId);
    if (unusable) return unusable;
    const last = await lastDeliveredRun(this.deps.runStore, tenantId, record.id);
    return unchangedReason(record, refresh.etags, last);
  }
}

function answer(
  record: ExportRecord,
  run: Run,
  outcome: 'started' | 'skipped',
  repeated: boolean,
): Outcome {
  return {
    exportId: record.id,
    displayName: record.displayName,
    outcome,
    repeated,
    runId: run.id,
    status: run.status,
    ...(run.skipReason ? { skipReason: run.skipReason } : {}),
  };
}

function deferred(record: ExportRecord, limit: LimitReachedError): Outcome {
  return {
    exportId: record.id,
    displayName: record.displayName,
    outcome: 'deferred',
    repeated: false,
    error: {
      code: limit.code,
      message: limit.message,
      ...(limit.options.target ? { target: limit.options.target } : {}),
    },
  };
}
