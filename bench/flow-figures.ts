import type { ClockedRequest } from './request-clock';

/** Successful sends so far at a moment: a sample of the stand-in's counters, or one request. */
export interface Progress {
  at: number;
  ok: number;
}

/**
 * Requests a second while the run sent in earnest: from 10% to 90% of its successes, so the
 * planner's start and the last batches' tail do not count.
 */
export function sustainedRate(progress: readonly Progress[]): number {
  const total = progress.at(-1)?.ok ?? 0;
  const from = progress.find((point) => point.ok >= total * 0.1);
  const to = progress.find((point) => point.ok >= total * 0.9);
  if (!from || !to || to.at === from.at) return 0;
  return (to.ok - from.ok) / ((to.at - from.at) / 1000);
}

/**
 * The most requests in any one-second window, counted as the stand-in's sliding window counts
 * them: a request exactly a second before another is outside its window.
 */
export function busiestSecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[first]! <= sorted[last]! - 1000) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

const subscribe = 'POST /api/lists/subscribe';

/** The batches of one key that Iterable took, one point each, in the order they arrived. */
export function progressOf(requests: readonly ClockedRequest[]): Progress[] {
  return requests
    .filter((request) => request.route === subscribe && request.status === 200)
    .map((request) => request.at)
    .sort((a, b) => a - b)
    .map((at, index) => ({ at, ok: index + 1 }));
}

/** What one key sent to Iterable during a run, from the pass-through's notes. */
export function keyTraffic(requests: readonly ClockedRequest[], key: string, since: number) {
  const mine = requests.filter((request) => request.key === key && request.at >= since);
  return {
    requests: mine.length,
    throttled: mine.filter((request) => request.status === 429).length,
    busiestSecond: busiestSecond(mine.map((request) => request.at)),
    busiestSecondOk: busiestSecond(
      mine.filter((request) => request.status === 200).map((request) => request.at),
    ),
    progress: progressOf(mine),
  };
}
