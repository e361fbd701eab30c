import { maxMemberBytes } from '../../../shared/clients/iterable/batch-limits';
import { planDelta } from '../../../shared/state/delta-plan';
import { type SubscribeChange } from '../../../shared/state/delta-plan';
import { dataFieldsHash } from '../../../shared/state/member-hash';
import {
  segmentMembers,
  type Member,
  type MemberMapping,
  type Rejection,
} from '../../../shared/snapshot/segment-members';
import { SnapshotEvidence } from '../../../shared/snapshot/snapshot-evidence';
import type { SnapshotRow } from '../../../shared/snapshot/snapshot-row';
import { StateTable } from '../../../shared/state/state-table';

const mapping: MemberMapping = { emailField: 'email', dataFields: { firstName: 'first_name' } };

async function membersOf(rows: SnapshotRow[], using: MemberMapping = mapping) {
  const members: Member[] = [];
  const rejections: Rejection[] = [];
  const evidence = new SnapshotEvidence();
  const chunks = (async function* () {
    await Promise.resolve();
    yield rows;
  })();
  for await (const chunk of segmentMembers(
    chunks,
    using,
    (rejection) => rejections.push(rejection),
    evidence,
  ))
    members.push(...chunk);
  return { members, rejections, evidence };
}

describe('segmentMembers refusing rows whose address is known', () => {
  it('refuses a row whose mapped field held bytes that are not UTF-8', async () => {
    const { members, rejections } = await membersOf([
      {
        kind: 'row',
        line: 2,
        values: { email: 'Jose@Example.com', first_name: 'Jos\ufffd' },
        invalidUtf8: true,
      },
      // The bad bytes were in a column that is not sent: the member goes.
      {
        kind: 'row',
        line: 3,
        values: { email: 'ada@example.com', first_name: 'Ada', note: '\ufffd' },
        invalidUtf8: true,
      },
    ]);
    expect(rejections).toEqual([{ email: 'Jose@Example.com', reason: 'invalidUtf8', line: 2 }]);
    expect(members).toEqual([
      { email: 'jose@example.com', dataFields: {}, refused: true },
      { email: 'ada@example.com', dataFields: { firstName: 'Ada' } },
    ]);
  });

  it('refuses a member larger than a batch may be, measured in bytes', async () => {
    // Three bytes a character in UTF-8: under the limit in characters, over it in bytes.
    const large = '€'.repeat(Math.ceil(maxMemberBytes / 3));
    const nested = { list: ['x'.repeat(maxMemberBytes)] };
    const { members, rejections } = await membersOf(
      [
        { kind: 'row', line: 1, values: { email: 'big@example.com', first_name: large } },
        { kind: 'row', line: 2, values: { email: 'nested@example.com', first_name: nested } },
        {
          kind: 'row',
          line: 3,
          values: { email: 'fits@example.com', first_name: 'x'.repeat(1e5) },
        },
      ],
      mapping,
    );
    expect(rejections).toEqual([
      { email: 'big@example.com', reason: 'memberTooLarge', line: 1 },
      { email: 'nested@example.com', reason: 'memberTooLarge', line: 2 },
    ]);
    expect(members.map(({ email, refused }) => ({ email, refused }))).toEqual([
      { email: 'big@example.com', refused: true },
      { email: 'nested@example.com', refused: true },
      { email: 'fits@example.com', refused: undefined },
    ]);
  });

  it('refuses a CSV row with broken quotes whose e-mail its cells still give', async () => {
    const { members, rejections } = await membersOf([
      {
        kind: 'unreadable',
        line: 3,
        reason: 'quoteInUnquotedField',
        values: { email: 'ada@example.com', first_name: 'Ada "the first"' },
      },
    ]);
    expect(rejections).toEqual([{ email: 'ada@example.com', reason: 'unreadableRow', line: 3 }]);
    expect(members).toEqual([{ email: 'ada@example.com', dataFields: {}, refused: true }]);
  });

  it('refuses a broken JSON line whose text still holds the e-mail field', async () => {
    const broken = (line: number, text: string): SnapshotRow => ({
      kind: 'unreadable',
      line,
      reason: 'invalidJson',
      text,
    });
    const { members, rejections } = await membersOf([
      broken(1, '{"email":"ada@example.com","first_name":"Ada'),
      // Escapes are decoded as JSON decodes them, spaces around the colon allowed.
      broken(2, '{"first_name":"Grace", "email" : " Grace\\u0040Example.com ",'),
      { kind: 'unreadable', line: 3, reason: 'notAnObject', text: '[{"email":"bo@example.com"}]' },
      // The same address twice is still one address.
      broken(4, '{"email":"cy@example.com","boss":{"email":"CY@example.com"}'),
    ]);
    expect(rejections).toEqual([
      { email: 'ada@example.com', reason: 'unreadableRow', line: 1 },
      { email: 'Grace@Example.com', reason: 'unreadableRow', line: 2 },
      { email: 'bo@example.com', reason: 'unreadableRow', line: 3 },
      { email: 'cy@example.com', reason: 'unreadableRow', line: 4 },
    ]);
    expect(members).toEqual(
      ['ada', 'grace', 'bo', 'cy'].map((name) => ({
        email: `${name}@example.com`,
        dataFields: {},
        refused: true,
      })),
    );
  });

  it.each([
    ['no e-mail field', '{"first_name":"Ada"'],
    ['an e-mail string never closed', '{"email":"ada@example.com'],
    ['a quote escaped in the e-mail', '{"email":"ada@example.com\\"'],
    ['the field only inside a string', '{"note":"\\"email\\":\\"ada@example.com\\"",'],
    ['an invalid address', '{"email":"not-an-email",'],
    ['two different addresses', '{"email":"ada@example.com","boss":{"email":"bo@example.com"}'],
    ['a value that is not a string', '{"email":["ada@example.com"],'],
  ])(
    'rejects a broken JSON line with %s and counts it as unreadable, naming the line',
    async (_kind, text) => {
      const row: SnapshotRow = { kind: 'unreadable', line: 5, reason: 'invalidJson', text };
      const read = await membersOf([row]);
      expect(read.rejections).toEqual([{ email: '', reason: 'unreadableRow', line: 5 }]);
      expect(read.members).toEqual([]);
      // The planner removes no one from a list whose snapshot had such a line.
      expect(read.evidence.counts).toMatchObject({ rows: 1, unreadable: 1 });
      expect(read.evidence.linesOf('unreadableLines')).toEqual([5]);
    },
  );

  it('counts a line that is not a JSON object as unreadable, naming the line', async () => {
    const row: SnapshotRow = { kind: 'unreadable', line: 2, reason: 'notAnObject', text: 'null' };
    const read = await membersOf([row]);
    expect(read.rejections).toEqual([{ email: '', reason: 'unreadableRow', line: 2 }]);
    expect(read.evidence.linesOf('unreadableLines')).toEqual([2]);
  });

  it('does not count a broken line whose e-mail is known as unreadable', async () => {
    const text = '{"email":"ada@example.com","first_name":"A';
    const read = await membersOf([{ kind: 'unreadable', line: 3, reason: 'invalidJson', text }]);
    expect(read.members).toEqual([{ email: 'ada@example.com', dataFields: {}, refused: true }]);
    expect(read.evidence.counts).toMatchObject({ rows: 1, unreadable: 0 });
  });

  it('looks for the e-mail field by its exact name, whatever characters it holds', async () => {
    const row = (text: string): SnapshotRow => ({
      kind: 'unreadable',
      line: 1,
      reason: 'invalidJson',
      text,
    });
    const using = (emailField: string) => ({ ...mapping, emailField });
    // Read as a pattern, `e.mail` would match `eXmail`, and `(` would not compile.
    expect(
      (await membersOf([row('{"eXmail":"ada@example.com",')], using('e.mail'))).members,
    ).toEqual([]);
    for (const field of ['e.mail', 'mail (work)', 'a"quote', 'back\\slash', '[x]+{2}$']) {
      const text = `{${JSON.stringify(field)}:"ada@example.com",`;
      expect((await membersOf([row(text)], using(field))).members).toEqual([
        { email: 'ada@example.com', dataFields: {}, refused: true },
      ]);
    }
  });

  it('rejects a broken CSV row whose e-mail cannot be read and counts it as unreadable', async () => {
    const row: SnapshotRow = {
      kind: 'unreadable',
      line: 7,
      reason: 'textAfterClosingQuote',
      values: { email: 'ada@example.com"x', first_name: 'Ada' },
    };
    const read = await membersOf([row]);
    expect(read.rejections).toEqual([{ email: '', reason: 'unreadableRow', line: 7 }]);
    expect(read.members).toEqual([]);
    expect(read.evidence.linesOf('unreadableLines')).toEqual([7]);
  });

  it('reads columns and fields named like Object.prototype members as plain data', async () => {
    const values = JSON.parse('{"email":"a@example.com","__proto__":"Proto"}') as Record<
      string,
      unknown
    >;
    // Parsed, as a stored export is: a literal `__proto__` key would set the prototype.
    const dataFieldMap = JSON.parse(
      '{"ctor":"constructor","proto":"__proto__","__proto__":"email"}',
    ) as Record<string, string>;
    const { members } = await membersOf([{ kind: 'row', line: 1, values }], {
      emailField: 'email',
      dataFields: dataFieldMap,
    });
    expect(members).toHaveLength(1);
    const dataFields = members[0]!.dataFields;
    expect(Object.getPrototypeOf(dataFields)).toBe(Object.prototype);
    // Nothing inherited (no `constructor` in the row); `__proto__` a field like any other.
    expect(JSON.stringify(dataFields)).toBe('{"__proto__":"a@example.com","proto":"Proto"}');
  });
});

