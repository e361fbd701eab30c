import type { ContainerClient } from '@azure/storage-blob';
import { isRestError } from '@azure/storage-blob';
import { z } from 'zod';
import { ConflictError, DependencyError, NotFoundError } from '../errors';
import { quoteForMessage } from '../quote-for-message';
import { SegmentProblemSchema, csvHeaderColumns, jsonLinesColumns } from './segment-columns';
import {
  SegmentNameSchema,
  parseSnapshotBlobName,
  segmentFormats,
  tenantFolder,
  type SnapshotBlobName,
} from './segment-name';
import { defaultHeadReadOptions, readSnapshotHead, type HeadReadOptions } from './snapshot-head';
import { mapConcurrently } from '../map-concurrently';
import type { IdPage } from '../clients/table-pages';

export const SegmentSchema = z
  .object({
    name: z.string(),
    format: z.enum(segmentFormats),
    compressed: z.boolean(),
    columns: z.array(z.string()),
    sizeBytes: z.number().int(),
    updatedAt: z.iso.datetime(),
    problem: SegmentProblemSchema.optional(),
  })
  .meta({ id: 'Segment' });
export type Segment = z.infer<typeof SegmentSchema>;

/** A segment the pipeline can read: its blob, and the version (ETag) its columns came from. */
export interface SegmentSnapshot extends Segment {
  blobName: string;
  etag: string;
}

/** A segment as found, with its blob when exactly one blob holds it. */
type FoundSegment = Segment & Partial<Pick<SegmentSnapshot, 'blobName' | 'etag'>>;

interface Candidate extends SnapshotBlobName {
  sizeBytes: number;
  lastModified: Date;
}

/** Header reads at once while listing: enough to hide latency, few enough to spare the account. */
const listConcurrency = 8;

// Numeric collation puts "Segment 2" before "Segment 10", as people sort names.
const collator = new Intl.Collator('en', { numeric: true });

