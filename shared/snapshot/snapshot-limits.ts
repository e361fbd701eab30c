import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { AppError } from '../errors';
import { snapshotLimitSettingNames, type SnapshotLimits } from '../settings';

export type { SnapshotLimits } from '../settings';
export { defaultSnapshotLimits } from '../settings';

/** The ratio is judged once this much is inflated: a small file may compress far, harmlessly. */
const ratioAfterBytes = 16 * 1024 * 1024;

/**
 * A snapshot over one of the limits, counted as it is read (never guessed from the blob's size: a
 * few MB of gzip may inflate to gigabytes): the run fails with this message, naming the limit, as
 * soon as it is passed and before anyone is removed.
 */
export class SnapshotTooLargeError extends AppError {
  constructor(message: string) {
    super(422, 'SnapshotTooLarge', message);
  }
}

const limitText = {
  maxRows: (limit: number) => `more than ${limit.toLocaleString('en-US')} rows`,
  maxInflatedBytes: (limit: number) =>
    `more than ${limit.toLocaleString('en-US')} bytes once decompressed`,
  maxCompressionRatio: (limit: number) => `a compression ratio above ${limit}:1`,
};

export function snapshotTooLarge(
  limit: keyof SnapshotLimits,
  limits: SnapshotLimits,
): SnapshotTooLargeError {
  return new SnapshotTooLargeError(
    `The snapshot has ${limitText[limit](limits[limit])} (the limit ${snapshotLimitSettingNames[limit]} is ${limits[limit]}); reading stopped there and no one was removed.`,
  );
}

/**
 * Passes a snapshot's inflated bytes through, counting them against the limits: `compressed` is
 * the source the bytes were inflated from (the same stream when not compressed). The stream
 * fails at the first chunk over a limit, which stops the whole pipeline reading.
 */
export function meteredBytes(compressed: Readable | undefined, limits: SnapshotLimits): Transform {
  let compressedBytes = 0;
  compressed?.on('data', (chunk: Buffer) => (compressedBytes += chunk.length));
  let inflated = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      inflated += chunk.length;
      if (inflated > limits.maxInflatedBytes)
        return done(snapshotTooLarge('maxInflatedBytes', limits));
      if (
        compressed &&
        inflated > ratioAfterBytes &&
        inflated > limits.maxCompressionRatio * compressedBytes
      )
        return done(snapshotTooLarge('maxCompressionRatio', limits));
      done(null, chunk);
    },
  });
}
