import { randomBytes } from 'node:crypto';
import { runStateBlobName } from '../../../shared/work-blobs';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import { BlobServiceClient } from '@azure/storage-blob';
import {
  emptyDeltaCounts,
  type DeltaCounts,
  type DeltaOptions,
} from '../../../shared/state/delta-plan';
import type { SubscribeChange } from '../../../shared/state/delta-plan';
import { ExportedStateStore } from '../../../shared/state/exported-state';
import { dataFieldsHash } from '../../../shared/state/member-hash';
import type { Member } from '../../../shared/snapshot/segment-members';
import {
  maxMembersPlannedAtOnce,
  planningPartitions,
  planSegment,
} from '../../../shared/state/segment-plan';
import { partitionOf } from '../../../shared/state/text-lines';
import type { SpillPlace } from '../../../shared/state/spill-blobs';
import { planPartitionGroup } from '../../../shared/state/spilled-plan';

const container = BlobServiceClient.fromConnectionString(
  process.env.AzureWebJobsStorage ?? '',
).getContainerClient(`plan-${randomBytes(4).toString('hex')}`);
const store = new ExportedStateStore(container);

// Each spilled plan writes and reads some 130 partition blobs: slow on a busy emulator.
jest.setTimeout(180_000);

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

/** Where the test's plans spill: partition blobs of the test container, by run. */
function spillOf(runId: string) {
  const place = (kind: string): SpillPlace => ({
    container,
    blobName: (partition) => `spill/${runId}/${kind}-${partition}.txt.gz`,
  });
  return { members: place('members'), state: place('state') };
}

async function plan(
  partitions: number,
  options: DeltaOptions,
  runId: string,
  limits: {
    inMemoryLimit?: number;
    hold?: (members: number) => Promise<void>;
    /** Plans each group twice before the next, as a step that died after its work does. */
    repeatGroups?: boolean;
  } = {},
) {
  const { repeatGroups, ...planLimits } = limits;
  const { previous, segment } = fixture();
  await store.saveRunState('t', 'e', 'previous', 'S', previous);
  const sent = new Map<string, [Record<string, unknown>, SubscribeChange]>();
  const removed: string[] = [];
  const subscribe = (member: Member, change: SubscribeChange) => {
    expect(sent.has(member.email)).toBe(false);
    sent.set(member.email, [member.dataFields, change]);
  };
  const unsubscribe = (emails: string[]) => {
    removed.push(...emails);
    return Promise.resolve();
  };
  const next = store.openRunState('t', 'e', runId, 'S');
  const spill = spillOf(runId);
  const result = await planSegment({
    members: chunksOf(segment),
    previousBlob: runStateBlobName('t', 'e', 'previous', 'S'),
    partitions,
    options,
    state: store,
    subscribe,
    unsubscribe,
    next,
    spill,
    ...planLimits,
  });
  let planned: { counts: DeltaCounts; previousSize: number; parts: number };
  if ('staged' in result) {
    // The groups are planned one by one, each staging its part of the state, as steps do.
    next.abort();
    const blocks: string[] = [];
    let members = 0;
    for (const [part, group] of result.groups.entries()) {
      await limits.hold?.(group.lines);
      if (repeatGroups) {
        const writer = store.openStagedRunState('t', 'e', runId, 'S', part);
        const quiet = { subscribe: () => undefined, unsubscribe: () => Promise.resolve() };
        const input = { options: result.options, spill, ...quiet, next: writer };
        await planPartitionGroup(input, group.partitions, emptyDeltaCounts());
        await writer.close();
      }
      const writer = store.openStagedRunState('t', 'e', runId, 'S', part);
      const input = { options: result.options, spill, subscribe, unsubscribe, next: writer };
      await planPartitionGroup(input, group.partitions, result.counts);
      await writer.close();
      blocks.push(...writer.blocks);
      members += writer.members;
    }
    await store.commitStagedRunState('t', 'e', runId, 'S', blocks, members);
    planned = {
      counts: result.counts,
      previousSize: result.previousSize,
      parts: result.groups.length,
    };
  } else {
    await next.close();
    planned = result;
  }
  const state = await store.loadBlob(runStateBlobName('t', 'e', runId, 'S'));
  return { ...planned, sent, removed: removed.sort(), state };
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

  it('spills to partition blobs, never to the local disk, and fails when it has no place to spill', async () => {
    const before = await readdir(os.tmpdir());
    const options = { mode: 'full', syncMode: 'mirror' } as const;
    const spilled = await plan(5, options, 'blobs', { inMemoryLimit: 1000 });
    expect(spilled.parts).toBeGreaterThan(1);
    expect(await readdir(os.tmpdir())).toEqual(before);
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat({ prefix: 'spill/blobs/' }))
      names.push(blob.name);
    expect(names.filter((name) => name.includes('/members-')).length).toBeGreaterThan(10);
    expect(names.filter((name) => name.includes('/state-')).length).toBeGreaterThan(10);
    await expect(
      planSegment({
        members: chunksOf([{ email: 'a@example.com', dataFields: {} }]),
        previousBlob: undefined,
        partitions: 3,
        options,
        state: store,
        subscribe: () => undefined,
        unsubscribe: () => Promise.resolve(),
        next: undefined,
      }),
    ).rejects.toThrow('needs a place to spill');
  });

  it('stages the same state when a group is planned again, as a step run twice does', async () => {
    const options = { mode: 'delta', syncMode: 'mirror' } as const;
    const once = await plan(4, options, 'group-once', { inMemoryLimit: 1500 });
    expect(once.parts).toBeGreaterThan(1);
    const twice = await plan(4, options, 'group-twice', {
      inMemoryLimit: 1500,
      repeatGroups: true,
    });
    expect(new Map([...twice.state].sort())).toEqual(new Map([...once.state].sort()));
    expect(await store.memberCount(runStateBlobName('t', 'e', 'group-twice', 'S'))).toBe(
      once.state.size,
    );
  });

  it('fails the plan when the segment cannot be read', async () => {
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
        spill: spillOf('broken'),
      }),
    ).rejects.toThrow('unreadable snapshot');
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
