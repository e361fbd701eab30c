import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import readline from 'node:readline';
import type { IterableStandIn } from '../local/iterable/server';
import { normalizeEmail } from '../shared/snapshot/email-address';
import type { ApiCall } from './bench-stack';
import { segmentStream, type SegmentOptions } from './segment-generator';

/** What the large benchmarks share: following a run to its end, checking its list, the report. */

export interface FollowedRun {
  runId: string;
  status: string;
  counts: Record<string, number>;
  error: unknown;
  listId: number | undefined;
  /** From the run request to the run seen ended. */
  seconds: number;
  /** From the run request to the run first seen past `planning` (undefined if never seen). */
  planningSeconds: number | undefined;
}

const active = ['queued', 'planning', 'running'];

/**
 * Requests a full run of `exportId` and polls it (every 250 ms) until it ends or `timeoutMs`
 * passes (then it throws). `onPoll` sees each reading, with the seconds since the request. A
 * failed poll (a host just killed) is retried until the time limit.
 */
export async function followRun(
  call: ApiCall,
  exportId: string,
  options: {
    timeoutMs: number;
    onPoll?: (run: Record<string, unknown>, seconds: number) => void | Promise<void>;
    onProgress?: (line: string) => void;
  },
): Promise<FollowedRun> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const requested = await call('POST', `exports/${exportId}/runs`, {});
  const runId = String(requested.id);
  let run = requested;
  let planningSeconds: number | undefined;
  let lastProgress = 0;
  let lastError: string | undefined;
  while (active.includes(String(run.status))) {
    if (seconds() * 1000 > options.timeoutMs) {
      throw new Error(
        `Run ${runId} still ${String(run.status)} after ${Math.round(options.timeoutMs / 1000)} s (counts ${JSON.stringify(run.counts)}${lastError ? `; last poll error: ${lastError}` : ''})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
    try {
      run = await call('GET', `exports/${exportId}/runs/${runId}`);
      lastError = undefined;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      continue;
    }
    if (planningSeconds === undefined && !['queued', 'planning'].includes(String(run.status))) {
      planningSeconds = seconds();
    }
    if (seconds() - lastProgress >= 15) {
      lastProgress = seconds();
      const percent = typeof run.percentComplete === 'number' ? ` ${run.percentComplete}%` : '';
      options.onProgress?.(` [${Math.round(seconds())} s: ${String(run.status)}${percent}]`);
    }
    await options.onPoll?.(run, seconds());
  }
  const segments = (run.segments ?? []) as Array<{ listId?: number }>;
  return {
    runId,
    status: String(run.status),
    counts: (run.counts ?? {}) as Record<string, number>,
    error: run.error,
    listId: segments[0]?.listId,
    seconds: seconds(),
    planningSeconds,
  };
}

export interface ListCheck {
  exact: boolean;
  expected: number;
  listed: number;
  missing: number;
  extra: number;
}

/**
 * Whether the stand-in's list holds exactly the segment's distinct valid e-mails (normalized as
 * the app and the floor normalize them), read from the stand-in in this process.
 */
export async function checkList(
  iterable: IterableStandIn,
  listId: number | undefined,
  segment: SegmentOptions,
): Promise<ListCheck> {
  const expected = new Set<string>();
  let header = true;
  const lines = readline.createInterface({ input: segmentStream(segment), crlfDelay: Infinity });
  for await (const line of lines) {
    if (header) {
      header = false;
      continue;
    }
    // The generator's e-mail column is first and never quoted.
    const email = normalizeEmail(line.slice(0, line.indexOf(',')));
    if (email) expected.add(email);
  }
  const [project] = iterable.inspect({ listId, members: true, users: false });
  const members = project?.lists.find((list) => list.id === listId)?.members ?? [];
  let found = 0;
  for (const member of members) if (expected.has(member)) found++;
  return {
    exact: listId !== undefined && found === expected.size && members.length === expected.size,
    expected: expected.size,
    listed: members.length,
    missing: expected.size - found,
    extra: members.length - found,
  };
}

/**
 * Puts `section` (starting with its `## ` heading) into the report file in place of the section
 * of that heading, up to the next `## ` heading, or at the end; everything else stays.
 */
export function writeSection(file: string, section: string): void {
  const heading = section.split('\n', 1)[0] ?? '';
  const report = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const lines = report.split('\n');
  const start = lines.indexOf(heading);
  const body = section.trimEnd().split('\n');
  let next: string[];
  if (start < 0) {
    next = [...report.trimEnd().split('\n'), '', ...body];
  } else {
    const after = lines.findIndex((line, index) => index > start && line.startsWith('## '));
    const rest = after < 0 ? [] : ['', ...lines.slice(after)];
    const before = lines.slice(0, start);
    while (before.length && before[before.length - 1] === '') before.pop();
    next = [...before, '', ...body, ...rest];
  }
  writeFileSync(file, `${next.join('\n').trimEnd()}\n`);
}

export const number = (value: number, digits = 0) =>
  value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function mebibytes(bytes: number): string {
  return number(bytes / 2 ** 20);
}
