import { CsvRowReader } from './csv-rows';
import { SnapshotUnreadableError } from './snapshot-lines';
import type { BrokenQuote, SnapshotRow } from './snapshot-row';

/** A CSV snapshot's header: its columns, how its quotes break, or `undefined` when not read yet. */
export type CsvHeaderReading = { columns: string[] } | { brokenQuote: BrokenQuote } | undefined;

/**
 * The header row from the start of a CSV snapshot, read by the reader a run reads the snapshot
 * with (CsvRowReader), so the segment catalog and the run never disagree on a snapshot's columns.
 * `text` is the start decoded, its BOM already removed; `complete` says it is the whole snapshot.
 * Only whole lines of a partial text are read, one at a time, and reading stops at the header:
 * a header that may go on past the text, or text with no header yet, gives `undefined`.
 */
export function readCsvHeader(text: string, complete: boolean): CsvHeaderReading {
  const reader = new CsvRowReader();
  const rows: SnapshotRow[] = [];
  // The reader takes the end of a text for the end of a line: a cut last line is left out.
  const end = complete ? text.length : text.lastIndexOf('\n') + 1;
  // The run's reader drops a BOM that starts the snapshot; the text lost that one already, so
  // the reader is given one to drop and a second BOM stays in the header, as in a run.
  let prefix = '\uFEFF';
  try {
    for (let start = 0; start < end && !reader.header;) {
      const newline = text.indexOf('\n', start);
      const stop = newline < 0 || newline >= end ? end : newline + 1;
      reader.read({ text: prefix + text.slice(start, stop) }, rows);
      prefix = '';
      start = stop;
    }
    if (complete && !reader.header) reader.end(rows);
  } catch (error) {
    if (error instanceof SnapshotUnreadableError && error.brokenQuote) {
      return { brokenQuote: error.brokenQuote };
    }
    throw error;
  }
  return reader.header ? { columns: [...reader.header] } : undefined;
}
