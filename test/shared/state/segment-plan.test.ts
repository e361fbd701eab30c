import { randomBytes } from 'node:crypto';
import { runStateBlobName } from '../../../shared/work-blobs';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import { BlobServiceClient } from '@azure/storage-blob';
import type { DeltaOptions } from '../../../shared/state/delta-plan';
import type { SubscribeChange } from '../../../shared/state/delta-plan';
import { ExportedStateStore } from '../../../shared/state/exported-state';
import { dataFieldsHash } from '../../../shared/state/member-hash';
import type { Member } from '../../../shared/snapshot/segment-members';
import {
  maxMembersPlannedAtOnce,
  planningPartitions,
  planSegment,
} from '../../../shared/state/segment-plan';
import { partitionOf } from '../../../shared/state/spill-files';

const container = BlobServiceClient.fromConnectionString(
  process.env.AzureWebJobsStorage ?? '',
).getContainerClient(`plan-${randomBytes(4).toString('hex')}`);
const store = new ExportedStateStore(container);

beforeAll(() => container.create());
afterAll(() => container.delete());

/** A previous state of 3,000 members, and a segment that keeps, changes, adds and repeats some. */
function fixture() {
  const previous = new Map<string, number>();
  for (let i = 0; i < 3000; i++)
    previous.set(`user${i}@example.com`, dataFieldsHash({ n: `${i}` }));
  const segment: Member[] = [];
  for (let i = 500; i < 4000; i++) {
    // 500-1999 unchanged, 2000-2999 changed, 3000-3999 new; 0-499 left.
    segment.push({ email: `user${i}@example.com`, dataFields: { n: i < 2000 ? `${i}` : `x${i}` } });
    // Every tenth address comes twice, the second time with other fields: the first must win.
    if (i % 10 === 0) segment.push({ email: `user${i}@example.com`, dataFields: { n: 'second' } });
  }
  return { previous, segment };
}

async function* chunksOf(members: Member[]): AsyncGenerator<Member[]> {
  for (let start = 0; start < members.length; start += 256) {
    await Promise.resolve();
    yield members.slice(start, start + 256);
  }
}

async function plan(
  partitions: number,
  options: DeltaOptions,
  runId: string,
  limits: { inMemoryLimit?: number; hold?: (members: number) => Promise<void> } = {},
) {
  const { previous, segment } = fixture();
  await store.saveRunState('t', 'e', 'previous', 'S', previous);
  const sent = new Map<string, [Record<string, unknown>, SubscribeChange]>();
  const removed: string[] = [];
  const next = store.openRunState('t', 'e', runId, 'S');
  const result = await planSegment({
    members: chunksOf(segment),
    previousBlob: runStateBlobName('t', 'e', 'previous', 'S'),
    partitions,
    options,
    state: store,
    subscribe: (member, change) => {
      expect(sent.has(member.email)).toBe(false);
      sent.set(member.email, [member.dataFields, change]);
    },
    unsubscribe: (emails) => {
      removed.push(...emails);
      return Promise.resolve();
    },
    next,
    ...limits,
  });
  await next.close();
  const state = await store.loadBlob(runStateBlobName('t', 'e', runId, 'S'));
  return { ...result, sent, removed: removed.sort(), state };
}

