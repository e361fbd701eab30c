import { quoteForMessage } from '../../quote-for-message';
import type { StoredRun } from '../../runs/run-store';
import type { PipelineDeps } from '../pipeline-deps';
import { RunFailure } from './run-failure';

/**
 * Records which snapshot versions this run plans, the first time, and holds a run planned again
 * to them: batches are numbered in snapshot order, so another version would give batches of
 * the same numbers other members.
 */
export async function pinSnapshots(
  deps: PipelineDeps,
  tenantId: string,
  run: StoredRun,
  snapshots: { name: string; etag: string }[],
): Promise<void> {
  const pinned = new Map(run.segments.map((segment) => [segment.name, segment.snapshotEtag]));
  // A segment a refresh run pinned no version of had no snapshot when the refresh was reported:
  // what is there now was written for another refresh.
  const unpinned =
    run.trigger === 'refresh' && snapshots.find((snapshot) => !pinned.get(snapshot.name));
  if (unpinned) {
    throw new RunFailure(
      'SnapshotChanged',
      `Segment ${quoteForMessage(unpinned.name)} had no snapshot when the refresh was reported; report the refresh that wrote it.`,
    );
  }
  const changed = snapshots.find(
    (snapshot) =>
      pinned.get(snapshot.name) !== undefined && pinned.get(snapshot.name) !== snapshot.etag,
  );
  if (changed) {
    // A refresh run pins the versions of the reported refresh when it is requested: a later
    // rewrite belongs to another refresh, and mixing the two would send neither.
    const when =
      run.trigger === 'refresh'
        ? 'after the refresh was reported'
        : 'while the run was being planned again';
    throw new RunFailure(
      'SnapshotChanged',
      `Segment ${quoteForMessage(changed.name)} changed ${when}; request a new run.`,
    );
  }
  if (snapshots.every((snapshot) => pinned.get(snapshot.name) === snapshot.etag)) return;
  const etags = new Map(snapshots.map((snapshot) => [snapshot.name, snapshot.etag]));
  const segments = run.segments.map((segment) => ({
    ...segment,
    snapshotEtag: etags.get(segment.name),
  }));
  if (!(await deps.runs.save(tenantId, { ...run, segments }))) {
    throw new Error('The run changed while its snapshots were being recorded');
  }
}
