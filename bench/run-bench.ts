import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { BlobServiceClient } from '@azure/storage-blob';
import { adminApi, type AdminCall } from '../local/admin-api';
import { devTenantId } from '../local/dev-issuer';
import { standInIterableKey, startLocalStack, type LocalStack } from '../local/local-stack';
import { postStraight } from './floor';
import { childPids, clearPeakRss, processTreeUsage } from './process-usage';
import { benchDataFields, segmentStream, type SegmentOptions } from './segment-generator';
import { renderReport, type BenchRow, type FloorRow, type ThrottledRow } from './report';
import { medianOf } from './samples';
import { flowRows } from './flow-bench';
import { renderFlowSection, withFlowSection } from './flow-report';

/**
 * `npm run bench`: seeded segments through the whole local product (Functions host, Azurite, the
 * Iterable stand-in without a rate limit) from run request to a finished run, beside the floor
 * (the same batches posted straight to the stand-in), a 1% churn delta run and a throttled run.
 * Prints the figures and writes docs/benchmarks.md. BENCH_SIZES (comma-separated) and
 * BENCH_THROTTLE_RPS change what runs; BENCH_THROTTLE_SIZE=0 leaves the throttled run out.
 * BENCH_INSTANCES runs the app on that many hosts (default 1); CPU and memory are their sums.
 * The flow-control rows (flow-bench.ts) follow, each on its own stack: BENCH_FLOW=0 leaves them
 * out, BENCH_FLOW=only runs just them and puts their section into the docs/benchmarks.md there is.
 */

const sizes = (process.env.BENCH_SIZES ?? '100000,1000000,3000000')
  .split(',')
  .filter((size) => size.trim())
  .map(Number);
// Below the unthrottled pipeline's own pace (about 20 batches/s here), so the cap sets the rate.
const throttleRps = Number(process.env.BENCH_THROTTLE_RPS ?? 10);
/** BENCH_SAMPLES: runs per size (default 3); each row is their median, with the range beside it. */
const samples = Math.max(1, Number(process.env.BENCH_SAMPLES ?? 3));
const throttleSize = Number(process.env.BENCH_THROTTLE_SIZE ?? 200_000);
const seed = 20261129;
/** BENCH_INSTANCES: how many hosts run the app, as LOCAL_INSTANCES does for npm start (default 1). */
const instances = Number(process.env.BENCH_INSTANCES ?? 1);
/**
 * The host's Node.js options: by default the heap one run is sized for. V8 otherwise sizes its
 * heap from this machine's memory and leaves garbage for longer, so peak RSS would say more
 * about V8's laziness than about what a run holds. In Azure the app setting of the same name caps
 * the heap at half the instance memory.
 */
const hostNodeArguments =
  process.env.languageWorkers__node__arguments ?? '--max-old-space-size=320';
const repoRoot = path.resolve(__dirname, '..', '..');

interface StandInStats {
  requests: Record<string, Record<string, number>>;
  rateLimited: number;
}

