import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { readSnapshotRows, type SnapshotRow } from '../../../shared/pipeline/snapshot-rows';

async function collect(rows: AsyncIterable<SnapshotRow>): Promise<SnapshotRow[]> {
  const all: SnapshotRow[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

/** Delivers the text in small chunks, as a blob download does, so records straddle chunks. */
function chunked(content: Buffer | string, size = 7): Readable {
  const buffer = Buffer.from(content);
  const parts: Buffer[] = [];
  for (let offset = 0; offset < buffer.length; offset += size)
    parts.push(buffer.subarray(offset, offset + size));
  return Readable.from(parts);
}

describe('readSnapshotRows', () => {
  it('reads CSV with a BOM, CRLF, quoted commas and newlines, keyed by the header', async () => {
    const csv =
      '\uFEFFemail,"Full, name",note\r\nann@example.com,"Ann, A.","line one\r\nline two"\r\nbo@example.com,Bo,\r\n';
    const rows = await collect(readSnapshotRows(chunked(csv), 'csv', false));
    expect(rows).toEqual([
      {
        kind: 'row',
        line: 2,
        values: { email: 'ann@example.com', 'Full, name': 'Ann, A.', note: 'line one\r\nline two' },
      },
      { kind: 'row', line: 3, values: { email: 'bo@example.com', 'Full, name': 'Bo', note: '' } },
    ]);
  });

  it('reads gzip-compressed JSON lines and reports lines that are not objects', async () => {
    const jsonl = '{"email":"a@example.com","n":1}\n\nnot json\n[1,2]\n{"email":"b@example.com"}\n';
    const rows = await collect(readSnapshotRows(chunked(gzipSync(jsonl)), 'jsonl', true));
    expect(rows).toEqual([
      { kind: 'row', line: 1, values: { email: 'a@example.com', n: 1 } },
      { kind: 'unreadable', line: 3, reason: 'invalidJson' },
      { kind: 'unreadable', line: 4, reason: 'notAnObject' },
      { kind: 'row', line: 5, values: { email: 'b@example.com' } },
    ]);
  });

  it('reads gzip-compressed CSV', async () => {
    const rows = await collect(
      readSnapshotRows(chunked(gzipSync('email\nx@example.com\n')), 'csv', true),
    );
    expect(rows).toEqual([{ kind: 'row', line: 2, values: { email: 'x@example.com' } }]);
  });

  it('fails on a corrupt gzip stream instead of ending early', async () => {
    const corrupt = Buffer.concat([
      gzipSync('email\nx@example.com\n').subarray(0, 20),
      Buffer.from('garbage'),
    ]);
    await expect(collect(readSnapshotRows(chunked(corrupt), 'csv', true))).rejects.toThrow();
  });

  it('streams a large snapshot without holding it whole', async () => {
    let produced = 0;
    const total = 200_000;
    const source = Readable.from(
      (function* () {
        yield 'email,n\n';
        for (let index = 0; index < total; index++) {
          produced++;
          yield `user${index}@example.com,${index}\n`;
        }
      })(),
    );
    let count = 0;
    for await (const row of readSnapshotRows(source, 'csv', false)) {
      if (row.kind === 'row') count++;
      // The reader pulls as it goes: it never runs far ahead of the consumer.
      if (count === 1000) expect(produced).toBeLessThan(total);
    }
    expect(count).toBe(total);
  });
});
