import os from 'node:os';
import { withSection } from './report-sections';

/** One export run through flow control, on its own stack of `instances` hosts. */
export interface FlowRow {
  instances: number;
  /** The connection's requestsPerSecond; undefined = none. */
  ceiling: number | undefined;
  /** The stand-in's limit per key, in any one-second window. */
  limit: number;
  profiles: number;
  status: string;
  added: number;
  seconds: number;
  /** Subscribes a second from 10% to 90% of the successes, sampled from the stand-in's stats. */
  sustained: number;
  requests: number;
  throttled: number;
  /** The most requests the key sent in any one-second window (any answer). */
  busiestSecond: number;
  /** The most of them Iterable took in any one-second window. */
  busiestSecondOk: number;
  /** The machine's mean one-minute load average during the run (other work shares it). */
  load: number;
  logFile: string;
}

export interface FairnessRow {
  instances: number;
  limit: number;
  bigProfiles: number;
  bigStatus: string;
  bigAdded: number;
  bigSeconds: number;
  bigSustained: number;
  /** The big run's subscribes a second in the 10 s after the small run was requested. */
  bigRateNearSmall: number;
  bigThrottled: number;
  bigBusiestSecond: number;
  smallStatus: string;
  smallAdded: number;
  /** From the small run's request to its end (read every 100 ms). */
  smallSeconds: number;
  load: number;
  logFile: string;
}

const number = (value: number, digits = 0) =>
  value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const share = (part: number, whole: number) => `${number((100 * part) / Math.max(whole, 1), 2)}%`;

const heading = '## Flow control';

/** The flow-control section of docs/benchmarks.md. */
export function renderFlowSection(flow: { rows: FlowRow[]; fairness?: FairnessRow }): string {
  const limit = flow.rows[0]?.limit ?? flow.fairness?.limit;
  const lines = [
    heading,
    '',
    `Each row starts its own stack: Azurite, the Iterable stand-in limiting each key to ${limit}`,
    'requests in any one-second window (a sliding window, no burst: a request over it answers',
    '429), and that many Functions hosts on the one storage account. One export of distinct',
    'e-mails, 1,000 a batch, on a connection of its own key. Sustained = subscribes a second from',
    "10% to 90% of the successes, sampled from the stand-in's counters every 200 ms. Busiest",
    'second = the most requests the key sent (any answer) in any one-second window, and the most',
    'of them Iterable took, from the arrival time of every request (noted by a pass-through in',
    'front of the stand-in, a few ms before the stand-in counts them: "taken" can read one over',
    'the limit where two requests arrived in the other order; a 429 is what proves a window',
    "was over). Load = the machine's mean one-minute load average during the run (the machine",
    `has ${os.cpus().length} cores; other work may share it).`,
    '',
    '| Hosts | Connection cap | Profiles | Run | Wall time (s) | Sustained requests/s | Share of limit | Requests | 429s | 429s / requests | Busiest second: sent / taken | Load |',
    '| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of flow.rows) {
    lines.push(
      `| ${row.instances} | ${row.ceiling ? `${row.ceiling}/s` : 'none'} | ${number(row.profiles)} | ${row.status} | ${number(row.seconds, 1)} | ${number(row.sustained, 2)} | ${number((100 * row.sustained) / row.limit, 1)}% | ${number(row.requests)} | ${number(row.throttled)} | ${share(row.throttled, row.requests)} | ${row.busiestSecond} / ${row.busiestSecondOk} | ${number(row.load, 1)} |`,
    );
  }
  const f = flow.fairness;
  if (f) {
    lines.push(
      '',
      '### Fairness',
      '',
      `A run of ${number(f.bigProfiles)} profiles on a connection capped at 1 request/s and, once it`,
      `was sending, a one-member run of a second tenant on its own key, on ${f.instances} host(s),`,
      "the same stand-in limit. The small run's time is from its request to its end, read every",
      '100 ms.',
      '',
      '| Small run | Small run (s) | Big run | Big run (s) | Big sustained requests/s | Big requests/s in the 10 s after the small request | Big 429s | Big busiest second | Load |',
      '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      `| ${f.smallStatus} (${f.smallAdded} added) | ${number(f.smallSeconds, 1)} | ${f.bigStatus} (${number(f.bigAdded)} added) | ${number(f.bigSeconds, 1)} | ${number(f.bigSustained, 2)} | ${number(f.bigRateNearSmall, 1)} | ${number(f.bigThrottled)} | ${f.bigBusiestSecond} | ${number(f.load, 1)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A report with its flow-control section put in (replacing the one it had, if any), the sections
 * after it (the refresh sweep's) kept.
 */
export function withFlowSection(report: string, section: string): string {
  return withSection(report, heading, section);
}
