import {
  judgeSnapshot,
  SnapshotEvidence,
  type SnapshotCounts,
} from '../../../shared/snapshot/snapshot-evidence';
import { defaultRemovalEvidence } from '../../../shared/settings';

function evidenceOf(rows: ('usable' | 'unusable' | 'keyMissing' | 'unreadable')[]) {
  const evidence = new SnapshotEvidence();
  rows.forEach((row, index) => {
    if (row === 'unreadable') evidence.unreadable(index + 1, false);
    else evidence.row(index + 1, row);
  });
  return evidence;
}

const judge = (evidence: SnapshotEvidence, lastGood?: SnapshotCounts) =>
  judgeSnapshot('Segment', 'email', evidence, lastGood, defaultRemovalEvidence);

const counts = (rows: number, withoutEmail: number, missingKey = 0): SnapshotCounts => ({
  rows,
  withoutEmail,
  missingKey,
  unreadable: 0,
});

describe('judgeSnapshot', () => {
  it('finds an unreadable line whose e-mail is unknown, naming the first lines', () => {
    const damage = judge(evidenceOf(['usable', 'unreadable', 'usable', 'unreadable']));
    expect(damage).toMatchObject({ cause: 'unreadableLines', lines: [2, 4] });
    expect(damage?.message).toMatch(/^Segment "Segment": 2 line\(s\)/);
  });

  it('does not count a broken line whose e-mail was read', () => {
    const evidence = new SnapshotEvidence();
    evidence.unreadable(1, true);
    expect(judge(evidence)).toBeUndefined();
    expect(evidence.counts).toMatchObject({ rows: 1, unreadable: 0 });
  });

  it('finds the e-mail key missing from most rows, even on a first look', () => {
    const damage = judge(evidenceOf(['keyMissing', 'keyMissing', 'usable']));
    expect(damage).toMatchObject({ cause: 'emailKeyMissing', lines: [1, 2] });
  });

  it('accepts a key missing from most rows when the last good run saw the same', () => {
    expect(judge(evidenceOf(['keyMissing', 'keyMissing', 'usable']), counts(3, 2, 2))).toBe(
      undefined,
    );
  });

  it('finds a jump in rows without a usable e-mail against the last good run only', () => {
    const blank = evidenceOf(['unusable', 'unusable', 'usable', 'usable']);
    expect(judge(blank)).toBeUndefined();
    expect(judge(blank, counts(4, 0))).toMatchObject({ cause: 'missingEmailJump', lines: [1, 2] });
    // Real segments hold profiles without an e-mail: the same share as before is no evidence.
    expect(judge(blank, counts(40, 19))).toBeUndefined();
  });

  it('names at most five lines', () => {
    const damage = judge(evidenceOf(Array.from({ length: 9 }, () => 'unreadable' as const)));
    expect(damage?.lines).toEqual([1, 2, 3, 4, 5]);
  });
});
