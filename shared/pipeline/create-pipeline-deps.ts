import { getHeapStatistics } from 'node:v8';
import { processLog } from '../process-log';
import { observeQueueBacklog, recordIterableRequest } from '../telemetry';
import type { AppClients } from '../clients/app-clients';
import { createIterableClient } from '../clients/iterable/create-iterable-client';
import type { ConnectionService } from '../connections/connection-service';
import { ExportStore } from '../exports/export-store';
import { runQueuesOf } from '../runs/run-queues';
import { RunStore } from '../runs/run-store';
import type { SegmentCatalog } from '../segments/segment-catalog';
import { containerNames, segmentsContainerName, tableNames } from '../storage-layout';
import { createListOwnership } from '../list-ownership/create-list-ownership';
import { ExportListStore } from '../state/export-lists';
import { ExportedStateStore } from '../state/exported-state';
import { batchQueuesOf } from './batch-queues';
import { PlanCheckpoints } from './planning/plan-checkpoint';
import { HeldBatches } from './planning/held-batches';
import { RemovalBaselineStore } from './planning/removal-baseline';
import { PlanningBudget } from './planning/planning-budget';
import type { PipelineDeps } from './pipeline-deps';
import { RunProgress } from './run-progress';
import type { WebhookEmitter } from '../webhooks/webhook-emitter';
import { GateStore } from '../flow-control/gate-store';
import { KeyGates } from '../flow-control/key-gates';
import { keyHash } from '../list-ownership/iterable-projects';
import { listCallPace } from './sending/batch-slots';

/** A plan below this many members (about 20 MB of state) runs without waiting its turn. */
const smallPlanMembers = 100_000;

export function createPipelineDeps(
  clients: AppClients,
  services: { connections: ConnectionService; segments: SegmentCatalog; webhooks: WebhookEmitter },
): PipelineDeps {
  const stateContainer = clients.blobs.getContainerClient(containerNames.exportState);
  const work = clients.blobs.getContainerClient(containerNames.batches);
  const batchQueue = batchQueuesOf(clients.queues);
  const runQueues = runQueuesOf(clients.queues);
  // The pipeline's backlog, read once per metrics collection (a minute) while telemetry is on.
  for (const queue of [
    batchQueue.main,
    batchQueue.express,
    runQueues.scheduled,
    runQueues.onDemand,
  ]) {
    observeQueueBacklog(
      queue.name,
      async () => (await queue.getProperties()).approximateMessagesCount ?? 0,
    );
  }
  const exports = new ExportStore(clients.table(tableNames.exports));
  const flow = new KeyGates(new GateStore(clients.table(tableNames.flowControl)));
  return {
    runs: new RunStore(clients.table(tableNames.runs), services.webhooks),
    progress: new RunProgress(clients.table(tableNames.runs)),
    exports,
    connections: services.connections,
    segments: services.segments,
    segmentBlobs: clients.segmentBlobs.getContainerClient(segmentsContainerName),
    state: new ExportedStateStore(stateContainer),
    lists: new ExportListStore(stateContainer),
    listOwnership: createListOwnership(clients.table(tableNames.listOwners), exports, processLog),
    work,
    batchQueue,
    runQueues,
    guard: clients.settings.massRemovalGuard,
    removalEvidence: clients.settings.removalEvidence,
    baselines: new RemovalBaselineStore(stateContainer),
    snapshotLimits: clients.settings.snapshotLimits,
    held: new HeldBatches(work, batchQueue),
    checkpoints: new PlanCheckpoints(work),
    // Sized by the heap this process may grow to (the instance's cap in Azure).
    planningLimits: { membersInMemory: clients.settings.planningMembersInMemory },
    planningBudget: PlanningBudget.forHeap(getHeapStatistics().heap_size_limit, {
      partitionMembers: clients.settings.planningMembersInMemory,
      smallPlan: smallPlanMembers,
      // Well inside the function timeout (30 minutes); a 1.25M-member plan takes under a minute.
      waitMs: 2 * 60_000,
    }),
    iterable: (connection, apiKey, use = 'lists') =>
      createIterableClient(
        {
          region: connection.region,
          apiKey,
          baseUrlOverride: clients.settings.iterableBaseUrl,
        },
        {
          // A batch is never retried in its invocation: no sleep for a 429 or an outage. Its
          // slot is taken by the batch worker; the planner's calls take theirs here.
          ...(use === 'batches'
            ? { maxAttempts: 1 }
            : {
                pace: listCallPace(flow, {
                  keyHash: keyHash(apiKey),
                  ceiling: connection.requestsPerSecond,
                }),
              }),
          onRequest: (event) => {
            processLog.info('Iterable request', { ...event });
            recordIterableRequest(event);
          },
        },
      ),
    flow,
    webhookEvents: services.webhooks,
    log: processLog,
  };
}
