import { randomUUID } from 'node:crypto';
import type { AuditTrail } from '../audit/audit-trail';
import { creationStamps } from '../change-stamps';
import { NotFoundError } from '../errors';
import type { Principal } from '../http/auth';
import { takeIdPage, type IdPage } from '../clients/table-pages';
import type { ErrorLog } from '../process-log';
import { saveNamingSecret } from '../clients/vault-secrets';
import { statusCodeOf } from '../clients/azure-errors';
import {
  keyHint,
  type Connection,
  type ConnectionCreate,
  type ConnectionPatch,
} from './connection-schemas';
import {
  auditedStop,
  eraseConnectionStates,
  removeConnectionSchedules,
  stopConnectionRuns,
  type KillSwitchDeps,
} from './connection-kill-switch';
import {
  describeChanges,
  describeCreated,
  initialExportUsers,
  mayUse,
  nextExportUsers,
  toConnection,
} from './connection-resource';
import { assertRunnable, inUse } from './connection-state';

import {
  connectionSecretName,
  deleteRowAndKey,
  retireVersion,
  storingKey,
  type ConnectionSecrets,
} from './connection-secrets';
import {
  nameConflict,
  sameDisplayName,
  type ConnectionRecord,
  type ConnectionStore,
} from './connection-store';

export interface ConnectionServiceDeps extends KillSwitchDeps {
  store: ConnectionStore;
  secrets: ConnectionSecrets;
  audit: AuditTrail;
  /** Throws ValidationError when Iterable rejects the key, DependencyError when it cannot be asked. */
  verifyKey(region: Connection['region'], apiKey: string): Promise<void>;
  /** Lists are owned per Iterable project: a rotated key must keep reaching the same owners. */
  projects: { linkRotatedKey(previousKey: string, nextKey: string): Promise<void> };
  log: ErrorLog;
}

/**
 * Iterable connections. The API key goes to Key Vault and nowhere else; the table row points at
 * the exact secret version. Writes are ordered so that one failing service never leaves a
 * connection without its key or a live key without its connection:
 * - create: secret, then the row (a failed row write deletes the secret);
 * - rotate: new secret version, then the row (a failed row write disables that version), then
 *   the previous version is disabled, so the replaced key can no longer be read;
 * - delete: the row, then the secret (a failed secret delete puts the row back);
 * - kill switch (`enabled: false`, and force-delete first): the row says disabled before any run
 *   is cancelled, so nothing new starts while they are; then runs, then schedules, then the row
 *   and the secret. Each step finds what is left of its work, so a retried request finishes it.
 */
export class ConnectionService {
  constructor(private readonly deps: ConnectionServiceDeps) {}

  async create(principal: Principal, input: ConnectionCreate): Promise<Connection> {
    const { store, secrets } = this.deps;
    if (await store.nameTaken(principal.tenantId, input.displayName)) {
      throw nameConflict(input.displayName);
    }
    await this.deps.verifyKey(input.region, input.apiKey);
    const id = randomUUID();
    const now = new Date().toISOString();
    const secretName = connectionSecretName(principal.tenantId, id);
    const secretVersion = await storingKey(() =>
      secrets.store(secretName, input.apiKey, { tenantId: principal.tenantId, connectionId: id }),
    );
    const record: ConnectionRecord = {
      id,
      tenantId: principal.tenantId,
      displayName: input.displayName,
      region: input.region,
      allowContributors: input.allowContributors,
      exportUsers: initialExportUsers(principal, input),
      consentAcceptedBy: principal.userId,
      consentAcceptedAt: now,
      keyHint: keyHint(input.apiKey),
      ...(input.requestsPerSecond ? { requestsPerSecond: input.requestsPerSecond } : {}),
      enabled: true,
      secretName,
      secretVersion,
      ...creationStamps(principal, now),
    };
    await saveNamingSecret(
      () => store.create(record),
      { secrets, secretName, log: this.deps.log },
      'Could not remove the secret of a connection that was not saved',
    );
    await this.#audit(principal, 'connection.create', id, describeCreated(record));
    return toConnection(record);
  }

  /**
   * Up to `top` connections the principal may use after the one with id `afterId`, in id order,
   * and whether more follow (one more is read to know, so the last page has no nextLink).
   */
  async page(principal: Principal, top: number, afterId = ''): Promise<IdPage<Connection>> {
    return takeIdPage(this.deps.store.after(principal.tenantId, afterId), top, (record) =>
      mayUse(principal, record) ? toConnection(record) : undefined,
    );
  }

