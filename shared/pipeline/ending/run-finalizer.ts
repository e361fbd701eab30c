import { z, ZodError } from 'zod';
import { emptyCounts, type Run } from '../../runs/run-schemas';
import type { StoredRun } from '../../runs/run-store';
import { batchEmails, failureListFormat, readBatchBody } from '../sending/batch-blobs';
import { failuresBlobName, runStateBlobName } from '../../work-blobs';
import { unknownFields } from '../../state/member-hash';
import type { PipelineDeps } from '../pipeline-deps';
import type { BatchResult } from '../run-progress';
import { statusCodeOf } from '../../clients/azure-errors';
import { recordRunFinished } from '../../telemetry';
import { downloadVersionedBytes } from '../../state/versioned-blob';

const FailuresSchema = z.array(z.object({ email: z.string(), reason: z.string() }));

/**
 * Ends a run once every planned batch is recorded: sums the batch results into the run's counts,
 * commits each segment's exported state (the planned state, less what Iterable did not confirm)
 * and sets the final status. Any worker may call it; the run row's etag lets only one finish.
 */
export async function tryFinalizeRun(
  deps: PipelineDeps,
  tenantId: string,
  exportId: string,
  runId: string,
) {
  const run = await deps.runs.get(tenantId, exportId, runId);
  if (!run || run.status !== 'running' || run.batchCount === undefined) return;
  const done = await deps.progress.completedBatches(tenantId, exportId, runId);
  if (done < run.batchCount) return;
  const results = await deps.progress.results(tenantId, exportId, runId);
  if (!(await commitState(deps, { tenantId, exportId, runId }, run, results))) return;
  const final = summarize(run, results);
  if (await deps.runs.finish(tenantId, final)) {
    const seconds =
      (Date.parse(final.finishedAt!) - Date.parse(final.startedAt ?? final.createdAt)) / 1000;
    recordRunFinished(final);
    deps.log.info('Run finished', {
      status: final.status,
      counts: final.counts,
      durationMs: Math.round(seconds * 1000),
      profilesPerSecond: seconds > 0 ? Math.round(final.counts.total / seconds) : undefined,
    });
  }
}

function summarize(run: StoredRun, results: (BatchResult & { batch: number })[]): StoredRun {
  const segments = run.segments.map((segment) => {
    const mine = results.filter((result) => result.segment === segment.name);
    return { ...segment, counts: sumCounts(segment.counts, mine) };
  });
  const counts = segments.reduce<Run['counts']>((total, segment) => {
    for (const key of Object.keys(total) as (keyof Run['counts'])[])
      total[key] += segment.counts[key];
    return total;
  }, emptyCounts());
  // The run's planned count of the snapshots' refused rows, and what Iterable refused: a run
  // planned before segments counted their own refused rows is summed the same way.
  counts.rejected = run.counts.rejected + results.reduce((sum, result) => sum + result.rejected, 0);
  const sentSomething = results.some((result) => result.succeeded > 0) || results.length === 0;
  const status: Run['status'] =
    counts.failed > 0 && !sentSomething
      ? 'failed'
      : // Removals held for a damaged snapshot: the list is not what the segment says.
        counts.failed > 0 || counts.rejected > 0 || (run.warnings?.length ?? 0) > 0
        ? 'partiallySucceeded'
        : 'succeeded';
  return {
    ...run,
    status,
    counts,
    segments,
    percentComplete: 100,
    finishedAt: new Date().toISOString(),
  };
}

/** Planned counts say what was to change; the results say what Iterable confirmed. */
function sumCounts(planned: Run['counts'], results: BatchResult[]): Run['counts'] {
  // The snapshot's refused rows (planned) stay; Iterable's refusals are added to them.
  const confirmed = { ...planned, added: 0, updated: 0, removed: 0, failed: 0 };
  for (const result of results) {
    confirmed.added += result.added;
    confirmed.updated += result.updated;
    confirmed.removed += result.removed;
    confirmed.rejected += result.rejected;
    confirmed.failed += result.failed;
  }
  return confirmed;
}

