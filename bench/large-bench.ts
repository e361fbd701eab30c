import os from 'node:os';
import path from 'node:path';
import { startBenchStack } from './bench-stack';
import { HostWatch } from './host-watch';
import {
  checkList,
  followRun,
  mebibytes,
  number,
  writeSection,
  type FollowedRun,
  type ListCheck,
} from './large-run';
import { ResourceSampler, type ResourceFigures } from './resource-sampler';

/**
 * `npm run bench:large`: one full run of each size (default 1M and 10M profiles,
 * LARGE_BENCH_SIZES=200000,... to change them), each on a stack of its own (one Functions host,
 * Azurite, the Iterable stand-in without a rate limit, a fresh temporary folder for the host),
 * with the seeded segments `npm run bench` uses. Per size: the wall time from the run request to
 * the finished run, its end and counts, whether the list holds exactly the segment's distinct
 * valid e-mails, the worker's largest heap (from the app's `Plan step finished` and `Run planned` lines, where it
 * logs them), the hosts' peak RSS, the temporary folder's peak size and the longest invocation of
 * each function. Writes the "Ten million profiles" section of docs/benchmarks.md.
 * LARGE_BENCH_TIMEOUT_S limits one run (default 300 s + 0.3 ms a profile).
 */

const sizes = (process.env.LARGE_BENCH_SIZES ?? '1000000,10000000')
  .split(',')
  .filter((size) => size.trim())
  .map(Number);
const seed = 20261129;
/** As `npm run bench`: the heap one run is sized for, unless languageWorkers__node__arguments. */
const workerArguments = process.env.languageWorkers__node__arguments ?? '--max-old-space-size=320';
const timeoutFor = (size: number) =>
  1000 * Number(process.env.LARGE_BENCH_TIMEOUT_S ?? Math.round(300 + size * 0.0003));
const reportFile = path.join(__dirname, '..', '..', 'docs', 'benchmarks.md');
const heading = '## Ten million profiles';

interface Row {
  size: number;
  /** Set when the run could not be measured to its end (a time limit, a failed start). */
  failure?: string;
  run?: FollowedRun;
  list?: ListCheck;
  resources?: ResourceFigures;
  heapUsedMB?: number;
  planSteps: number;
  longest: Array<{ name: string; ms: number; outcome: string; invocations: number }>;
  uploadSeconds?: number;
}

const say = (text: string) => process.stdout.write(text);

async function measure(size: number): Promise<Row> {
  const row: Row = { size, planSteps: 0, longest: [] };
  const watch = new HostWatch();
  say(`\n${number(size)} profiles: starting the stack...`);
  const stack = await startBenchStack({
    name: `large-${size}`,
    instances: 1,
    workerArguments,
    onLine: (line, host) => watch.line(line, host),
  });
  say(` (host output in ${stack.logFile}, TMPDIR ${stack.tmpDir})`);
  let sampler: ResourceSampler | undefined;
  try {
    const name = `Large ${size}`;
    say(' generating and uploading...');
    const uploading = performance.now();
    await stack.uploadSegment(name, { size, seed });
    row.uploadSeconds = (performance.now() - uploading) / 1000;
    say(` ${number(row.uploadSeconds, 1)} s. Exporting...`);
    const exportId = await stack.createExport(name);
    watch.reset();
    sampler = new ResourceSampler(stack.tmpDir, () => stack.pids());
    sampler.start();
    try {
      row.run = await followRun(stack.call, exportId, {
        timeoutMs: timeoutFor(size),
        onProgress: say,
      });
    } finally {
      row.resources = sampler.stop();
      row.heapUsedMB = watch.maxHeapUsedMB;
      row.planSteps = watch.steps.length;
      row.longest = [...watch.longest].map(([fn, longest]) => ({
        name: fn,
        ...longest,
        invocations: watch.invocations.get(fn) ?? 0,
      }));
    }
    say(` ${row.run.status} in ${number(row.run.seconds, 1)} s. Checking the list...`);
    row.list = await checkList(stack.iterable, row.run.listId, { size, seed });
    say(
      row.list.exact
        ? ` exact (${number(row.list.listed)} members).`
        : ` NOT exact: ${number(row.list.listed)} listed, ${number(row.list.expected)} expected, ${number(row.list.missing)} missing, ${number(row.list.extra)} extra.`,
    );
  } catch (error) {
    row.failure = error instanceof Error ? error.message : String(error);
    say(`\n  failed: ${row.failure}`);
  } finally {
    say(' Stopping the stack...');
    await stack.stop();
    say(' stopped.');
  }
  return row;
}

