import type { ExportRecord } from '../../exports/export-store';
import { quoteForMessage } from '../../quote-for-message';
import type { RunMessage } from '../../runs/run-schemas';
import type { StoredRun } from '../../runs/run-store';
import { planningPartitions } from '../../state/segment-plan';
import type { StatePointer } from '../../state/state-pointer';
import type { PipelineDeps } from '../pipeline-deps';
import { RunFailure } from './run-failure';
import { copiedSnapshot, type PlannedSnapshot } from './snapshot-copy';
import { pinSnapshots } from './snapshot-pins';

/** What a run's plan starts from. */
export interface PlanInputs {
  /** Each segment's snapshot: the version the run pinned, or the run's copy of it. */
  found: PlannedSnapshot[];
  /** The export's confirmed state, and how many members each segment's state holds. */
  pointer: StatePointer | undefined;
  previousMembers: Map<string, number>;
  /** By segment: expected to be too large for memory, so planned in steps. */
  large: boolean[];
}

/**
 * Finds the run's snapshots and checks them before anything is sent: every snapshot must exist (a
 * missing one never means "empty"), be the version the run pinned, and have the e-mail column. A
 * planner that starts the run again reads the copies an earlier one took, as they were.
 */
export async function planInputs(
  deps: PipelineDeps,
  message: RunMessage,
  run: StoredRun,
  exportRecord: ExportRecord,
  /** An earlier planner started this run, and may have copied its snapshots. */
  plannedBefore: boolean,
): Promise<PlanInputs> {
  const { tenantId, exportId, runId } = message;
  const found: PlannedSnapshot[] = await Promise.all(
    exportRecord.segments.map(
      async (name, index) =>
        (plannedBefore && (await copiedSnapshot(deps, { tenantId, runId }, index, name))) ||
        deps.segments.snapshot(tenantId, name),
    ),
  );
  await pinSnapshots(deps, tenantId, run, found);
  // A CSV header without the e-mail column would make every row a rejection and the segment look
  // empty, which a mirror run would turn into removing everyone.
  const withoutEmail = found.find(
    (snapshot) => snapshot.format === 'csv' && !snapshot.columns.includes(exportRecord.emailField),
  );
  if (withoutEmail) {
    throw new RunFailure(
      'ColumnNotFound',
      `Segment ${quoteForMessage(withoutEmail.name)} has no column ${quoteForMessage(exportRecord.emailField)} (the email field); nothing was sent or removed.`,
    );
  }
  const { pointer } = await deps.state.committed(tenantId, exportId);
  const previousMembers = new Map(
    await Promise.all(
      found.map(async (snapshot): Promise<[string, number]> => {
        const blob = pointer?.segments[snapshot.name];
        return [snapshot.name, blob ? ((await deps.state.memberCount(blob)) ?? 0) : 0];
      }),
    ),
  );
  const large = found.map(
    (snapshot) =>
      planningPartitions(
        previousMembers.get(snapshot.name) ?? 0,
        snapshot,
        deps.planningLimits.membersInMemory,
      ) > 1,
  );
  return { found, pointer, previousMembers, large };
}
