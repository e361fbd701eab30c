import type { Run } from '../../runs/run-schemas';
import type { SegmentSnapshot } from '../../segments/segment-catalog';
import type { ResolvedList } from '../../state/export-lists';
import type { SegmentRemovals } from './removal-guard';
import type { RemovalSafety } from './removal-safety';
import type { PlannedSegment } from './segment-planning';

/** The run's plan as its segments are planned: the totals, each segment's counts, the removals. */
export class RunPlanTally {
  readonly totals = { total: 0, added: 0, updated: 0, unchanged: 0, removed: 0, duplicates: 0 };
  readonly segments: Run['segments'] = [];
  readonly removals: SegmentRemovals[] = [];

  constructor(private readonly safety: RemovalSafety) {}

  add(
    snapshot: Pick<SegmentSnapshot, 'name' | 'etag'>,
    list: ResolvedList,
    planned: Pick<PlannedSegment, 'plan' | 'removing' | 'rejected'>,
  ): void {
    const { plan, removing, rejected } = planned;
    this.removals.push(this.safety.removals(snapshot.name, plan.previousSize, removing));
    for (const key of Object.keys(this.totals) as (keyof RunPlanTally['totals'])[])
      this.totals[key] += plan.counts[key];
    this.segments.push({
      name: snapshot.name,
      ...(list.listId ? { listId: list.listId } : {}),
      ...(list.fresh ? { sentInFull: true } : {}),
      snapshotEtag: snapshot.etag,
      // The snapshot's refused rows; the finalizer adds those Iterable refuses.
      counts: { ...plan.counts, rejected, failed: 0 },
    });
  }

  /** The run's counts: the planned changes, and the rows the snapshots' reading refused. */
  counts(rejected: number): Run['counts'] {
    return { ...this.totals, rejected, failed: 0 };
  }
}
