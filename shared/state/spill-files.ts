import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import type { Readable } from 'node:stream';

/**
 * Lines are gathered per partition and written in pieces of up to 256K characters, and at most
 * 4M characters over all partitions: the pieces waiting are memory a plan holds beside its state.
 */
const flushCharsOf = (partitions: number) => Math.min(256 * 1024, (4 * 1024 * 1024) / partitions);

/**
 * Lines spread over a few local temporary files by partition, written once and read back one
 * partition at a time: what lets a segment larger than memory be planned a part at a time. The
 * files live in the OS temporary folder, in a folder of their own that `remove` deletes.
 */
export class SpillFiles {
  readonly #pending: string[];
  readonly #streams: WriteStream[];
  readonly #counts: number[];
  readonly #flushChars: number;

  private constructor(
    private readonly folder: string,
    readonly partitions: number,
  ) {
    this.#pending = Array.from({ length: partitions }, () => '');
    this.#counts = Array.from({ length: partitions }, () => 0);
    this.#flushChars = flushCharsOf(partitions);
    this.#streams = Array.from({ length: partitions }, (_, partition) =>
      createWriteStream(this.#file(partition)),
    );
  }

  static async create(partitions: number): Promise<SpillFiles> {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'segment-plan-'));
    return new SpillFiles(folder, partitions);
  }

  #file(partition: number): string {
    return path.join(this.folder, `${partition}.txt`);
  }

  /** Adds a line (without its newline); returns a promise only when the writer must wait. */
  add(partition: number, line: string): Promise<void> | undefined {
    this.#counts[partition]!++;
    const pending = `${this.#pending[partition]!}${line}\n`;
    if (pending.length < this.#flushChars) {
      this.#pending[partition] = pending;
      return undefined;
    }
    this.#pending[partition] = '';
    return this.#write(partition, pending);
  }

  /** How many lines a partition was given. */
  count(partition: number): number {
    return this.#counts[partition]!;
  }

  async #write(partition: number, text: string): Promise<void> {
    const stream = this.#streams[partition]!;
    if (!stream.write(text)) await once(stream, 'drain');
  }

  /** Writes what is left and closes the files; after this, partitions can be read. */
  async finish(): Promise<void> {
    await Promise.all(
      this.#streams.map(async (stream, partition) => {
        stream.end(this.#pending[partition]);
        this.#pending[partition] = '';
        await once(stream, 'finish');
      }),
    );
  }

  /** One partition's lines, in the order they were added, a run of lines at a time. */
  lines(partition: number): AsyncGenerator<string[]> {
    return textLines(createReadStream(this.#file(partition), { highWaterMark: 1024 * 1024 }));
  }

  async remove(): Promise<void> {
    for (const stream of this.#streams) stream.destroy();
    await rm(this.folder, { recursive: true, force: true });
  }
}

/** The lines of a UTF-8 stream, without their newlines, a chunk's worth at a time. */
export async function* textLines(stream: Readable): AsyncGenerator<string[]> {
  stream.setEncoding('utf8');
  let rest = '';
  for await (const chunk of stream as AsyncIterable<string>) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    if (lines.length) yield lines;
  }
  if (rest) yield [rest];
}

/**
 * Which of `partitions` an e-mail address belongs to: a 32-bit FNV-1a hash of it, so every run
 * puts an address in the same partition for the same count.
 */
export function partitionOf(email: string, partitions: number): number {
  if (partitions === 1) return 0;
  let hash = 0x811c9dc5;
  for (let index = 0; index < email.length; index++) {
    hash = Math.imul(hash ^ email.charCodeAt(index), 16777619);
  }
  return (hash >>> 0) % partitions;
}
