import { IterableError } from '../clients/iterable/iterable-error';
import type { PipelineDeps } from './pipeline-deps';

/**
 * Tells the tenant's webhooks that Iterable refused the connection's key while a run planned or
 * sent. Every batch of the run meets the same key, on any instance: the emitter makes it one
 * event per run. Any other error is not this one's business.
 */
export async function reportIfKeyRefused(
  deps: Pick<PipelineDeps, 'webhookEvents'>,
  ids: { tenantId: string; exportId: string; runId: string },
  error: unknown,
): Promise<void> {
  if (!(error instanceof IterableError) || error.kind !== 'auth') return;
  await deps.webhookEvents.connectionKeyRejected(
    ids.tenantId,
    { exportId: ids.exportId, runId: ids.runId },
    { status: error.iterableStatus, code: error.iterableCode },
  );
}
