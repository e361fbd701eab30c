import { AuditStore } from '../audit/audit-store';
import { processLog } from '../process-log';
import { AuditTrail } from '../audit/audit-trail';
import { getAppClients, type AppClients } from '../clients/app-clients';
import { iterableBaseUrl, verifyIterableApiKey } from '../clients/iterable-key-check';
import { ConnectionSecrets } from '../connections/connection-secrets';
import { ConnectionService } from '../connections/connection-service';
import { ConnectionStore } from '../connections/connection-store';
import { assertRunnable } from '../connections/connection-state';
import { exportsUsingConnection } from '../exports/export-references';
import { ExportService } from '../exports/export-service';
import { ExportListOwnership } from '../exports/export-list-ownership';
import { ExportStore } from '../exports/export-store';
import { createListOwnership } from '../list-ownership/create-list-ownership';
import { createTokenVerifier, type TokenVerifier } from '../http/auth';
import { RunService } from '../runs/run-service';
import { RunStore } from '../runs/run-store';
import { createRunLifecycle } from '../runs/run-lifecycle';
import { runQueuesOf } from '../runs/run-queues';
import { createRefreshService } from '../refreshes/create-refresh-service';
import type { RefreshService } from '../refreshes/refresh-service';
import {
  createShardSweep,
  createSweepFanOut,
  cronForRefreshExports,
} from '../schedule/create-refresh-sweep';
import { createNextRuns } from '../schedule/next-runs';
import type { ShardSweep } from '../schedule/shard-sweep';
import type { SweepFanOut } from '../schedule/sweep-fan-out';
import { shardMessageFormat } from '../schedule/sweep-messages';
import { sendQueueMessage } from '../clients/queue-messages';
import { mapConcurrently } from '../map-concurrently';
import { SweepIndex } from '../exports/sweep-index';
import { ScheduleIndex } from '../schedule/schedule-index';
import { ScheduleService } from '../schedule/schedule-service';
import { SegmentCatalog } from '../segments/segment-catalog';
import { SegmentEventRows } from '../segment-events/segment-event-rows';
import { SegmentEvents } from '../segment-events/segment-events';
import { createPipelineDeps } from '../pipeline/create-pipeline-deps';
import type { PipelineDeps } from '../pipeline/pipeline-deps';
import { RunProgress } from '../pipeline/run-progress';
import { Erasures } from '../retention/erasures';
import { runRetentionPass, type RetentionReport } from '../retention/retention-pass';
import { containerNames, queueNames, segmentsContainerName, tableNames } from '../storage-layout';
import { createWebhooks, type Webhooks } from '../webhooks/create-webhooks';

/** Long-lived services of this process, built on first use from the settings and clients. */
export interface AppServices {
  clients: AppClients;
  verifier: TokenVerifier;
  connections: ConnectionService;
  audit: AuditStore;
  segments: SegmentCatalog;
  exports: ExportService;
  runs: RunService;
  schedule: ScheduleService;
  /** The refresh timer's tick: one message per shard. */
  refreshFanOut: SweepFanOut;
  /** One shard's sweep (queue refresh-sweep-shards). */
  shardSweep: ShardSweep;
  refreshes: RefreshService;
  segmentEvents: SegmentEvents;
  pipeline: PipelineDeps;
  webhooks: Webhooks;
  /** One bounded pass of the retention timer (retention/retention-pass.ts). */
  retentionPass(): Promise<RetentionReport>;
}