/** The order segments are listed in: as people sort names, and any two names in a fixed order. */
function compareNames(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Segment snapshots the platform writes under `{tenantId}/` in the `segments` container: one
 * blob per segment, `{name}.csv|.jsonl`, optionally `.gz`. Columns come from the first bytes.
 */
export class SegmentCatalog {
  constructor(
    private readonly container: ContainerClient,
    private readonly headOptions: HeadReadOptions = defaultHeadReadOptions,
  ) {}

  /** Every segment of the tenant, sorted by name; unusable ones carry a `problem`. */
  async list(tenantId: string): Promise<Segment[]> {
    return (await this.page(tenantId, Number.POSITIVE_INFINITY)).value;
  }

  /**
   * Up to `top` segments of the tenant in name order, after the one named `after` (keyset
   * paging: a segment added or deleted meanwhile never shifts a page), and whether more follow.
   * Listing blob names is cheap; only the segments a page shows have their headers read.
   */
  async page(tenantId: string, top: number, after?: string): Promise<IdPage<Segment>> {
    const byName = new Map<string, Candidate[]>();
    for (const candidate of await this.#candidates(tenantFolder(tenantId))) {
      byName.set(candidate.name, [...(byName.get(candidate.name) ?? []), candidate]);
    }
    const groups = [...byName.entries()]
      .filter(([name]) => after === undefined || compareNames(name, after) > 0)
      .sort(([a], [b]) => compareNames(a, b))
      .map(([, candidates]) => candidates);
    const value: Segment[] = [];
    // One more than the page is described, to know whether another page follows; a segment
    // deleted since it was listed leaves a gap the next ones fill.
    for (let start = 0; start < groups.length && value.length <= top;) {
      const count = Math.min(groups.length - start, top + 1 - value.length);
      const slice = groups.slice(start, start + count);
      start += count;
      const found = await mapConcurrently(slice, listConcurrency, (candidates) =>
        this.#describe(candidates),
      );
      for (const segment of found) if (segment) value.push(toSegment(segment));
    }
    return { value: value.slice(0, top), more: value.length > top };
  }

  /** The segment with its columns, or undefined when there is none (or the name cannot be one). */
  async get(tenantId: string, name: string): Promise<Segment | undefined> {
    const found = await this.#find(tenantId, name);
    return found && toSegment(found);
  }

  /**
   * What the export pipeline reads: the segment's one blob. NotFoundError when no snapshot
   * exists (a missing snapshot never means an empty segment), ConflictError when the snapshot
   * cannot be used as it is (two blobs for one name, no readable header).
   */
  async snapshot(tenantId: string, name: string): Promise<SegmentSnapshot> {
    const found = await this.#find(tenantId, name);
    if (!found) throw new NotFoundError('Segment', name);
    const { blobName, etag, problem } = found;
    if (problem || blobName === undefined || etag === undefined) {
      const reason = problem ?? { code: 'UnreadableHeader', message: 'No snapshot to read.' };
      throw new ConflictError(
        `Segment ${quoteForMessage(name)} cannot be exported: ${reason.message}`,
        {
          target: 'name',
          details: [{ ...reason, target: name }],
        },
      );
    }
    return { ...found, blobName, etag };
  }

  async #find(tenantId: string, name: string): Promise<FoundSegment | undefined> {
    const folder = tenantFolder(tenantId);
    if (!SegmentNameSchema.safeParse(name).success) return undefined;
    // The prefix also finds `{name}.more.csv` (another segment); the exact name filters it out.
    const candidates = await this.#candidates(folder, `${name}.`);
    const own = candidates.filter((candidate) => candidate.name === name);
    return own.length > 0 ? this.#describe(own) : undefined;
  }

  /** Snapshot blobs directly in the folder; the `/` delimiter keeps deeper paths out. */
  async #candidates(folder: string, namePrefix = ''): Promise<Candidate[]> {
    const candidates: Candidate[] = [];
    try {
      const items = this.container.listBlobsByHierarchy('/', { prefix: folder + namePrefix });
      for await (const item of items) {
        if (item.kind !== 'blob') continue;
        const parsed = parseSnapshotBlobName(folder, item.name);
        if (!parsed) continue;
        const { contentLength, lastModified } = item.properties;
        candidates.push({ ...parsed, sizeBytes: contentLength ?? 0, lastModified });
      }
    } catch (error) {
      // No container yet: the platform has not written any snapshot.
      if (isRestError(error) && error.statusCode === 404) return [];
      if (!isRestError(error)) throw error;
      throw new DependencyError('storage', 'Segment snapshots could not be listed.', error);
    }
    return candidates;
  }

  /** Reads the columns of the segment's one blob; a segment held by several blobs is refused. */
  async #describe(candidates: Candidate[]): Promise<FoundSegment | undefined> {
    const [newest] = [...candidates].sort((a, b) => +b.lastModified - +a.lastModified);
    if (!newest) return undefined;
    const base = { name: newest.name, format: newest.format, compressed: newest.compressed };
    if (candidates.length > 1) {
      // Guessing could export a stale file into a mirrored list and unsubscribe real members.
      const files = candidates
        .map((candidate) => quoteForMessage(candidate.blobName.split('/').pop() ?? ''))
        .join(', ');
      return {
        ...base,
        columns: [],
        sizeBytes: newest.sizeBytes,
        updatedAt: newest.lastModified.toISOString(),
        problem: {
          code: 'AmbiguousSnapshot',
          message: `Several snapshots hold this segment (${files}); the platform must keep one.`,
        },
      };
    }
    const readColumns = newest.format === 'csv' ? csvHeaderColumns : jsonLinesColumns;
    const blob = this.container.getBlobClient(newest.blobName);
    const head = await readSnapshotHead(blob, newest.compressed, readColumns, this.headOptions);
    if (!head) return undefined; // deleted since it was listed
    return {
      ...base,
      columns: head.columns,
      sizeBytes: head.sizeBytes,
      updatedAt: head.lastModified.toISOString(),
      ...(head.problem ? { problem: head.problem } : {}),
      blobName: newest.blobName,
      etag: head.etag,
    };
  }
}

/** The API's view: no blob name or ETag, which are the pipeline's business. */
function toSegment({ blobName: _blobName, etag: _etag, ...segment }: FoundSegment): Segment {
  return segment;
}
