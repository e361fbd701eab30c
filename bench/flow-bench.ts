import os from 'node:os';
import { keyTraffic, sustainedRate, type Progress } from './flow-figures';
import { standInLimit, startFlowStack, type FlowStack, type Tenant } from './flow-stack';
import type { FairnessRow, FlowRow } from './flow-report';

/**
 * The flow-control rows of `npm run bench`: each Iterable key paced through its shared gate, on
 * 1, 4 and 8 hosts, against a stand-in that refuses more than R requests per key in any second.
 * Only what Iterable (the stand-in) saw and what the API answers is measured, nothing of the
 * gate itself, so the rows hold whatever the flow-control code does inside.
 */

const subscribe = 'POST /api/lists/subscribe';
/** A run that has not ended by then has stalled: the row fails rather than wait for ever. */
const runDeadlineMs = 20 * 60_000;

interface FollowedRun {
  status: string;
  counts: Record<string, number>;
  startedAt: number;
  endedAt: number;
  /** The stand-in's successful subscribes (every key) since the run was requested. */
  samples: Progress[];
  /** The machine's mean one-minute load average while the run went on. */
  load: number;
}

/** Requests a run and reads it every `everyMs` until it ends, sampling the stand-in meanwhile. */
async function followRun(
  flow: FlowStack,
  tenant: Tenant,
  exportId: string,
  everyMs = 200,
): Promise<FollowedRun> {
  const okSoFar = () => flow.iterable.stats().requests[subscribe]?.['200'] ?? 0;
  const okBefore = okSoFar();
  const startedAt = Date.now();
  const run = await tenant.call('POST', `exports/${exportId}/runs`, {});
  let current = run;
  const samples: Progress[] = [];
  const loads: number[] = [];
  while (['queued', 'planning', 'running'].includes(String(current.status))) {
    if (Date.now() - startedAt > runDeadlineMs) throw new Error(`Run ${String(run.id)} stalled`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    samples.push({ at: Date.now(), ok: okSoFar() - okBefore });
    loads.push(os.loadavg()[0] ?? 0);
    current = await tenant.call('GET', `exports/${exportId}/runs/${String(run.id)}`);
  }
  return {
    status: String(current.status),
    counts: current.counts as Record<string, number>,
    startedAt,
    endedAt: Date.now(),
    samples,
    load: loads.reduce((sum, load) => sum + load, 0) / Math.max(loads.length, 1),
  };
}

/** One export of `profiles` members on its own stack of `instances` hosts, capped or not. */
export async function flowRow(
  instances: number,
  profiles: number,
  ceiling: number | undefined,
): Promise<FlowRow> {
  const label = `${ceiling ? 'capped' : 'uncapped'}-${instances}`;
  process.stdout.write(`\nFlow control, ${label.replace('-', ', ')} host(s): starting...`);
  const flow = await startFlowStack(label, instances, 1);
  try {
    const tenant = flow.tenants[0]!;
    const exportId = await tenant.exportOf(`Flow ${label}`, profiles, ceiling);
    process.stdout.write(' exporting...');
    const run = await followRun(flow, tenant, exportId);
    const traffic = keyTraffic(flow.clock.requests, tenant.key, run.startedAt);
    const row: FlowRow = {
      instances,
      ceiling,
      limit: standInLimit,
      profiles,
      status: run.status,
      added: run.counts.added ?? 0,
      seconds: (run.endedAt - run.startedAt) / 1000,
      sustained: sustainedRate(run.samples),
      requests: traffic.requests,
      throttled: traffic.throttled,
      busiestSecond: traffic.busiestSecond,
      busiestSecondOk: traffic.busiestSecondOk,
      load: run.load,
      logFile: flow.logFile,
    };
    process.stdout.write(` ${run.status}, ${row.sustained.toFixed(2)} requests/s.`);
    return row;
  } finally {
    await flow.stop();
  }
}

/**
 * A 100-batch run capped at 1 request/s and, once it is sending, a one-member run of a second
 * tenant on its own key: the small run should not wait behind the big one.
 */
export async function fairnessRow(instances: number, bigProfiles: number): Promise<FairnessRow> {
  process.stdout.write(`\nFlow control, fairness on ${instances} host(s): starting...`);
  const flow = await startFlowStack(`fairness-${instances}`, instances, 2);
  try {
    const [big, small] = flow.tenants as [Tenant, Tenant];
    const bigExport = await big.exportOf('Fair big', bigProfiles, 1);
    const smallExport = await small.exportOf('Fair small', 1);
    process.stdout.write(' exporting...');
    const bigRun = followRun(flow, big, bigExport);
    // Awaited below; this only keeps a failure meanwhile from counting as unhandled.
    bigRun.catch(() => undefined);
    // The small run starts once the big one has batches going out (and more waiting).
    const waitUntil = Date.now() + runDeadlineMs;
    while (keyTraffic(flow.clock.requests, big.key, 0).progress.length < 5) {
      if (Date.now() > waitUntil) throw new Error('The big run never started sending');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const smallRun = await followRun(flow, small, smallExport, 100);
    const bigEnded = await bigRun;
    const bigTraffic = keyTraffic(flow.clock.requests, big.key, bigEnded.startedAt);
    const windowEnd = smallRun.startedAt + 10_000;
    const bigOkNearSmall = bigTraffic.progress.filter(
      (point) => point.at >= smallRun.startedAt && point.at < windowEnd,
    ).length;
    const row: FairnessRow = {
      instances,
      limit: standInLimit,
      bigProfiles,
      bigStatus: bigEnded.status,
      bigAdded: bigEnded.counts.added ?? 0,
      bigSeconds: (bigEnded.endedAt - bigEnded.startedAt) / 1000,
      bigSustained: sustainedRate(bigTraffic.progress),
      bigRateNearSmall: bigOkNearSmall / 10,
      bigThrottled: bigTraffic.throttled,
      bigBusiestSecond: bigTraffic.busiestSecond,
      smallStatus: smallRun.status,
      smallAdded: smallRun.counts.added ?? 0,
      smallSeconds: (smallRun.endedAt - smallRun.startedAt) / 1000,
      load: bigEnded.load,
      logFile: flow.logFile,
    };
    process.stdout.write(
      ` small run ${row.smallStatus} in ${row.smallSeconds.toFixed(1)} s, big at ${row.bigSustained.toFixed(2)}/s.`,
    );
    return row;
  } finally {
    await flow.stop();
  }
}

const numbers = (text: string) =>
  text
    .split(',')
    .filter((item) => item.trim())
    .map(Number);

/**
 * Every flow-control row, each on a stack of its own. BENCH_FLOW_INSTANCES (default 1,4,8) sets
 * the capped rows' host counts, BENCH_FLOW_UNCAPPED_INSTANCES (default 1,4) the uncapped rows',
 * BENCH_FLOW_PROFILES their size (default 1,000,000: 1,000 batches), BENCH_FLOW_FAIRNESS_PROFILES
 * the big run of the fairness row (default 100,000; 0 leaves the row out).
 */
export async function flowRows(): Promise<{ rows: FlowRow[]; fairness?: FairnessRow }> {
  const env = process.env;
  const profiles = Number(env.BENCH_FLOW_PROFILES ?? 1_000_000);
  const rows: FlowRow[] = [];
  for (const instances of numbers(env.BENCH_FLOW_INSTANCES ?? '1,4,8')) {
    rows.push(await flowRow(instances, profiles, standInLimit));
  }
  for (const instances of numbers(env.BENCH_FLOW_UNCAPPED_INSTANCES ?? '1,4')) {
    rows.push(await flowRow(instances, profiles, undefined));
  }
  const fairnessProfiles = Number(env.BENCH_FLOW_FAIRNESS_PROFILES ?? 100_000);
  if (fairnessProfiles <= 0) return { rows };
  return { rows, fairness: await fairnessRow(1, fairnessProfiles) };
}
