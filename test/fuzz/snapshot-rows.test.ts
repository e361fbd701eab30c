import { Readable } from 'node:stream';
import fc from 'fast-check';
import { normalizeEmail } from '../../shared/snapshot/email-address';
import { segmentMembers, type Member, type Rejection } from '../../shared/snapshot/segment-members';
import type { MemberMapping } from '../../shared/snapshot/segment-members';
import { SnapshotEvidence } from '../../shared/snapshot/snapshot-evidence';
import {
  readSnapshotRows,
  SnapshotUnreadableError,
  type SnapshotFormat,
} from '../../shared/snapshot/snapshot-rows';
import { type SnapshotRow } from '../../shared/snapshot/snapshot-row';

/**
 * Snapshot reading as a property: whatever the rows hold, however the bytes are cut into chunks
 * (multi-byte characters split included), every record becomes exactly one member or one
 * rejection naming its row, in order. FUZZ_RUNS=<factor> searches longer.
 */

const scale = Number(process.env.FUZZ_RUNS ?? 1) || 1;
const runs = (count: number) => Math.max(1, Math.round(count * scale));

const mapping: MemberMapping = { emailField: 'email', dataFields: { firstName: 'first_name' } };

/** The snapshot's bytes as a stream cut at the given offsets. */
function streamOf(bytes: Buffer, cuts: number[]): Readable {
  const offsets = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const offset of [...offsets, bytes.length]) {
    if (offset > start) chunks.push(bytes.subarray(start, offset));
    start = Math.max(start, offset);
  }
  return Readable.from(chunks, { objectMode: false });
}

async function readAll(
  bytes: Buffer,
  format: SnapshotFormat,
  cuts: number[],
  using: MemberMapping = mapping,
) {
  const members: Member[] = [];
  const rejections: Rejection[] = [];
  const evidence = new SnapshotEvidence();
  const rows = readSnapshotRows(streamOf(bytes, cuts), format, false);
  try {
    for await (const chunk of segmentMembers(
      rows,
      using,
      (rejection) => rejections.push(rejection),
      evidence,
    )) {
      members.push(...chunk);
    }
  } catch (error) {
    if (!(error instanceof SnapshotUnreadableError)) throw error;
    return { members, rejections, error: error.message };
  }
  return { members, rejections, unreadableLines: evidence.linesOf('unreadableLines') };
}

interface Expected {
  members: { email: string; firstName?: unknown; refused?: true }[];
  rejections: Rejection[];
}

/** What a record must become: a member with its first name, or a rejection naming its row. */
function expectRecord(expected: Expected, email: unknown, firstName: unknown, line: number) {
  const normalized = normalizeEmail(email);
  if (normalized) {
    const member: Expected['members'][number] = { email: normalized };
    if (firstName !== undefined && firstName !== '') member.firstName = firstName;
    expected.members.push(member);
    return;
  }
  const text = typeof email === 'string' ? email.trim() : '';
  expected.rejections.push({
    email: text,
    reason: text ? 'invalidEmail' : 'missingEmail',
    line,
  });
}

const simplified = (members: Member[]) =>
  members.map(({ email, dataFields, refused }) => ({
    email,
    ...(dataFields.firstName === undefined ? {} : { firstName: dataFields.firstName }),
    ...(refused ? { refused } : {}),
  }));

const csvCell = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.emailAddress(),
  fc.constantFrom('a,b', 'say "hi"', 'two\nlines', 'crlf\r\ninside', ' padded ', '', 'Ünïcødé 🧪'),
);
const emailCell = fc.oneof(
  { weight: 3, arbitrary: fc.emailAddress() },
  { weight: 1, arbitrary: fc.constantFrom('', '  ', 'not-an-email', ' MiXeD@Example.COM ') },
  { weight: 1, arbitrary: csvCell },
);

