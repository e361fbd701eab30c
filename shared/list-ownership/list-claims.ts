import { createHash } from 'node:crypto';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { z } from 'zod';
import { getOrUndefined, statusCodeOf } from '../clients/azure-errors';
import { ConflictError } from '../errors';
import { versionedFormat } from '../schema-version';
import { projectPartition } from './iterable-projects';
import { ListTakenError, type ListTaken } from './list-taken-error';

/**
 * A claim: one export owns one list of one Iterable project. Rows of the listowners table, in the
 * project's partition: `name-{sha256 of the list name}` for a list by name (taken when the export
 * is saved, before the list may exist) and `id-{listId}` for a list by id (taken at the run that
 * first writes it). The id row is what refuses a run that would adopt by name a list another
 * export writes under another name; the name row outlives the list, so a list deleted in Iterable
 * and created again by the pipeline keeps its owner.
 */
const ClaimFormat = versionedFormat({
  name: 'list claim (listowners table)',
  schema: z.object({
    kind: z.enum(['name', 'id']),
    listName: z.string(),
    listId: z.number().int().nullish(),
    tenantId: z.string(),
    exportId: z.string(),
    claimedAt: z.string(),
  }),
});
type Claim = ReturnType<typeof ClaimFormat.parse>;

export interface ListOwner {
  tenantId: string;
  exportId: string;
}

/** What a claim's owner looks like now, to name it and to tell a live claim from a stale one. */
export type OwnerLookup = (
  tenantId: string,
  exportId: string,
) => Promise<{ displayName: string; segments: string[] } | undefined>;

interface WantedClaim {
  rowKey: string;
  kind: Claim['kind'];
  listName: string;
  listId?: number;
  target?: string;
}

/**
 * A claim whose export is gone, or no longer names the list, is stale once this old: a crash
 * between a claim and its export's save, or between a delete and the release, cannot keep a list
 * taken. Younger ones may belong to a save still under way.
 */
const staleAfterMs = 2 * 60_000;

export class ListClaims {
  constructor(
    private readonly table: TableClient,
    private readonly ownerOf: OwnerLookup,
  ) {}

  /** Claims lists by name (`write` false only checks them); 409 ListTaken names who holds them. */
  async claimNames(
    projectId: string,
    owner: ListOwner,
    names: { listName: string; target?: string }[],
    options: { write: boolean } = { write: true },
  ): Promise<void> {
    const wanted = names.map(({ listName, target }) => ({
      rowKey: nameRowKey(listName),
      kind: 'name' as const,
      listName,
      ...(target ? { target } : {}),
    }));
    await this.#claim(projectId, owner, wanted, options.write);
  }

  /** Claims a list by its id once a run knows it: refuses a list another export writes. */
  async claimListId(
    projectId: string,
    owner: ListOwner,
    listName: string,
    listId: number,
    options: { write: boolean } = { write: true },
  ): Promise<void> {
    const wanted = [{ rowKey: `id-${listId}`, kind: 'id' as const, listName, listId }];
    await this.#claim(projectId, owner, wanted, options.write);
  }

  /**
   * Releases the export's claims, except those of `keep` (its lists after a change). Claims are
   * found by owner across projects, so a release needs no key and misses none after a rotation.
   */
  async release(owner: ListOwner, keep?: { projectId: string; names: string[] }): Promise<void> {
    const rows = this.table.listEntities({
      queryOptions: {
        filter: odata`tenantId eq ${owner.tenantId} and exportId eq ${owner.exportId}`,
      },
    });
    for await (const row of rows) {
      const claim = ClaimFormat.parse(row);
      const kept =
        keep &&
        row.partitionKey === projectPartition(keep.projectId) &&
        keep.names.includes(claim.listName);
      if (kept) continue;
      await this.table
        .deleteEntity(row.partitionKey!, row.rowKey!, { etag: row.etag })
        .catch((error: unknown) => {
          // Gone or taken over meanwhile: either way it is no longer this export's.
          if (![404, 412].includes(statusCodeOf(error) ?? 0)) throw error;
        });
    }
  }

  /**
   * Creates the wanted claims that are missing and takes over stale ones, all in one transaction
   * of the project's partition: a second export racing for a list fails on the row the first
   * created (409) or replaced (412), reads again and is refused.
   */
  async #claim(projectId: string, owner: ListOwner, wanted: WantedClaim[], write: boolean) {
    const partitionKey = projectPartition(projectId);
    for (let attempt = 0; attempt < 5; attempt++) {
      const actions: TransactionAction[] = [];
      const taken: ListTaken[] = [];
      for (const claim of wanted) {
        const entity = { partitionKey, rowKey: claim.rowKey, ...this.#stamp(claim, owner) };
        const current = await this.#read(partitionKey, claim.rowKey);
        if (!current) {
          actions.push(['create', entity]);
        } else if (current.tenantId === owner.tenantId && current.exportId === owner.exportId) {
          continue;
        } else {
          const holder = await this.ownerOf(current.tenantId, current.exportId);
          if (isStale(current, holder)) {
            actions.push(['update', entity, 'Replace', { etag: current.etag }]);
            continue;
          }
          const sameTenant = current.tenantId === owner.tenantId && holder;
          taken.push({
            listName: claim.listName,
            ...(claim.target ? { target: claim.target } : {}),
            ...(sameTenant
              ? { owner: { id: current.exportId, displayName: holder.displayName } }
              : {}),
          });
        }
      }
      if (taken.length > 0) throw new ListTakenError(taken);
      if (!write || actions.length === 0) return;
      try {
        await this.table.submitTransaction(actions);
        return;
      } catch (error) {
        if (![409, 412].includes(statusCodeOf(error) ?? 0)) throw error;
      }
    }
    throw new ConflictError('Other exports claimed the same lists at the same moment; try again.');
  }

  #stamp(claim: WantedClaim, owner: ListOwner) {
    return ClaimFormat.stamp({
      kind: claim.kind,
      listName: claim.listName,
      ...(claim.listId !== undefined ? { listId: claim.listId } : {}),
      tenantId: owner.tenantId,
      exportId: owner.exportId,
      claimedAt: new Date().toISOString(),
    });
  }

  async #read(partitionKey: string, rowKey: string) {
    const entity = await getOrUndefined(() => this.table.getEntity(partitionKey, rowKey));
    return entity && { ...ClaimFormat.parse(entity), etag: entity.etag };
  }
}

function isStale(claim: Claim, holder: Awaited<ReturnType<OwnerLookup>>): boolean {
  const abandoned = !holder || !holder.segments.includes(claim.listName);
  return abandoned && Date.now() - Date.parse(claim.claimedAt) > staleAfterMs;
}

/** List names may hold characters a RowKey may not, and be longer than one may be. */
function nameRowKey(listName: string): string {
  return `name-${createHash('sha256').update(listName, 'utf8').digest('hex')}`;
}
