import { promisify } from 'node:util';
import { gzip as gzipCallback, createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { BlockBlobClient, ContainerClient } from '@azure/storage-blob';
import { statusCodeOf } from '../clients/azure-errors';
import { textLines } from './text-lines';
import { WritePool } from '../write-pool';

const gzip = promisify(gzipCallback);

/** Lines gathered per blob before they are compressed (characters). */
const pieceChars = 64 * 1024;
/** Compressed bytes gathered per blob before they are staged as one block. */
const blockBytes = 1024 * 1024;
/** Pieces compressed and blocks staged at once, over all the blobs of a writer. */
export const blockWritesAtOnce = 8;

/**
 * Text lines staged as blocks of one block blob: each piece of lines is compressed on its own (a
 * gzip member, so the blocks read as one gzip stream in any order of whole pieces) and staged
 * once a block's worth is compressed. Block ids are `idPrefix` and a sequence number, so a writer
 * run again over the same lines stages the same blocks, and the committer names them in order.
 */
export class GzipBlocks {
  #pending = '';
  #pieces: Buffer[] = [];
  #bytes = 0;
  #inOrder: Promise<void> = Promise.resolve();
  readonly blocks: string[] = [];
  lines = 0;

  constructor(
    private readonly blob: BlockBlobClient,
    private readonly idPrefix: string,
    private readonly pool: WritePool,
  ) {}

  /** Adds a line (without its newline); returns a promise only when the writer must wait. */
  add(line: string): Promise<void> | undefined {
    this.lines++;
    this.#pending += `${line}\n`;
    if (this.#pending.length < pieceChars) return undefined;
    const text = this.#pending;
    this.#pending = '';
    return this.pool.track(this.#compress(text));
  }

  /** Compresses and stages what is left (wait for the pool to settle before committing). */
  async flush(): Promise<void> {
    const text = this.#pending;
    this.#pending = '';
    if (text) await this.pool.track(this.#compress(text, true));
    else {
      this.#inOrder = this.#inOrder.then(() => this.#stage());
      await this.pool.track(this.#inOrder);
    }
  }

  /**
   * Compresses beside other work but keeps the pieces in the order their lines came: a later row
   * of an address must stay after its first.
   */
  #compress(text: string, last = false): Promise<void> {
    const compressing = gzip(text, { level: 1 });
    compressing.catch(() => undefined); // awaited in its turn below
    this.#inOrder = this.#inOrder.then(async () => {
      const bytes = await compressing;
      this.#pieces.push(bytes);
      this.#bytes += bytes.length;
      if (last || this.#bytes >= blockBytes) await this.#stage();
    });
    return this.#inOrder;
  }

  async #stage(): Promise<void> {
    if (!this.#pieces.length) return;
    const body = Buffer.concat(this.#pieces);
    this.#pieces = [];
    this.#bytes = 0;
    const id = Buffer.from(`${this.idPrefix}${String(this.blocks.length).padStart(6, '0')}`);
    this.blocks.push(id.toString('base64'));
    await this.blob.stageBlock(id.toString('base64'), body, body.length);
  }
}

/** Where a spill's partitions are kept: one blob a partition, named by `blobName`. */
export interface SpillPlace {
  container: ContainerClient;
  blobName: (partition: number) => string;
}

/**
 * Lines spread over partitions, each partition a block blob of the work container, so a segment
 * larger than memory can be planned a group of partitions at a time, by any instance, in steps
 * of their own. Memory holds a piece of lines per partition and the writes in flight, whatever
 * the segment's size; `finish` commits every partition.
 */
export class SpillWriter {
  readonly #pool = new WritePool(blockWritesAtOnce);
  readonly #partitions: GzipBlocks[];

  constructor(
    private readonly place: SpillPlace,
    readonly partitions: number,
  ) {
    this.#partitions = Array.from(
      { length: partitions },
      (_, partition) =>
        new GzipBlocks(
          place.container.getBlockBlobClient(place.blobName(partition)),
          'spill-',
          this.#pool,
        ),
    );
  }

  /** Adds a line (without its newline); returns a promise only when the writer must wait. */
  add(partition: number, line: string): Promise<void> | undefined {
    return this.#partitions[partition]!.add(line);
  }

  /** How many lines each partition was given. */
  get counts(): number[] {
    return this.#partitions.map((partition) => partition.lines);
  }

  /**
   * Writes what is left and commits every partition's blob (a partition given no line has none:
   * one left by an earlier attempt is deleted); returns the line counts.
   */
  async finish(): Promise<number[]> {
    for (const partition of this.#partitions) await partition.flush();
    await this.#pool.settled();
    await Promise.all(
      this.#partitions.map(async (partition, index) => {
        const blob = this.place.container.getBlockBlobClient(this.place.blobName(index));
        if (!partition.blocks.length) await blob.deleteIfExists();
        else await blob.commitBlockList(partition.blocks);
      }),
    );
    return this.counts;
  }
}

/** One partition's lines, in the order they were added, a run of lines at a time. */
export async function* spilledLines(
  place: SpillPlace,
  partition: number,
): AsyncGenerator<string[]> {
  let body: Readable;
  try {
    const download = await place.container.getBlobClient(place.blobName(partition)).download();
    body = download.readableStreamBody as Readable;
  } catch (error) {
    // A partition given no line has no blob.
    if (statusCodeOf(error) === 404) return;
    throw error;
  }
  const gunzip = createGunzip();
  body.on('error', (error: Error) => gunzip.destroy(error));
  yield* textLines(body.pipe(gunzip));
}

/** Deletes the given partitions' blobs (a missing one is already gone). */
export async function removeSpilled(place: SpillPlace, partitions: number[]): Promise<void> {
  await Promise.all(
    partitions.map((partition) =>
      place.container.getBlobClient(place.blobName(partition)).deleteIfExists(),
    ),
  );
}
