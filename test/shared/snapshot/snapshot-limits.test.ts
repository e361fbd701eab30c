import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import {
  defaultSnapshotLimits,
  SnapshotTooLargeError,
} from '../../../shared/snapshot/snapshot-limits';
import { readSnapshotRows } from '../../../shared/snapshot/snapshot-rows';

/** Serves `content` in 64 KB pieces, counting what was taken, as a blob download would. */
function source(content: Buffer) {
  const served = { bytes: 0, destroyed: false };
  const stream = Readable.from(
    (function* () {
      for (let offset = 0; offset < content.length; offset += 64 * 1024) {
        const piece = content.subarray(offset, offset + 64 * 1024);
        served.bytes += piece.length;
        yield piece;
      }
    })(),
  );
  stream.on('close', () => (served.destroyed = true));
  return { stream, served };
}

async function readAll(stream: Readable, compressed: boolean, limits = {}): Promise<number> {
  let rows = 0;
  const merged = { ...defaultSnapshotLimits, ...limits };
  for await (const chunk of readSnapshotRows(stream, 'csv', compressed, merged))
    rows += chunk.length;
  return rows;
}

/** The message of the SnapshotTooLargeError a read fails with. */
async function refusal(reading: Promise<number>): Promise<string> {
  const error = await reading.then(() => undefined).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(SnapshotTooLargeError);
  return (error as SnapshotTooLargeError).message;
}

const csvOf = (rows: number) =>
  Buffer.from(`email\n${Array.from({ length: rows }, (_, index) => `a${index}@x.io\n`).join('')}`);

describe('snapshot limits', () => {
  it('reads a snapshot at a limit whole', async () => {
    expect(await readAll(source(csvOf(5_000)).stream, false, { maxRows: 5_000 })).toBe(5_000);
  });

  it('fails at the first rows over SNAPSHOT_MAX_ROWS and stops the download', async () => {
    const { stream, served } = source(gzipSync(csvOf(200_000)));
    expect(await refusal(readAll(stream, true, { maxRows: 1_000 }))).toContain(
      'more than 1,000 rows (the limit SNAPSHOT_MAX_ROWS is 1000)',
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(served.destroyed).toBe(true);
    expect(served.bytes).toBeLessThan(gzipSync(csvOf(200_000)).length);
  });

  it('fails past SNAPSHOT_MAX_INFLATED_BYTES counted after decompression', async () => {
    const { stream, served } = source(gzipSync(csvOf(300_000)));
    expect(await refusal(readAll(stream, true, { maxInflatedBytes: 1024 * 1024 }))).toContain(
      'the limit SNAPSHOT_MAX_INFLATED_BYTES is 1048576',
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(served.destroyed).toBe(true);
  });

  it('fails a gzip bomb on SNAPSHOT_MAX_COMPRESSION_RATIO within its first megabytes', async () => {
    // 256 MB of one repeated line: gzip makes about 390 KB of it (670:1).
    const bomb = gzipSync(Buffer.alloc(256 * 1024 * 1024, 'a@x.io\n'));
    const { stream, served } = source(bomb);
    const started = Date.now();
    expect(await refusal(readAll(stream, true))).toContain('a compression ratio above 100:1');
    expect(served.bytes).toBeLessThan(bomb.length / 2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('lets a small file compress far: the ratio is judged only past 16 MB inflated', async () => {
    const small = gzipSync(Buffer.alloc(8 * 1024 * 1024, 'a@x.io\n'));
    expect(await readAll(source(small).stream, true)).toBeGreaterThan(1_000_000);
  });
});
