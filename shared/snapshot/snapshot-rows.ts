import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CsvRowReader } from './csv-rows';
import type { SnapshotRow } from './snapshot-row';
import {
  LineTooLongError,
  lineRuns,
  maxLineBytes,
  SnapshotUnreadableError,
  type LineRun,
} from './snapshot-lines';
import {
  defaultSnapshotLimits,
  meteredBytes,
  snapshotTooLarge,
  type SnapshotLimits,
} from './snapshot-limits';

export { SnapshotUnreadableError } from './snapshot-lines';

export type SnapshotFormat = 'csv' | 'jsonl';

/**
 * Streams the records of a segment snapshot without holding it in memory: CSV (RFC 4180, header
 * row, optional BOM, CRLF or LF) or JSON lines, each optionally gzip-compressed. Rows come in
 * chunks, in order; the reader pulls from the source only as fast as the chunks are consumed.
 * Rows, inflated bytes and the compression ratio are counted as they come: past a limit the
 * reader fails and stops the source.
 */
export async function* readSnapshotRows(
  source: Readable,
  format: SnapshotFormat,
  compressed: boolean,
  limits: SnapshotLimits = defaultSnapshotLimits,
): AsyncGenerator<SnapshotRow[]> {
  const meter = meteredBytes(compressed ? source : undefined, limits);
  // pipeline destroys every stream when one fails or the reader stops early: a refused snapshot
  // is not downloaded to its end.
  const input = compressed
    ? pipeline(source, createGunzip(), meter, () => undefined)
    : pipeline(source, meter, () => undefined);
  let rows = 0;
  try {
    for await (const chunk of format === 'csv' ? csvRows(input) : jsonLineRows(input)) {
      rows += chunk.length;
      if (rows > limits.maxRows) throw snapshotTooLarge('maxRows', limits);
      yield chunk;
    }
  } finally {
    input.destroy();
  }
}

async function* csvRows(input: Readable): AsyncGenerator<SnapshotRow[]> {
  const reader = new CsvRowReader();
  for await (const run of namedLongLines(lineRuns(input), () => reader.line)) {
    const rows: SnapshotRow[] = [];
    reader.read(run, rows);
    if (rows.length) yield rows;
  }
  const last: SnapshotRow[] = [];
  reader.end(last);
  if (last.length) yield last;
}

async function* jsonLineRows(input: Readable): AsyncGenerator<SnapshotRow[]> {
  let line = 0;
  const rowOf = (rawLine: string, invalidUtf8: boolean): SnapshotRow | undefined => {
    line++;
    let text = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line === 1) text = text.replace(/^\uFEFF/, '');
    if (text.trim() === '') return undefined;
    try {
      const value: unknown = JSON.parse(text);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return { kind: 'unreadable', line, reason: 'notAnObject', text };
      }
      const values = value as Record<string, unknown>;
      return invalidUtf8
        ? { kind: 'row', line, values, invalidUtf8: true }
        : { kind: 'row', line, values };
    } catch {
      return { kind: 'unreadable', line, reason: 'invalidJson', text };
    }
  };
  for await (const run of namedLongLines(lineRuns(input), () => line + 1)) {
    const lines = run.text.split('\n');
    // A run ends with a newline (except the snapshot's last line): nothing follows it.
    if (lines[lines.length - 1] === '') lines.pop();
    const invalid = new Set(run.invalidUtf8);
    const rows: SnapshotRow[] = [];
    lines.forEach((rawLine, index) => {
      const row = rowOf(rawLine, invalid.size > 0 && invalid.has(index));
      if (row) rows.push(row);
    });
    if (rows.length) yield rows;
  }
}

/** A line too long to hold refuses the snapshot, naming the line. */
async function* namedLongLines(
  runs: AsyncGenerator<LineRun>,
  nextLine: () => number,
): AsyncGenerator<LineRun> {
  try {
    yield* runs;
  } catch (error) {
    if (!(error instanceof LineTooLongError)) throw error;
    throw new SnapshotUnreadableError(
      `Line ${nextLine()} of the snapshot is longer than ${maxLineBytes / 1024 / 1024} MB; no one was removed.`,
    );
  }
}
