import type { ExportReference } from '../exports/export-references';
import { AppError, ConflictError } from '../errors';
import { quoteForMessage } from '../quote-for-message';
import type { ConnectionRecord } from './connection-store';

/** Whether an export's connection lets it run: the kill switch and force-delete both stop it. */
export type ConnectionState = 'enabled' | 'disabled' | 'missing';

export function connectionState(
  record: Pick<ConnectionRecord, 'enabled'> | undefined,
): ConnectionState {
  if (!record) return 'missing';
  return record.enabled ? 'enabled' : 'disabled';
}

/** 409: an Admin switched the connection off; its exports run again once it is enabled. */
export class ConnectionDisabledError extends AppError {
  constructor(connection: { id: string; displayName: string }) {
    super(
      409,
      'ConnectionDisabled',
      `Connection ${quoteForMessage(connection.displayName)} (${connection.id}) is disabled; an Admin can enable it again (PATCH enabled: true).`,
      { target: 'connectionId' },
    );
  }
}

/**
 * 409: the export points at a connection that was deleted (a force-delete keeps its exports).
 * The export runs again once it is moved to another connection.
 */
export class ConnectionGoneError extends AppError {
  constructor(connectionId: string) {
    super(
      409,
      'ConnectionNotFound',
      `Connection '${connectionId}' of this export no longer exists; move the export to another connection (PATCH connectionId).`,
      { target: 'connectionId' },
    );
  }
}

/** Throws why the connection cannot run an export now, if it cannot. */
export function assertRunnable(
  connectionId: string,
  record: Pick<ConnectionRecord, 'id' | 'displayName' | 'enabled'> | undefined,
): void {
  if (!record) throw new ConnectionGoneError(connectionId);
  if (!record.enabled) throw new ConnectionDisabledError(record);
}

/** 409 while exports use the connection, naming them and the way to delete it anyway. */
export function inUse(users: ExportReference[]): ConflictError {
  return new ConflictError(
    `The connection is used by ${users.length} export(s): ${users.map((e) => quoteForMessage(e.displayName)).join(', ')}. Delete or move them first, or delete with ?force=true to stop their runs, remove their schedules and keep them without a connection.`,
    {
      target: 'id',
      details: users.map((e) => ({
        code: 'InUse',
        target: e.id,
        message: `Export ${quoteForMessage(e.displayName)} uses this connection.`,
      })),
    },
  );
}
