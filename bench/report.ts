import os from 'node:os';
import { readBenchmarks, sectionOf } from './report-sections';

/** Written by `npm run bench:sweep`, not by `npm run bench`: carried over as it is. */
export const sweepHeading = '## Refresh sweep';

/** Sections other scripts write (bench:large, bench:killed, bench:sweep): carried over as they are. */
const carriedHeadings = ['## Ten million profiles', '## Planner killed mid-plan', sweepHeading];

/** Where a figure is the median of several samples: their lowest and highest wall time. */
interface Spread {
  range?: [number, number];
  samples?: number;
}

export interface BenchRow extends Spread {
  label: string;
  profiles: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  requests: number;
  throttled: number;
}

export interface FloorRow extends Spread {
  profiles: number;
  seconds: number;
  requests: number;
  pipelineSeconds: number;
}

export interface ThrottledRow {
  profiles: number;
  limit: number;
  seconds: number;
  requests: number;
  throttled: number;
  /** From the first to the last request seen arriving at the stand-in. */
  sendingSeconds: number;
}

const number = (value: number, digits = 0) =>
  value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A wall time, with the range of its samples when it is a median of more than one. */
const wallTime = ({ seconds, range, samples }: { seconds: number } & Spread) =>
  range && (samples ?? 1) > 1
    ? `${number(seconds, 1)} (${number(range[0], 1)}–${number(range[1], 1)})`
    : number(seconds, 1);

/** docs/benchmarks.md: the figures of one `npm run bench`, with the machine they came from. */
export function renderReport(input: {
  rows: BenchRow[];
  floors: FloorRow[];
  delta: BenchRow | undefined;
  throttled: ThrottledRow | undefined;
  hostNodeArguments: string;
}): string {
  const cpus = os.cpus();
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench`: seeded CSV segments (9 columns, about 1 in 500 rows an invalid or',
    'repeated e-mail) exported through the local Functions host, Azurite and the Iterable stand-in,',
    'timed from the run request to the finished run. Each size is measured `BENCH_SAMPLES` times',
    '(default 3), each on an export and list of its own; a row is the median sample, with the',
    'range of all in brackets. Host figures are for the Functions host',
    'process and the worker process the app runs in, together (Azurite and the stand-in run beside',
    'them on the same machine; the peak RSS is the sum of the two peaks). The worker is started with',
    `\`${input.hostNodeArguments || '(no Node.js options)'}\` (\`languageWorkers__node__arguments\`).`,
    '',
    `Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${number(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| Run | Wall time (s) | Profiles/s | Host peak RSS (MB) | Host CPU (s) | Requests | 429s |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of [...input.rows, ...(input.delta ? [input.delta] : [])]) {
    lines.push(
      `| ${row.label} | ${wallTime(row)} | ${number(row.profiles / row.seconds)} | ${number(row.peakRssMb)} | ${number(row.cpuSeconds, 1)} | ${number(row.requests)} | ${number(row.throttled)} |`,
    );
  }
  if (input.floors.length) {
    lines.push(
      '',
      '## Against the floor',
      '',
      'The floor downloads the same snapshot from the same storage, normalises and de-duplicates its',
      'members with every mapped data field, and posts them in the same 1,000-member batches straight',
      'to the stand-in, from one process, 16 requests at a time, with no queues or state.',
      '',
      '| Profiles | Floor (s) | Pipeline (s) | Pipeline / floor |',
      '| ---: | ---: | ---: | ---: |',
    );
    for (const floor of input.floors) {
      lines.push(
        `| ${number(floor.profiles)} | ${wallTime(floor)} | ${number(floor.pipelineSeconds, 1)} | ${number(floor.pipelineSeconds / floor.seconds, 2)}× |`,
      );
    }
  }
  if (input.throttled) {
    const t = input.throttled;
    const rate = t.requests / Math.max(t.sendingSeconds, 0.001);
    lines.push(
      '',
      '## Throttled',
      '',
      `The stand-in capped at ${t.limit} requests/s and the connection set to the same rate;`,
      `${number(t.profiles)} profiles. The cap is below the pace the pipeline keeps without one, so`,
      'the cap, not the pipeline, sets the rate.',
      '',
      '| Wall time (s) | Requests | Sending window (s) | Sustained requests/s | Share of cap | 429s | 429s / requests |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      `| ${number(t.seconds, 1)} | ${number(t.requests)} | ${number(t.sendingSeconds, 1)} | ${number(rate, 1)} | ${number((100 * rate) / t.limit, 1)}% | ${number(t.throttled)} | ${number((100 * t.throttled) / Math.max(t.requests, 1), 2)}% |`,
    );
  }
  const report = readBenchmarks();
  for (const heading of carriedHeadings) {
    const section = sectionOf(report, heading);
    if (section) lines.push('', section);
  }
  return `${lines.join('\n')}\n`;
}
