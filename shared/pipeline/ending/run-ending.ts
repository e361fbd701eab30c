import type { Run } from '../../runs/run-schemas';
import { recordRunFinished } from '../../telemetry';
import type { PipelineDeps } from '../pipeline-deps';

/**
 * Ends a run that has not ended yet, retrying when a worker changed it meanwhile, and logs the
 * same line as a run that ends after its batches.
 */
export async function endRun(
  deps: Pick<PipelineDeps, 'runs' | 'log'>,
  tenantId: string,
  exportId: string,
  runId: string,
  status: Run['status'],
  error?: Run['error'],
): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const run = await deps.runs.get(tenantId, exportId, runId);
    if (
      !run ||
      ['succeeded', 'partiallySucceeded', 'failed', 'cancelled', 'skipped'].includes(run.status)
    )
      return;
    const ended = {
      ...run,
      status,
      finishedAt: new Date().toISOString(),
      ...(error ? { error } : {}),
    };
    if (await deps.runs.finish(tenantId, ended)) {
      recordRunFinished(ended);
      // The same line as a run that ends after its batches, so one query finds every ending.
      deps.log.info('Run finished', {
        status,
        counts: ended.counts,
        durationMs: Date.parse(ended.finishedAt) - Date.parse(run.startedAt ?? run.createdAt),
        ...(error ? { errorCode: error.code, errorMessage: error.message } : {}),
      });
      return;
    }
  }
}