/** RFC 4180 text: a field is quoted when it must be, and sometimes when it need not be. */
function csvField(value: string, quote: boolean): string {
  return quote || /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const csvSnapshot = fc.record({
  rows: fc.array(
    fc.record({
      email: emailCell,
      // Ragged rows: fewer cells than the header (no first name, even no e-mail) or more.
      rest: fc.array(csvCell, { maxLength: 4 }),
      width: fc.integer({ min: 0, max: 5 }),
      quote: fc.boolean(),
    }),
    { maxLength: 40 },
  ),
  bom: fc.boolean(),
  newline: fc.constantFrom('\n', '\r\n'),
  trailingNewline: fc.boolean(),
  cuts: fc.array(fc.nat(), { maxLength: 8 }),
});

const jsonLine = fc.oneof(
  fc.record({
    kind: fc.constant('object' as const),
    email: fc.oneof(
      fc.emailAddress(),
      fc.constantFrom('', 'nope', ' UP@Example.com '),
      fc.jsonValue({ maxDepth: 1 }),
    ),
    firstName: fc.option(fc.string({ unit: 'grapheme', maxLength: 10 }), { nil: undefined }),
    other: fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), {
      maxKeys: 2,
    }),
  }),
  // A broken line, and the e-mail its text still holds (undefined when none can be read).
  fc
    .oneof(
      fc
        .string({ unit: 'grapheme', maxLength: 20 })
        .filter((text) => !text.includes('"'))
        .map((text) => ({ text: `{"email":"${text}`, email: undefined })),
      fc.constantFrom(
        { text: '{', email: undefined },
        { text: '{email}', email: undefined },
        { text: "{'email':'a@x.io'}", email: undefined },
        { text: 'undefined', email: undefined },
        { text: '{"email":"a@x.io",}', email: 'a@x.io' },
        { text: '{"email":"a@x.io","boss":{"email":"b@x.io"}', email: undefined },
      ),
      // A good line cut short: its e-mail is known once its string is whole.
      fc
        .record({
          email: emailCell,
          firstName: fc.string({ unit: 'grapheme', maxLength: 10 }),
          emailFirst: fc.boolean(),
          cut: fc.nat(),
        })
        .map(({ email, firstName, emailFirst, cut }) => {
          const value = emailFirst
            ? { email, first_name: firstName }
            : { first_name: firstName, email };
          const whole = JSON.stringify(value);
          const text = whole.slice(0, cut % whole.length);
          // Where the e-mail's string ends: before the name, or just before the closing brace.
          const emailEnd = emailFirst
            ? '{"email":'.length + JSON.stringify(email).length
            : whole.length - 1;
          return {
            text,
            email: text.length >= emailEnd && normalizeEmail(email) ? email : undefined,
          };
        }),
    )
    .filter(({ text }) => text.trim() !== '' && !/[\r\n]/.test(text) && !parses(text))
    .map((broken) => ({ kind: 'broken' as const, ...broken })),
  fc.record({
    kind: fc.constant('notAnObject' as const),
    value: fc.oneof(
      fc.constant(null),
      fc.integer(),
      fc.string({ maxLength: 8 }),
      fc.array(fc.integer(), { maxLength: 3 }),
    ),
  }),
  fc.record({ kind: fc.constant('blank' as const), text: fc.constantFrom('', ' ', '\t', '\r') }),
);

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const jsonLinesSnapshot = fc.record({
  lines: fc.array(jsonLine, { maxLength: 40 }),
  bom: fc.boolean(),
  newline: fc.constantFrom('\n', '\r\n'),
  trailingNewline: fc.boolean(),
  cuts: fc.array(fc.nat(), { maxLength: 8 }),
});

