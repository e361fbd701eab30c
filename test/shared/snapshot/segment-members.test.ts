import { normalizeEmail } from '../../../shared/snapshot/email-address';
import {
  segmentMembers,
  type Member,
  type Rejection,
} from '../../../shared/snapshot/segment-members';
import type { SnapshotRow } from '../../../shared/snapshot/snapshot-row';

/** Rows in chunks of two, as the snapshot reader delivers them. */
function rowsOf(values: Record<string, unknown>[]): AsyncIterable<SnapshotRow[]> {
  const rows = values.map((row, index) => ({ kind: 'row' as const, line: index + 2, values: row }));
  return (async function* () {
    for (let start = 0; start < rows.length; start += 2) {
      await Promise.resolve();
      yield rows.slice(start, start + 2);
    }
  })();
}

describe('normalizeEmail', () => {
  it.each([
    ['  Ann@Example.COM ', 'ann@example.com'],
    ["o'brien+news@mail.example.co.uk", "o'brien+news@mail.example.co.uk"],
  ])('normalizes %j', (raw, expected) => expect(normalizeEmail(raw)).toBe(expected));

  it.each([
    '',
    'plain',
    '@example.com',
    'a@',
    'a@example',
    'a..b@example.com',
    '.a@example.com',
    'a@-x.com',
    'a b@example.com',
    42,
    null,
  ])('refuses %j', (raw) => expect(normalizeEmail(raw)).toBeUndefined());
});

describe('segmentMembers', () => {
  it('normalizes, maps data fields and reports invalid rows', async () => {
    const rejections: Rejection[] = [];
    const members: Member[] = [];
    const rows = rowsOf([
      { mail: 'Ann@Example.com', first: 'Ann', city: '' },
      { mail: 'ann@example.com ', first: 'Duplicate' },
      { mail: 'not-an-email', first: 'X' },
      { mail: '', first: 'Y' },
      { first: 'Z' },
      { mail: 'bo@example.com', first: 'Bo', city: 'Oslo' },
    ]);
    for await (const chunk of segmentMembers(
      rows,
      { emailField: 'mail', dataFields: { firstName: 'first', city: 'city' } },
      (r) => rejections.push(r),
    )) {
      members.push(...chunk);
    }
    expect(members).toEqual([
      { email: 'ann@example.com', dataFields: { firstName: 'Ann' } },
      // Repeats pass through; the delta plan keeps the first of each address.
      { email: 'ann@example.com', dataFields: { firstName: 'Duplicate' } },
      { email: 'bo@example.com', dataFields: { city: 'Oslo', firstName: 'Bo' } },
    ]);
    // Fields are keyed in sorted order, so their hash needs no sort.
    expect(Object.keys(members[2]!.dataFields)).toEqual(['city', 'firstName']);
    expect(rejections).toEqual([
      { email: 'not-an-email', reason: 'invalidEmail', line: 4 },
      { email: '', reason: 'missingEmail', line: 5 },
      { email: '', reason: 'missingEmail', line: 6 },
    ]);
  });
});