describe('planDelta with refused members', () => {
  it('neither sends nor removes a refused member, and keeps what was exported for it', async () => {
    const previous = new StateTable([
      ['kept@example.com', dataFieldsHash({ firstName: 'Kept' })],
      ['left@example.com', dataFieldsHash({})],
    ]);
    const sent: [string, SubscribeChange][] = [];
    const result = await planDelta(
      (async function* () {
        await Promise.resolve();
        yield [
          { email: 'kept@example.com', dataFields: {}, refused: true as const },
          { email: 'new@example.com', dataFields: {}, refused: true as const },
          { email: 'ada@example.com', dataFields: { firstName: 'Ada' } },
        ];
      })(),
      previous,
      { mode: 'full', syncMode: 'mirror' },
      (member, change) => {
        sent.push([member.email, change]);
      },
    );
    expect(sent).toEqual([['ada@example.com', 'added']]);
    expect(result.removed).toEqual(['left@example.com']);
    expect(result.counts).toMatchObject({ total: 1, added: 1, removed: 1 });
    expect([...result.next].sort()).toEqual(
      [
        ['ada@example.com', dataFieldsHash({ firstName: 'Ada' })],
        ['kept@example.com', dataFieldsHash({ firstName: 'Kept' })],
      ].sort(),
    );
  });
});
