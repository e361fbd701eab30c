import { planDelta, type DeltaCounts, type DeltaOptions, type SubscribeChange } from './delta-plan';
import {
  addStateLine,
  parseStateLine,
  type ExportedState,
  type StateWriter,
} from './exported-state';
import type { Member } from './segment-members';
import { partitionOf, SpillFiles } from './spill-files';
import { StateTable } from './state-table';

/**
 * At most this many members are planned in memory at once (about 100 MB of state): a larger
 * segment is planned in partitions by e-mail address, so memory stays flat however large it is.
 */
export const maxMembersPlannedAtOnce = 1_250_000;

/** Bytes a snapshot row rarely goes below, to estimate rows from a snapshot's size. */
const minRowBytes = { plain: 64, gzip: 16 };

/**
 * How many partitions a segment is planned in: one while the larger of the last state's member
 * count and the snapshot's estimated rows fits in memory, more above that (at most 64).
 */
export function planningPartitions(
  previousMembers: number,
  snapshot: { sizeBytes: number; compressed: boolean },
): number {
  return Math.min(
    64,
    Math.max(1, Math.ceil(estimatedMembers(previousMembers, snapshot) / maxMembersPlannedAtOnce)),
  );
}

/** The most members a segment's plan holds in memory at once: its largest partition's share. */
export function membersPlannedAtOnce(
  previousMembers: number,
  snapshot: { sizeBytes: number; compressed: boolean },
): number {
  return Math.ceil(
    estimatedMembers(previousMembers, snapshot) / planningPartitions(previousMembers, snapshot),
  );
}

function estimatedMembers(
  previousMembers: number,
  snapshot: { sizeBytes: number; compressed: boolean },
): number {
  const rows = snapshot.sizeBytes / (snapshot.compressed ? minRowBytes.gzip : minRowBytes.plain);
  return Math.max(previousMembers, rows);
}

export interface SegmentPlanInput {
  members: AsyncIterable<Member[]>;
  /** The blob of the segment's confirmed state; none when the list starts empty. */
  previousBlob: string | undefined;
  partitions: number;
  options: DeltaOptions;
  state: {
    loadBlob(blobName: string): Promise<ExportedState>;
    lines(blobName: string): AsyncIterable<string[]>;
  };
  subscribe: (member: Member, change: SubscribeChange) => Promise<void> | void;
  unsubscribe: (emails: string[]) => Promise<void>;
  /** Receives the state the run reaches; none for a dry run. */
  next: StateWriter | undefined;
}

export interface SegmentPlan {
  counts: DeltaCounts;
  /** Members of the confirmed state before this run: the list's size, for the guard. */
  previousSize: number;
}

/**
 * Plans one segment against its confirmed state: in memory when it fits, else in partitions. A
 * partitioned plan first spills the members (as JSON lines, in snapshot order) and the confirmed
 * state to local files by partition, then plans each partition as a segment of its own: an address
 * is always in the same partition, so the first row of an address still wins, and leavers are
 * found per partition.
 */
export async function planSegment(input: SegmentPlanInput): Promise<SegmentPlan> {
  if (input.partitions === 1) {
    const previous = input.previousBlob
      ? await input.state.loadBlob(input.previousBlob)
      : new StateTable();
    const previousSize = previous.size; // the plan takes the map over
    const planned = await planDelta(input.members, previous, input.options, input.subscribe);
    if (planned.removed.length) await input.unsubscribe(planned.removed);
    await input.next?.add(planned.next);
    return { counts: planned.counts, previousSize };
  }
  const members = await SpillFiles.create(input.partitions);
  const previous = await SpillFiles.create(input.partitions);
  try {
    await spillMembers(input.members, members);
    const previousSize = input.previousBlob
      ? await spillState(input.state.lines(input.previousBlob), previous)
      : 0;
    await previous.finish();
    const counts: DeltaCounts = { total: 0, added: 0, updated: 0, unchanged: 0, removed: 0 };
    for (let partition = 0; partition < input.partitions; partition++) {
      const planned = await planPartition(
        input,
        previous.lines(partition),
        members.lines(partition),
      );
      for (const key of Object.keys(counts) as (keyof DeltaCounts)[]) counts[key] += planned[key];
    }
    return { counts, previousSize };
  } finally {
    await Promise.all([members.remove(), previous.remove()]);
  }
}

/**
 * Plans one partition and returns its counts only. Its state map lives in this call alone: a
 * suspended loop in the caller would keep the last partition's map alive while the next one
 * fills, doubling the memory a partition costs.
 */
async function planPartition(
  input: SegmentPlanInput,
  previousLines: AsyncIterable<string[]>,
  memberLines: AsyncIterable<string[]>,
): Promise<DeltaCounts> {
  const state = new StateTable();
  for await (const lines of previousLines) {
    for (const line of lines) addStateLine(state, line);
  }
  const planned = await planDelta(
    spilledMembers(memberLines),
    state,
    input.options,
    input.subscribe,
  );
  if (planned.removed.length) await input.unsubscribe(planned.removed);
  await input.next?.add(planned.next);
  return planned.counts;
}

async function spillMembers(source: AsyncIterable<Member[]>, files: SpillFiles): Promise<void> {
  for await (const chunk of source) {
    for (const member of chunk) {
      const waiting = files.add(
        partitionOf(member.email, files.partitions),
        JSON.stringify(member),
      );
      if (waiting) await waiting;
    }
  }
  await files.finish();
}

/** Spreads a state blob's lines over the partitions; returns how many members it holds. */
async function spillState(lines: AsyncIterable<string[]>, files: SpillFiles): Promise<number> {
  let count = 0;
  for await (const chunk of lines) {
    for (const line of chunk) {
      const entry = parseStateLine(line);
      if (!entry) continue;
      count++;
      const waiting = files.add(partitionOf(entry[0], files.partitions), line);
      if (waiting) await waiting;
    }
  }
  return count;
}

async function* spilledMembers(lines: AsyncIterable<string[]>): AsyncGenerator<Member[]> {
  for await (const chunk of lines) yield chunk.map((line) => JSON.parse(line) as Member);
}
