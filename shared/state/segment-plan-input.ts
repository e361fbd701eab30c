import type { DeltaOptions } from './delta-plan';
import type { SubscribeChange } from './delta-plan';
import type { ExportedState } from './exported-state';
import type { StateWriter } from './state-blob-writer';
import type { Member } from '../snapshot/segment-members';
import type { SpillPlace } from './spill-blobs';

/** What planning one segment takes: its members, its last state and where the plan goes. */
export interface SegmentPlanInput {
  members: AsyncIterable<Member[]>;
  /** The blob of the segment's confirmed state; none when the list starts empty. */
  previousBlob: string | undefined;
  /** Above 1, the plan spills to partitions from the start (see planningPartitions). */
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
  /**
   * Takes (or gives back) the planning budget for the members the plan holds in memory, waiting
   * for it if need be; throws when it cannot be had. None: memory is not shared out.
   */
  hold?: (members: number) => Promise<void>;
  /**
   * Where a plan larger than memory spills its members and last state, a blob a partition; a
   * plan that must spill without it fails.
   */
  spill?: { members: SpillPlace; state: SpillPlace };
  /** Members planned in memory at most; a plan that reads more spills to partitions. */
  inMemoryLimit?: number;
  /**
   * Asked once the segment is read whole, before anyone is taken out: false keeps the members
   * who seem to have left (as addOnly does), because the snapshot looks damaged.
   */
  removalsAllowed?: () => boolean;
}
