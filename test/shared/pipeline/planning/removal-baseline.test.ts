import {
  largestRecentSize,
  nextSegmentBaseline,
} from '../../../../shared/pipeline/planning/removal-baseline';

const day = 86_400_000;
const counts = { rows: 10, withoutEmail: 1, missingKey: 0, unreadable: 0 };

describe('the removal baseline', () => {
  it('keeps the largest size of the window, forgetting older ones', () => {
    const now = 100 * day;
    let baseline = nextSegmentBaseline(
      undefined,
      { sizeNow: 100, counts, sound: true, runId: 'a' },
      7,
      now - 8 * day,
    );
    baseline = nextSegmentBaseline(
      baseline,
      { sizeNow: 80, counts, sound: true, runId: 'b' },
      7,
      now - 2 * day,
    );
    expect(largestRecentSize(baseline, 60, 7, now - 3 * day)).toBe(100);
    // Eight days on, the 100 has left the window.
    expect(largestRecentSize(baseline, 60, 7, now)).toBe(80);
    expect(largestRecentSize(baseline, 90, 7, now)).toBe(90);
  });

  it('keeps only sizes a later, smaller one cannot stand for', () => {
    let baseline = undefined;
    for (const [index, size] of [50, 100, 70, 90, 60].entries()) {
      baseline = nextSegmentBaseline(
        baseline,
        { sizeNow: size, counts, sound: true, runId: String(index) },
        7,
        index,
      );
    }
    expect(baseline?.sizes.map((sample) => sample.size)).toEqual([100, 90, 60]);
  });

  it('takes the counts of a sound snapshot only', () => {
    const sound = nextSegmentBaseline(
      undefined,
      { sizeNow: 10, counts, sound: true, runId: 'a' },
      7,
    );
    const damaged = nextSegmentBaseline(
      sound,
      { sizeNow: 10, counts: { ...counts, withoutEmail: 10 }, sound: false, runId: 'b' },
      7,
    );
    expect(damaged.lastGood).toMatchObject({ runId: 'a', withoutEmail: 1 });
  });
});
