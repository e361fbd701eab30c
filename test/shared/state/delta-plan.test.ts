import { planDelta } from '../../../shared/state/delta-plan';
import { type SubscribeChange } from '../../../shared/state/delta-plan';
import { dataFieldsHash } from '../../../shared/state/member-hash';
import type { Member } from '../../../shared/snapshot/segment-members';
import { StateTable } from '../../../shared/state/state-table';

/** The members in chunks of two, as the planner receives them. */
function membersOf(list: Member[]): AsyncIterable<Member[]> {
  return (async function* () {
    for (let start = 0; start < list.length; start += 2) {
      await Promise.resolve();
      yield list.slice(start, start + 2);
    }
  })();
}

const member = (email: string, dataFields: Record<string, unknown> = {}): Member => ({
  email,
  dataFields,
});
const previous = new Map([
  ['same@example.com', dataFieldsHash({ city: 'Oslo' })],
  ['changed@example.com', dataFieldsHash({ city: 'Rome' })],
  ['left@example.com', dataFieldsHash({})],
]);
const segment = [
  member('same@example.com', { city: 'Oslo' }),
  member('changed@example.com', { city: 'Paris' }),
  member('new@example.com'),
];

async function plan(mode: 'delta' | 'full', syncMode: 'mirror' | 'addOnly') {
  const sent: [string, SubscribeChange][] = [];
  // The plan takes the previous state over and turns it into the next one: give it a copy.
  const state = new StateTable(previous);
  const result = await planDelta(membersOf(segment), state, { mode, syncMode }, (m, change) => {
    sent.push([m.email, change]);
  });
  return { ...result, sent };
}

describe('planDelta', () => {
  it('sends only new and changed members in delta mode and unsubscribes leavers in mirror mode', async () => {
    const { sent, removed, counts, next } = await plan('delta', 'mirror');
    expect(sent).toEqual([
      ['changed@example.com', 'updated'],
      ['new@example.com', 'added'],
    ]);
    expect(removed).toEqual(['left@example.com']);
    expect(counts).toEqual({
      total: 3,
      added: 1,
      updated: 1,
      unchanged: 1,
      removed: 1,
      duplicates: 0,
    });
    expect([...next.keys()].sort()).toEqual([
      'changed@example.com',
      'new@example.com',
      'same@example.com',
    ]);
    expect(next.get('changed@example.com')).toBe(dataFieldsHash({ city: 'Paris' }));
    expect(next.get('same@example.com')).toBe(dataFieldsHash({ city: 'Oslo' }));
  });

  it('never unsubscribes in addOnly mode and keeps leavers in the record', async () => {
    const { removed, counts, next } = await plan('delta', 'addOnly');
    expect(removed).toEqual([]);
    expect(counts.removed).toBe(0);
    expect(next.has('left@example.com')).toBe(true);
  });

  it('keeps the first row of an address that comes twice', async () => {
    const sent: Member[] = [];
    const result = await planDelta(
      membersOf([member('new@example.com', { n: 1 }), member('new@example.com', { n: 2 })]),
      new StateTable(),
      { mode: 'delta', syncMode: 'mirror' },
      (m) => {
        sent.push(m);
      },
    );
    expect(sent).toEqual([member('new@example.com', { n: 1 })]);
    expect(result.counts).toMatchObject({ total: 1, added: 1, duplicates: 1 });
    expect(result.next.get('new@example.com')).toBe(dataFieldsHash({ n: 1 }));
  });

  it('counts a row refused after its address came as a rejection, not as a duplicate', async () => {
    const refused: Member = { email: 'new@example.com', dataFields: {}, refused: true };
    const result = await planDelta(
      membersOf([member('new@example.com'), refused, member('new@example.com'), refused]),
      new StateTable(),
      { mode: 'delta', syncMode: 'mirror' },
      () => undefined,
    );
    expect(result.counts).toMatchObject({ total: 1, added: 1, duplicates: 1 });
  });

  it('sends every member again in full mode', async () => {
    const { sent, counts } = await plan('full', 'mirror');
    expect(sent.map(([email]) => email)).toEqual([
      'same@example.com',
      'changed@example.com',
      'new@example.com',
    ]);
    expect(sent[0]?.[1]).toBe('resent');
    expect(counts).toMatchObject({ added: 1, updated: 1, unchanged: 1 });
  });
});
