import type { TableClient } from '@azure/data-tables';
import { ConnectionStore } from '../connections/connection-store';
import { connectionState } from '../connections/connection-state';
import { ExportStore } from '../exports/export-store';
import type { ActiveRunLimits } from '../runs/active-run-seats';
import type { RunEvents } from '../runs/run-events';
import { createRunLifecycle } from '../runs/run-lifecycle';
import type { RunQueues } from '../runs/run-queues';
import { RunStore } from '../runs/run-store';
import { defaultFairUseLimits } from '../settings';
import { ScheduledRuns } from '../runs/scheduled-runs';
import { defaultSweepLimits, RefreshSweep, type SweepLimits } from './refresh-sweep';
import { ScheduleIndex } from './schedule-index';
import { PlatformRefreshes, reportsLapsed } from './platform-refreshes';
import { readTenantSchedule, type TenantSchedule } from './schedule-service';
import { SlotClaims } from './slot-claims';
import { SlotRunner } from './slot-runner';

/** The tables starting runs outside a request reads: the timer's sweep and reported refreshes. */
export interface SchedulingTables {
  schedules: TableClient;
  exports: TableClient;
  runs: TableClient;
  connections: TableClient;
}

export interface RefreshSweepParts {
  tables: SchedulingTables;
  /** Where the runs started here are queued (scheduled and refresh runs: export-runs). */
  runQueues: RunQueues;
  log: {
    error(message: string, properties?: Record<string, unknown>): void;
    warn(message: string, properties?: Record<string, unknown>): void;
  };
  /** Told of scheduled runs that end at once (their enqueueing failed). */
  runEvents?: RunEvents;
  /** The time slots are due by; tests pass their own. */
  clock?: () => Date;
  limits?: Partial<SweepLimits>;
  /** The fair-use limits a scheduled run waits for (the defaults unless given). */
  activeRunLimits?: ActiveRunLimits;
}

/** The refresh timer's work, built from the storage it reads and writes. */
export function createRefreshSweep(parts: RefreshSweepParts): RefreshSweep {
  const { tables } = parts;
  const claims = new SlotClaims(tables.runs);
  const connections = new ConnectionStore(tables.connections);
  const runStore = new RunStore(tables.runs, parts.runEvents);
  const lifecycle = createRunLifecycle(
    runStore,
    tables.runs,
    parts.activeRunLimits ?? defaultFairUseLimits,
    parts.runQueues,
  );
  return new RefreshSweep({
    index: new ScheduleIndex(tables.schedules),
    tenantSchedule: (tenantId) =>
      cronForRefreshExports(tables.schedules, tenantId, (parts.clock ?? (() => new Date()))()),
    exports: new ExportStore(tables.exports),
    claims,
    slots: new SlotRunner({
      runs: new ScheduledRuns(runStore, lifecycle),
      claims,
      connectionState: async (tenantId, id) => connectionState(await connections.get(tenantId, id)),
      log: parts.log,
    }),
    clock: parts.clock ?? (() => new Date()),
    log: parts.log,
    limits: { ...defaultSweepLimits, ...parts.limits },
  });
}

/**
 * The tenant's refresh schedule as the timer applies it to `refresh` exports: none while the
 * platform reports the tenant's refreshes itself (they run on its reports then), else the cron.
 */
export async function cronForRefreshExports(
  schedules: TableClient,
  tenantId: string,
  now: Date,
): Promise<TenantSchedule | undefined> {
  const schedule = await readTenantSchedule(schedules, tenantId);
  if (!schedule) return undefined;
  const reported = await new PlatformRefreshes(schedules).last(tenantId);
  return reported && !reportsLapsed(schedule, reported.lastReportedAt, now) ? undefined : schedule;
}
