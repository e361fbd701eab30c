import type { ContainerClient } from '@azure/storage-blob';
import { z } from 'zod';
import { statusCodeOf } from '../clients/azure-errors';
import { versionedBlobFormat } from '../schema-version';
import { downloadVersionedBytes } from './versioned-blob';
import { exportListsBlobName } from '../work-blobs';

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
    return this.container.getBlockBlobClient(exportListsBlobName(tenantId, exportId));
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

/** The export that claims a list (list-ownership's ListOwner has the same shape). */
interface ListOwner {
  tenantId: string;
  exportId: string;
}

/**
 * What planning needs of list ownership: shared/list-ownership's IterableProjects and ListClaims
 * fit it. Spelled out by shape, since that feature sits on a floor above this one.
 */
export interface PipelineListOwnership {
  projects: { projectOf(apiKey: string): Promise<string> };
  claims: {
    claimNames(
      projectId: string,
      owner: ListOwner,
      names: { listName: string }[],
      options: { write: boolean },
    ): Promise<void>;
    claimListId(
      projectId: string,
      owner: ListOwner,
      listName: string,
      listId: number,
      options: { write: boolean },
    ): Promise<void>;
  };
}

/**
 * Every segment's list, resolved and claimed before anything is written, so a run never writes a
 * list another export owns. The names are claimed first: an export saved before lists had owners
 * has no claims and takes them here, at its next run (first come wins). Then each list's id is
 * claimed: a list adopted by name whose id another export writes fails the run with 409
 * ListTaken. A dry run only checks, and claims nothing.
 */
export async function resolveExportLists(input: {
  ownership: PipelineListOwnership;
  owner: ListOwner;
  apiKey: string;
  api: IterableListApi;
  segments: string[];
  stored: ExportLists;
  dryRun: boolean;
}): Promise<Map<string, ResolvedList>> {
  const { ownership, owner, api, stored, dryRun } = input;
  const write = { write: !dryRun };
  const projectId = await ownership.projects.projectOf(input.apiKey);
  const names = input.segments.map((listName) => ({ listName }));
  await ownership.claims.claimNames(projectId, owner, names, write);
  const existing = await api.getLists();
  const lists = new Map<string, ResolvedList>();
  for (const segment of input.segments) {
    // A dry run creates no list: one not yet stored is counted as new.
    const list =
      dryRun && !stored[segment]
        ? { listId: 0, createdAt: 0, fresh: true }
        : await resolveList(api, existing, segment, stored[segment]);
    if (list.listId)
      await ownership.claims.claimListId(projectId, owner, segment, list.listId, write);
    lists.set(segment, list);
  }
  return lists;
}
