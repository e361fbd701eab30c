import {
  emptyDeltaCounts,
  markMembers,
  takeLeavers,
  type DeltaCounts,
  type DeltaOptions,
} from './delta-plan';
import { parseStateLine } from './state-lines';
import type { SegmentPlanInput } from './segment-plan-input';
import type { Member } from '../snapshot/segment-members';
import { partitionOf } from './text-lines';
import { SpillWriter } from './spill-blobs';
import { StateTable } from './state-table';
import { spilledPartitionGroups, type PartitionGroup } from './spilled-plan';

/**
 * At most this many members are planned in memory at once (about 100 MB of state): a larger
 * segment is planned in partitions by e-mail address, so memory stays flat however large it is.
 */
export const maxMembersPlannedAtOnce = 1_250_000;

/** Bytes a snapshot row rarely goes below, to estimate rows from a snapshot's size. */
const minRowBytes = { plain: 64, gzip: 16 };

/**
 * A spilled plan spreads members over this many partitions whatever the segment's size, then
 * plans them in groups that fit in memory by the lines each partition was given: 20M rows (the
 * most a snapshot may have) make partitions of about 300,000.
 */
const spillPartitions = 64;

/** A plan asks for budget in steps of this many members (about 20 MB), not row by row. */
const budgetStep = 100_000;

/**
 * How many partitions a segment is expected to need: one while the larger of the last state's
 * member count and the snapshot's estimated rows fits in memory (the plan starts in memory), more
 * above that (at most 64; the plan spills from the start).
 */
export function planningPartitions(
  previousMembers: number,
  snapshot: { sizeBytes: number; compressed: boolean },
  limit = maxMembersPlannedAtOnce,
): number {
  return Math.min(64, Math.max(1, Math.ceil(estimatedMembers(previousMembers, snapshot) / limit)));
}

/** The most members a segment's plan holds in memory at once: its largest partition's share. */
export function membersPlannedAtOnce(
  previousMembers: number,
  snapshot: { sizeBytes: number; compressed: boolean },
  limit = maxMembersPlannedAtOnce,
): number {
  return Math.min(
    limit,
    Math.ceil(
      estimatedMembers(previousMembers, snapshot) /
        planningPartitions(previousMembers, snapshot, limit),
    ),
  );
}

function estimatedMembers(
  previousMembers: number,
  snapshot: { sizeBytes: number; compressed: boolean },
): number {
  const rows = snapshot.sizeBytes / (snapshot.compressed ? minRowBytes.gzip : minRowBytes.plain);
  return Math.max(previousMembers, rows);
}

/** The plan's options once the segment is read: leavers are kept when removals are not allowed. */
function optionsOnceRead(input: SegmentPlanInput): DeltaOptions {
  return input.removalsAllowed?.() === false
    ? { ...input.options, syncMode: 'addOnly' }
    : input.options;
}

export interface SegmentPlan {
  counts: DeltaCounts;
  /** Members of the confirmed state before this run: the list's size, for the guard. */
  previousSize: number;
  /** How many parts the segment was planned in: 1 when in memory. */
  parts: number;
}

/**
 * A segment too large to plan in memory, read whole and spilled to partition blobs: what its
 * read part came to, and the groups of partitions left to plan, each in a step of its own.
 */
export interface StagedSegment {
  staged: true;
  /** What the part read in memory before the plan spilled came to (all zero if none was). */
  counts: DeltaCounts;
  previousSize: number;
  groups: PartitionGroup[];
  /** The options the groups are planned with (leavers are kept when removals are not allowed). */
  options: DeltaOptions;
}

/** What a plan that outgrew memory carries to its spilled part: the table is let go there. */
interface Carried {
  /** Set when the plan read part of the segment in memory; else the state blob is spilled. */
  table: StateTable | undefined;
  counts: DeltaCounts;
  previousSize: number | undefined;
  rest: AsyncIterable<Member[]>;
}

/**
 * Plans one segment against its confirmed state: in memory while it fits, else in partitions. A
 * plan starts in memory unless its last state or snapshot is known to be large, holding budget for
 * the members it has read; one that reads more than fits in memory spills what it has (its state
 * table, marks included) and the rest of the segment to local files by partition, then plans the
 * partitions a group at a time: an address is always in the same partition, so the first row of
 * an address still wins, and leavers are found per partition.
 */
export async function planSegment(input: SegmentPlanInput): Promise<SegmentPlan | StagedSegment> {
  const limit = input.inMemoryLimit ?? maxMembersPlannedAtOnce;
  const hold = stepped(input.hold, limit);
  const counts = emptyDeltaCounts();
  if (input.partitions > 1) {
    return splitSegment(input, limit, hold, {
      table: undefined,
      counts,
      previousSize: undefined,
      rest: input.members,
    });
  }
  const inMemory = await planInMemory(input, limit, hold, counts);
  if ('parts' in inMemory) return inMemory;
  return splitSegment(input, limit, hold, inMemory);
}