async function standIn(stack: LocalStack, route: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${stack.env.ITERABLE_BASE_URL}/_standin/${route}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

function requestCount(stats: StandInStats): number {
  return Object.values(stats.requests)
    .flatMap((byStatus) => Object.values(byStatus))
    .reduce((sum, count) => sum + count, 0);
}

async function uploadSegment(stack: LocalStack, name: string, options: SegmentOptions) {
  await BlobServiceClient.fromConnectionString(stack.env.AzureWebJobsStorage ?? '')
    .getContainerClient('segments')
    .getBlockBlobClient(`${devTenantId}/${name}.csv`)
    .uploadStream(segmentStream(options), 4 * 1024 * 1024, 4);
}

/** The snapshot as the pipeline reads it: a download from the segments container. */
async function downloadSegment(stack: LocalStack, name: string): Promise<Readable> {
  const download = await BlobServiceClient.fromConnectionString(stack.env.AzureWebJobsStorage ?? '')
    .getContainerClient('segments')
    .getBlockBlobClient(`${devTenantId}/${name}.csv`)
    .download();
  return download.readableStreamBody as Readable;
}

type Measured = Awaited<ReturnType<typeof timedRun>>;

/** Requests a run and waits for it to end, measuring the host and its worker meanwhile. */
async function timedRun(
  stack: LocalStack,
  client: { call: AdminCall },
  exportId: string,
  body: Record<string, unknown>,
) {
  // Each host process and the worker process the app runs in.
  const pids = stack.hosts.map((host) => host.process.pid!);
  pids.forEach((pid) => [pid, ...childPids(pid)].forEach(clearPeakRss));
  const before = hostsUsage(pids);
  const statsBefore = (await standIn(stack, 'stats')) as StandInStats;
  const started = performance.now();
  const run = await client.call('POST', `exports/${exportId}/runs`, body);
  let current = run;
  // When requests were first and last seen arriving: the window the sending rate is taken over.
  const sending = { first: 0, last: 0, count: requestCount(statsBefore) };
  while (['queued', 'planning', 'running'].includes(String(current.status))) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    current = await client.call('GET', `exports/${exportId}/runs/${String(run.id)}`);
    const count = requestCount((await standIn(stack, 'stats')) as StandInStats);
    if (count > sending.count) {
      sending.first ||= performance.now();
      sending.last = performance.now();
      sending.count = count;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const after = hostsUsage(pids);
  const statsAfter = (await standIn(stack, 'stats')) as StandInStats;
  if (current.status !== 'succeeded' && current.status !== 'partiallySucceeded') {
    throw new Error(`Run ended ${String(current.status)}: ${JSON.stringify(current.error)}`);
  }
  return {
    seconds,
    counts: current.counts as Record<string, number>,
    cpuSeconds: (after?.cpuSeconds ?? 0) - (before?.cpuSeconds ?? 0),
    peakRssMb: after?.peakRssMb ?? 0,
    requests: requestCount(statsAfter) - requestCount(statsBefore),
    throttled: statsAfter.rateLimited - statsBefore.rateLimited,
    sendingSeconds: (sending.last - sending.first) / 1000,
  };
}

/** CPU and peak memory of every host with its worker, summed (one host unless BENCH_INSTANCES). */
function hostsUsage(pids: number[]) {
  const usages = pids.map(processTreeUsage).filter((usage) => usage !== undefined);
  if (usages.length === 0) return undefined;
  return {
    cpuSeconds: usages.reduce((sum, usage) => sum + usage.cpuSeconds, 0),
    peakRssMb: usages.reduce((sum, usage) => sum + usage.peakRssMb, 0),
  };
}

async function createExport(client: { call: AdminCall }, connectionId: string, segment: string) {
  const saved = await client.call('POST', 'exports', {
    displayName: segment,
    connectionId,
    segments: [segment],
    emailField: 'email',
    dataFields: benchDataFields,
  });
  return String(saved.id);
}

const flowMode = process.env.BENCH_FLOW ?? 'on';
const reportFile = path.join(repoRoot, 'docs', 'benchmarks.md');

async function main(): Promise<void> {
  if (flowMode === 'only') {
    const section = renderFlowSection(await flowRows());
    process.stdout.write(`\n${section}`);
    const report = existsSync(reportFile) ? readFileSync(reportFile, 'utf8') : '# Benchmarks\n';
    writeFileSync(reportFile, withFlowSection(report, section));
    return;
  }
  const logFile = path.join(os.tmpdir(), `iterable-segment-export-bench-${process.pid}.log`);
  const hostLog = createWriteStream(logFile);
  process.stdout.write(`Starting the local stack (host output in ${logFile})...\n`);
  const stack = await startLocalStack(
    {
      ...process.env,
      AZURITE_PORTS: '0,0,0',
      KEY_VAULT_STANDIN_PORT: '0',
      ITERABLE_STANDIN_PORT: '0',
      DEV_ISSUER_PORT: '0',
      PORT: process.env.PORT ?? '0',
      languageWorkers__node__arguments: hostNodeArguments,
      // BENCH_PROFILE_DIR: write a V8 CPU profile of the host there, for finding hot spots.
      ...(process.env.BENCH_PROFILE_DIR
        ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}` }
        : {}),
    },
    (line, instance) => hostLog.write(instances > 1 ? `[host ${instance}] ${line}\n` : `${line}\n`),
    { instances },
  );
  const rows: BenchRow[] = [];
  const floors: FloorRow[] = [];
  let delta: BenchRow | undefined;
  let throttled: ThrottledRow | undefined;
  try {
    const client = { call: await adminApi(stack) };
    const connection = await client.call('POST', 'connections', {
      displayName: 'Benchmark',
      apiKey: standInIterableKey,
      consent: { accepted: true },
    });
    const connectionId = String(connection.id);
    for (const size of sizes) {
      const fulls: Measured[] = [];
      const floorSamples: Awaited<ReturnType<typeof postStraight>>[] = [];
      const deltas: Measured[] = [];
      // Each sample is an export of its own (a list of its own), so each full run starts empty.
      for (let sample = 1; sample <= samples; sample++) {
        const name = `Bench ${size} #${sample}`;
        process.stdout.write(
          `\n${size.toLocaleString('en')} profiles, sample ${sample} of ${samples}: generating...`,
        );
        await uploadSegment(stack, name, { size, seed });
        const exportId = await createExport(client, connectionId, name);
        process.stdout.write(' exporting...');
        const measured = await timedRun(stack, client, exportId, {});
        fulls.push(measured);
        process.stdout.write(` ${measured.seconds.toFixed(1)} s. Floor...`);
        const floor = await postStraight(stack.env.ITERABLE_BASE_URL!, standInIterableKey, {
          name,
          download: () => downloadSegment(stack, name),
          dataFields: benchDataFields,
        });
        floorSamples.push(floor);
        process.stdout.write(` ${floor.seconds.toFixed(1)} s.`);
        if (size === 1_000_000) {
          const churn = { leave: 3_334, join: 3_333, change: 3_333 };
          await uploadSegment(stack, name, { size, seed, churn });
          process.stdout.write(' 1% churn delta...');
          const measuredDelta = await timedRun(stack, client, exportId, {});
          deltas.push(measuredDelta);
          process.stdout.write(` ${measuredDelta.seconds.toFixed(1)} s.`);
        }
      }
      rows.push({ label: `${size.toLocaleString('en')} full`, profiles: size, ...medianOf(fulls) });
      const floor = medianOf(floorSamples);
      floors.push({ profiles: size, ...floor, pipelineSeconds: medianOf(fulls).seconds });
      if (deltas.length > 0) {
        delta = { label: '1,000,000 delta, 1% churn', profiles: size, ...medianOf(deltas) };
      }
    }
    if (throttleSize > 0) throttled = await throttledRun(stack, client);
  } finally {
    await stack.stop();
    hostLog.end();
  }
  const pipelineReport = renderReport({ rows, floors, delta, throttled, hostNodeArguments });
  const flow = flowMode === '0' ? undefined : renderFlowSection(await flowRows());
  const report = flow ? withFlowSection(pipelineReport, flow) : pipelineReport;
  process.stdout.write(`\n${report}`);
  mkdirSync(path.join(repoRoot, 'docs'), { recursive: true });
  writeFileSync(reportFile, report);
}

/** A segment sent through a connection capped at the stand-in's own rate limit. */
async function throttledRun(stack: LocalStack, client: { call: AdminCall }): Promise<ThrottledRow> {
  process.stdout.write(`\nThrottled at ${throttleRps} requests/s...`);
  await standIn(stack, 'config', { rateLimitPerSecond: throttleRps });
  const limited = await client.call('POST', 'connections', {
    displayName: 'Benchmark throttled',
    apiKey: standInIterableKey,
    consent: { accepted: true },
    requestsPerSecond: throttleRps,
  });
  const name = `Bench throttled ${throttleSize}`;
  await uploadSegment(stack, name, { size: throttleSize, seed });
  const exportId = await createExport(client, String(limited.id), name);
  const measured = await timedRun(stack, client, exportId, {});
  process.stdout.write(` ${measured.seconds.toFixed(1)} s.\n`);
  return {
    profiles: throttleSize,
    limit: throttleRps,
    seconds: measured.seconds,
    requests: measured.requests,
    throttled: measured.throttled,
    sendingSeconds: measured.sendingSeconds,
  };
}

main().catch((error: unknown) => {
  process.stderr.write(
    `The benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
