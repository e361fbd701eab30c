import { appLogLine } from './app-log-line';

/**
 * What `npm start` shows a person watching: the app's JSON log lines turned into one readable line
 * per run step (planned, progress every few seconds with profiles/s, finished with counts), HTTP
 * requests in one short line each, and failures; the routine lines (every Iterable call, every
 * successful batch invocation) stay out of the way. LOG_FORMAT=json shows everything as it is.
 */

interface RunProgress {
  startedAt: number;
  total?: number;
  sent: number;
  lastShown: number;
}

const progressEveryMs = 3000;

const number = (value: unknown) =>
  typeof value === 'number' ? value.toLocaleString('en') : String(value);

export class RunConsole {
  readonly #runs = new Map<string, RunProgress>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The lines to print for one line of host output (often none). */
  format(raw: string): string[] {
    const line = appLogLine(raw);
    if (!line) {
      // The host's own line per invocation: only failures and non-batch functions are news.
      if (/Executed 'Functions\.send-batch(-express)?' \(Succeeded/.test(raw)) return [];
      return [raw];
    }
    const run = typeof line.runId === 'string' ? line.runId : undefined;
    const tag = run ? `run ${run.slice(0, 8)}…${run.slice(-4)}` : '';
    const counts = (line.counts ?? {}) as Record<string, number>;
    switch (line.message) {
      case 'Request':
        return [
          `${String(line.method)} /api/${String(line.route)} → ${String(line.status)} (${String(line.durationMs)} ms)`,
        ];
      case 'Iterable request':
        return Number(line.status) >= 400 || line.status === 0
          ? [
              `${tag} Iterable ${String(line.endpoint)} answered ${String(line.status) === '0' ? 'nothing' : String(line.status)} (attempt ${String(line.attempt)})`,
            ]
          : [];
      case 'Run planning started':
        if (run) this.#runs.set(run, { startedAt: this.now(), sent: 0, lastShown: this.now() });
        return [`${tag} planning (${String(line.mode)}${line.dryRun ? ', dry run' : ''})`];
      case 'Run planned':
      case 'Dry run planned': {
        const progress = run ? this.#runs.get(run) : undefined;
        if (progress) progress.total = counts.total;
        return [
          `${tag} planned: ${number(counts.total)} members, ${number(counts.added)} to add, ${number(counts.updated)} to update, ${number(counts.removed)} to remove, ${number(counts.rejected)} rejected; ${number(line.batchCount)} batches`,
        ];
      }
      case 'Batch done':
        return run ? this.#progress(run, tag, Number(line.succeeded ?? 0)) : [];
      case 'Run finished':
        if (run) this.#runs.delete(run);
        return [
          `${tag} ${String(line.status)} in ${(Number(line.durationMs) / 1000).toFixed(1)} s (${number(line.profilesPerSecond)} profiles/s): ${number(counts.added)} added, ${number(counts.updated)} updated, ${number(counts.removed)} removed, ${number(counts.rejected)} rejected, ${number(counts.failed)} failed`,
        ];
      default:
        return [
          `${tag ? `${tag} ` : ''}${String(line.level)}: ${String(line.message)}${this.#details(line)}`,
        ];
    }
  }

  #progress(run: string, tag: string, succeeded: number): string[] {
    const now = this.now();
    const progress = this.#runs.get(run) ?? { startedAt: now, sent: 0, lastShown: now };
    this.#runs.set(run, progress);
    progress.sent += succeeded;
    if (now - progress.lastShown < progressEveryMs) return [];
    progress.lastShown = now;
    const seconds = Math.max(0.001, (now - progress.startedAt) / 1000);
    const share = progress.total
      ? ` (${Math.min(100, Math.round((100 * progress.sent) / progress.total))}%)`
      : '';
    return [
      `${tag} ${number(progress.sent)} profiles sent${share}, ${number(Math.round(progress.sent / seconds))} profiles/s`,
    ];
  }

  #details(line: Record<string, unknown>): string {
    const {
      time: _t,
      level: _l,
      message: _m,
      invocationId: _i,
      operation: _o,
      tenantId: _tn,
      exportId: _e,
      runId: _r,
      ...rest
    } = line;
    return Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
  }
}
