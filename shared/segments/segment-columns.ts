import { z } from 'zod';
import { readCsvHeader } from '../snapshot/csv-header';
import { brokenQuoteText } from '../snapshot/snapshot-row';

export const SegmentProblemSchema = z
  .object({
    code: z.enum(['EmptyHeader', 'UnreadableHeader', 'HeaderTooLong', 'AmbiguousSnapshot']),
    message: z.string(),
  })
  .meta({
    id: 'SegmentProblem',
    description: 'Why the segment cannot be exported as it is; its columns are then empty',
  });
export type SegmentProblem = z.infer<typeof SegmentProblemSchema>;

/** What the start of a snapshot says: its columns, a problem, or `undefined` to read further. */
export type ColumnsReading = { columns: string[] } | { problem: SegmentProblem } | undefined;

/** How many JSON lines name the columns: enough to catch optional fields, few enough to be cheap. */
export const jsonLinesSampled = 20;

function problem(code: SegmentProblem['code'], message: string): { problem: SegmentProblem } {
  return { problem: { code, message } };
}

/**
 * The CSV header from the start of a snapshot (BOM already removed), read as a run reads it.
 * `complete` says the text is the whole snapshot; otherwise a header that may continue past the
 * text asks for more.
 */
export function csvHeaderColumns(text: string, complete: boolean): ColumnsReading {
  const header = readCsvHeader(text, complete);
  if (!header) return complete ? problem('EmptyHeader', 'The CSV snapshot is empty.') : undefined;
  if ('brokenQuote' in header) {
    const reason = brokenQuoteText[header.brokenQuote];
    return problem('UnreadableHeader', `The CSV header is not valid RFC 4180: ${reason}.`);
  }
  if (header.columns.every((column) => column === '')) {
    return problem('EmptyHeader', 'The first line of the CSV snapshot names no column.');
  }
  return { columns: header.columns };
}

/**
 * The union of the keys of the first JSON lines, in first-seen order. Only complete lines count:
 * the last line of a partial read is cut. A line that is not a JSON object is passed over, as the
 * export passes over it (a rejection naming its line): one bad row must not make the whole segment
 * unusable. One object is enough; a partial read without one asks for more, and a snapshot whose
 * sampled lines hold none is unreadable, naming the first bad line.
 */
export function jsonLinesColumns(text: string, complete: boolean): ColumnsReading {
  const lines = text.split('\n');
  if (!complete) lines.pop();
  const keys = new Set<string>();
  let sampled = 0;
  let objects = 0;
  let firstBad: { line: number; what: string } | undefined;
  for (const [index, line] of lines.entries()) {
    if (sampled === jsonLinesSampled) break;
    if (line.trim() === '') continue;
    sampled++;
    const value = parseJsonLine(line);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      firstBad ??= { line: index + 1, what: value === undefined ? 'JSON' : 'a JSON object' };
      continue;
    }
    Object.keys(value).forEach((key) => keys.add(key));
    objects++;
  }
  if (objects === 0) {
    if (!complete && sampled < jsonLinesSampled) return undefined;
    if (firstBad) {
      return problem(
        'UnreadableHeader',
        `Line ${firstBad.line} of the snapshot is not ${firstBad.what}.`,
      );
    }
    return problem('EmptyHeader', 'The JSON lines snapshot is empty.');
  }
  if (keys.size === 0) {
    return problem('EmptyHeader', 'The first JSON lines of the snapshot have no fields.');
  }
  return { columns: [...keys] };
}

function parseJsonLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}
