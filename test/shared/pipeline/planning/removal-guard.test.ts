import {
  checkRemovals,
  removalsPossible,
} from '../../../../shared/pipeline/planning/removal-guard';

const guard = { percent: 50, minCount: 100 };
const fromFirstMember = { percent: 50, minCount: 0 };

describe('checkRemovals', () => {
  it('holds a plan removing more than the share of a list, and at least the minimum', () => {
    const confirmation = checkRemovals(
      [
        { name: 'Small change', listSize: 10_000, removing: 100 },
        { name: 'Truncated', listSize: 10_000, removing: 9_000 },
      ],
      guard,
    );
    expect(confirmation?.segments).toEqual([
      { name: 'Truncated', listSize: 10_000, removing: 9_000, percent: 90 },
    ]);
    expect(confirmation?.message).toMatch(/"Truncated" 9000 of 10000 \(90%\)/);
  });

  it('holds a small list from its first member when the minimum is 0', () => {
    expect(
      checkRemovals([{ name: 'Tiny', listSize: 2, removing: 2 }], fromFirstMember)?.segments,
    ).toEqual([{ name: 'Tiny', listSize: 2, removing: 2, percent: 100 }]);
    expect(checkRemovals([{ name: 'Tiny', listSize: 2, removing: 1 }], fromFirstMember)).toBe(
      undefined,
    );
    expect(checkRemovals([{ name: 'Same', listSize: 5, removing: 0 }], fromFirstMember)).toBe(
      undefined,
    );
  });

  it('measures removals in steps from the largest recent size', () => {
    // 100 members, then 60 after a step of 40%: removing 24 more ends 64% below 100.
    const confirmation = checkRemovals(
      [{ name: 'Stepped', listSize: 60, removing: 24, recentLargestSize: 100 }],
      fromFirstMember,
    );
    expect(confirmation?.segments).toEqual([
      { name: 'Stepped', listSize: 60, removing: 24, recentLargestSize: 100, percent: 64 },
    ]);
    expect(confirmation?.message).toMatch(/"Stepped" 24 of 60 \(64% below its recent 100\)/);
    expect(
      checkRemovals(
        [{ name: 'Stepped', listSize: 60, removing: 5, recentLargestSize: 100 }],
        fromFirstMember,
      ),
    ).toBeUndefined();
  });

  it('quotes a segment name escaped and cut to 64 characters', () => {
    const name = `a'b"<${'x'.repeat(100)}`;
    const message = checkRemovals([{ name, listSize: 4, removing: 4 }], fromFirstMember)?.message;
    expect(message).toContain('"a\'b\\"\\u003c');
    expect(message).not.toContain('x'.repeat(61));
  });

  it.each([
    ['exactly the share', { name: 'S', listSize: 1000, removing: 500 }],
    ['fewer than the minimum', { name: 'S', listSize: 150, removing: 99 }],
    ['an empty list', { name: 'S', listSize: 0, removing: 0 }],
  ])('lets %s through', (_label, segment) => {
    expect(checkRemovals([segment], guard)).toBeUndefined();
  });

  it('holds batches back only when removals are possible', () => {
    expect(removalsPossible('mirror', true, guard)).toBe(true);
    expect(removalsPossible('addOnly', true, guard)).toBe(false);
    expect(removalsPossible('mirror', false, guard)).toBe(false);
    expect(removalsPossible('mirror', true, { percent: 100 })).toBe(false);
  });
});
