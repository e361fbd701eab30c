import type { ListClaims, ListOwner } from '../list-ownership/list-claims';
import type { ExportRecord } from './export-store';

type Saved = Pick<ExportRecord, 'tenantId' | 'id' | 'connectionId' | 'segments'>;

/**
 * The lists an export owns follow its saves: claimed before the export is saved (so a refused
 * save leaves nothing behind but its own claims, which it releases), released after it lets go of
 * them. A release that fails leaves a claim whose export no longer names the list; the next
 * export to want the list takes it over (list-claims.ts, "stale"), so nothing is taken for good.
 */
export class ExportListOwnership {
  constructor(
    private readonly claims: ListClaims,
    /** The Iterable project identity behind a connection's current key. */
    private readonly projectOf: (tenantId: string, connectionId: string) => Promise<string>,
    private readonly log: { error(message: string, properties?: Record<string, unknown>): void },
  ) {}

  /** Claims every list of a new export; 409 ListTaken when another export holds one. */
  async claim(record: Saved): Promise<void> {
    const projectId = await this.projectOf(record.tenantId, record.connectionId);
    await this.claims.claimNames(projectId, ownerOf(record), namesOf(record));
  }

  /**
   * Saves a change of an export: a new connection or new segments are claimed first, what it no
   * longer writes is released once the change is saved, and a save that fails releases what was
   * claimed for it.
   */
  async change(previous: Saved, next: Saved, save: () => Promise<void>): Promise<void> {
    const sameLists =
      previous.connectionId === next.connectionId &&
      JSON.stringify([...previous.segments].sort()) === JSON.stringify([...next.segments].sort());
    if (sameLists) return save();
    const projectId = await this.projectOf(next.tenantId, next.connectionId);
    await this.claims.claimNames(projectId, ownerOf(next), namesOf(next));
    try {
      await save();
    } catch (error) {
      const previousProject = await this.projectOf(previous.tenantId, previous.connectionId);
      await this.#release(next, { projectId: previousProject, names: previous.segments });
      throw error;
    }
    await this.#release(next, { projectId, names: next.segments });
  }

  /** Releases every list of a deleted (or never saved) export. */
  async releaseAll(record: Saved): Promise<void> {
    await this.#release(record);
  }

  async #release(record: Saved, keep?: { projectId: string; names: string[] }) {
    await this.claims.release(ownerOf(record), keep).catch((error: unknown) =>
      this.log.error('Could not release the lists of an export; others take them when stale', {
        exportId: record.id,
        error: String(error),
      }),
    );
  }
}

function ownerOf(record: Saved): ListOwner {
  return { tenantId: record.tenantId, exportId: record.id };
}

function namesOf(record: Saved) {
  return record.segments.map((listName, index) => ({ listName, target: `segments[${index}]` }));
}
