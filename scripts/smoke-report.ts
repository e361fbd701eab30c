export type Outcome = 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  name: string;
  outcome: Outcome;
  reason: string;
  /** Lines printed indented below the check, such as an error body. */
  details?: string[];
}

export function fail(name: string, reason: string): CheckResult {
  return { name, outcome: 'failed', reason };
}

const marks: Record<Outcome, string> = { passed: '✓', failed: '✗', skipped: '–' };

/**
 * Prints each check as it ends, one line with its mark and reason. Every line goes through
 * `redact`: a token echoed in any answer is never printed.
 */
export class SmokeReport {
  readonly #results: CheckResult[] = [];

  constructor(
    private readonly write: (line: string) => void,
    private readonly secrets: string[],
  ) {}

  add(result: CheckResult): CheckResult {
    this.#results.push(result);
    this.write(this.redact(`${marks[result.outcome]} ${result.name}: ${result.reason}`));
    for (const detail of result.details ?? []) this.write(this.redact(`    ${detail}`));
    return result;
  }

  get failed(): boolean {
    return this.#results.some((result) => result.outcome === 'failed');
  }

  summary(target: URL): void {
    const ran = this.#results.filter((result) => result.outcome !== 'skipped');
    const failed = ran.filter((result) => result.outcome === 'failed');
    this.write(
      failed.length === 0
        ? `smoke: passed, ${ran.length} checks against ${target.origin}`
        : `smoke: FAILED, ${failed.length} of ${ran.length} checks against ${target.origin}`,
    );
  }

  redact(text: string): string {
    return this.secrets.reduce((line, secret) => line.replaceAll(secret, '***'), text);
  }
}
