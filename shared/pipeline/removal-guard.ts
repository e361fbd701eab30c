import type { Confirmation } from '../runs/run-schemas';

export interface SegmentRemovals {
  name: string;
  /** Members the export last confirmed in the segment's list. */
  listSize: number;
  removing: number;
}

/**
 * The mass-removal guard: a plan that would remove more than `percent` of a list's members (and
 * at least `minCount` of them) is held for an Admin's confirmation. A broken or truncated
 * snapshot looks exactly like that, and emptying a marketing list cannot be undone by the next run.
 */
export function checkRemovals(
  segments: SegmentRemovals[],
  guard: { percent: number; minCount: number },
): Confirmation | undefined {
  const flagged = segments
    .filter(
      (segment) =>
        segment.listSize > 0 &&
        segment.removing >= guard.minCount &&
        segment.removing > (segment.listSize * guard.percent) / 100,
    )
    .map((segment) => ({
      ...segment,
      percent: Math.round((1000 * segment.removing) / segment.listSize) / 10,
    }));
  if (!flagged.length) return undefined;
  const names = flagged
    .map(
      (segment) =>
        `'${segment.name}' ${segment.removing} of ${segment.listSize} (${segment.percent}%)`,
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
