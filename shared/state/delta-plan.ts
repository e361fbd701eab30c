import { type ExportedState } from './exported-state';
import { dataFieldsHash } from './member-hash';
import type { Member } from '../snapshot/segment-members';

/** Why a member is subscribed: new to the list, changed data fields, or sent again in full. */
export type SubscribeChange = 'added' | 'updated' | 'resent';

export interface DeltaCounts {
  total: number;
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  /** Rows dropped because their address came earlier in the segment (the first row wins). */
  duplicates: number;
}

export function emptyDeltaCounts(): DeltaCounts {
  return { total: 0, added: 0, updated: 0, unchanged: 0, removed: 0, duplicates: 0 };
}

export interface DeltaOptions {
  /** full: send every member again; delta: only new and changed ones. */
  mode: 'delta' | 'full';
  /** mirror: members who left the segment are unsubscribed; addOnly: never. */
  syncMode: 'mirror' | 'addOnly';
}

/**
 * A record seen in this snapshot holds `seen(hash)`: below -1, where no hash (0 or more) nor
 * `unknownFields` (-1) can be, so marking costs no second table.
 */
const seen = (hash: number): number => -2 - hash;
const isSeen = (value: number): boolean => value < -1;

/**
 * Compares the segment's members with the last confirmed state. Members to send go to
 * `subscribe` as they stream by; once the segment is read, members who left are returned for
 * unsubscribing (mirror mode only), with the counts. The next state is built in the same table as
 * the previous one (which the plan takes over), so a million members cost one table, not two: it
 * holds what Iterable will have if every batch is confirmed, and failures are taken out later.
 */
export async function planDelta(
  members: AsyncIterable<Member[]>,
  previous: ExportedState,
  options: DeltaOptions,
  /** May return a promise when the receiver needs the planner to wait (back-pressure). */
  subscribe: (member: Member, change: SubscribeChange) => Promise<void> | void,
): Promise<{ counts: DeltaCounts; removed: string[]; next: ExportedState }> {
  const counts = emptyDeltaCounts();
  await markMembers(members, previous, options, subscribe, counts);
  const removed = takeLeavers(previous, options);
  counts.removed = removed.length;
  return { counts, removed, next: previous };
}

/**
 * The first half of a plan: marks each member of the stream as seen in `state` (adding new ones)
 * and sends what changed, adding to `counts`. A plan may read part of a segment this way, carry
 * the marked state elsewhere (spilled to partitions) and go on there: marks survive as numbers.
 */
export async function markMembers(
  members: AsyncIterable<Member[]>,
  state: ExportedState,
  options: DeltaOptions,
  subscribe: (member: Member, change: SubscribeChange) => Promise<void> | void,
  counts: DeltaCounts,
): Promise<void> {
  for await (const chunk of members) {
    for (const member of chunk) {
      const slot = state.slotOf(member.email);
      const before = slot === undefined ? undefined : state.hashAt(slot);
      // The first row of an address wins: a later one cannot be told apart from a mistake. A
      // refused row was counted as a rejection already, so only the others count as duplicates.
      if (before !== undefined && isSeen(before)) {
        if (!member.refused) counts.duplicates++;
        continue;
      }
      if (member.refused) {
        // Reported as a rejection: nothing is sent, and what Iterable has stays (not a leaver).
        if (slot !== undefined) state.setAt(slot, seen(before!));
        continue;
      }
      counts.total++;
      const hash = dataFieldsHash(member.dataFields);
      if (slot === undefined) state.add(member.email, seen(hash));
      else state.setAt(slot, seen(hash));
      const change: SubscribeChange | undefined =
        before === undefined
          ? 'added'
          : before !== hash
            ? 'updated'
            : options.mode === 'full'
              ? 'resent'
              : undefined;
      if (change === 'resent' || change === undefined) counts.unchanged++;
      else counts[change]++;
      if (!change) continue;
      const waiting = subscribe(member, change);
      if (waiting) await waiting;
    }
  }
}

/**
 * The second half of a plan, once every member was marked: unmarks the members seen, so `state`
 * becomes the next state, and takes out and returns those who left (mirror mode only).
 */
export function takeLeavers(state: ExportedState, options: DeltaOptions): string[] {
  const removed: string[] = [];
  // By slot number: only the leavers' addresses are made into strings.
  const slots = state.slotCount;
  for (let slot = 0; slot < slots; slot++) {
    if (!state.live(slot)) continue;
    const value = state.hashAt(slot);
    if (isSeen(value)) {
      state.setAt(slot, seen(value)); // -2 - (-2 - hash) is the hash again
    } else if (options.syncMode === 'mirror') {
      removed.push(state.emailAt(slot));
      state.deleteAt(slot);
    }
    // addOnly keeps leavers in Iterable, so the record keeps them too.
  }
  return removed;
}
