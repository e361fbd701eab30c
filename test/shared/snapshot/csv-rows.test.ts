import { Readable } from 'node:stream';
import {
  readSnapshotRows,
  SnapshotUnreadableError,
  type SnapshotFormat,
} from '../../../shared/snapshot/snapshot-rows';
import { type SnapshotRow } from '../../../shared/snapshot/snapshot-row';

async function rowsOf(content: Buffer | string, format: SnapshotFormat = 'csv', size = 5) {
  const buffer = Buffer.from(content);
  const parts: Buffer[] = [];
  for (let offset = 0; offset < buffer.length; offset += size)
    parts.push(buffer.subarray(offset, offset + size));
  const rows: SnapshotRow[] = [];
  for await (const chunk of readSnapshotRows(Readable.from(parts), format, false))
    rows.push(...chunk);
  return rows;
}

describe('reading CSV with broken quotes', () => {
  it.each([
    ['a quote inside an unquoted field', 'ada@example.com,Ada "the first"', 'quoteInUnquotedField'],
    ['text after a closing quote', '"ada@example.com"x,Ada', 'textAfterClosingQuote'],
    ['a quote never closed on the last line', 'ada@example.com,"Ada', 'quoteNotClosed'],
  ])(
    'keeps a record with %s as unreadable, with its line cut at commas',
    async (_kind, bad, reason) => {
      for (const newline of ['\n', '\r\n']) {
        const csv = ['email,first_name', 'grace@example.com,Grace', bad, ''].join(newline);
        const rows = await rowsOf(csv);
        expect(rows[0]).toEqual({
          kind: 'row',
          line: 2,
          values: { email: 'grace@example.com', first_name: 'Grace' },
        });
        expect(rows[1]).toMatchObject({ kind: 'unreadable', line: 3, reason });
        expect(rows).toHaveLength(2);
      }
    },
  );

  it('reads on at the next line after a broken record, counting it as a row', async () => {
    const rows = await rowsOf(
      'email,first_name\nada@example.com,Ada "the first"\n\ngrace@example.com,"Grace, ""G"""\n',
    );
    expect(rows).toEqual([
      {
        kind: 'unreadable',
        line: 2,
        reason: 'quoteInUnquotedField',
        values: { email: 'ada@example.com', first_name: 'Ada "the first"' },
      },
      {
        kind: 'row',
        line: 3,
        values: { email: 'grace@example.com', first_name: 'Grace, "G"' },
      },
    ]);
  });

  it('refuses the snapshot, naming the row and line, when a broken record spans lines', async () => {
    // Row 3 starts on line 4; its quote closes on line 6, so the rows between may be its text.
    const csv =
      'email,first_name\nada@example.com,"Ada\n"\nbo@example.com,"Bo\ncy@example.com,Cy\ndi@example.com,"Di"x\n';
    await expect(rowsOf(csv)).rejects.toThrow(SnapshotUnreadableError);
    await expect(rowsOf(csv)).rejects.toThrow(/row 3 \(from line 4\).*text after a closing quote/);
  });

  it('refuses the snapshot when a quote is never closed and rows follow it', async () => {
    const csv = 'email,first_name\nada@example.com,"Ada\nbo@example.com,Bo\n';
    await expect(rowsOf(csv)).rejects.toThrow(/row 2 \(from line 2\).*never closed/);
  });

  it('refuses the snapshot when its header is broken', async () => {
    await expect(rowsOf('email,"first"name\nada@example.com,Ada\n')).rejects.toThrow(/header row/);
  });

  it('keeps counting physical lines through quoted line breaks', async () => {
    const rows = await rowsOf(
      'email,note\r\na@example.com,"one\r\ntwo"\r\nb@example.com,"x" y\r\nc@example.com,z\r\n',
    );
    expect(rows.map((row) => [row.kind, row.line])).toEqual([
      ['row', 2],
      ['unreadable', 3],
      ['row', 4],
    ]);
  });
});

describe('reading snapshots with bytes that are not UTF-8', () => {
  const latin1 = (before: string, after: string) =>
    Buffer.concat([Buffer.from(before), Buffer.from([0xe9]), Buffer.from(after)]);

  it('marks the CSV record that holds them, and only that one, however the bytes are cut', async () => {
    const csv = latin1(
      'email,first_name\nada@example.com,"Ada\nLovelace"\njose@example.com,Jos',
      '\ngrace@example.com,Grace\n',
    );
    for (const size of [1, 3, 7, 64, 1000]) {
      const rows = await rowsOf(csv, 'csv', size);
      expect(rows.map((row) => (row.kind === 'row' ? row.invalidUtf8 : undefined))).toEqual([
        undefined,
        true,
        undefined,
      ]);
      expect(rows[1]).toMatchObject({ values: { first_name: 'Jos\ufffd' } });
    }
  });

  it('marks a JSON line that holds them', async () => {
    const jsonl = latin1(
      '{"email":"ada@example.com"}\n{"email":"jose@example.com","first_name":"Jos',
      '"}\n',
    );
    const rows = await rowsOf(jsonl, 'jsonl');
    expect(rows).toEqual([
      { kind: 'row', line: 1, values: { email: 'ada@example.com' } },
      {
        kind: 'row',
        line: 2,
        values: { email: 'jose@example.com', first_name: 'Jos\ufffd' },
        invalidUtf8: true,
      },
    ]);
  });

  it('does not mark a U+FFFD that the snapshot holds as UTF-8', async () => {
    const rows = await rowsOf('email,first_name\nada@example.com,A\ufffd\n');
    expect(rows).toEqual([
      { kind: 'row', line: 2, values: { email: 'ada@example.com', first_name: 'A\ufffd' } },
    ]);
  });
});

describe('reading columns named like Object.prototype members', () => {
  it('keeps __proto__ and constructor as own values', async () => {
    const rows = await rowsOf('email,constructor,__proto__\na@example.com,Ctor,Proto\n');
    const values = (rows[0] as { values: Record<string, unknown> }).values;
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
    expect(Object.entries(values)).toEqual([
      ['email', 'a@example.com'],
      ['constructor', 'Ctor'],
      ['__proto__', 'Proto'],
    ]);
  });
});

describe('reading very long lines', () => {
  it('reads a line of several megabytes', async () => {
    const long = 'x'.repeat(3 * 1024 * 1024);
    const rows = await rowsOf(`email,note\na@example.com,${long}\nb@example.com,y\n`, 'csv', 65536);
    expect(rows.map((row) => row.line)).toEqual([2, 3]);
    expect(rows[0]?.values?.note).toHaveLength(long.length);
  });
});
