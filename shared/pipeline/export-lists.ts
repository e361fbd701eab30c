import type { ContainerClient } from '@azure/storage-blob';
import { z } from 'zod';
import { statusCodeOf } from '../clients/azure-errors';
import { versionedBlobFormat } from '../schema-version';
import { downloadVersionedBytes } from './versioned-blob';

const ListsSchema = z.record(
  z.string(),
  z.object({ listId: z.number().int(), createdAt: z.number() }),
);
export type ExportLists = z.infer<typeof ListsSchema>;

/** The lists blob is a map keyed by segment names, with no room for a field: metadata it is. */
const listsBlobFormat = versionedBlobFormat('export lists (lists.json)');

export interface IterableListApi {
  getLists(): Promise<{ id: number; name: string; listType?: string }[]>;
  createList(name: string): Promise<number>;
}

/** The Iterable list id each segment of an export is sent to, kept beside the exported state. */
export class ExportListStore {
  constructor(private readonly container: ContainerClient) {}

  #blob(tenantId: string, exportId: string) {
    return this.container.getBlockBlobClient(
      `${encodeURIComponent(tenantId)}/${exportId}/lists.json`,
    );
  }

  async load(tenantId: string, exportId: string): Promise<ExportLists> {
    try {
      const body = await downloadVersionedBytes(this.#blob(tenantId, exportId), listsBlobFormat);
      return ListsSchema.parse(JSON.parse(body.toString('utf8')));
    } catch (error) {
      if (statusCodeOf(error) === 404) return {};
      throw error;
    }
  }

  async save(tenantId: string, exportId: string, lists: ExportLists): Promise<void> {
    const body = JSON.stringify(lists);
    await this.#blob(tenantId, exportId).upload(body, Buffer.byteLength(body), {
      metadata: listsBlobFormat.metadata(),
    });
  }
}

export interface ResolvedList {
  listId: number;
  createdAt: number;
  /** True when the list is new (or was recreated): everything must be sent, nothing is there. */
  fresh: boolean;
}

/**
 * The list for a segment: the stored one while it exists in Iterable; otherwise a Standard list
 * with exactly the segment's name (the first run may adopt one made by hand); otherwise a new
 * one. A stored list that was deleted in Iterable is created again and refilled.
 */
export async function resolveList(
  api: IterableListApi,
  existing: { id: number; name: string; listType?: string }[],
  segment: string,
  stored: ExportLists[string] | undefined,
): Promise<ResolvedList> {
  if (stored && existing.some((list) => list.id === stored.listId)) {
    return { listId: stored.listId, createdAt: stored.createdAt, fresh: false };
  }
  // A planner that died after creating the list, and plans again, finds it here by name.
  const named = existing.find(
    (list) => list.name === segment && (list.listType ?? 'Standard') === 'Standard',
  );
  if (named) return { listId: named.id, createdAt: 0, fresh: true };
  const listId = await api.createList(segment);
  return { listId, createdAt: Date.now(), fresh: true };
}