describe('reading a snapshot, as a property', () => {
  it('turns every record of a well-formed CSV into one member or one rejection with its row', async () => {
    await fc.assert(
      fc.asyncProperty(csvSnapshot, async (snapshot) => {
        const expected: Expected = { members: [], rejections: [] };
        const lines = ['email,first_name,city'];
        snapshot.rows.forEach((row, index) => {
          const cells = [row.email, ...row.rest].slice(0, Math.max(1, row.width));
          let text = cells.map((cell) => csvField(cell, row.quote)).join(',');
          // A line with nothing on it is no record at all; a quoted empty field is one.
          if (text === '') text = '""';
          lines.push(text);
          expectRecord(expected, cells[0], cells[1], index + 2);
        });
        const text =
          lines.join(snapshot.newline) + (snapshot.trailingNewline ? snapshot.newline : '');
        const bytes = Buffer.from((snapshot.bom ? '\ufeff' : '') + text, 'utf8');
        const read = await readAll(bytes, 'csv', snapshot.cuts);
        expect(read.rejections).toEqual(expected.rejections);
        expect(simplified(read.members)).toEqual(expected.members);
      }),
      { numRuns: runs(200) },
    );
  });

  it('turns every JSON line into one member or one rejection with its line, broken ones included', async () => {
    await fc.assert(
      fc.asyncProperty(jsonLinesSnapshot, async (snapshot) => {
        const expected: Expected = { members: [], rejections: [] };
        // Broken lines whose e-mail cannot be read.
        const unknown: number[] = [];
        const texts = snapshot.lines.map((line, index) => {
          const number = index + 1;
          switch (line.kind) {
            case 'blank':
              return line.text;
            case 'broken':
              expected.rejections.push({
                email: line.email?.trim() ?? '',
                reason: 'unreadableRow',
                line: number,
              });
              if (line.email !== undefined) {
                expected.members.push({ email: normalizeEmail(line.email)!, refused: true });
              } else {
                unknown.push(number);
              }
              return line.text;
            case 'notAnObject':
              expected.rejections.push({ email: '', reason: 'unreadableRow', line: number });
              unknown.push(number);
              return JSON.stringify(line.value);
            case 'object': {
              const value = { ...line.other, email: line.email, first_name: line.firstName };
              expectRecord(expected, line.email, line.firstName, number);
              return JSON.stringify(value);
            }
          }
        });
        const text =
          texts.join(snapshot.newline) + (snapshot.trailingNewline ? snapshot.newline : '');
        const bytes = Buffer.from((snapshot.bom ? '\ufeff' : '') + text, 'utf8');
        // Every broken line is a rejection; one whose e-mail cannot be read is counted as
        // unreadable, so the planner removes no one, and the rest of the snapshot is still read.
        const read = await readAll(bytes, 'jsonl', snapshot.cuts, mapping);
        expect(read.error).toBeUndefined();
        expect(read.rejections).toEqual(expected.rejections);
        expect(simplified(read.members)).toEqual(expected.members);
        expect(read.unreadableLines).toEqual(unknown.slice(0, 5));
      }),
      { numRuns: runs(200) },
    );
  });

  // Broken quotes, bytes that are not UTF-8 and stray CRs, BOMs and blank lines: whatever the
  // bytes, reading ends in rows or in the one error that names where the snapshot broke, and
  // the same one however the bytes arrive.
  it('reads any bytes the same however they are cut, or refuses them naming a row or line', async () => {
    const piece = fc.oneof(
      fc.constantFrom('a', 'x@y.io', ',', '"', '""', '\n', '\r\n', '\r', 'é', '\ufeff', '{}'),
      fc.constantFrom(Buffer.from([0xe9]), Buffer.from([0xc3]), Buffer.from([0xf0, 0x9f])),
    );
    const snapshot = fc.record({
      pieces: fc.array(piece, { maxLength: 60 }),
      format: fc.constantFrom<SnapshotFormat>('csv', 'jsonl'),
      cuts: fc.array(fc.nat(), { maxLength: 8 }),
    });
    const outcome = async (bytes: Buffer, format: SnapshotFormat, cuts: number[]) => {
      const rows: SnapshotRow[] = [];
      try {
        for await (const chunk of readSnapshotRows(streamOf(bytes, cuts), format, false))
          rows.push(...chunk);
        return { rows };
      } catch (error) {
        if (!(error instanceof SnapshotUnreadableError)) throw error;
        expect(error.message).toMatch(/\b(row|line) \d+|header/);
        return { rows, error: error.message };
      }
    };
    await fc.assert(
      fc.asyncProperty(snapshot, async ({ pieces, format, cuts }) => {
        const bytes = Buffer.concat(pieces.map((part) => Buffer.from(part)));
        const whole = await outcome(bytes, format, []);
        expect(await outcome(bytes, format, cuts)).toEqual(whole);
        const lines = whole.rows.map((row) => row.line);
        expect(lines).toEqual([...new Set(lines)].sort((a, b) => a - b));
      }),
      { numRuns: runs(300) },
    );
  });
});
