import { endRun as endRunInStore } from '../../runs/end-run';
import type { Run } from '../../runs/run-schemas';
import type { PipelineDeps } from '../pipeline-deps';

/**
 * Ends a run that has not ended yet (the run lifecycle's endRun) and logs the same line as a run
 * that ends after its batches. A run that is gone, has ended, or keeps changing is left as it is:
 * the pipeline's message is done either way.
 */
export async function endRun(
  deps: Pick<PipelineDeps, 'runs' | 'log'>,
  tenantId: string,
  exportId: string,
  runId: string,
  status: Run['status'],
  error?: Run['error'],
): Promise<void> {
  await endRunInStore(
    deps.runs,
    deps.log,
    { tenantId, exportId, runId },
    { status, ...(error ? { error } : {}) },
  );
}
