/**
 * The name of every blob the app writes to its own containers (storage-layout.ts names the
 * containers). Names are data already stored: changing one loses what earlier releases wrote, so
 * each stays byte for byte what it was (test/shared/work-blobs.test.ts pins them). The tenant id
 * is URI-encoded, so a tenant id holding `/` stays one folder; ids the app makes (export, run) are
 * used as they are.
 */

/** A run's folder in the work container (export-batches): `<tenant>/<runId>/`. */
export function runBlobsPrefix(tenantId: string, runId: string): string {
  return `${encodeURIComponent(tenantId)}/${runId}/`;
}

/** Batch numbers padded to six digits, so a listing comes in batch order. */
function batchFile(batch: number): string {
  return `${String(batch).padStart(6, '0')}.json`;
}

/**
 * A batch's payload (`<run>/000042.json`): Iterable's own request body, written by the planner
 * (batch-writer) and read by the batch sender.
 */
export function batchBlobName(tenantId: string, runId: string, batch: number): string {
  return `${runBlobsPrefix(tenantId, runId)}${batchFile(batch)}`;
}

/** Where a run's failure lists are, listed by the rejections API. */
export function failureListsPrefix(tenantId: string, runId: string): string {
  return `${runBlobsPrefix(tenantId, runId)}failures/`;
}

/**
 * A batch's failure list (`<run>/failures/000042.json`): the members Iterable refused, written
 * by the batch sender, read by the run's finalizer and the rejections API.
 */
export function failuresBlobName(tenantId: string, runId: string, batch: number): string {
  return `${failureListsPrefix(tenantId, runId)}${batchFile(batch)}`;
}

/**
 * The planner's rejections (`<run>/rejections.jsonl`): rows it refused while reading the
 * snapshot, written by the planner (RejectionLog), read by the rejections API.
 */
export function rejectionsBlobName(tenantId: string, runId: string): string {
  return `${runBlobsPrefix(tenantId, runId)}rejections.jsonl`;
}

/**
 * The queue messages of batches held by the mass-removal guard (`<run>/held.jsonl`), written by
 * the planner and read when an Admin confirms the run (HeldBatches).
 */
export function heldBatchesBlobName(tenantId: string, runId: string): string {
  return `${runBlobsPrefix(tenantId, runId)}held.jsonl`;
}

/**
 * A large plan's working files (`<run>/plan/`): its checkpoint, the snapshot versions it reads and
 * each segment's spilled partitions, written and read by the planner's steps (plan-checkpoint,
 * spill-blobs) and removed with the run's other blobs.
 */
export function planBlobsPrefix(tenantId: string, runId: string): string {
  return `${runBlobsPrefix(tenantId, runId)}plan/`;
}

/** A large plan's checkpoint (`<run>/plan/checkpoint.json`). */
export function planCheckpointBlobName(tenantId: string, runId: string): string {
  return `${planBlobsPrefix(tenantId, runId)}checkpoint.json`;
}

/**
 * The sign of life of a plan's step (`<run>/plan/step-0003.alive`): rewritten every few seconds
 * while the step is planned, so a watcher can tell a dead planner from a slow one.
 */
export function planStepAliveBlobName(tenantId: string, runId: string, step: number): string {
  return `${planBlobsPrefix(tenantId, runId)}step-${String(step).padStart(4, '0')}.alive`;
}

/**
 * A large segment's snapshot as the run pinned it (`<run>/plan/<segment number>/snapshot`): its
 * bytes copied from the segments container before they are read, and (`snapshot.json`, written
 * once the copy is whole) what the copy holds and which version it was copied from.
 */
export function planSnapshotCopyBlobNames(
  tenantId: string,
  runId: string,
  segment: number,
): { data: string; description: string } {
  const folder = `${planBlobsPrefix(tenantId, runId)}${segment}/`;
  return { data: `${folder}snapshot`, description: `${folder}snapshot.json` };
}

/**
 * One partition of a segment's spilled members or last state
 * (`<run>/plan/<segment number>/members-07.txt.gz`): gzip members of text lines.
 */
export function planSpillBlobName(
  tenantId: string,
  runId: string,
  segment: number,
  kind: 'members' | 'state',
  partition: number,
): string {
  return `${planBlobsPrefix(tenantId, runId)}${segment}/${kind}-${String(partition).padStart(2, '0')}.txt.gz`;
}

/**
 * An export's folder in the export-state container: `<tenant>/<exportId>/`. Everything below it
 * goes when the export is deleted (ExportedStateStore.removeAll).
 */
export function exportStatePrefix(tenantId: string, exportId: string): string {
  return `${encodeURIComponent(tenantId)}/${exportId}/`;
}

/**
 * The export's state pointer (`<export>/state.json`): which run-state blob is each segment's
 * confirmed state. Written (conditionally) by the run's finalizer, read by the planner.
 */
export function statePointerBlobName(tenantId: string, exportId: string): string {
  return `${exportStatePrefix(tenantId, exportId)}state.json`;
}

/** Where every run's state blobs of an export are, listed to delete stale runs. */
export function runStatesPrefix(tenantId: string, exportId: string): string {
  return `${exportStatePrefix(tenantId, exportId)}runs/`;
}

/**
 * A run's state of one segment (`<export>/runs/<runId>/<segment>.tsv.gz`, the segment name
 * URI-encoded): what the list holds if Iterable confirms the run, written by the planner. With
 * `confirmedBy` (`<segment>.confirmed-<id>.tsv.gz`): the same less what Iterable did not confirm,
 * written by a finalizer under its own id. Read through the state pointer by the next run.
 */
export function runStateBlobName(
  tenantId: string,
  exportId: string,
  runId: string,
  segment: string,
  confirmedBy?: string,
): string {
  const suffix = confirmedBy ? `.confirmed-${confirmedBy}` : '';
  return `${runStatesPrefix(tenantId, exportId)}${runId}/${encodeURIComponent(segment)}${suffix}.tsv.gz`;
}

/**
 * The Iterable list each segment of an export goes to (`<export>/lists.json`), written and read
 * by the planner (ExportListStore).
 */
export function exportListsBlobName(tenantId: string, exportId: string): string {
  return `${exportStatePrefix(tenantId, exportId)}lists.json`;
}

/**
 * What each segment of an export looked like before (`<export>/removal-baseline.json`), for the
 * checks that hold removals; written and read by the planner (RemovalBaselineStore).
 */
export function removalBaselineBlobName(tenantId: string, exportId: string): string {
  return `${exportStatePrefix(tenantId, exportId)}removal-baseline.json`;
}

/**
 * What a blob of the work container is, read back from its name (for retention): its run and
 * whether it records what was refused (failure lists, rejections) or what was sent (batches, held
 * batches). Undefined for a name the app does not write.
 */
export function workBlobOf(
  name: string,
): { tenantFolder: string; runId: string; refused: boolean } | undefined {
  const match = /^([^/]+)\/([^/]+)\/(.+)$/.exec(name);
  if (!match) return undefined;
  const [, tenantFolder, runId, file] = match as unknown as [string, string, string, string];
  const refused = file.startsWith('failures/') || file === 'rejections.jsonl';
  return { tenantFolder, runId, refused };
}

/** The run a blob of an export's run states belongs to (`<export>/runs/<runId>/...`), if any. */
export function runStateRunOf(
  tenantId: string,
  exportId: string,
  name: string,
): string | undefined {
  const prefix = runStatesPrefix(tenantId, exportId);
  if (!name.startsWith(prefix)) return undefined;
  const runId = name.slice(prefix.length).split('/')[0];
  return runId || undefined;
}
