import { gzipSync } from 'node:zlib';
import type { ContainerClient } from '@azure/storage-blob';
import { blockWritesAtOnce, GzipBlocks } from './spill-blobs';
import { WritePool } from '../write-pool';
import { hashText } from './state-lines';
import { memberCountKey, stateBlobFormat, type StateWriter } from './state-blob-writer';

const emptyState = gzipSync('');

/** A run state written in parts: what each part staged, to be committed in order at the end. */
export interface StagedStateWriter extends StateWriter {
  /** The ids of the blocks this part staged, in order (once closed). */
  readonly blocks: string[];
  /** How many members this part wrote. */
  readonly members: number;
}

/**
 * Writes one part of a run's state (a group of a spilled plan) as uncommitted blocks of the run's
 * state blob, so parts planned in separate steps, by any instance, become one blob when the last
 * is done (commitStagedState). A part written again stages the same block ids over its own.
 */
export function openStagedState(
  container: ContainerClient,
  blobName: string,
  part: number,
): StagedStateWriter {
  const pool = new WritePool(blockWritesAtOnce);
  const prefix = `p${String(part).padStart(4, '0')}-`;
  const blocks = new GzipBlocks(container.getBlockBlobClient(blobName), prefix, pool);
  return {
    get blocks() {
      return blocks.blocks;
    },
    get members() {
      return blocks.lines;
    },
    add: async (state) => {
      for (const [email, fields] of state) {
        const waiting = blocks.add(`${email}\t${hashText(fields)}`);
        if (waiting) await waiting;
      }
    },
    close: async () => {
      await blocks.flush();
      await pool.settled();
    },
    abort: () => undefined, // uncommitted blocks are dropped by the service, and never read
  };
}

/** Commits the parts' blocks, in order, as the run's state blob with its member count. */
export async function commitStagedState(
  container: ContainerClient,
  blobName: string,
  blocks: string[],
  members: number,
): Promise<void> {
  const blob = container.getBlockBlobClient(blobName);
  const options = {
    blobHTTPHeaders: { blobContentType: 'text/tab-separated-values' },
    metadata: { ...stateBlobFormat.metadata(), [memberCountKey]: String(members) },
  };
  if (blocks.length) await blob.commitBlockList(blocks, options);
  else await blob.upload(emptyState, emptyState.length, options); // a gzip stream of no line
}
