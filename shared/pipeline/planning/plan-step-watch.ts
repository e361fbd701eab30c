import { statusCodeOf } from '../../clients/azure-errors';
import { sendQueueMessage } from '../../clients/queue-messages';
import { runQueueFor } from '../../runs/run-queues';
import { runMessageFormat, type RunMessage } from '../../runs/run-schemas';
import type { StoredRun } from '../../runs/run-store';
import { planCheckpointBlobName, planStepAliveBlobName } from '../../work-blobs';
import type { PipelineDeps } from '../pipeline-deps';

/**
 * A step's planner rewrites its sign of life this often; a sign older than `deadAfterMs` (by the
 * storage service's clock) means the planner died. The queue would bring the step back only when
 * the host's lease on its message runs out (10 minutes in Azure): the watch brings it back within
 * seconds.
 */
const aliveEveryMs = 2_000;
const deadAfterMs = 15_000;
const watchEverySeconds = 5;

type Deps = Pick<PipelineDeps, 'work' | 'runQueues' | 'runs' | 'checkpoints' | 'log'>;

/** Shows the step's planner is alive until the returned function is called. */
export function keepAlive(deps: Deps, ids: { tenantId: string; runId: string }, step: number) {
  const blob = deps.work.getBlockBlobClient(planStepAliveBlobName(ids.tenantId, ids.runId, step));
  const beat = () =>
    blob.upload('', 0).then(
      () => undefined,
      (error: unknown) =>
        deps.log.warn('Plan step sign of life not written', { step, reason: String(error) }),
    );
  const first = beat();
  const timer = setInterval(() => void beat(), aliveEveryMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await first;
  };
}

/** Sends a step of the run's plan, on the queue the run is planned from. */
export async function sendStep(
  deps: Pick<PipelineDeps, 'runQueues'>,
  message: RunMessage,
  run: StoredRun,
  step: number,
): Promise<void> {
  const { tenantId, exportId, runId, traceparent } = message;
  const next: RunMessage = {
    tenantId,
    exportId,
    runId,
    action: 'step',
    step,
    ...(traceparent ? { traceparent } : {}),
  };
  await sendQueueMessage(runQueueFor(deps.runQueues, run), runMessageFormat, next);
}

/** Sends the watch of a step, to look a few seconds from now. */
export async function sendWatch(
  deps: Deps,
  message: RunMessage,
  run: StoredRun,
  step: number,
): Promise<void> {
  const { tenantId, exportId, runId } = message;
  const watch: RunMessage = { tenantId, exportId, runId, action: 'watch', step };
  await sendQueueMessage(runQueueFor(deps.runQueues, run), runMessageFormat, watch, {
    delaySeconds: watchEverySeconds,
  });
}

/**
 * Looks at a step: done (or the run no longer planning), the watch ends; not started yet (no sign
 * of life: the step waits in the queue) or alive, it looks again later; silent for too long, its
 * planner died and the step is sent again: a copy the dead planner's message may later join is
 * found done, or loses the checkpoint's conditional write. Step 0 is the plan's first invocation,
 * watched before any checkpoint exists; sent again, the planner takes it as the run's first
 * message brought back.
 */
export async function watchStep(deps: Deps, message: RunMessage): Promise<void> {
  const { tenantId, exportId, runId } = message;
  const step = message.step ?? 1;
  const run = await deps.runs.get(tenantId, exportId, runId);
  if (!run || run.status !== 'planning') return;
  const stored = await deps.checkpoints.load(tenantId, runId);
  if (stored) {
    if (stored.checkpoint.step > step) return;
    if (stored.checkpoint.step === step) return passedOn(deps, message, run, stored.checkpoint);
  } else if (step > 0) return; // before the checkpoint only the first invocation is watched
  const silentMs = await age(deps, planStepAliveBlobName(tenantId, runId, step));
  if (silentMs !== undefined && silentMs > deadAfterMs) {
    deps.log.warn('Plan step sent again: its planner stopped showing signs of life', {
      step,
      silentMs,
    });
    await sendStep(deps, message, run, step);
    return; // the step sent again sends its own watch
  }
  await sendWatch(deps, message, run, step);
}

/**
 * The watched step is done: its planner may still have died before it sent the next step or
 * settled the plan. Once the next step shows life the watch ends (that step has its own); while
 * the checkpoint is fresh it looks again; later, it sends the next step (or, the plan complete,
 * this step again, which settles it).
 */
async function passedOn(
  deps: Deps,
  message: RunMessage,
  run: StoredRun,
  checkpoint: { step: number; steps: number },
): Promise<void> {
  const { tenantId, runId } = message;
  const complete = checkpoint.step === checkpoint.steps;
  if (!complete && (await age(deps, planStepAliveBlobName(tenantId, runId, checkpoint.step + 1))))
    return;
  const savedMs = await age(deps, planCheckpointBlobName(tenantId, runId));
  if (savedMs === undefined || savedMs <= deadAfterMs) {
    await sendWatch(deps, message, run, checkpoint.step);
    return;
  }
  deps.log.warn('Plan passed on again: the planner of its last step stopped before doing so', {
    step: checkpoint.step,
    steps: checkpoint.steps,
  });
  await sendStep(deps, message, run, complete ? checkpoint.step : checkpoint.step + 1);
  if (complete) await sendWatch(deps, message, run, checkpoint.step);
}

/**
 * How long ago a blob was last written, by the service's clock; undefined when there is none (for
 * a sign of life: the step has not started).
 */
async function age(deps: Deps, blobName: string): Promise<number | undefined> {
  try {
    const properties = await deps.work.getBlobClient(blobName).getProperties();
    const now = properties.date ?? new Date();
    return now.getTime() - (properties.lastModified ?? now).getTime();
  } catch (error) {
    if (statusCodeOf(error) === 404) return undefined;
    throw error;
  }
}
