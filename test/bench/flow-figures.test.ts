import { busiestSecond, keyTraffic, sustainedRate } from '../../bench/flow-figures';
import { withFlowSection } from '../../bench/flow-report';

describe('the flow-control bench figures', () => {
  it('counts the busiest second as a sliding window does: one a second before is outside it', () => {
    expect(busiestSecond([])).toBe(0);
    expect(busiestSecond([0, 1000, 2000])).toBe(1);
    expect(busiestSecond([0, 999, 1500, 1998])).toBe(3);
    // Unsorted input, as requests are noted by several instances.
    expect(busiestSecond([500, 0, 250, 1100, 750])).toBe(4);
  });

  it('takes the sustained rate from 10% to 90% of the successes', () => {
    // A slow start and tail around ten a second in between.
    const progress = [
      { at: 0, ok: 0 },
      { at: 5_000, ok: 10 },
      { at: 13_000, ok: 90 },
      { at: 30_000, ok: 100 },
    ];
    expect(sustainedRate(progress)).toBeCloseTo(10);
    expect(sustainedRate([])).toBe(0);
  });

  it("counts one key's requests and 429s since a moment, not another key's", () => {
    const route = 'POST /api/lists/subscribe';
    const traffic = keyTraffic(
      [
        { at: 10, key: 'a', route, status: 200 },
        { at: 20, key: 'a', route, status: 429 },
        { at: 30, key: 'b', route, status: 200 },
        { at: 1, key: 'a', route, status: 200 },
      ],
      'a',
      5,
    );
    expect(traffic).toMatchObject({ requests: 2, throttled: 1, busiestSecond: 2 });
    expect(traffic.progress).toEqual([{ at: 10, ok: 1 }]);
  });

  it('replaces the flow section of a report instead of adding a second one', () => {
    const section = '## Flow control\n\nnew figures\n';
    const once = withFlowSection('# Benchmarks\n\nrows\n', section);
    const twice = withFlowSection(once.replace('new', 'old'), section);
    expect(twice).toBe(once);
    expect(twice.match(/## Flow control/g)).toHaveLength(1);
  });
});
