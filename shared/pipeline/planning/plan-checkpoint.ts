import { z } from 'zod';
import type { ContainerClient } from '@azure/storage-blob';
import { statusCodeOf } from '../../clients/azure-errors';
import { bodyBytes } from '../../clients/blob-body';
import { versionedFormat } from '../../schema-version';
import { BatchMessageSchema } from '../pipeline-messages';
import { planCheckpointBlobName } from '../../work-blobs';

const CountsSchema = z.object({
  total: z.number(),
  added: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  removed: z.number(),
  duplicates: z.number(),
});

/** A segment the plan spilled: its groups of partitions, each planned in a step of its own. */
const StagedSchema = z.object({
  groups: z.array(z.object({ partitions: z.array(z.number().int()), lines: z.number() })),
  /** Groups planned so far, in order. */
  done: z.number().int().min(0),
  /** The blocks of the run state the planned groups staged, in order, and their members. */
  blocks: z.array(z.string()),
  members: z.number().int().min(0),
  options: z.object({ mode: z.enum(['delta', 'full']), syncMode: z.enum(['mirror', 'addOnly']) }),
});

const PlannedSegmentSchema = z.object({
  name: z.string(),
  /** Its place in the export's segments: names its spilled partitions. */
  index: z.number().int().min(0),
  list: z.object({ listId: z.number().int(), createdAt: z.number(), fresh: z.boolean() }),
  snapshotEtag: z.string(),
  counts: CountsSchema,
  previousSize: z.number().int().min(0),
  removing: z.number().int().min(0),
  rejected: z.number().int().min(0),
  parts: z.number().int().min(1),
  /** What reading its snapshot showed, for the guard's baseline and the run's warnings. */
  evidence: z.object({
    counts: z.object({
      rows: z.number(),
      withoutEmail: z.number(),
      missingKey: z.number(),
      unreadable: z.number(),
    }),
    damage: z
      .object({
        cause: z.enum(['emailKeyMissing', 'missingEmailJump', 'unreadableLines']),
        message: z.string(),
        lines: z.array(z.number()),
      })
      .optional(),
  }),
  staged: StagedSchema.optional(),
});
export type CheckpointSegment = z.infer<typeof PlannedSegmentSchema>;

/**
 * A large plan's checkpoint (`<run>/plan/checkpoint.json`): everything the first step learnt by
 * reading the snapshots (each segment's counts and evidence, the batches written so far, the
 * messages held) and how far the later steps, one group of partitions each, have come. Each step
 * reads it, plans its group and writes it back conditionally, so a step killed or run twice
 * resumes from the last finished one and is counted once.
 */
const CheckpointSchema = z.object({
  /** Steps done: the next step to run is `step + 1`. */
  step: z.number().int().min(0),
  steps: z.number().int().min(1),
  /** Batches written so far: the next batch's number. */
  batchCount: z.number().int().min(0),
  writerMode: z.enum(['send', 'hold', 'count']),
  /** Rows the snapshots' reading refused (all read in the first step). */
  rejected: z.number().int().min(0),
  segments: z.array(PlannedSegmentSchema),
  /** Messages of batches written but held back until the guard has answered. */
  held: z.array(BatchMessageSchema),
});
export type PlanCheckpoint = z.infer<typeof CheckpointSchema>;

export const planCheckpointFormat = versionedFormat({
  name: 'plan checkpoint (plan/checkpoint.json)',
  schema: CheckpointSchema,
});

/** The checkpoint and its ETag, for a conditional write back. */
export interface StoredCheckpoint {
  checkpoint: PlanCheckpoint;
  etag: string;
}

export class PlanCheckpoints {
  constructor(private readonly work: ContainerClient) {}

  #blob(tenantId: string, runId: string) {
    return this.work.getBlockBlobClient(planCheckpointBlobName(tenantId, runId));
  }

  async load(tenantId: string, runId: string): Promise<StoredCheckpoint | undefined> {
    try {
      const download = await this.#blob(tenantId, runId).download();
      const body = await bodyBytes(download);
      return {
        checkpoint: planCheckpointFormat.parse(JSON.parse(body.toString('utf8'))),
        etag: download.etag!,
      };
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw error;
    }
  }

  /**
   * Writes the checkpoint: the first time only if there is none, later only over the one read.
   * False when another planner wrote it first (this one's work is the same, and is dropped).
   */
  async save(
    tenantId: string,
    runId: string,
    checkpoint: PlanCheckpoint,
    etag: string | undefined,
  ): Promise<boolean> {
    const body = planCheckpointFormat.serialize(checkpoint);
    try {
      await this.#blob(tenantId, runId).upload(body, Buffer.byteLength(body), {
        blobHTTPHeaders: { blobContentType: 'application/json' },
        conditions: etag ? { ifMatch: etag } : { ifNoneMatch: '*' },
      });
      return true;
    } catch (error) {
      const status = statusCodeOf(error);
      if (status === 412 || status === 409) return false;
      throw error;
    }
  }
}
