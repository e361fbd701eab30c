import { randomUUID } from 'node:crypto';
import type { AuditTrail } from '../audit/audit-trail';
import { creationStamps } from '../change-stamps';
import type { Principal } from '../http/auth';
import type { IdPage } from '../clients/table-pages';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors';
import type { Run, RunRequest } from '../runs/run-schemas';
import type { FairUseLimits } from '../settings';
import type { RunService } from '../runs/run-service';
import type { Erasures } from '../retention/erasures';
import type { ExportListOwnership } from './export-list-ownership';
import type { Export, ExportCreate, ExportPatch, SavedExport } from './export-schemas';
import type { ExportRecord, ExportStore } from './export-store';
import { validateExport, type ExportReferences } from './export-validation';

export interface ExportServiceDeps {
  store: ExportStore;
  references: ExportReferences;
  runs: RunService;
  audit: AuditTrail;
  /** Lists a tenant for the refresh timer, before its first scheduled export is saved. */
  scheduleIndex: { addTenant(tenantId: string): Promise<void> };
  /** The fair-use limits a new export and a run request are checked against. */
  limits: Pick<FairUseLimits, 'exportsPerTenant'>;
  /** Each list an export writes is claimed for it; a list another export holds is 409. */
  lists: ExportListOwnership;
  /** Takes away what an export kept of its members (retention/erasures.ts). */
  erasures: Pick<Erasures, 'begin' | 'sweep'>;
  /** When each export runs next on its schedule (schedule/next-runs.ts). */
  nextRuns: (tenantId: string, records: ExportRecord[]) => Promise<(string | null)[]>;
}

/**
 * Exports: which segments go to which connection, how, and when. Saving never runs an export;
 * runs are requested explicitly or by the schedule.
 */
export class ExportService {
  constructor(private readonly deps: ExportServiceDeps) {}

  async create(principal: Principal, input: ExportCreate): Promise<Export> {
    await validateExport(principal, input, this.deps.references);
    const record: ExportRecord = {
      ...input,
      id: randomUUID(),
      tenantId: principal.tenantId,
      ...creationStamps(principal),
    };
    await this.deps.lists.claim(record);
    try {
      await this.#index(record);
      await this.deps.store.create(record, this.deps.limits.exportsPerTenant);
    } catch (error) {
      await this.deps.lists.releaseAll(record);
      throw error;
    }
    await this.#audit(principal, 'export.create', record.id, { ...input });
    return this.#shown(record);
  }

  /** Up to `top` exports after the one with id `afterId`, in id order, and whether more follow. */
  async page(principal: Principal, top: number, afterId = ''): Promise<IdPage<Export>> {
    // One more than asked tells whether another page follows, so the last one has no nextLink.
    const { records } = await this.deps.store.pageAfter(principal.tenantId, afterId, top + 1);
    const shown = records.slice(0, top);
    const nextRuns = await this.deps.nextRuns(principal.tenantId, shown);
    return {
      value: shown.map((record, index) => toExport(record, nextRuns[index] ?? null)),
      more: records.length > top,
    };
  }

  async get(principal: Principal, id: string): Promise<Export> {
    return this.#shown(await this.#find(principal, id));
  }

  async update(principal: Principal, id: string, patch: ExportPatch): Promise<Export> {
    const previous = await this.#find(principal, id);
    await this.#mayWrite(principal, previous);
    const next: ExportRecord = {
      ...previous,
      ...definedFields(patch),
      updatedAt: new Date().toISOString(),
      updatedBy: principal.userId,
    };
    await validateExport(principal, next, this.deps.references);
    await this.#index(next);
    await this.deps.lists.change(previous, next, () => this.deps.store.update(next));
    await this.#audit(principal, 'export.update', id, changesBetween(previous, next));
    return this.#shown(next);
  }

  /**
   * Admins may always delete. Deleting cancels the export's active run, records the erasure of
   * everything the export kept of its members, deletes the export and then erases: a failure
   * part-way leaves the record, which a repeated delete (answered as done) or the retention timer
   * finishes.
   */
  async delete(principal: Principal, id: string): Promise<void> {
    const record = await this.deps.store.get(principal.tenantId, id);
    if (!record) {
      if (await this.deps.erasures.sweep(principal.tenantId, id, 'export')) return;
      throw new NotFoundError('Export', id);
    }
    if (!principal.roles.includes('Admin')) await this.#mayWrite(principal, record);
    await this.deps.runs.cancelActive(principal, id);
    await this.deps.erasures.begin(principal.tenantId, id, 'export');
    await this.deps.store.delete(principal.tenantId, id);
    await this.deps.lists.releaseAll(record);
    await this.#audit(principal, 'export.delete', id, { displayName: record.displayName });
    await this.deps.erasures.sweep(principal.tenantId, id, 'export');
  }

