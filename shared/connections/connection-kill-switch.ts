import type { Principal } from '../http/auth';
import type { ExportReference } from '../exports/export-references';
import { quoteForMessage } from '../quote-for-message';

/** Why a run was cancelled by the kill switch; it becomes the run's `error`. */
export interface StopReason {
  code: 'ConnectionDisabled' | 'ConnectionDeleted';
  message: string;
}

/** What the kill switch reaches into: the connection's exports, their runs and schedules. */
export interface KillSwitchDeps {
  exportsUsing(tenantId: string, connectionId: string): Promise<ExportReference[]>;
  /**
   * Cancels the export's active run, if any, and returns its id; nothing when the export no
   * longer uses `connectionId` (moved to another connection since it was listed).
   */
  cancelActiveRun(
    principal: Principal,
    exportId: string,
    connectionId: string,
    reason: StopReason,
  ): Promise<string | undefined>;
  /** Sets the export's schedule to `off` if it still uses `connectionId`; whether it changed it. */
  removeSchedule(
    principal: Principal,
    exportId: string,
    connectionId: string,
    reason: string,
  ): Promise<boolean>;
  /**
   * Erases what the export confirmed in the connection's Iterable project (its exported state and
   * its runs' work blobs, which hold its members' e-mails) if it still uses `connectionId`;
   * whether it did. The erasure is recorded first and finished by the retention timer.
   */
  eraseExportState(principal: Principal, exportId: string, connectionId: string): Promise<boolean>;
}

/** What a stop did, for the audit entry of the switch or the delete. */
export interface StopReport {
  exports: string[];
  runsCancelled: { exportId: string; runId: string }[];
  schedulesRemoved?: string[];
  statesErased?: string[];
}

/**
 * Stops every active run of the connection's exports. Called after the connection row says
 * disabled, so nothing new starts meanwhile: a run request and the refresh timer read the row
 * first, and a run queued just before is refused by the planner, which reads it too. Running it
 * again finds what is left, so a failure part-way is finished by repeating the request.
 */
export async function stopConnectionRuns(
  deps: KillSwitchDeps,
  principal: Principal,
  connection: { id: string; displayName: string },
  code: StopReason['code'],
  done: StopReport,
): Promise<StopReport> {
  const name = `${quoteForMessage(connection.displayName)} (${connection.id})`;
  const reason: StopReason = {
    code,
    message:
      code === 'ConnectionDisabled'
        ? `Connection ${name} was disabled; the run was cancelled and nothing more is sent.`
        : `Connection ${name} was deleted; the run was cancelled and nothing more is sent.`,
  };
  const exports = await deps.exportsUsing(principal.tenantId, connection.id);
  done.exports = exports.map((reference) => reference.id);
  for (const reference of exports) {
    const runId = await deps.cancelActiveRun(principal, reference.id, connection.id, reason);
    if (runId) done.runsCancelled.push({ exportId: reference.id, runId });
  }
  return done;
}

/**
 * Turns the schedules of the connection's exports off (force-delete): the exports stay, pointing at
 * a connection that no longer exists, and run again only once moved to another one and scheduled.
 * Without this the refresh timer would record a skipped slot for each of them at every slot.
 */
export async function removeConnectionSchedules(
  deps: KillSwitchDeps,
  principal: Principal,
  connection: { id: string },
  done: StopReport,
): Promise<StopReport> {
  done.schedulesRemoved = [];
  for (const exportId of done.exports) {
    const reason = `connection ${connection.id} was deleted`;
    if (await deps.removeSchedule(principal, exportId, connection.id, reason))
      done.schedulesRemoved.push(exportId);
  }
  return done;
}

/**
 * Erases the state of the connection's exports (force-delete): what they confirmed was in that
 * Iterable project, so it is member data with no meaning for another project; an export moved to
 * another connection starts from nothing there, as a new export would. Runs after the delete keep
 * theirs. Called after the runs are stopped, so no run of the connection is left to write state.
 */
export async function eraseConnectionStates(
  deps: KillSwitchDeps,
  principal: Principal,
  connection: { id: string },
  done: StopReport,
): Promise<StopReport> {
  done.statesErased = [];
  for (const exportId of done.exports) {
    if (await deps.eraseExportState(principal, exportId, connection.id))
      done.statesErased.push(exportId);
  }
  return done;
}

export function emptyStopReport(): StopReport {
  return { exports: [], runsCancelled: [] };
}

/**
 * Runs a stop and audits it, also when it fails part-way: the entry then says what was done
 * before the failure, and that a retry finishes it.
 */
export async function auditedStop(
  audit: (changes: Record<string, unknown>) => Promise<void>,
  changes: Record<string, unknown>,
  stop: (report: StopReport) => Promise<StopReport>,
): Promise<void> {
  const report = emptyStopReport();
  try {
    await stop(report);
  } catch (error) {
    if (stoppedAnything(report)) {
      await audit({ ...changes, ...reportFields(report), incomplete: true });
    }
    throw error;
  }
  await audit({ ...changes, ...reportFields(report) });
}

function stoppedAnything(report: StopReport): boolean {
  return (
    report.runsCancelled.length > 0 ||
    (report.schedulesRemoved?.length ?? 0) > 0 ||
    (report.statesErased?.length ?? 0) > 0
  );
}

/** The parts of a stop report that say something, for an audit entry. */
function reportFields(report: StopReport): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(report).filter(([, value]) => Array.isArray(value) && value.length > 0),
  );
}
