import type { StatsSnapshot } from '../../../local/iterable/stats';
import type { Run, Segment } from './fault-run';
import type { FaultStack } from './fault-stack';

/** One fault's figures, as the suite prints them. */
export interface FaultRow {
  fault: string;
  profiles: number;
  /** Runs requested, and of those the ones that ended with every member confirmed. */
  runs: number;
  completed: number;
  /** Members of the segment missing from the list at the end. */
  lost: number;
  /** Iterable requests beyond what the same runs need without a fault. */
  extraRequests: number;
  seconds: number;
  /** Where the run was when the fault struck ("running, 41% sent"), or "whole run". */
  struck: string;
  /** A product bug that makes the row fail, noted under the table. */
  knownBug?: string | undefined;
}

export interface ListOutcome {
  /** Expected members missing from the list. */
  lost: number;
  /** Members on the list that the segment does not hold. */
  unexpected: number;
  /** Lists in the project named like the segment (one, or a list was created twice). */
  listsNamedLikeSegment: number;
  requests: number;
  extraRequests: number;
}

export function requestCount(stats: StatsSnapshot): number {
  return Object.values(stats.requests)
    .flatMap((byStatus) => Object.values(byStatus))
    .reduce((sum, count) => sum + count, 0);
}

/**
 * Compares the list with the segment and counts the requests Iterable received since
 * `requestsBefore`. Without faults, a first run to a new list costs one request per planned batch
 * plus two list calls (GET /api/lists, POST /api/lists): the rest are extra.
 */
export function listOutcome(
  stack: FaultStack,
  segment: Segment,
  run: Run,
  requestsBefore: number,
): ListOutcome {
  const [project] = stack.iterable.inspect({ users: false });
  const named = project?.lists.filter((list) => list.name === segment.name) ?? [];
  // A run that never finished planning names no list yet: then the one named like the segment.
  const listId = run.segments[0]?.listId;
  const list = listId === undefined ? named[0] : named.find((each) => each.id === listId);
  const members = new Set(list?.members ?? []);
  let lost = 0;
  for (const email of segment.expected) if (!members.has(email)) lost++;
  let unexpected = 0;
  for (const email of members) if (!segment.expected.has(email)) unexpected++;
  const requests = requestCount(stack.iterable.stats()) - requestsBefore;
  const minimum = (run.batchCount ?? 0) + 2;
  return {
    lost,
    unexpected,
    listsNamedLikeSegment: named.length,
    requests,
    extraRequests: requests - minimum,
  };
}

export function renderFaultTable(rows: FaultRow[]): string {
  const header = [
    'fault',
    'struck at',
    'profiles',
    'runs completed',
    'profiles lost',
    'extra requests',
    'seconds',
  ];
  const bugs = rows.flatMap((row) => (row.knownBug ? [row.knownBug] : []));
  const cells = rows.map((row) => [
    row.knownBug ? `${row.fault} [${bugs.indexOf(row.knownBug) + 1}]` : row.fault,
    row.struck,
    row.profiles.toLocaleString('en-US'),
    `${row.completed}/${row.runs}`,
    String(row.lost),
    String(row.extraRequests),
    row.seconds.toFixed(0),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((cell) => cell[column]!.length)),
  );
  const line = (values: string[]) =>
    `| ${values.map((value, column) => (column < 2 ? value.padEnd(widths[column]!) : value.padStart(widths[column]!))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (column < 2 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  const notes = bugs.map((bug, index) => `[${index + 1}] known product bug: ${bug}`);
  return [line(header), rule, ...cells.map(line), ...(notes.length ? ['', ...notes] : [])].join(
    '\n',
  );
}
