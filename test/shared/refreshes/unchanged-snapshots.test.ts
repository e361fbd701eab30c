import { unchangedReason } from '../../../shared/refreshes/unchanged-snapshots';
import { emptyCounts, type Run } from '../../../shared/runs/run-schemas';

const record = { segments: ['A', 'B'], updatedAt: '2026-12-01T00:00:00.000Z' };
const etags = new Map([
  ['A', '"a1"'],
  ['B', '"b1"'],
]);

function delivered(overrides: Partial<Run> = {}): Run {
  return {
    id: '0190d2c8-0000-7000-8000-000000000001',
    exportId: '0190d2c8-0000-7000-8000-000000000002',
    trigger: 'refresh',
    mode: 'delta',
    dryRun: false,
    status: 'succeeded',
    counts: emptyCounts(),
    percentComplete: 100,
    segments: [
      { name: 'A', snapshotEtag: '"a1"', counts: emptyCounts() },
      { name: 'B', snapshotEtag: '"b1"', counts: emptyCounts() },
    ],
    createdAt: '2026-12-02T00:00:00.000Z',
    ...overrides,
  };
}

describe('unchangedReason', () => {
  it('skips when every snapshot is the version the last delivered run planned', () => {
    expect(unchangedReason(record, etags, delivered())).toMatchObject({
      code: 'SnapshotsUnchanged',
    });
  });

  it.each([
    ['no run delivered yet', undefined],
    ['a snapshot rewritten since', delivered({ segments: [] })],
    ['members the last run failed on', delivered({ counts: { ...emptyCounts(), failed: 3 } })],
    ['an export saved after the run began', delivered({ createdAt: '2026-11-30T00:00:00.000Z' })],
  ])('runs after %s', (_case, last) => {
    expect(unchangedReason(record, etags, last)).toBeUndefined();
  });

  it('runs when a snapshot has no version now or differs', () => {
    expect(unchangedReason(record, new Map([['A', '"a1"']]), delivered())).toBeUndefined();
    expect(
      unchangedReason(
        record,
        new Map([
          ['A', '"a1"'],
          ['B', '"b2"'],
        ]),
        delivered(),
      ),
    ).toBeUndefined();
  });
});
