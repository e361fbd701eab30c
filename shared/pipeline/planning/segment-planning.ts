import type { ExportRecord } from '../../exports/export-store';
import type { StoredRun } from '../../runs/run-store';
import { segmentMembers, type Rejection } from '../../snapshot/segment-members';
import type { ResolvedList } from '../../state/export-lists';
import {
  planningPartitions,
  planSegment,
  type SegmentPlan,
  type StagedSegment,
} from '../../state/segment-plan';
import type { StatePointer } from '../../state/state-pointer';
import type { PipelineDeps } from '../pipeline-deps';
import { pacedBy, type RejectionLog } from '../run-rejections';
import type { BatchWriter } from './batch-writer';
import type { PlanningLease } from './planning-budget';
import { PlannerBusy } from './planning-retries';
import type { RemovalSafety, SegmentEvidence } from './removal-safety';
import { segmentPlanningFailure } from './run-failure';
import { snapshotRows } from './snapshot-download';
import type { PlannedSnapshot } from './snapshot-copy';
import { spillPlaces } from './spill-places';

/** What the run brings to each of its segments' plans. */
export interface RunPlanning {
  ids: { tenantId: string; exportId: string; runId: string };
  run: Pick<StoredRun, 'mode' | 'dryRun'>;
  exportRecord: ExportRecord;
  /** The export's confirmed state, and how many members each segment's state holds. */
  pointer: StatePointer | undefined;
  previousMembers: Map<string, number>;
  lease: PlanningLease;
  safety: RemovalSafety;
  writer: BatchWriter;
  rejections: RejectionLog;
}

/** One segment's plan, and how many members it takes out of the list. */
export interface PlannedSegment {
  plan: SegmentPlan;
  removing: number;
  /** Rows of the segment's snapshot refused while reading it. */
  rejected: number;
  /** What reading the snapshot showed. */
  evidence: SegmentEvidence;
  /** Set when the segment was too large for memory: its groups are planned in later steps. */
  staged?: StagedSegment;
}

/**
 * Plans one segment: streams its snapshot's members through the delta plan against its confirmed
 * state, writing batches as they fill and the state the run reaches (none for a dry run).
 */
export async function planOneSegment(
  deps: PipelineDeps,
  planning: RunPlanning,
  snapshot: PlannedSnapshot,
  list: ResolvedList,
  /** The segment's place in the export's segments. */
  index: number,
): Promise<PlannedSegment> {
  const { ids, run, exportRecord, writer, rejections, lease } = planning;
  // A new or recreated list holds no one: send everyone, remove no one.
  const previousBlob = list.fresh ? undefined : planning.pointer?.segments[snapshot.name];
  const partitions = planningPartitions(
    previousBlob ? (planning.previousMembers.get(snapshot.name) ?? 0) : 0,
    snapshot,
    deps.planningLimits.membersInMemory,
  );
  const rows = await snapshotRows(deps, snapshot);
  const evidence = planning.safety.segment(snapshot.name);
  let rejected = 0;
  const onRejection = (rejection: Rejection) => {
    rejected++;
    rejections.add(rejection, snapshot.name);
  };
  const members = pacedBy(
    segmentMembers(rows, exportRecord, onRejection, evidence.tally),
    rejections,
  );
  const target = { segment: snapshot.name, listId: list.listId, listCreatedAt: list.createdAt };
  const next = run.dryRun
    ? undefined
    : deps.state.openRunState(ids.tenantId, ids.exportId, ids.runId, snapshot.name);
  let removing = 0;
  const planned = await planSegment({
    members,
    previousBlob,
    partitions,
    options: { mode: run.mode, syncMode: exportRecord.syncMode },
    state: deps.state,
    subscribe: (member, change) => writer.subscribe(target, member, change),
    unsubscribe: (emails) => {
      removing += emails.length;
      return writer.unsubscribe(target, emails);
    },
    next,
    // A plan that cannot have the memory its rows need goes back on the queue.
    hold: async (members) => {
      if (!(await lease.hold(members))) throw new PlannerBusy(members);
    },
    // A snapshot that looks damaged sends its adds and updates but removes no one.
    removalsAllowed: () => evidence.removalsAllowed(),
    spill: spillPlaces(deps.work, ids, index),
    inMemoryLimit: deps.planningLimits.membersInMemory,
  }).catch((error: unknown) => {
    next?.abort();
    throw segmentPlanningFailure(error, snapshot.name);
  });
  if ('staged' in planned) {
    // Its state is written by the steps that plan its groups.
    next?.abort();
    const { counts, previousSize, groups } = planned;
    deps.log.info('Segment spilled to be planned in steps', {
      segment: snapshot.name,
      groups: groups.length,
      lines: groups.reduce((sum, group) => sum + group.lines, 0),
    });
    const plan = { counts, previousSize, parts: groups.length };
    return { plan, removing, rejected, evidence, staged: planned };
  }
  await next?.close();
  return { plan: planned, removing, rejected, evidence };
}
