import { quoteForMessage } from '../../quote-for-message';
import type { Confirmation } from '../../runs/run-schemas';

export interface SegmentRemovals {
  name: string;
  /** Members the export last confirmed in the segment's list. */
  listSize: number;
  removing: number;
  /**
   * The list's largest confirmed size within the guard's window (at least `listSize`): removals
   * in steps are measured from it, as one removal would be.
   */
  recentLargestSize?: number;
}

/**
 * The mass-removal guard: a plan that would take a list more than `percent` below its largest
 * recent size (and remove at least `minCount`, 0 by default: a small list counts from its first
 * member) is held for an Admin's confirmation. A broken or truncated snapshot looks exactly like
 * that, at once or over several runs, and emptying a marketing list cannot be undone by the next
 * run.
 */
export function checkRemovals(
  segments: SegmentRemovals[],
  guard: { percent: number; minCount: number },
): Confirmation | undefined {
  const flagged = segments
    .map((segment) => {
      const baseline = Math.max(segment.listSize, segment.recentLargestSize ?? 0);
      const shrinking = baseline - (segment.listSize - segment.removing);
      return { segment, baseline, shrinking };
    })
    .filter(
      ({ segment, baseline, shrinking }) =>
        baseline > 0 &&
        segment.removing > 0 &&
        segment.removing >= guard.minCount &&
        shrinking > (baseline * guard.percent) / 100,
    )
    .map(({ segment, baseline, shrinking }) => ({
      name: segment.name,
      listSize: segment.listSize,
      removing: segment.removing,
      ...(baseline > segment.listSize ? { recentLargestSize: baseline } : {}),
      percent: Math.round((1000 * shrinking) / baseline) / 10,
    }));
  if (!flagged.length) return undefined;
  const names = flagged
    .map(
      (segment) =>
        `${quoteForMessage(segment.name)} ${segment.removing} of ${segment.listSize}` +
        (segment.recentLargestSize
          ? ` (${segment.percent}% below its recent ${segment.recentLargestSize})`
          : ` (${segment.percent}%)`),
    )
    .join(', ');
  return {
    message: `The run would remove more than ${guard.percent}% of a list: ${names}. Nothing was sent; an Admin confirms (POST .../confirm) or cancels the run.`,
    thresholdPercent: guard.percent,
    segments: flagged,
  };
}

/** Whether a plan could trip the guard at all, so its batches must wait until it is known. */
export function removalsPossible(
  syncMode: 'mirror' | 'addOnly',
  hasPreviousState: boolean,
  guard: { percent: number },
): boolean {
  return syncMode === 'mirror' && hasPreviousState && guard.percent < 100;
}
