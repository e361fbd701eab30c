import type { Principal } from '../http/auth';
import { ValidationError } from '../errors';
import type { Connection, ConnectionCreate, ConnectionPatch } from './connection-schemas';
import type { ConnectionRecord } from './connection-store';

/**
 * The users named, and the calling user unless told not to. An app (the platform) is no export
 * user: it names the people explicitly, and asking to add itself is an error, not a silent no-op.
 */
export function initialExportUsers(principal: Principal, input: ConnectionCreate): string[] {
  if (principal.app && input.addSelfAsExportUser) {
    throw new ValidationError(
      'An app cannot be an export user: name the users in exportUsers instead.',
      { target: 'addSelfAsExportUser' },
    );
  }
  const self = !principal.app && (input.addSelfAsExportUser ?? true) ? [principal.userId] : [];
  return [...new Set([...self, ...(input.exportUsers ?? [])])];
}

export function nextExportUsers(current: string[], patch: ConnectionPatch): string[] {
  const users = new Set(current);
  patch.addExportUsers?.forEach((user) => users.add(user));
  patch.removeExportUsers?.forEach((user) => users.delete(user));
  return [...users];
}

export function describeChanges(
  previous: ConnectionRecord,
  next: ConnectionRecord,
): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const field of [
    'displayName',
    'allowContributors',
    'exportUsers',
    'requestsPerSecond',
    'enabled',
  ] as const) {
    if (JSON.stringify(previous[field]) !== JSON.stringify(next[field])) {
      changes[field] = { from: previous[field], to: next[field] };
    }
  }
  if (previous.secretVersion !== next.secretVersion) changes.apiKey = `rotated (${next.keyHint})`;
  return changes;
}

/** What the audit trail keeps of a new connection: its settings, and the key only by its hint. */
export function describeCreated(record: ConnectionRecord): Record<string, unknown> {
  const { displayName, region, allowContributors, exportUsers, keyHint } = record;
  return { displayName, region, allowContributors, exportUsers, apiKey: `set (${keyHint})` };
}

export function toConnection(record: ConnectionRecord): Connection {
  return {
    id: record.id,
    displayName: record.displayName,
    region: record.region,
    allowContributors: record.allowContributors,
    exportUsers: record.exportUsers,
    consent: {
      accepted: true,
      acceptedBy: record.consentAcceptedBy,
      acceptedAt: record.consentAcceptedAt,
    },
    keyHint: record.keyHint,
    ...(record.requestsPerSecond ? { requestsPerSecond: record.requestsPerSecond } : {}),
    enabled: record.enabled,
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    updatedAt: record.updatedAt,
    updatedBy: record.updatedBy,
  };
}

/** Admins use every connection; others those that allow contributors or list them as export users. */
export function mayUse(
  principal: Principal,
  record: Pick<ConnectionRecord, 'allowContributors' | 'exportUsers'>,
) {
  if (principal.roles.includes('Admin')) return true;
  return record.allowContributors || record.exportUsers.includes(principal.userId);
}
