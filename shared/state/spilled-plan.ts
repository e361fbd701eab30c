import { markMembers, takeLeavers, type DeltaCounts, type DeltaOptions } from './delta-plan';
import { addStateLine } from './state-lines';
import type { Member } from '../snapshot/segment-members';
import type { SegmentPlanInput } from './segment-plan-input';
import { spilledLines, type SpillPlace } from './spill-blobs';
import { StateTable } from './state-table';

export interface PartitionGroup {
  partitions: number[];
  /** State and member lines of its partitions: the most members its plan holds. */
  lines: number;
}

/**
 * Neighbouring partitions grouped so that each group's lines fit in memory (a partition larger
 * than that makes a group alone): fewer, larger groups read the blobs fewer times.
 */
export function spilledPartitionGroups(
  memberLines: number[],
  stateLines: number[],
  limit: number,
): PartitionGroup[] {
  const groups: PartitionGroup[] = [];
  for (let partition = 0; partition < memberLines.length; partition++) {
    const lines = memberLines[partition]! + (stateLines[partition] ?? 0);
    const last = groups[groups.length - 1];
    if (last && last.lines + lines <= limit) {
      last.partitions.push(partition);
      last.lines += lines;
    } else groups.push({ partitions: [partition], lines });
  }
  return groups;
}

/** What planning one group of a spilled segment takes. */
export type GroupPlanInput = Pick<SegmentPlanInput, 'subscribe' | 'unsubscribe' | 'next'> & {
  options: DeltaOptions;
  spill: { members: SpillPlace; state: SpillPlace };
};

/**
 * Plans one group of partitions as a segment of its own, adding to `counts`; returns how many
 * members it removed. Its state map lives in this call alone: a suspended loop in the caller
 * would keep the last group's map alive while the next one fills, doubling what a group costs.
 */
export async function planPartitionGroup(
  input: GroupPlanInput,
  partitions: number[],
  counts: DeltaCounts,
): Promise<number> {
  const table = new StateTable();
  for (const partition of partitions) {
    for await (const lines of spilledLines(input.spill.state, partition)) {
      for (const line of lines) addStateLine(table, line);
    }
  }
  await markMembers(
    spilledMembers(input.spill.members, partitions),
    table,
    input.options,
    input.subscribe,
    counts,
  );
  const removed = takeLeavers(table, input.options);
  counts.removed += removed.length;
  if (removed.length) await input.unsubscribe(removed);
  await input.next?.add(table);
  return removed.length;
}

async function* spilledMembers(place: SpillPlace, partitions: number[]): AsyncGenerator<Member[]> {
  for (const partition of partitions) {
    for await (const chunk of spilledLines(place, partition))
      yield chunk.map((line) => JSON.parse(line) as Member);
  }
}