/**
 * Makes the run's state the export's confirmed state. Each segment's is the planned one, except
 * for members Iterable did not confirm: a failed subscribe keeps its previous record (so it is
 * sent again next run), a failed unsubscribe stays recorded as a member (so it is removed again
 * next run). A segment without failures commits the planner's blob as it is. Returns false when
 * a later run already committed (this finalizer is stale and must not finish anything).
 */
async function commitState(
  deps: PipelineDeps,
  ids: { tenantId: string; exportId: string; runId: string },
  run: StoredRun,
  results: (BatchResult & { batch: number })[],
): Promise<boolean> {
  const { tenantId, exportId, runId } = ids;
  const committed = await deps.state.committed(tenantId, exportId);
  if (committed.pointer?.runId === runId) return true;
  const segments: Record<string, string> = {};
  for (const segment of run.segments) {
    const failing = results.filter(
      (result) => result.segment === segment.name && result.hasFailures,
    );
    const planned = runStateBlobName(tenantId, exportId, runId, segment.name);
    if (!failing.length) {
      segments[segment.name] = planned;
      continue;
    }
    const previousBlob = segment.sentInFull ? undefined : committed.pointer?.segments[segment.name];
    const unconfirmed = await Promise.all(
      failing.map((result) => failedMembers(deps, ids, result)),
    );
    if (unconfirmed.some((members) => members === undefined)) {
      // A failed batch whose members cannot be read back: nothing of this segment is taken as
      // confirmed, so the next run sends its changes again (sending twice changes nothing).
      deps.log.error('A failed batch could not be read; the segment state is not advanced', {
        runId,
        segment: segment.name,
      });
      if (previousBlob) segments[segment.name] = previousBlob;
      continue;
    }
    // Only the members Iterable did not confirm are looked up and held, however large the list.
    const wanted = new Set(unconfirmed.flatMap((members) => members!));
    const previous = previousBlob
      ? await deps.state.pick(previousBlob, wanted)
      : new Map<string, number>();
    const overrides = new Map<string, number | undefined>();
    failing.forEach((result, index) => {
      for (const email of unconfirmed[index]!) {
        const before = previous.get(email);
        // A failed unsubscribe is a member still; a failed subscribe keeps what Iterable had.
        overrides.set(email, result.kind === 'unsubscribe' ? (before ?? unknownFields) : before);
      }
    });
    segments[segment.name] = await deps.state.saveConfirmedRunState(
      tenantId,
      exportId,
      runId,
      segment.name,
      overrides,
    );
  }
  const pointer = { runId, segments };
  const { outcome, committedAt } = await deps.state.commit(tenantId, exportId, committed, pointer);
  if (outcome === 'superseded') {
    deps.log.error('A stale finalizer found a later run committed', { runId });
    return false;
  }
  if (committedAt) await deps.state.removeStaleRuns(tenantId, exportId, pointer, committedAt);
  return true;
}

/**
 * The batch's refused or unsent members; when no list was written, all of its members; unknown
 * when neither the list nor the batch can be read.
 */
async function failedMembers(
  deps: PipelineDeps,
  ids: { tenantId: string; runId: string },
  result: BatchResult & { batch: number },
): Promise<string[] | undefined> {
  try {
    const blob = deps.work.getBlobClient(failuresBlobName(ids.tenantId, ids.runId, result.batch));
    const failures = FailuresSchema.parse(
      JSON.parse((await downloadVersionedBytes(blob, failureListFormat)).toString('utf8')),
    );
    return failures.map((failure) => failure.email.toLowerCase());
  } catch (error) {
    if (statusCodeOf(error) !== 404) throw error;
  }
  try {
    return batchEmails(result, await readBatchBody(deps, ids.tenantId, ids.runId, result.batch));
  } catch (error) {
    if (statusCodeOf(error) === 404 || error instanceof SyntaxError || error instanceof ZodError)
      return undefined;
    throw error;
  }
}
