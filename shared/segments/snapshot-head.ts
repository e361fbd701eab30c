import zlib from 'node:zlib';
import type { BlobClient } from '@azure/storage-blob';
import { isRestError } from '@azure/storage-blob';
import { DependencyError } from '../errors';
import type { ColumnsReading, SegmentProblem } from './segment-columns';

export interface HeadReadOptions {
  /** The first ranged read; most headers fit in it. */
  firstRangeBytes: number;
  /** No header is read beyond this many bytes, raw or inflated. */
  maxHeadBytes: number;
}

export const defaultHeadReadOptions: HeadReadOptions = {
  firstRangeBytes: 64 * 1024,
  maxHeadBytes: 1024 * 1024,
};

/** The version of the blob the columns were read from. */
export interface SnapshotVersion {
  sizeBytes: number;
  lastModified: Date;
  etag: string;
}

export type HeadReading = SnapshotVersion & { columns: string[] } & { problem?: SegmentProblem };

/** Text from the start of a snapshot: `complete` when it is the whole (inflated) snapshot. */
export type ColumnsReader = (text: string, complete: boolean) => ColumnsReading;

/**
 * Reads a snapshot's columns without downloading it: ranged reads from the start, each as long
 * again as what was read before, until `readColumns` decides or `maxHeadBytes` is reached.
 * A `.gz` snapshot is inflated as far as its partial bytes go. Every read after the first is
 * conditional on the first one's ETag, so a snapshot rewritten meanwhile is read again from 0.
 * Returns `undefined` when the blob is gone.
 */
export async function readSnapshotHead(
  blob: BlobClient,
  compressed: boolean,
  readColumns: ColumnsReader,
  options: HeadReadOptions = defaultHeadReadOptions,
): Promise<HeadReading | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readOnce(blob, compressed, readColumns, options);
    } catch (error) {
      if (!isRestError(error)) throw error;
      if (error.statusCode === 404) return undefined;
      // 412: the snapshot was rewritten between two ranged reads; read the new one from the start.
      if (error.statusCode === 412 && attempt < 3) continue;
      throw new DependencyError('storage', 'The segment snapshot could not be read.', error);
    }
  }
}

async function readOnce(
  blob: BlobClient,
  compressed: boolean,
  readColumns: ColumnsReader,
  options: HeadReadOptions,
): Promise<HeadReading> {
  let raw = Buffer.alloc(0);
  let version: SnapshotVersion | undefined;
  for (;;) {
    const wanted = Math.min(
      Math.max(raw.length * 2, options.firstRangeBytes),
      options.maxHeadBytes,
    );
    const range = await readRange(blob, raw.length, wanted - raw.length, version?.etag);
    if (range === 'empty') {
      // Azure refuses any range of an empty blob (416); nothing to read means no header.
      const properties = await blob.getProperties();
      return {
        sizeBytes: properties.contentLength ?? 0,
        lastModified: properties.lastModified ?? new Date(0),
        etag: properties.etag ?? '',
        columns: [],
        problem: { code: 'EmptyHeader', message: 'The snapshot is empty.' },
      };
    }
    version ??= range.version;
    raw = Buffer.concat([raw, range.bytes]);
    const wholeBlob = raw.length >= version.sizeBytes || range.bytes.length === 0;
    const head = compressed
      ? await inflateStart(raw, options.maxHeadBytes)
      : { bytes: raw, capped: false };
    if ('problem' in head) return { ...version, columns: [], problem: head.problem };
    const complete = wholeBlob && !head.capped;
    const reading = readColumns(decodeStart(head.bytes, complete), complete);
    if (reading) return { ...version, columns: [], ...reading };
    if (wholeBlob || raw.length >= options.maxHeadBytes || head.capped) {
      const message = `The header or first JSON line is longer than ${options.maxHeadBytes} bytes.`;
      return { ...version, columns: [], problem: { code: 'HeaderTooLong', message } };
    }
  }
}

async function readRange(
  blob: BlobClient,
  offset: number,
  count: number,
  etag: string | undefined,
): Promise<{ bytes: Buffer; version: SnapshotVersion } | 'empty'> {
  try {
    const response = await blob.download(offset, count, { conditions: { ifMatch: etag } });
    const chunks: Buffer[] = [];
    for await (const chunk of response.readableStreamBody ?? []) chunks.push(Buffer.from(chunk));
    // `bytes 0-65535/5242880`: the total after the slash is the blob's size.
    const total = Number(
      /\/(\d+)$/.exec(response.contentRange ?? '')?.[1] ?? response.contentLength,
    );
    return {
      bytes: Buffer.concat(chunks),
      version: {
        sizeBytes: total,
        lastModified: response.lastModified ?? new Date(0),
        etag: response.etag ?? '',
      },
    };
  } catch (error) {
    if (offset === 0 && isRestError(error) && error.statusCode === 416) return 'empty';
    throw error;
  }
}

/**
 * Inflates the start of a gzip stream. A partial stream is the normal case here: Z_SYNC_FLUSH
 * makes zlib hand over what it inflated instead of failing with "unexpected end of file".
 * Output stops at `maxBytes`, since a few compressed bytes can inflate to very many.
 */
function inflateStart(
  compressed: Buffer,
  maxBytes: number,
): Promise<{ bytes: Buffer; capped: boolean } | { problem: SegmentProblem }> {
  return new Promise((resolve) => {
    const gunzip = zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const chunks: Buffer[] = [];
    let length = 0;
    gunzip.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length < maxBytes) return;
      gunzip.destroy();
      resolve({ bytes: Buffer.concat(chunks).subarray(0, maxBytes), capped: true });
    });
    gunzip.on('end', () => resolve({ bytes: Buffer.concat(chunks), capped: false }));
    gunzip.on('error', (error) => {
      const message = `The snapshot is not a valid gzip stream: ${error.message}`;
      resolve({ problem: { code: 'UnreadableHeader', message } });
    });
    gunzip.end(compressed);
  });
}

/**
 * UTF-8 text of the bytes read. TextDecoder drops a leading BOM (ignoreBOM is false) and, while
 * the read is partial, holds back a character cut in half at the end instead of garbling it.
 */
function decodeStart(bytes: Buffer, complete: boolean): string {
  return new TextDecoder('utf-8').decode(bytes, { stream: !complete });
}
