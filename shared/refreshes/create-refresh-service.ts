import { connectionState } from '../connections/connection-state';
import type { SchedulingTables } from '../schedule/create-refresh-sweep';
import type { AuditTrail } from '../audit/audit-trail';
import { ConnectionStore } from '../connections/connection-store';
import { ExportStore } from '../exports/export-store';
import type { ActiveRunLimits } from '../runs/active-run-seats';
import { createRunLifecycle } from '../runs/run-lifecycle';
import type { RunQueues } from '../runs/run-queues';
import type { RunEvents } from '../runs/run-events';
import { RunStore } from '../runs/run-store';
import { ScheduledRuns } from '../runs/scheduled-runs';
import { PlatformRefreshes } from '../schedule/platform-refreshes';
import type { SegmentCatalog } from '../segments/segment-catalog';
import { RefreshClaims } from './refresh-claims';
import { RefreshRunner } from './refresh-runner';
import { RefreshService } from './refresh-service';

export interface RefreshServiceParts {
  tables: SchedulingTables;
  /** Where the runs started here are queued (scheduled and refresh runs: export-runs). */
  runQueues: RunQueues;
  segments: Pick<SegmentCatalog, 'snapshot'>;
  audit: AuditTrail;
  /** The fair-use limits a refresh run is started under, as a scheduled one. */
  activeRunLimits: ActiveRunLimits;
  /** Told when a run ends here (a run that could not be queued fails at once). */
  runEvents?: RunEvents;
}

/** The refresh call's service, built from the storage it reads and writes. */
export function createRefreshService(parts: RefreshServiceParts): RefreshService {
  const { tables } = parts;
  const runStore = new RunStore(tables.runs, parts.runEvents);
  const connections = new ConnectionStore(tables.connections);
  const lifecycle = createRunLifecycle(
    runStore,
    tables.runs,
    parts.activeRunLimits,
    parts.runQueues,
  );
  return new RefreshService({
    exports: new ExportStore(tables.exports),
    snapshot: (tenantId, name) => parts.segments.snapshot(tenantId, name),
    runner: new RefreshRunner({
      runs: new ScheduledRuns(runStore, lifecycle),
      runStore,
      claims: new RefreshClaims(tables.runs),
      connectionState: async (tenantId, id) => connectionState(await connections.get(tenantId, id)),
    }),
    platform: new PlatformRefreshes(tables.schedules),
    audit: parts.audit,
  });
}
