import type { ContainerClient } from '@azure/storage-blob';
import { z } from 'zod';
import { statusCodeOf } from '../../clients/azure-errors';
import { versionedFormat } from '../../schema-version';
import type { SnapshotCounts } from '../../snapshot/snapshot-evidence';
import { removalBaselineBlobName } from '../../work-blobs';

const SnapshotCountsSchema = z.object({
  rows: z.number().int().min(0),
  withoutEmail: z.number().int().min(0),
  missingKey: z.number().int().min(0),
  unreadable: z.number().int().min(0),
});

const SegmentBaselineSchema = z.object({
  /** What the last run that found its snapshot sound saw of it. */
  lastGood: SnapshotCountsSchema.extend({ runId: z.string(), seenAt: z.iso.datetime() }).optional(),
  /**
   * The list's confirmed sizes seen by recent runs (epoch ms), oldest first, each larger than
   * every later one: only those can be the largest of a window that moves forward.
   */
  sizes: z.array(z.object({ at: z.number(), size: z.number().int().min(0) })),
});
export type SegmentBaseline = z.infer<typeof SegmentBaselineSchema>;

const baselineFormat = versionedFormat({
  name: 'removal baseline (removal-baseline.json)',
  schema: z.object({ segments: z.record(z.string(), SegmentBaselineSchema) }),
});
export type RemovalBaseline = Record<string, SegmentBaseline>;

/** Samples kept per segment at most, so a list that only grows cannot grow the record. */
const maxSizes = 200;

/**
 * What each segment of an export looked like before, for the checks that hold removals: the last
 * good snapshot's counts (removal evidence) and the list's recent confirmed sizes (the
 * mass-removal guard's window). One blob per export beside its exported state; only the export's
 * one active run writes it.
 */
export class RemovalBaselineStore {
  constructor(private readonly container: ContainerClient) {}

  #blob(tenantId: string, exportId: string) {
    return this.container.getBlockBlobClient(removalBaselineBlobName(tenantId, exportId));
  }

  async load(tenantId: string, exportId: string): Promise<RemovalBaseline> {
    try {
      const body = await this.#blob(tenantId, exportId).downloadToBuffer();
      return baselineFormat.parse(JSON.parse(body.toString('utf8'))).segments;
    } catch (error) {
      if (statusCodeOf(error) === 404) return {};
      throw error;
    }
  }

  async save(tenantId: string, exportId: string, segments: RemovalBaseline): Promise<void> {
    const body = baselineFormat.serialize({ segments });
    await this.#blob(tenantId, exportId).upload(body, Buffer.byteLength(body));
  }

  /** An Admin confirmed these lists' removals: their new size is the guard's new baseline. */
  async resetSizes(tenantId: string, exportId: string, segmentNames: string[]): Promise<void> {
    const segments = await this.load(tenantId, exportId);
    for (const name of segmentNames) {
      const segment = segments[name];
      if (segment) segment.sizes = [];
    }
    await this.save(tenantId, exportId, segments);
  }
}

/** The largest confirmed size of the list within the window, counting its size now. */
export function largestRecentSize(
  baseline: SegmentBaseline | undefined,
  sizeNow: number,
  windowDays: number,
  now = Date.now(),
): number {
  const since = now - windowDays * 86_400_000;
  return Math.max(
    sizeNow,
    ...(baseline?.sizes ?? []).filter((sample) => sample.at >= since).map((s) => s.size),
  );
}

/** The segment's record after a run: its size sampled, and its snapshot's counts if sound. */
export function nextSegmentBaseline(
  baseline: SegmentBaseline | undefined,
  seen: {
    sizeNow: number;
    counts: SnapshotCounts;
    /** The counts become the reference: the snapshot looked sound, or nothing could be removed. */
    sound: boolean;
    runId: string;
  },
  windowDays: number,
  now = Date.now(),
): SegmentBaseline {
  const since = now - windowDays * 86_400_000;
  const sizes = (baseline?.sizes ?? [])
    .filter((sample) => sample.at >= since && sample.size > seen.sizeNow)
    .concat({ at: now, size: seen.sizeNow })
    .slice(-maxSizes);
  const lastGood = seen.sound
    ? { ...seen.counts, runId: seen.runId, seenAt: new Date(now).toISOString() }
    : baseline?.lastGood;
  return { sizes, ...(lastGood ? { lastGood } : {}) };
}
