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
import { SweepIndex } from '../exports/sweep-index';
import { defaultShardLimits, ShardSweep, type ShardLimits } from './shard-sweep';
import { SweepFanOut } from './sweep-fan-out';
import type { ShardMessage } from './sweep-messages';
import { SweepPlaces } from './sweep-places';

/** The tables starting runs outside a request reads: the timer's sweep and reported refreshes. */
export interface SchedulingTables {
  schedules: TableClient;
  exports: TableClient;
  runs: TableClient;
  connections: TableClient;
  /** The sweep index and the shards' saved places (tables.sweepIndex). */
  sweepIndex: TableClient;
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

/** The refresh timer's pass over tenants, built from the storage it reads and writes. */
export function createRefreshSweep(parts: RefreshSweepParts): RefreshSweep {
  const { tables } = parts;
  const claims = new SlotClaims(tables.runs);
  return new RefreshSweep({
    index: new ScheduleIndex(tables.schedules),
    tenantSchedule: tenantScheduleOf(parts),
    exports: new ExportStore(tables.exports),
    claims,
    slots: slotRunnerOf(parts, claims),
    clock: parts.clock ?? (() => new Date()),
    log: parts.log,
    limits: { ...defaultSweepLimits, ...parts.limits },
  });
}

export interface ShardSweepParts extends Omit<RefreshSweepParts, 'limits'> {
  continueLater: (message: ShardMessage) => Promise<void>;
  limits?: Partial<ShardLimits>;
  /** Milliseconds for the invocation's time budget; tests pass their own. */
  elapsed?: () => number;
}

/** One shard's sweep of the index (queue refresh-sweep-shards). */
export function createShardSweep(parts: ShardSweepParts): ShardSweep {
  const { tables } = parts;
  const claims = new SlotClaims(tables.runs);
  return new ShardSweep({
    index: new SweepIndex(tables.sweepIndex),
    places: new SweepPlaces(tables.sweepIndex),
    tenantSchedule: tenantScheduleOf(parts),
    exports: new ExportStore(tables.exports),
    claims,
    // The cursors its claims wrote stay known to it, so the sweep notes them without reading.
    slots: slotRunnerOf(parts, claims, true),
    continueLater: parts.continueLater,
    clock: parts.clock ?? (() => new Date()),
    elapsed: parts.elapsed ?? (() => performance.now()),
    log: parts.log,
    limits: { ...defaultShardLimits, ...parts.limits },
  });
}

export interface SweepFanOutParts extends RefreshSweepParts {
  send: (messages: ShardMessage[]) => Promise<void>;
  shards: number;
  backfillPerTick?: number;
}

/** The refresh timer's tick: the fan-out to the shards, and the backfill while it lasts. */
export function createSweepFanOut(parts: SweepFanOutParts): SweepFanOut {
  const { tables } = parts;
  return new SweepFanOut({
    places: new SweepPlaces(tables.sweepIndex),
    sweepIndex: new SweepIndex(tables.sweepIndex),
    scheduleIndex: new ScheduleIndex(tables.schedules),
    exports: new ExportStore(tables.exports),
    tenantPass: createRefreshSweep(parts),
    send: parts.send,
    shards: parts.shards,
    backfillPerTick: parts.backfillPerTick ?? 5000,
    clock: parts.clock ?? (() => new Date()),
  });
}

function tenantScheduleOf(parts: RefreshSweepParts) {
  return (tenantId: string) =>
    cronForRefreshExports(parts.tables.schedules, tenantId, (parts.clock ?? (() => new Date()))());
}

function slotRunnerOf(
  parts: RefreshSweepParts,
  claims: SlotClaims,
  keepCursors = false,
): SlotRunner {
  const { tables } = parts;
  const connections = new ConnectionStore(tables.connections);
  const runStore = new RunStore(
    tables.runs,
    parts.runEvents,
    keepCursors ? (actions, response) => claims.noteCommitted(actions, response) : undefined,
  );
  const lifecycle = createRunLifecycle(
    runStore,
    tables.runs,
    parts.activeRunLimits ?? defaultFairUseLimits,
    parts.runQueues,
  );
  return new SlotRunner({
    runs: new ScheduledRuns(runStore, lifecycle),
    claims,
    connectionState: async (tenantId, id) => connectionState(await connections.get(tenantId, id)),
    log: parts.log,
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
