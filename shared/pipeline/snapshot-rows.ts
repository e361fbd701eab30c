import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';

export type SnapshotFormat = 'csv' | 'jsonl';

/**
 * One record of a snapshot, or one that could not be read (kept, to be reported). `line` is where
 * a person finds it: the line of a JSON line, the row number of a CSV record (the header is 1).
 */
export type SnapshotRow =
  | { kind: 'row'; line: number; values: Record<string, unknown> }
  | { kind: 'unreadable'; line: number; reason: string };

/** Rows travel in runs of up to this many, so per-row awaits do not dominate a large snapshot. */
const maxChunkRows = 2048;

/**
 * Streams the records of a segment snapshot without holding it in memory: CSV (RFC 4180, header
 * row, optional BOM, CRLF or LF) or JSON lines, each optionally gzip-compressed. Rows come in
 * chunks, in order; the reader pulls from the source only as fast as the chunks are consumed.
 */
export async function* readSnapshotRows(
  source: Readable,
  format: SnapshotFormat,
  compressed: boolean,
): AsyncGenerator<SnapshotRow[]> {
  const input = compressed ? source.pipe(createGunzip()) : source;
  if (compressed) source.on('error', (error) => input.destroy(error));
  yield* format === 'csv' ? csvRows(input) : jsonLineRows(input);
}

/** What a stream has buffered, taken at once after each awaited item. */
async function* buffered<T>(stream: Readable): AsyncGenerator<T[]> {
  for await (const first of stream as AsyncIterable<T>) {
    const items: T[] = [first];
    for (let item: T | null; items.length < maxChunkRows && (item = stream.read() as T | null);)
      items.push(item);
    yield items;
  }
}

async function* csvRows(input: Readable): AsyncGenerator<SnapshotRow[]> {
  // Records come as arrays and are keyed here: csv-parse's `columns` costs twice the parse.
  const parser = input.pipe(
    parse({
      bom: true,
      // A short or long row is still a member; its missing columns simply have no value.
      relax_column_count: true,
      skip_empty_lines: true,
    }),
  );
  input.on('error', (error) => parser.destroy(error));
  let header: string[] | undefined;
  let line = 1;
  for await (const records of buffered<string[]>(parser)) {
    const rows: SnapshotRow[] = [];
    for (const cells of records) {
      if (!header) {
        header = cells;
        continue;
      }
      const values: Record<string, unknown> = {};
      const width = Math.min(header.length, cells.length);
      for (let column = 0; column < width; column++) values[header[column]!] = cells[column];
      rows.push({ kind: 'row', line: ++line, values });
    }
    if (rows.length) yield rows;
  }
}

async function* jsonLineRows(input: Readable): AsyncGenerator<SnapshotRow[]> {
  let line = 0;
  let rest = '';
  const rowOf = (rawLine: string): SnapshotRow | undefined => {
    line++;
    let text = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line === 1) text = text.replace(/^\uFEFF/, '');
    if (text.trim() === '') return undefined;
    try {
      const value: unknown = JSON.parse(text);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return { kind: 'unreadable', line, reason: 'notAnObject' };
      }
      return { kind: 'row', line, values: value as Record<string, unknown> };
    } catch {
      return { kind: 'unreadable', line, reason: 'invalidJson' };
    }
  };
  input.setEncoding('utf8');
  for await (const chunk of input as AsyncIterable<string>) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    const rows: SnapshotRow[] = [];
    for (const rawLine of lines) {
      const row = rowOf(rawLine);
      if (row) rows.push(row);
    }
    if (rows.length) yield rows;
  }
  const last = rest ? rowOf(rest) : undefined;
  if (last) yield [last];
}
