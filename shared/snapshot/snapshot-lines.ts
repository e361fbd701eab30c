import type { Readable } from 'node:stream';
import { AppError } from '../errors';
import type { BrokenQuote } from './snapshot-row';

/**
 * A snapshot that cannot be read as a whole (a line too long to hold, a CSV record whose quotes
 * leave the following rows in doubt): the run fails with this message, which names the row or
 * line, before anyone is removed. `brokenQuote` says how, when a CSV record's quotes are broken.
 */
export class SnapshotUnreadableError extends AppError {
  constructor(
    message: string,
    readonly brokenQuote?: BrokenQuote,
  ) {
    super(422, 'SnapshotUnreadable', message);
  }
}

/** Whole lines of a snapshot, decoded. */
export interface LineRun {
  /** Whole lines, each ending in '\n' except the snapshot's last one. */
  text: string;
  /**
   * Which of its lines (0 being its first) held bytes that are not UTF-8: they are decoded as
   * U+FFFD, so whatever the line holds must not be sent as it is.
   */
  invalidUtf8?: number[];
}

/** A physical line longer than this is not held in memory: the snapshot is refused instead. */
export const maxLineBytes = 64 * 1024 * 1024;

/** Lines are decoded and read in runs of about this many bytes. */
const runBytes = 64 * 1024;

/** Stream items come in runs of up to this many, so per-item awaits do not dominate. */
const maxBatchItems = 2048;

const newline = 0x0a;
// ignoreBOM keeps a BOM in the text: only the snapshot's very first one is dropped, by the reader.
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });

/** Thrown by lineRuns when the next line is longer than maxLineBytes; the reader names it. */
export class LineTooLongError extends Error {}

/**
 * Cuts a snapshot's bytes into runs of whole lines, decoded as UTF-8. A newline byte is never part
 * of a multi-byte character, so each run decodes on its own. Each run is checked as it is decoded,
 * in one pass; only a run that is not valid UTF-8 is decoded again line by line, to name the lines
 * at fault.
 */
export async function* lineRuns(input: Readable): AsyncGenerator<LineRun> {
  // The start of a line whose end has not come yet, as the chunks it came in (joined once).
  let tail: Buffer[] = [];
  let tailBytes = 0;
  for await (const items of buffered<Buffer | string>(input)) {
    for (const item of items) {
      const chunk = typeof item === 'string' ? Buffer.from(item) : item;
      const first = chunk.indexOf(newline);
      if (first < 0) {
        tail.push(chunk);
        tailBytes += chunk.length;
        if (tailBytes > maxLineBytes) throw new LineTooLongError();
        continue;
      }
      let start = 0;
      if (tailBytes > 0) {
        // Only the line that spans chunks is copied; the chunk's other lines are decoded in place.
        yield decode(Buffer.concat([...tail, chunk.subarray(0, first + 1)]));
        start = first + 1;
      }
      const last = chunk.lastIndexOf(newline);
      if (last >= start) yield* pieces(chunk.subarray(start, last + 1));
      tail = last + 1 < chunk.length ? [chunk.subarray(last + 1)] : [];
      tailBytes = chunk.length - last - 1;
    }
  }
  if (tailBytes > 0) yield* pieces(Buffer.concat(tail));
}

/**
 * Whole lines in runs of about runBytes: the rows of a run are alive together, and a small
 * working set is what keeps a million rows cheap to collect.
 */
function* pieces(bytes: Buffer): Generator<LineRun> {
  for (let start = 0; start < bytes.length;) {
    let end = bytes.length;
    if (end - start > runBytes) {
      const cut = bytes.lastIndexOf(newline, start + runBytes - 1);
      end = (cut >= start ? cut : bytes.indexOf(newline, start + runBytes)) + 1;
      if (end === 0) end = bytes.length;
    }
    yield decode(bytes.subarray(start, end));
    start = end;
  }
}

function decode(bytes: Buffer): LineRun {
  try {
    return { text: strict.decode(bytes) };
  } catch {
    return decodeLineByLine(bytes);
  }
}

function decodeLineByLine(bytes: Buffer): LineRun {
  const parts: string[] = [];
  const invalidUtf8: number[] = [];
  for (let start = 0, index = 0; start < bytes.length; index++) {
    const end = bytes.indexOf(newline, start);
    const stop = end < 0 ? bytes.length : end + 1;
    const line = bytes.subarray(start, stop);
    try {
      parts.push(strict.decode(line));
    } catch {
      parts.push(lenient.decode(line));
      invalidUtf8.push(index);
    }
    start = stop;
  }
  return { text: parts.join(''), invalidUtf8 };
}

/** What a stream has buffered, taken at once after each awaited item. */
export async function* buffered<T>(stream: Readable): AsyncGenerator<T[]> {
  for await (const first of stream as AsyncIterable<T>) {
    const items: T[] = [first];
    for (let item: T | null; items.length < maxBatchItems && (item = stream.read() as T | null);)
      items.push(item);
    yield items;
  }
}