function render(rows: Row[]): string {
  const cpus = os.cpus();
  const lines = [
    heading,
    '',
    'Written by `npm run bench:large`: one full run per size of the seeded segment `npm run bench`',
    'uses, each on a stack of its own (one Functions host, Azurite, the Iterable stand-in without a',
    'rate limit), timed from the run request to the finished run. The worker is started with',
    `\`${workerArguments}\`. The list is exact when the stand-in's list holds exactly the segment's`,
    'distinct valid e-mails. Worker heap: the largest `heapUsedMB` of the `Plan step finished` and',
    '`Run planned` lines (the heap in use as each step or plan ends; the largest single process peak RSS is beside it). Peak',
    "RSS: host and worker, the sum of their peaks. TMPDIR peak: the largest size of the host's own",
    'temporary folder (TMPDIR, TMP and TEMP point to a fresh one), sampled every 500 ms. Disk',
    'writes: what the host and worker wrote to storage (`write_bytes` of /proc/PID/io), all files.',
    'Load: the mean one-minute load average during the run (other work shares the machine).',
    '',
    `Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${number(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| Profiles | Run | Total / added / rejected / duplicates / failed | List exact | Wall time (s) | Planning (s) | Plan steps | Worker heap used, largest (MB) | Largest process RSS (MB) | Host peak RSS (MB) | TMPDIR peak (MB) | Disk writes (MB) | Load |',
    '| ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const run = row.run;
    const counts = run
      ? ['total', 'added', 'rejected', 'duplicates', 'failed']
          .map((key) => number(run.counts[key] ?? 0))
          .join(' / ')
      : '—';
    const list = row.list
      ? row.list.exact
        ? 'yes'
        : `no (${number(row.list.missing)} missing, ${number(row.list.extra)} extra)`
      : '—';
    const r = row.resources;
    const status = row.failure
      ? `failed: ${row.failure.replace(/\|/g, '/')}`
      : (run?.status ?? '—');
    lines.push(
      `| ${number(row.size)} | ${status} | ${counts} | ${list} | ${run ? number(run.seconds, 1) : '—'} | ${run?.planningSeconds === undefined ? '—' : number(run.planningSeconds, 1)} | ${row.planSteps || '—'} | ${row.heapUsedMB === undefined ? 'not logged' : number(row.heapUsedMB)} | ${r ? number(r.largestProcessRssMb) : '—'} | ${r ? number(r.peakRssMb) : '—'} | ${r ? mebibytes(r.tmpPeakBytes) : '—'} | ${r?.writeBytes === undefined ? '—' : mebibytes(r.writeBytes)} | ${r ? number(r.meanLoad, 1) : '—'} |`,
    );
  }
  lines.push(
    '',
    "The longest single invocation of each function during the run (from the host's `Executed`",
    'lines), with how many ran:',
    '',
    '| Profiles | Function | Invocations | Longest (s) | Its outcome |',
    '| ---: | --- | ---: | ---: | --- |',
  );
  for (const row of rows) {
    for (const one of [...row.longest].sort((a, b) => b.ms - a.ms)) {
      lines.push(
        `| ${number(row.size)} | ${one.name} | ${number(one.invocations)} | ${number(one.ms / 1000, 1)} | ${one.outcome} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  if (sizes.length === 0 || sizes.some((size) => !Number.isInteger(size) || size < 1)) {
    throw new Error(
      `LARGE_BENCH_SIZES must be whole numbers, not "${process.env.LARGE_BENCH_SIZES}"`,
    );
  }
  const rows: Row[] = [];
  for (const size of sizes) rows.push(await measure(size));
  const section = render(rows);
  say(`\n\n${section}`);
  writeSection(reportFile, section);
  say(`\nWrote the "${heading.slice(3)}" section of ${reportFile}.\n`);
  if (rows.some((row) => row.failure || !row.list?.exact)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `The large benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