  async get(principal: Principal, id: string): Promise<Connection> {
    return toConnection(await this.#find(principal, id));
  }

  async update(principal: Principal, id: string, patch: ConnectionPatch): Promise<Connection> {
    const { store, secrets } = this.deps;
    const previous = await this.#find(principal, id);
    if (
      patch.displayName !== undefined &&
      !sameDisplayName(patch.displayName, previous.displayName) &&
      (await store.nameTaken(principal.tenantId, patch.displayName))
    ) {
      throw nameConflict(patch.displayName);
    }
    const next: ConnectionRecord = {
      ...previous,
      displayName: patch.displayName ?? previous.displayName,
      allowContributors: patch.allowContributors ?? previous.allowContributors,
      exportUsers: nextExportUsers(previous.exportUsers, patch),
      requestsPerSecond:
        patch.requestsPerSecond === null
          ? undefined
          : (patch.requestsPerSecond ?? previous.requestsPerSecond),
      enabled: patch.enabled ?? previous.enabled,
      updatedAt: new Date().toISOString(),
      updatedBy: principal.userId,
    };
    if (patch.apiKey !== undefined) {
      await this.deps.verifyKey(previous.region, patch.apiKey);
      // Before the new key is stored: a run that reads it must find the lists its exports own.
      const previousKey = await secrets.read(previous.secretName, previous.secretVersion);
      await this.deps.projects.linkRotatedKey(previousKey, patch.apiKey);
      next.secretVersion = await storingKey(() =>
        secrets.store(previous.secretName, patch.apiKey!, {
          tenantId: principal.tenantId,
          connectionId: id,
        }),
      );
      next.keyHint = keyHint(patch.apiKey);
    }
    try {
      await store.update(previous, next);
    } catch (error) {
      if (next.secretVersion !== previous.secretVersion) {
        await secrets.disable(next.secretName, next.secretVersion).catch((cleanup: unknown) =>
          this.deps.log.error('Could not disable an unused secret version', {
            secretName: next.secretName,
            error: String(cleanup),
          }),
        );
      }
      throw error;
    }
    if (next.secretVersion !== previous.secretVersion)
      await retireVersion(this.deps.secrets, this.deps.log, previous);
    const action =
      previous.enabled === next.enabled
        ? 'connection.update'
        : next.enabled
          ? 'connection.enable'
          : 'connection.disable';
    const changes = describeChanges(previous, next);
    // Disabling again stops what a failed earlier attempt left running.
    if (patch.enabled === false) {
      await auditedStop(
        (entry) => this.#audit(principal, action, id, entry),
        changes,
        (report) => stopConnectionRuns(this.deps, principal, next, 'ConnectionDisabled', report),
      );
    } else {
      await this.#audit(principal, action, id, changes);
    }
    return toConnection(next);
  }

  /**
   * Deletes the connection and its key. While exports use it: 409, unless `force`, which first
   * disables the connection, cancels the exports' active runs and turns their schedules off; the
   * exports stay and are refused runs until moved to another connection.
   */
  async delete(principal: Principal, id: string, options: { force?: boolean } = {}): Promise<void> {
    let record = await this.#find(principal, id);
    const users = await this.deps.exportsUsing(principal.tenantId, id);
    if (users.length > 0 && !options.force) throw inUse(users);
    const changes = { displayName: record.displayName, ...(options.force ? { force: true } : {}) };
    const audit = (entry: Record<string, unknown>) =>
      this.#audit(principal, 'connection.delete', id, entry);
    await auditedStop(audit, changes, async (done) => {
      if (users.length > 0) {
        record = await this.#disableForDelete(principal, record);
        await stopConnectionRuns(this.deps, principal, record, 'ConnectionDeleted', done);
        await removeConnectionSchedules(this.deps, principal, record, done);
        await eraseConnectionStates(this.deps, principal, record, done);
      }
      await deleteRowAndKey(this.deps, record);
      return done;
    });
  }

  async #disableForDelete(principal: Principal, record: ConnectionRecord) {
    if (!record.enabled) return record;
    const next: ConnectionRecord = {
      ...record,
      enabled: false,
      updatedAt: new Date().toISOString(),
      updatedBy: principal.userId,
    };
    await this.deps.store.update(record, next);
    await this.#audit(principal, 'connection.disable', record.id, {
      enabled: { from: true, to: false },
      reason: 'force delete',
    });
    return next;
  }

  /** Whether the connection exists and the principal may use it in an export. */
  async usable(principal: Principal, id: string): Promise<boolean> {
    const record = await this.deps.store.get(principal.tenantId, id);
    return record !== undefined && mayUse(principal, record);
  }

  /**
   * The key of a connection, for the export pipeline. A rotation that lands between reading the
   * row and reading its version has disabled that version (403): the row, read again, names the
   * new one, so the run goes on with the new key instead of failing. `forRun`: a disabled or
   * deleted connection is refused (409), so a run queued before the switch never sends.
   */
  async apiKey(
    tenantId: string,
    id: string,
    options: { forRun?: boolean } = {},
  ): Promise<{ connection: Connection; apiKey: string }> {
    for (let attempt = 1; ; attempt++) {
      const record = await this.deps.store.get(tenantId, id);
      // A run reads the row anyway for its key: the kill switch costs it nothing more.
      if (options.forRun) assertRunnable(id, record);
      if (!record) throw new NotFoundError('Connection', id);
      try {
        const apiKey = await this.deps.secrets.read(record.secretName, record.secretVersion);
        return { connection: toConnection(record), apiKey };
      } catch (error) {
        if (attempt >= 2 || statusCodeOf(error) !== 403) throw error;
      }
    }
  }

  async #find(principal: Principal, id: string): Promise<ConnectionRecord> {
    const record = await this.deps.store.get(principal.tenantId, id);
    // Hidden and missing look the same, so ids of other people's connections reveal nothing.
    if (!record || !mayUse(principal, record)) throw new NotFoundError('Connection', id);
    return record;
  }

  #audit(principal: Principal, action: string, id: string, changes: Record<string, unknown>) {
    return this.deps.audit.record(principal, action, { type: 'connection', id }, changes);
  }
}
