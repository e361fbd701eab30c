import { markMembers, takeLeavers, type DeltaCounts } from './delta-plan';
import { addStateLine } from './state-lines';
import type { Member } from '../snapshot/segment-members';
import type { SegmentPlanInput } from './segment-plan-input';
import type { SpillFiles } from './spill-files';
import { StateTable } from './state-table';

export interface PartitionGroup {
  partitions: number[];
  /** State and member lines of its partitions: the most members its plan holds. */
  lines: number;
}

/**
 * Neighbouring partitions grouped so that each group's lines fit in memory (a partition larger
 * than that makes a group alone): fewer, larger groups read the files fewer times.
 */
export function spilledPartitionGroups(
  members: SpillFiles,
  state: SpillFiles,
  limit: number,
): PartitionGroup[] {
  const groups: PartitionGroup[] = [];
  for (let partition = 0; partition < members.partitions; partition++) {
    const lines = members.count(partition) + state.count(partition);
    const last = groups[groups.length - 1];
    if (last && last.lines + lines <= limit) {
      last.partitions.push(partition);
      last.lines += lines;
    } else groups.push({ partitions: [partition], lines });
  }
  return groups;
}

/**
 * Plans one group of partitions as a segment of its own, adding to `counts`; returns how many
 * members it removed. Its state map lives in this call alone: a suspended loop in the caller
 * would keep the last group's map alive while the next one fills, doubling what a group costs.
 */
export async function planPartitionGroup(
  input: SegmentPlanInput,
  partitions: number[],
  state: SpillFiles,
  members: SpillFiles,
  counts: DeltaCounts,
): Promise<number> {
  const table = new StateTable();
  for (const partition of partitions) {
    for await (const lines of state.lines(partition)) {
      for (const line of lines) addStateLine(table, line);
    }
  }
  await markMembers(
    spilledMembers(members, partitions),
    table,
    input.options,
    input.subscribe,
    counts,
  );
  const removed = takeLeavers(table, input.options);
  if (removed.length) await input.unsubscribe(removed);
  await input.next?.add(table);
  return removed.length;
}

async function* spilledMembers(files: SpillFiles, partitions: number[]): AsyncGenerator<Member[]> {
  for (const partition of partitions) {
    for await (const chunk of files.lines(partition))
      yield chunk.map((line) => JSON.parse(line) as Member);
  }
}