describe('planSegment', () => {
  it.each([
    ['delta', 'mirror'],
    ['full', 'addOnly'],
  ] as const)(
    'plans a segment in partitions exactly as in memory (%s, %s)',
    async (mode, syncMode) => {
      const options = { mode, syncMode };
      const inMemory = await plan(1, options, `one-${mode}`);
      const partitioned = await plan(7, options, `seven-${mode}`);

      expect(inMemory.counts).toEqual({
        total: 3500,
        added: 1000,
        updated: 1000,
        unchanged: 1500,
        removed: syncMode === 'mirror' ? 500 : 0,
        // Every tenth of the 3,500 addresses came twice: the later rows are dropped.
        duplicates: 350,
      });
      expect(partitioned.counts).toEqual(inMemory.counts);
      expect(partitioned.previousSize).toBe(3000);
      expect(inMemory.previousSize).toBe(3000);
      expect(partitioned.sent).toEqual(inMemory.sent);
      expect(partitioned.sent.get('user2000@example.com')).toEqual([{ n: 'x2000' }, 'updated']);
      expect(partitioned.removed).toEqual(inMemory.removed);
      expect(new Map([...partitioned.state].sort())).toEqual(new Map([...inMemory.state].sort()));
      expect(await store.memberCount(runStateBlobName('t', 'e', `seven-${mode}`, 'S'))).toBe(
        partitioned.state.size,
      );
    },
  );

  it('spills a plan that outgrows memory as it reads and ends exactly as in memory, holding budget for what it reads', async () => {
    const options = { mode: 'delta', syncMode: 'mirror' } as const;
    const inMemory = await plan(1, options, 'memory');
    const held: number[] = [];
    const spilled = await plan(1, options, 'outgrown', {
      inMemoryLimit: 3_300,
      hold: (members) => {
        held.push(members);
        return Promise.resolve();
      },
    });
    expect(inMemory.parts).toBe(1);
    expect(spilled.parts).toBeGreaterThan(1);
    expect(spilled.counts).toEqual(inMemory.counts);
    expect(spilled.previousSize).toBe(3000);
    expect(spilled.sent).toEqual(inMemory.sent);
    expect(spilled.removed).toEqual(inMemory.removed);
    expect(new Map([...spilled.state].sort())).toEqual(new Map([...inMemory.state].sort()));
    // It held the last state's 3,000 members and a step more (up to the limit) for a chunk of
    // rows (marked as seen, and carried so into the partitions), gave it all back to spill, then
    // held each group's lines.
    expect(held.slice(0, 2)).toEqual([3300, 0]);
    expect(Math.max(...held)).toBeLessThanOrEqual(3_300);
  });

  it('stops reading and gives up when the budget cannot be had', async () => {
    const options = { mode: 'delta', syncMode: 'addOnly' } as const;
    await expect(
      plan(1, options, 'refused', {
        hold: (members) =>
          members > 3000 ? Promise.reject(new Error('no budget')) : Promise.resolve(),
      }),
    ).rejects.toThrow('no budget');
  });

  it('leaves no spill files behind, also when the segment cannot be read', async () => {
    const before = (await readdir(os.tmpdir())).filter((name) => name.startsWith('segment-plan-'));
    async function* broken(): AsyncGenerator<Member[]> {
      yield* chunksOf([{ email: 'a@example.com', dataFields: {} }]);
      throw new Error('unreadable snapshot');
    }
    await expect(
      planSegment({
        members: broken(),
        previousBlob: undefined,
        partitions: 3,
        options: { mode: 'delta', syncMode: 'mirror' },
        state: store,
        subscribe: () => undefined,
        unsubscribe: () => Promise.resolve(),
        next: undefined,
      }),
    ).rejects.toThrow('unreadable snapshot');
    const after = (await readdir(os.tmpdir())).filter((name) => name.startsWith('segment-plan-'));
    expect(after).toEqual(before);
  });
});

describe('planningPartitions', () => {
  it('plans in memory up to the limit and in more partitions above it, by state or snapshot size', () => {
    expect(planningPartitions(0, { sizeBytes: 0, compressed: false })).toBe(1);
    expect(
      planningPartitions(maxMembersPlannedAtOnce, { sizeBytes: 1000, compressed: false }),
    ).toBe(1);
    expect(
      planningPartitions(maxMembersPlannedAtOnce + 1, { sizeBytes: 0, compressed: false }),
    ).toBe(2);
    // 3 million rows of 77 bytes (the benchmark's), plain and gzip-compressed at about 4:1.
    expect(planningPartitions(0, { sizeBytes: 231e6, compressed: false })).toBe(3);
    expect(planningPartitions(0, { sizeBytes: 58e6, compressed: true })).toBe(3);
    expect(planningPartitions(1e9, { sizeBytes: 0, compressed: false })).toBe(64);
  });
});

describe('partitionOf', () => {
  it('puts an address in the same partition every time and spreads addresses evenly', () => {
    const sizes = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) sizes[partitionOf(`user${i}@example.com`, 4)]!++;
    for (const size of sizes) expect(size).toBeGreaterThan(9_000);
    expect(partitionOf('a@example.com', 4)).toBe(partitionOf('a@example.com', 4));
    expect(partitionOf('a@example.com', 1)).toBe(0);
  });
});
