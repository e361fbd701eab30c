import { quoteForMessage } from '../quote-for-message';
import type { RemovalEvidence } from '../settings';

/** What a run saw of one snapshot: the record a later run compares its own with. */
export interface SnapshotCounts {
  /** Records, readable or not. */
  rows: number;
  /** Readable rows without a valid e-mail: the key missing, blank or not an address. */
  withoutEmail: number;
  /** Readable rows without the e-mail key or column at all. */
  missingKey: number;
  /** Unreadable lines whose e-mail could not be read either. */
  unreadable: number;
}

export type DamageCause = 'emailKeyMissing' | 'missingEmailJump' | 'unreadableLines';

/** Why a run removes no one from a segment's list: the snapshot looks damaged. */
export interface SnapshotDamage {
  cause: DamageCause;
  message: string;
  /** The first lines (rows of a CSV, the header being 1) that show it. */
  lines: number[];
}

/** How many line numbers a finding names: enough to find the damage, few enough to read. */
const linesNamed = 5;

/**
 * Counts, while a snapshot is read, what tells a damaged snapshot from a segment that shrank:
 * rows without the e-mail key, rows without a usable e-mail, and lines that could not be read.
 */
export class SnapshotEvidence {
  readonly counts: SnapshotCounts = { rows: 0, withoutEmail: 0, missingKey: 0, unreadable: 0 };
  readonly #lines: Record<DamageCause, number[]> = {
    emailKeyMissing: [],
    missingEmailJump: [],
    unreadableLines: [],
  };

  row(line: number, email: 'usable' | 'unusable' | 'keyMissing'): void {
    this.counts.rows++;
    if (email === 'usable') return;
    this.counts.withoutEmail++;
    this.#note('missingEmailJump', line);
    if (email !== 'keyMissing') return;
    this.counts.missingKey++;
    this.#note('emailKeyMissing', line);
  }

  /** A line that could not be read, `emailKnown` when its e-mail could be read all the same. */
  unreadable(line: number, emailKnown: boolean): void {
    this.counts.rows++;
    if (emailKnown) return;
    this.counts.unreadable++;
    this.#note('unreadableLines', line);
  }

  linesOf(cause: DamageCause): number[] {
    return [...this.#lines[cause]];
  }

  #note(cause: DamageCause, line: number): void {
    const lines = this.#lines[cause];
    if (lines.length < linesNamed) lines.push(line);
  }
}

const share = (part: number, whole: number) => (whole > 0 ? (100 * part) / whole : 0);

/**
 * Whether a snapshot looks damaged against what the export's last good run saw of it (none: this
 * is the first look). Any unreadable line past the threshold means the snapshot was not read
 * whole; an e-mail key missing from most rows, or a jump in rows without a usable e-mail, is a
 * change a real segment does not make between two runs. Undefined: removals may go ahead.
 */
export function judgeSnapshot(
  segment: string,
  emailField: string,
  evidence: SnapshotEvidence,
  lastGood: SnapshotCounts | undefined,
  thresholds: RemovalEvidence,
): SnapshotDamage | undefined {
  const now = evidence.counts;
  const name = quoteForMessage(segment);
  const field = quoteForMessage(emailField);
  const kept = 'members missing from it were kept in the list; no one was removed.';
  if (now.unreadable > thresholds.unreadableLines) {
    return {
      cause: 'unreadableLines',
      message: `Segment ${name}: ${now.unreadable} line(s) of the snapshot could not be read, nor their e-mail, so it was not read whole; ${kept}`,
      lines: evidence.linesOf('unreadableLines'),
    };
  }
  const missingKey = share(now.missingKey, now.rows);
  const missingBefore = lastGood ? share(lastGood.missingKey, lastGood.rows) : 0;
  if (
    missingKey > thresholds.missingEmailKeyPercent &&
    missingBefore <= thresholds.missingEmailKeyPercent
  ) {
    return {
      cause: 'emailKeyMissing',
      message: `Segment ${name}: the e-mail field ${field} is missing from ${now.missingKey} of ${now.rows} rows; ${kept}`,
      lines: evidence.linesOf('emailKeyMissing'),
    };
  }
  if (!lastGood) return undefined;
  const jump = share(now.withoutEmail, now.rows) - share(lastGood.withoutEmail, lastGood.rows);
  if (now.withoutEmail > 0 && jump > thresholds.missingEmailJumpPercent) {
    return {
      cause: 'missingEmailJump',
      message: `Segment ${name}: ${now.withoutEmail} of ${now.rows} rows have no usable e-mail in ${field}, against ${lastGood.withoutEmail} of ${lastGood.rows} in the last good run; ${kept}`,
      lines: evidence.linesOf('missingEmailJump'),
    };
  }
  return undefined;
}
