import readline from 'node:readline';
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

/**
 * Streams the records of a segment snapshot without holding it in memory: CSV (RFC 4180, header
 * row, optional BOM, CRLF or LF) or JSON lines, each optionally gzip-compressed.
 */
export async function* readSnapshotRows(
  source: Readable,
  format: SnapshotFormat,
  compressed: boolean,
): AsyncGenerator<SnapshotRow> {
  const input = compressed ? source.pipe(createGunzip()) : source;
  if (compressed) source.on('error', (error) => input.destroy(error));
  yield* format === 'csv' ? csvRows(input) : jsonLineRows(input);
}

async function* csvRows(input: Readable): AsyncGenerator<SnapshotRow> {
  const parser = input.pipe(
    parse({
      bom: true,
      columns: true,
      // A short or long row is still a member; its missing columns simply have no value.
      relax_column_count: true,
      skip_empty_lines: true,
    }),
  );
  input.on('error', (error) => parser.destroy(error));
  let row = 1;
  for await (const values of parser as AsyncIterable<Record<string, string>>) {
    yield { kind: 'row', line: ++row, values };
  }
}

async function* jsonLineRows(input: Readable): AsyncGenerator<SnapshotRow> {
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const rawLine of lines) {
    line++;
    const text = line === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine;
    if (text.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(text);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        yield { kind: 'unreadable', line, reason: 'notAnObject' };
      } else {
        yield { kind: 'row', line, values: value as Record<string, unknown> };
      }
    } catch {
      yield { kind: 'unreadable', line, reason: 'invalidJson' };
    }
  }
}
