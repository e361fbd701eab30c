import type { GateKey } from '../../flow-control/key-gates';
import { keyHash } from '../../list-ownership/iterable-projects';
import type { IterablePipelineApi, PipelineDeps } from '../pipeline-deps';

/** How long a worker reuses an export's connection and key before reading them again. */
const reuseMs = 10_000;

export interface SendingContext {
  iterable: IterablePipelineApi;
  /** The gate of the connection's key, with the connection's ceiling (requestsPerSecond). */
  gate: GateKey;
  until: number;
}

const contexts = new WeakMap<PipelineDeps, Map<string, Promise<SendingContext>>>();

/**
 * The Iterable client a batch of an export's run is sent with. The export, its connection and
 * the key are read once per run every ten seconds by a worker, not once per batch: a million
 * members are a thousand batches. Each run reads them afresh for its first batch, so a run that
 * starts after the export moved to another connection never sends with the old one's key. A
 * deleted export or connection, or one disabled by the kill switch, stops the sending within
 * that time (its runs are cancelled at once, which every batch reads).
 */
export async function sendingContext(
  deps: PipelineDeps,
  tenantId: string,
  exportId: string,
  runId: string,
): Promise<SendingContext> {
  let cache = contexts.get(deps);
  if (!cache) contexts.set(deps, (cache = new Map<string, Promise<SendingContext>>()));
  const key = `${tenantId}\n${exportId}\n${runId}`;
  const cached = cache.get(key);
  if (cached) {
    const context = await cached.catch(() => undefined);
    if (context && context.until > Date.now()) return context;
  }
  forgetExpired(cache);
  const loading = load(deps, { tenantId, exportId });
  cache.set(key, loading);
  loading.catch(() => cache.delete(key));
  return loading;
}

/** Drops the contexts of runs no batch has asked for lately, so ended runs hold no memory. */
function forgetExpired(cache: Map<string, Promise<SendingContext>>): void {
  const now = Date.now();
  for (const [key, loading] of cache) {
    void loading.then(
      (context) => {
        if (context.until <= now && cache.get(key) === loading) cache.delete(key);
      },
      () => undefined,
    );
  }
}

async function load(
  deps: PipelineDeps,
  { tenantId, exportId }: { tenantId: string; exportId: string },
): Promise<SendingContext> {
  const exportRecord = await deps.exports.get(tenantId, exportId);
  if (!exportRecord) throw new Error('The export was deleted');
  const { connection, apiKey } = await deps.connections.apiKey(
    tenantId,
    exportRecord.connectionId,
    {
      forRun: true,
    },
  );
  return {
    iterable: deps.iterable(connection, apiKey, 'batches'),
    gate: { keyHash: keyHash(apiKey), ceiling: connection.requestsPerSecond },
    until: Date.now() + reuseMs,
  };
}
