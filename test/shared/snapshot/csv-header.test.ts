import { Readable } from 'node:stream';
import fc from 'fast-check';
import { csvHeaderColumns } from '../../../shared/segments/segment-columns';
import { CsvRowReader } from '../../../shared/snapshot/csv-rows';
import { lineRuns, SnapshotUnreadableError } from '../../../shared/snapshot/snapshot-lines';
import type { SnapshotRow } from '../../../shared/snapshot/snapshot-row';
import { readSnapshotRows } from '../../../shared/snapshot/snapshot-rows';

/**
 * The segment catalog and a run read a CSV snapshot's header with the same reader, so they agree
 * on its columns whatever it holds: quoted fields with commas, line breaks and quotes, a BOM (or
 * two), CRLF, blank lines, empty names, broken quotes, and however much of it the catalog has
 * read so far.
 */

type Answer = { columns: string[] } | { unreadable: true } | { empty: true };

/** What the catalog makes of the snapshot's first `cut` bytes, decoded as it decodes them. */
function catalogAnswer(bytes: Buffer, cut = bytes.length): Answer | undefined {
  const complete = cut >= bytes.length;
  // As snapshot-head decodes a start: the first BOM dropped, a character cut in half held back.
  const text = new TextDecoder('utf-8').decode(bytes.subarray(0, cut), { stream: !complete });
  const reading = csvHeaderColumns(text, complete);
  if (!reading) return undefined;
  if ('columns' in reading) return { columns: reading.columns };
  return reading.problem.code === 'UnreadableHeader' ? { unreadable: true } : { empty: true };
}

/** The header a run reads the snapshot with: its line runs through the run's row reader. */
async function runAnswer(bytes: Buffer): Promise<Answer> {
  const reader = new CsvRowReader();
  const rows: SnapshotRow[] = [];
  try {
    for await (const run of lineRuns(Readable.from([bytes]))) reader.read(run, rows);
    reader.end(rows);
  } catch (error) {
    if (!(error instanceof SnapshotUnreadableError)) throw error;
    if (!reader.header) return { unreadable: true };
  }
  const header = reader.header;
  if (!header || header.every((column) => column === '')) return { empty: true };
  return { columns: [...header] };
}

const character = fc.constantFrom('a', 'é', ' ', ',', '"', '\n', '\r', '\r\n', '\uFEFF', '😀');
const name = fc.array(character, { maxLength: 6 }).map((parts) => parts.join(''));
/** A header field: quoted as RFC 4180 says, or written as it is (which may break the CSV). */
const field = fc.oneof(
  name.map((value) => `"${value.replaceAll('"', '""')}"`),
  name,
  fc.constantFrom('email', 'first name', ''),
);
const snapshot = fc
  .record({
    boms: fc.integer({ min: 0, max: 2 }),
    blankLines: fc.array(fc.constantFrom('\n', '\r\n'), { maxLength: 2 }),
    fields: fc.array(field, { maxLength: 5 }),
    newline: fc.constantFrom('\n', '\r\n', ''),
    row: fc.option(fc.constantFrom('a@x.io,1', '"b@x.io","2"', '"never closed'), {
      nil: undefined,
    }),
  })
  .map(({ boms, blankLines, fields, newline, row }) =>
    Buffer.from(
      '\uFEFF'.repeat(boms) +
        blankLines.join('') +
        fields.join(',') +
        newline +
        (row !== undefined && newline ? `${row}${newline}` : ''),
    ),
  );

describe('the CSV header as the catalog and a run read it', () => {
  it('agrees on the columns, or on why there are none', async () => {
    await fc.assert(
      fc.asyncProperty(snapshot, async (bytes) => {
        expect(catalogAnswer(bytes)).toEqual(await runAnswer(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('never decides otherwise from part of the snapshot: it asks for more instead', async () => {
    await fc.assert(
      fc.asyncProperty(snapshot, fc.nat(), async (bytes, cut) => {
        const partial = catalogAnswer(bytes, cut % (bytes.length + 1));
        if (partial) expect(partial).toEqual(await runAnswer(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('names the columns the run keys its rows by', async () => {
    const bytes = Buffer.from(
      '\uFEFF"email","last, first","notes\r\nline 2","say ""hi"""\r\na@x.io,1,2,3\r\n',
    );
    const rows: SnapshotRow[] = [];
    for await (const chunk of readSnapshotRows(Readable.from([bytes]), 'csv', false))
      rows.push(...chunk);
    expect(rows[0]).toMatchObject({ kind: 'row' });
    expect(catalogAnswer(bytes)).toEqual({ columns: Object.keys(rows[0]?.values ?? {}) });
    expect(catalogAnswer(bytes)).toEqual({
      columns: ['email', 'last, first', 'notes\r\nline 2', 'say "hi"'],
    });
  });

  it('agrees on a snapshot that starts with a blank line, which names no column in RFC 4180', async () => {
    const bytes = Buffer.from('\r\nemail\r\na@x.io\r\n');
    expect(catalogAnswer(bytes)).toEqual({ columns: ['email'] });
    expect(await runAnswer(bytes)).toEqual({ columns: ['email'] });
  });
});
