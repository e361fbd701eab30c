import { checkRemovals, removalsPossible } from '../../../shared/pipeline/removal-guard';

const guard = { percent: 50, minCount: 100 };

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
    expect(confirmation?.message).toMatch(/'Truncated' 9000 of 10000 \(90%\)/);
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