/** Asks for budget only when the plan outgrows what it holds, a step ahead. */
function stepped(
  hold: SegmentPlanInput['hold'],
  limit: number,
): (members: number) => Promise<void> {
  let held = 0;
  return async (members) => {
    if (!hold) return;
    const grow = members > held;
    const shrink = members < held - budgetStep || (members === 0 && held > 0);
    if (!grow && !shrink) return;
    held = grow ? Math.max(members, Math.min(limit, members + budgetStep)) : members;
    await hold(held);
  };
}

async function planInMemory(
  input: SegmentPlanInput,
  limit: number,
  hold: (members: number) => Promise<void>,
  counts: DeltaCounts,
): Promise<SegmentPlan | Carried> {
  const table = input.previousBlob
    ? await input.state.loadBlob(input.previousBlob)
    : new StateTable();
  const previousSize = table.size; // the plan takes the map over
  await hold(previousSize);
  const reader = input.members[Symbol.asyncIterator]();
  let overflow: Member[] | undefined;
  // Budget is held for a chunk before its members enter the table; a chunk that would take the
  // table past the limit is where the plan spills instead.
  async function* fitting(): AsyncGenerator<Member[]> {
    for (let next = await reader.next(); !next.done; next = await reader.next()) {
      // The table grows only by the addresses it does not hold yet, at most the chunk's length:
      // a delta's members are mostly in the table already and must not count twice.
      const held = table.size + next.value.length;
      if (held > limit) {
        overflow = next.value;
        return;
      }
      await hold(held);
      yield next.value;
    }
  }
  try {
    await markMembers(fitting(), table, input.options, input.subscribe, counts);
  } catch (error) {
    await reader.return?.();
    throw error;
  }
  if (overflow) return { table, counts, previousSize, rest: restOf(overflow, reader) };
  const removed = takeLeavers(table, optionsOnceRead(input));
  counts.removed = removed.length;
  if (removed.length) await input.unsubscribe(removed);
  await input.next?.add(table);
  return { counts, previousSize, parts: 1 };
}

async function* restOf(first: Member[], reader: AsyncIterator<Member[]>): AsyncGenerator<Member[]> {
  try {
    yield first;
    for (let next = await reader.next(); !next.done; next = await reader.next()) yield next.value;
  } finally {
    await reader.return?.(); // a plan that stops early stops reading the snapshot
  }
}

/**
 * Spills the state (the table a plan read into memory, marks included, or the confirmed state's
 * blob) and the rest of the members to partition blobs, and groups the partitions so each group
 * fits in memory. The groups are planned later, each in a step of its own (planPartitionGroup).
 */
async function splitSegment(
  input: SegmentPlanInput,
  limit: number,
  hold: (members: number) => Promise<void>,
  carried: Carried,
): Promise<StagedSegment> {
  if (!input.spill) throw new Error('A plan larger than memory needs a place to spill to');
  const members = new SpillWriter(input.spill.members, spillPartitions);
  const state = new SpillWriter(input.spill.state, spillPartitions);
  let previousSize = carried.previousSize ?? 0;
  if (carried.table) {
    await spillTable(carried.table, state);
    carried.table = undefined; // the only reference: its memory goes back with the budget
  } else if (input.previousBlob) {
    previousSize = await spillState(input.state.lines(input.previousBlob), state);
  }
  await hold(0);
  await spillMembers(carried.rest, members);
  const memberLines = await members.finish();
  const stateLines = await state.finish();
  return {
    staged: true,
    counts: carried.counts,
    previousSize,
    groups: spilledPartitionGroups(memberLines, stateLines, limit),
    options: optionsOnceRead(input),
  };
}

async function spillMembers(source: AsyncIterable<Member[]>, files: SpillWriter): Promise<void> {
  for await (const chunk of source) {
    for (const member of chunk) {
      const waiting = files.add(
        partitionOf(member.email, files.partitions),
        JSON.stringify(member),
      );
      if (waiting) await waiting;
    }
  }
}

/** Spreads a state blob's lines over the partitions; returns how many members it holds. */
async function spillState(lines: AsyncIterable<string[]>, files: SpillWriter): Promise<number> {
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

/**
 * Spreads a table over the partitions as state lines. A member already read holds its mark (a
 * negative number), which a state line carries as it carries any hash, so the partition's plan
 * knows it was seen.
 */
async function spillTable(table: StateTable, files: SpillWriter): Promise<void> {
  for (const [email, hash] of table.entries()) {
    const waiting = files.add(
      partitionOf(email, files.partitions),
      `${email}\t${hash.toString(36)}`,
    );
    if (waiting) await waiting;
  }
}
