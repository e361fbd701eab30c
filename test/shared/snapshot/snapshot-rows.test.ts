import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { readSnapshotRows } from '../../../shared/snapshot/snapshot-rows';
import { type SnapshotRow } from '../../../shared/snapshot/snapshot-row';

async function collect(chunks: AsyncIterable<SnapshotRow[]>): Promise<SnapshotRow[]> {
  const all: SnapshotRow[] = [];
  for await (const chunk of chunks) all.push(...chunk);
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
      // Their text is kept: the e-mail may still be found in it.
      { kind: 'unreadable', line: 3, reason: 'invalidJson', text: 'not json' },
      { kind: 'unreadable', line: 4, reason: 'notAnObject', text: '[1,2]' },
      { kind: 'row', line: 5, values: { email: 'b@example.com' } },
    ]);
  });

  it('reads JSON lines with a BOM, CRLF, multi-byte characters and no final newline', async () => {
    const jsonl = '\uFEFF{"email":"a@example.com","city":"Kraków"}\r\n{"email":"b@example.com"}';
    const rows = await collect(readSnapshotRows(chunked(jsonl, 5), 'jsonl', false));
    expect(rows).toEqual([
      { kind: 'row', line: 1, values: { email: 'a@example.com', city: 'Kraków' } },
      { kind: 'row', line: 2, values: { email: 'b@example.com' } },
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
    let checked = false;
    for await (const chunk of readSnapshotRows(source, 'csv', false)) {
      count += chunk.filter((row) => row.kind === 'row').length;
      // The reader pulls as it goes: it never runs far ahead of the consumer.
      if (!checked && count >= 1000) {
        expect(produced).toBeLessThan(total / 2);
        checked = true;
      }
    }
    expect(checked).toBe(true);
    expect(count).toBe(total);
  });
});