  /**
   * Erases what the export confirmed through `connectionId` (force-deleted): its exported state
   * and its runs' work blobs; whether it still used that connection. Its active run was cancelled
   * before. Audited as an erasure of the export's state.
   */
  async eraseState(principal: Principal, id: string, connectionId: string): Promise<boolean> {
    const record = await this.deps.store.get(principal.tenantId, id);
    if (record?.connectionId !== connectionId) return false;
    await this.deps.erasures.begin(principal.tenantId, id, 'connection');
    await this.deps.erasures.sweep(principal.tenantId, id, 'connection');
    await this.#audit(principal, 'export.eraseState', id, {
      reason: `connection ${connectionId} was deleted`,
    });
    return true;
  }

  /**
   * Turns the export's schedule off (its connection was force-deleted), so the refresh timer
   * never starts it again; whether it had one and still uses that connection. Audited as an
   * update, with the reason.
   */
  async removeSchedule(
    principal: Principal,
    id: string,
    connectionId: string,
    reason: string,
  ): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const previous = await this.deps.store.get(principal.tenantId, id);
      // Moved to another connection meanwhile: its schedule is that connection's business.
      if (!previous || previous.connectionId !== connectionId) return false;
      if (previous.schedule.mode === 'off') return false;
      const next: ExportRecord = {
        ...previous,
        schedule: { mode: 'off' },
        updatedAt: new Date().toISOString(),
        updatedBy: principal.userId,
      };
      try {
        await this.deps.store.update(next);
      } catch (error) {
        // Changed by another request meanwhile: read it again.
        if (error instanceof ConflictError && attempt < 3) continue;
        throw error;
      }
      const changes = { ...changesBetween(previous, next), reason };
      await this.#audit(principal, 'export.update', id, changes);
      return true;
    }
  }

  async requestRun(principal: Principal, id: string, input: RunRequest): Promise<Run> {
    const record = await this.#find(principal, id);
    await this.#mayWrite(principal, record);
    return this.deps.runs.request(principal, record, { ...input, trigger: 'manual' });
  }

  /** 404 for an export of another tenant, or none. */
  async #find(principal: Principal, id: string): Promise<ExportRecord> {
    const record = await this.deps.store.get(principal.tenantId, id);
    if (!record) throw new NotFoundError('Export', id);
    return record;
  }

  async assertExists(principal: Principal, id: string): Promise<void> {
    await this.#find(principal, id);
  }

  async assertWritable(principal: Principal, id: string): Promise<void> {
    await this.#mayWrite(principal, await this.#find(principal, id));
  }

  async #mayWrite(principal: Principal, record: ExportRecord): Promise<void> {
    if (principal.roles.includes('Admin')) return;
    if (!(await this.deps.references.connectionUsable(principal, record.connectionId))) {
      throw new ForbiddenError("This export's connection does not allow you to change or run it.");
    }
  }

  async #shown(record: ExportRecord): Promise<Export> {
    const [nextRunAt] = await this.deps.nextRuns(record.tenantId, [record]);
    return toExport(record, nextRunAt ?? null);
  }

  async #index(record: ExportRecord): Promise<void> {
    if (record.schedule.mode !== 'off') await this.deps.scheduleIndex.addTenant(record.tenantId);
  }

  #audit(principal: Principal, action: string, id: string, changes: Record<string, unknown>) {
    return this.deps.audit.record(principal, action, { type: 'export', id }, changes);
  }
}

function definedFields(patch: ExportPatch): Partial<SavedExport> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
}

function changesBetween(previous: ExportRecord, next: ExportRecord): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const key of [
    'displayName',
    'connectionId',
    'segments',
    'emailField',
    'dataFields',
    'syncMode',
    'schedule',
    'enabled',
    'removalThresholds',
  ] as const) {
    if (JSON.stringify(previous[key]) !== JSON.stringify(next[key])) {
      changes[key] = { from: previous[key], to: next[key] };
    }
  }
  return changes;
}

function toExport(record: ExportRecord, nextRunAt: string | null): Export {
  const { tenantId: _tenantId, etag: _etag, ...rest } = record;
  return { ...rest, nextRunAt };
}
