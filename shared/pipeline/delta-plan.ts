import { dataFieldsHash, type ExportedState } from './exported-state';
import type { Member } from './segment-members';

export type SubscribeChange = 'added' | 'updated' | 'resent';

export interface DeltaCounts {
  total: number;
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
}

export interface DeltaOptions {
  /** full: send every member again; delta: only new and changed ones. */
  mode: 'delta' | 'full';
  /** mirror: members who left the segment are unsubscribed; addOnly: never. */
  syncMode: 'mirror' | 'addOnly';
}

/**
 * Compares the segment's members with the last confirmed state. Members to send go to
 * `subscribe` as they stream by; once the segment is read, members who left are returned for
 * unsubscribing (mirror mode only), with the counts. The next state is built alongside: it holds
 * what Iterable will have if every batch is confirmed, and failures are taken out of it later.
 */
export async function planDelta(
  members: AsyncIterable<Member[]>,
  previous: ExportedState,
  options: DeltaOptions,
  /** May return a promise when the receiver needs the planner to wait (back-pressure). */
  subscribe: (member: Member, change: SubscribeChange) => Promise<void> | void,
): Promise<{ counts: DeltaCounts; removed: string[]; next: ExportedState }> {
  const counts: DeltaCounts = { total: 0, added: 0, updated: 0, unchanged: 0, removed: 0 };
  const next: ExportedState = new Map();
  for await (const chunk of members) {
    for (const member of chunk) {
      // The first row of an address wins: a later one cannot be told apart from a mistake.
      if (next.has(member.email)) continue;
      counts.total++;
      const hash = dataFieldsHash(member.dataFields);
      const before = previous.get(member.email);
      next.set(member.email, hash);
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
  const removed: string[] = [];
  for (const [email, hash] of previous) {
    if (next.has(email)) continue;
    if (options.syncMode === 'mirror') {
      removed.push(email);
    } else {
      // addOnly keeps them in Iterable, so the record keeps them too.
      next.set(email, hash);
    }
  }
  counts.removed = removed.length;
  return { counts, removed, next };
}
