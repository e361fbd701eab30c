import type { RemovalThresholds } from '../../exports/export-schemas';
import type { RunWarning } from '../../runs/run-schemas';
import type { MassRemovalGuard, RemovalEvidence } from '../../settings';
import type { PipelineDeps } from '../pipeline-deps';
import {
  largestRecentSize,
  nextSegmentBaseline,
  type RemovalBaseline,
  type RemovalBaselineStore,
} from './removal-baseline';
import type { SegmentRemovals } from './removal-guard';
import {
  judgeSnapshot,
  SnapshotEvidence,
  type SnapshotCounts,
  type SnapshotDamage,
} from '../../snapshot/snapshot-evidence';

/** The export's own thresholds over the app's settings, each one it leaves out the setting's. */
export function effectiveThresholds(
  settings: { guard: MassRemovalGuard; evidence: RemovalEvidence },
  own: RemovalThresholds | undefined,
): { guard: MassRemovalGuard; evidence: RemovalEvidence } {
  return {
    guard: {
      percent: own?.guardPercent ?? settings.guard.percent,
      minCount: own?.guardMinCount ?? settings.guard.minCount,
      windowDays: settings.guard.windowDays,
    },
    evidence: {
      missingEmailKeyPercent:
        own?.missingEmailKeyPercent ?? settings.evidence.missingEmailKeyPercent,
      missingEmailJumpPercent:
        own?.missingEmailJumpPercent ?? settings.evidence.missingEmailJumpPercent,
      unreadableLines: own?.unreadableLines ?? settings.evidence.unreadableLines,
    },
  };
}

/** One segment's evidence as its snapshot is read, judged once the segment is read whole. */
export class SegmentEvidence {
  readonly tally = new SnapshotEvidence();
  #judged: { damage: SnapshotDamage | undefined } | undefined;

  constructor(
    readonly segment: string,
    private readonly judge: (tally: SnapshotEvidence) => SnapshotDamage | undefined,
  ) {}

  /** Asked by the plan once the snapshot is read whole: false keeps members who seem to have left. */
  removalsAllowed(): boolean {
    return this.damage() === undefined;
  }

  damage(): SnapshotDamage | undefined {
    this.#judged ??= { damage: this.judge(this.tally) };
    return this.#judged.damage;
  }
}

/**
 * What keeps a run from removing members on weak evidence: per segment, the snapshot's evidence
 * against the last good run's (a damaged snapshot removes no one and warns), and the guard's
 * baseline, the list's largest confirmed size in its window. Loaded when a run is planned, saved
 * once it is planned (never for a dry run, which changes nothing).
 */
export class RemovalSafety {
  readonly #segments = new Map<string, SegmentEvidence>();
  readonly #sizes = new Map<string, number>();

  private constructor(
    private readonly deps: Pick<PipelineDeps, 'log'> & { baselines: RemovalBaselineStore },
    private readonly ids: { tenantId: string; exportId: string; runId: string },
    private readonly exportRecord: {
      emailField: string;
      syncMode: 'mirror' | 'addOnly';
      removalThresholds?: RemovalThresholds;
    },
    private readonly baseline: RemovalBaseline,
    readonly thresholds: { guard: MassRemovalGuard; evidence: RemovalEvidence },
  ) {}

  static async load(
    deps: Pick<PipelineDeps, 'log' | 'guard' | 'removalEvidence' | 'baselines'>,
    ids: { tenantId: string; exportId: string; runId: string },
    exportRecord: RemovalSafety['exportRecord'],
  ): Promise<RemovalSafety> {
    const baseline = await deps.baselines.load(ids.tenantId, ids.exportId);
    const thresholds = effectiveThresholds(
      { guard: deps.guard, evidence: deps.removalEvidence },
      exportRecord.removalThresholds,
    );
    return new RemovalSafety(deps, ids, exportRecord, baseline, thresholds);
  }

  /** The evidence of one segment, about to be read. */
  segment(name: string): SegmentEvidence {
    const evidence = new SegmentEvidence(name, (tally) =>
      judgeSnapshot(
        name,
        this.exportRecord.emailField,
        tally,
        this.baseline[name]?.lastGood,
        this.thresholds.evidence,
      ),
    );
    this.#segments.set(name, evidence);
    return evidence;
  }

  /**
   * The evidence of a segment read in an earlier step of the plan, as that step judged it (a plan
   * in steps reads every snapshot in its first).
   */
  restore(name: string, counts: SnapshotCounts, damage: SnapshotDamage | undefined): void {
    const evidence = new SegmentEvidence(name, () => damage);
    Object.assign(evidence.tally.counts, counts);
    this.#segments.set(name, evidence);
  }

  /** What the guard weighs for a planned segment: its removals against its recent largest size. */
  removals(name: string, listSize: number, removing: number): SegmentRemovals {
    this.#sizes.set(name, listSize);
    const windowDays = this.thresholds.guard.windowDays;
    const recent = largestRecentSize(this.baseline[name], listSize, windowDays);
    return {
      name,
      listSize,
      removing,
      ...(recent > listSize ? { recentLargestSize: recent } : {}),
    };
  }

  /** The run's warnings: a mirror export's segments whose removals were held, logged once each. */
  warnings(dryRun: boolean): RunWarning[] {
    if (this.exportRecord.syncMode !== 'mirror') return [];
    const warnings: RunWarning[] = [];
    for (const [segment, evidence] of this.#segments) {
      const damage = evidence.damage();
      if (!damage) continue;
      warnings.push({ code: damage.cause, segment, message: damage.message, lines: damage.lines });
      // The line the held-removals alert counts; a dry run removes no one anyway.
      if (!dryRun)
        this.deps.log.warn('Run removals held', {
          segment,
          cause: damage.cause,
          lines: damage.lines,
          reason: damage.message,
        });
    }
    return warnings;
  }

  /**
   * Records each segment's size and, when its snapshot looked sound (or nothing could have been
   * removed, on a first run), its counts as the next run's reference.
   */
  async save(): Promise<void> {
    const next: RemovalBaseline = { ...this.baseline };
    for (const [name, evidence] of this.#segments) {
      const sizeNow = this.#sizes.get(name) ?? 0;
      next[name] = nextSegmentBaseline(
        this.baseline[name],
        {
          sizeNow,
          counts: evidence.tally.counts,
          sound: !evidence.damage() || sizeNow === 0,
          runId: this.ids.runId,
        },
        this.thresholds.guard.windowDays,
      );
    }
    await this.deps.baselines.save(this.ids.tenantId, this.ids.exportId, next);
  }
}
