import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { ContainerClient } from '@azure/storage-blob';
import { versionedBlobFormat } from '../schema-version';
import { hashText } from './state-lines';
import { StateTable } from './state-table';

/** A state blob's lines have no room for a version: it is the blob's metadata. */
export const stateBlobFormat = versionedBlobFormat('exported-state blob (.tsv.gz)');

/** Blob metadata holding a state blob's member count. */
export const memberCountKey = 'members';

/** Writes a run's state a part at a time; `close` finishes the blob. */
export interface StateWriter {
  add(state: Iterable<[string, number]>): Promise<void>;
  close(): Promise<void>;
  /** Gives up the blob (planning failed): nothing is committed, the upload ends. */
  abort(): void;
}

/**
 * Streams a run's state into a state blob: gzip-compressed lines, the member count in its
 * metadata once closed.
 */
export function openStateBlobWriter(container: ContainerClient, blobName: string): StateWriter {
  // Fast compression: the blob is written once per run and read once by the next.
  const gzip = createGzip({ level: 1 });
  const output = new PassThrough();
  gzip.pipe(output);
  const blob = container.getBlockBlobClient(blobName);
  const uploading = blob.uploadStream(output, 4 * 1024 * 1024, 4, {
    blobHTTPHeaders: { blobContentType: 'text/tab-separated-values' },
    metadata: stateBlobFormat.metadata(),
  });
  // Awaited in `close`, or raced below; never an unhandled rejection when the planner stops early.
  uploading.catch(() => undefined);
  // A failed upload ends the wait for a drain that would never come.
  const drained = () => Promise.race([once(gzip, 'drain'), uploading]);
  let count = 0;
  return {
    add: async (state) => {
      if (state instanceof StateTable) {
        for (const { bytes, lines } of tableLines(state)) {
          count += lines;
          if (!gzip.write(bytes)) await drained();
        }
        return;
      }
      let chunk = '';
      for (const [email, fields] of state) {
        chunk += `${email}\t${hashText(fields)}\n`;
        count++;
        if (chunk.length > 64 * 1024) {
          if (!gzip.write(chunk)) await drained();
          chunk = '';
        }
      }
      if (chunk && !gzip.write(chunk)) await drained();
    },
    close: async () => {
      gzip.end();
      await uploading;
      // Setting metadata replaces all of it: the version is written again with the count.
      await blob.setMetadata({ ...stateBlobFormat.metadata(), [memberCountKey]: String(count) });
    },
    abort: () => {
      output.destroy(new Error('Planning stopped; the run state is not written.'));
      gzip.destroy();
    },
  };
}

/** Bytes of lines a table's state is written in, a buffer at a time. */
const chunkBytes = 64 * 1024;
/** The most a line takes past its address: a tab, a hash, a newline. */
const lineTail = 24;

/**
 * A table's members as stored lines, straight from its bytes: no address is made into a string.
 * Each buffer is new (the one written is gzip's until it is read).
 */
function* tableLines(table: StateTable): Generator<{ bytes: Buffer; lines: number }> {
  let bytes = Buffer.allocUnsafe(chunkBytes);
  let offset = 0;
  let lines = 0;
  const slots = table.slotCount;
  for (let slot = 0; slot < slots; slot++) {
    if (!table.live(slot)) continue;
    const most = table.emailBytesAtMost(slot) + lineTail;
    if (offset + most > bytes.length) {
      if (offset > 0) yield { bytes: bytes.subarray(0, offset), lines };
      bytes = Buffer.allocUnsafe(Math.max(chunkBytes, most));
      offset = 0;
      lines = 0;
    }
    offset = table.copyEmail(slot, bytes, offset);
    bytes[offset++] = tab;
    offset = writeHash(table.hashAt(slot), bytes, offset);
    bytes[offset++] = newline;
    lines++;
  }
  if (offset > 0) yield { bytes: bytes.subarray(0, offset), lines };
}

const tab = 0x09;
const newline = 0x0a;
const digits = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz', 'latin1');

/** Writes a hash as `hashText` does, into `target` at `offset`; returns its end. */
function writeHash(hash: number, target: Buffer, offset: number): number {
  if (hash < 0 || !Number.isSafeInteger(hash)) {
    return offset + target.write(hashText(hash), offset, 'latin1');
  }
  let end = offset;
  let rest = hash;
  do {
    const next = Math.floor(rest / 36);
    target[end++] = digits[rest - next * 36]!;
    rest = next;
  } while (rest > 0);
  for (let low = offset, high = end - 1; low < high; low++, high--) {
    const digit = target[low]!;
    target[low] = target[high]!;
    target[high] = digit;
  }
  return end;
}