export function createAppServices(clients: AppClients): AppServices {
  const table = (name: string) => clients.table(name);
  const { settings } = clients;
  const audit = new AuditStore(table(tableNames.audit));
  const auditTrail = new AuditTrail(audit, processLog);
  const webhooks = createWebhooks(clients, auditTrail);
  const segments = new SegmentCatalog(
    clients.segmentBlobs.getContainerClient(segmentsContainerName),
  );
  const exportStore = new ExportStore(
    table(tableNames.exports),
    new SweepIndex(table(tableNames.sweepIndex)),
  );
  const erasures = new Erasures({
    runs: table(tableNames.runs),
    work: clients.blobs.getContainerClient(containerNames.batches),
    state: clients.blobs.getContainerClient(containerNames.exportState),
  });
  const listOwnership = createListOwnership(table(tableNames.listOwners), exportStore, processLog);
  const connectionStore = new ConnectionStore(table(tableNames.connections));
  const connections: ConnectionService = new ConnectionService({
    store: connectionStore,
    secrets: new ConnectionSecrets(clients.secrets),
    audit: auditTrail,
    exportsUsing: (tenantId, id) => exportsUsingConnection(table(tableNames.exports), tenantId, id),
    // The kill switch reaches runs and exports, which are built below (and use connections).
    cancelActiveRun: async (principal, exportId, connectionId, reason) => {
      // An export moved to another connection since it was listed keeps its run.
      const record = await exportStore.get(principal.tenantId, exportId);
      if (record?.connectionId !== connectionId) return undefined;
      return (await runs.cancelActive(principal, exportId, reason))?.id;
    },
    removeSchedule: (principal, exportId, connectionId, reason) =>
      exportService.removeSchedule(principal, exportId, connectionId, reason),
    eraseExportState: (principal, exportId, connectionId) =>
      exportService.eraseState(principal, exportId, connectionId),
    verifyKey: (region, apiKey) =>
      verifyIterableApiKey(iterableBaseUrl(region, settings.iterableBaseUrl), apiKey),
    projects: listOwnership.projects,
    log: processLog,
  });
  const progress = new RunProgress(table(tableNames.runs));
  const runStore = new RunStore(table(tableNames.runs), webhooks.emitter);
  const runs = new RunService(
    runStore,
    createRunLifecycle(
      runStore,
      table(tableNames.runs),
      settings.fairUse,
      runQueuesOf(clients.queues),
    ),
    (tenantId, exportId, runId) => progress.completedBatches(tenantId, exportId, runId),
    auditTrail,
    async (tenantId, connectionId) =>
      assertRunnable(connectionId, await connectionStore.get(tenantId, connectionId)),
  );
  const exportService: ExportService = new ExportService({
    store: exportStore,
    references: {
      connectionUsable: (principal, id) => connections.usable(principal, id),
      segment: (tenantId, name) => segments.get(tenantId, name),
    },
    runs,
    erasures,
    audit: auditTrail,
    scheduleIndex: new ScheduleIndex(table(tableNames.schedules)),
    limits: settings.fairUse,
    lists: new ExportListOwnership(
      listOwnership.claims,
      async (tenantId, connectionId) =>
        listOwnership.projects.projectOf((await connections.apiKey(tenantId, connectionId)).apiKey),
      processLog,
    ),
    nextRuns: createNextRuns({
      refreshCron: (tenantId, now) =>
        cronForRefreshExports(table(tableNames.schedules), tenantId, now),
      connectionEnabled: async (tenantId, id) =>
        (await connectionStore.get(tenantId, id))?.enabled ?? false,
    }),
  });
  // What starting runs outside a request reads: the timer's sweep and reported refreshes.
  const schedulingTables = {
    schedules: table(tableNames.schedules),
    exports: table(tableNames.exports),
    runs: table(tableNames.runs),
    connections: table(tableNames.connections),
    sweepIndex: table(tableNames.sweepIndex),
  };
  const shardQueue = clients.queues.getQueueClient(queueNames.refreshSweepShards);
  const sweepParts = {
    tables: schedulingTables,
    runQueues: runQueuesOf(clients.queues),
    log: processLog,
    activeRunLimits: settings.fairUse,
    runEvents: webhooks.emitter,
  };
  const refreshes = createRefreshService({
    tables: schedulingTables,
    runQueues: runQueuesOf(clients.queues),
    segments,
    audit: auditTrail,
    activeRunLimits: settings.fairUse,
    runEvents: webhooks.emitter,
  });
  return {
    clients,
    verifier: createTokenVerifier(settings.auth),
    audit,
    segments,
    connections,
    runs,
    exports: exportService,
    schedule: new ScheduleService(table(tableNames.schedules), auditTrail),
    refreshFanOut: createSweepFanOut({
      ...sweepParts,
      shards: settings.refreshSweepShards,
      send: async (messages) => {
        await mapConcurrently(messages, 16, (message) =>
          sendQueueMessage(shardQueue, shardMessageFormat, message),
        );
      },
    }),
    shardSweep: createShardSweep({
      ...sweepParts,
      continueLater: (message) => sendQueueMessage(shardQueue, shardMessageFormat, message),
    }),
    refreshes,
    segmentEvents: new SegmentEvents({
      rows: new SegmentEventRows(table(tableNames.schedules)),
      checks: clients.queues.getQueueClient(queueNames.segmentEventChecks),
      refreshes,
      container: segmentsContainerName,
      quietSeconds: settings.segmentEventsQuietSeconds,
      auth: settings.auth,
      log: processLog,
    }),
    pipeline: createPipelineDeps(clients, { connections, segments, webhooks: webhooks.emitter }),
    webhooks,
    retentionPass: () =>
      runRetentionPass({
        runs: table(tableNames.runs),
        work: clients.blobs.getContainerClient(containerNames.batches),
        erasures,
        retention: settings.retention,
      }),
  };
}

let services: AppServices | undefined;

export function getAppServices(): AppServices {
  services ??= createAppServices(getAppClients());
  return services;
}
