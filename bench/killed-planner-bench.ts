import os from 'node:os';
import path from 'node:path';
import { startBenchStack, type BenchHost, type BenchStack } from './bench-stack';
import { HostWatch } from './host-watch';
import {
  checkList,
  followRun,
  number,
  writeSection,
  type FollowedRun,
  type ListCheck,
} from './large-run';

/**
 * `npm run bench:killed`: a full run of KILLED_BENCH_PROFILES (default 3,000,000) seeded profiles
 * on two Functions hosts sharing one storage account (as LOCAL_INSTANCES=2), twice, each on a
 * stack of its own: once undisturbed, once killing (SIGKILL to the host and its worker) the host
 * planning the run when its plan is half done, so the other host takes the plan over. Half done:
 * half the undisturbed run's planning time (from the request to the run leaving `planning`),
 * killing the host then running a planner invocation, wherever in its work that falls (not at the
 * end of a step, which would spare the plan the step's lost work). KILLED_BENCH_LEASE_SECONDS
 * gives the hosts a shorter queue lease (`--queue-lease-seconds`) than their default, Azure's
 * 10 minutes. Writes the "Planner killed mid-plan" section of docs/benchmarks.md.
 */

const profiles = Number(process.env.KILLED_BENCH_PROFILES ?? 3_000_000);
const seed = 20261129;
const leaseSetting = process.env.KILLED_BENCH_LEASE_SECONDS;
const leaseSeconds = leaseSetting === undefined ? undefined : Number(leaseSetting);
/** The local host's queue lease when not given one (local/host/queue-listener.ts), as Azure's. */
const hostDefaultLeaseSeconds = 600;
const workerArguments = process.env.languageWorkers__node__arguments ?? '--max-old-space-size=320';
/** KILLED_BENCH_TIMEOUT_S limits each run; by default room for a plan made twice and a lease. */
const timeoutMs = (killed: boolean) =>
  1000 *
  Number(
    process.env.KILLED_BENCH_TIMEOUT_S ??
      Math.round(
        300 +
          profiles * (killed ? 0.0006 : 0.0003) +
          (killed ? (leaseSeconds ?? hostDefaultLeaseSeconds) : 0),
      ),
  );
const reportFile = path.join(__dirname, '..', '..', 'docs', 'benchmarks.md');
const heading = '## Planner killed mid-plan';
/** The planner's functions (plan-run, plan-run-on-demand, and any plan step of their own). */
const planner = /^plan/;

const say = (text: string) => process.stdout.write(text);

interface Measured {
  run: FollowedRun;
  list: ListCheck;
  planSteps: number;
  meanLoad: number;
  longestPlannerSeconds: number | undefined;
}

interface Killed extends Measured {
  how: string;
  /** Seconds from the run request. */
  killedAt: number;
  victim: number;
  /** Seconds from the kill to the next planner invocation on another host. */
  takeoverAfter: number | undefined;
}

async function onStack<T>(
  name: string,
  work: (stack: BenchStack, watch: HostWatch) => Promise<T>,
): Promise<T> {
  const watch = new HostWatch();
  say(`\n${name}: starting two hosts...`);
  const stack = await startBenchStack({
    name: `killed-${name}`,
    instances: 2,
    workerArguments,
    hostArgs: leaseSeconds === undefined ? [] : ['--queue-lease-seconds', String(leaseSeconds)],
    onLine: (line, host) => watch.line(line, host),
  });
  say(` (host output in ${stack.logFile})`);
  try {
    return await work(stack, watch);
  } finally {
    say(' Stopping the stack...');
    await stack.stop();
    say(' stopped.');
  }
}

async function prepare(stack: BenchStack, name: string): Promise<string> {
  say(' generating and uploading...');
  await stack.uploadSegment(name, { size: profiles, seed });
  return stack.createExport(name);
}

async function finish(
  stack: BenchStack,
  watch: HostWatch,
  run: FollowedRun,
  loads: number[],
): Promise<Measured> {
  say(` ${run.status} in ${number(run.seconds, 1)} s. Checking the list...`);
  const list = await checkList(stack.iterable, run.listId, { size: profiles, seed });
  say(
    list.exact
      ? ' exact.'
      : ` NOT exact (${number(list.missing)} missing, ${number(list.extra)} extra).`,
  );
  const longest = [...watch.longest].filter(([name]) => planner.test(name));
  return {
    run,
    list,
    planSteps: watch.steps.length,
    meanLoad: loads.reduce((sum, load) => sum + load, 0) / Math.max(loads.length, 1),
    longestPlannerSeconds: longest.length
      ? Math.max(...longest.map(([, one]) => one.ms)) / 1000
      : undefined,
  };
}

async function undisturbed(): Promise<Measured> {
  return onStack('undisturbed', async (stack, watch) => {
    const exportId = await prepare(stack, 'Undisturbed');
    say(' exporting...');
    watch.reset();
    const loads: number[] = [];
    const run = await followRun(stack.call, exportId, {
      timeoutMs: timeoutMs(false),
      onProgress: say,
      onPoll: () => void loads.push(os.loadavg()[0] ?? 0),
    });
    return finish(stack, watch, run, loads);
  });
}

async function killed(before: Measured): Promise<Killed> {
  const killAfter = (before.run.planningSeconds ?? before.run.seconds) / 2;
  return onStack('killed', async (stack, watch) => {
    const exportId = await prepare(stack, 'Killed');
    say(
      ` exporting (the planner is killed ${number(killAfter, 1)} s after the request: half the undisturbed planning time)...`,
    );
    watch.reset();
    const loads: number[] = [];
    let requested = 0;
    let kill: { at: number; victim: number; how: string } | undefined;
    const killNow = (host: BenchHost, how: string) => {
      if (kill || host.killed) return;
      stack.kill(host);
      watch.forgetHost(host.number);
      kill = { at: (performance.now() - requested) / 1000, victim: host.number, how };
      say(` [killed host ${host.number} at ${number(kill.at, 1)} s: ${how}]`);
    };
    // Checked every 50 ms from half the planning time on, until a planner is running.
    const timer = setInterval(() => {
      if (kill || requested === 0) return;
      if ((performance.now() - requested) / 1000 < killAfter) return;
      const [running] = watch.running(planner);
      const host = running && stack.hosts.find((one) => one.number === running.host);
      if (host) killNow(host, `${number(killAfter, 1)} s after the request, in ${running.name}`);
    }, 50);
    requested = performance.now();
    let run: FollowedRun;
    try {
      run = await followRun(stack.call, exportId, {
        timeoutMs: timeoutMs(true),
        onProgress: say,
        onPoll: (polled) => {
          loads.push(os.loadavg()[0] ?? 0);
          if (!kill && !['queued', 'planning'].includes(String(polled.status))) {
            throw new Error(
              `Planning ended (the run is ${String(polled.status)}) before the planner was killed`,
            );
          }
        },
      });
    } finally {
      clearInterval(timer);
    }
    if (!kill) throw new Error('The planner was never killed');
    const killedAt = kill.at;
    const takeover = watch.started.find(
      (one) =>
        planner.test(one.name) &&
        one.host !== kill!.victim &&
        (one.at - requested) / 1000 > killedAt,
    );
    const measured = await finish(stack, watch, run, loads);
    return {
      ...measured,
      how: kill.how,
      killedAt,
      victim: kill.victim,
      takeoverAfter: takeover ? (takeover.at - requested) / 1000 - killedAt : undefined,
    };
  });
}

function render(before: Measured, after: Killed | { failure: string }): string {
  const cpus = os.cpus();
  const lease = leaseSeconds ?? hostDefaultLeaseSeconds;
  const row = (label: string, one: Measured, extra: string[]) =>
    `| ${label} | ${one.run.status} | ${['total', 'added', 'rejected', 'duplicates', 'failed'].map((key) => number(one.run.counts[key] ?? 0)).join(' / ')} | ${one.list.exact ? 'yes' : `no (${number(one.list.missing)} missing, ${number(one.list.extra)} extra)`} | ${number(one.run.seconds, 1)} | ${one.run.planningSeconds === undefined ? '—' : number(one.run.planningSeconds, 1)} | ${one.planSteps || '—'} | ${one.longestPlannerSeconds === undefined ? '—' : number(one.longestPlannerSeconds, 1)} | ${extra.join(' | ')} | ${number(one.meanLoad, 1)} |`;
  const lines = [
    heading,
    '',
    `Written by \`npm run bench:killed\`: a full run of ${number(profiles)} seeded profiles (the segment`,
    '`npm run bench` uses) on two Functions hosts sharing one storage account, each run on a stack',
    'of its own: once undisturbed, once with the host planning the run killed (SIGKILL to the host',
    'and its worker, as an instance dies) when its plan was half done: half the undisturbed',
    'planning time (request to the run leaving `planning`) after the request, killing the host then',
    'running a planner invocation wherever in its work it is. A plan step whose planner died is sent',
    'again by its watch once its sign of life is 15 s old; the messages the dead host held (the step,',
    `batches being sent) come back when their lease ends: the hosts lease a message for ${lease} s${leaseSeconds === undefined ? " (the local host's default, as Azure's queue trigger: 10 minutes, renewed halfway while the invocation runs)" : ` (\`KILLED_BENCH_LEASE_SECONDS\`; the local host's default is ${hostDefaultLeaseSeconds} s, as Azure's)`},`,
    'so the run cannot end before the batches the dead host held come back. Takeover: from the kill',
    "to the next planner invocation on the other host. The list is exact when the stand-in's list holds",
    "exactly the segment's distinct valid e-mails. The worker is started with",
    `\`${workerArguments}\`. Load: the mean one-minute load average during the run.`,
    '',
    `Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${number(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| Run | End | Total / added / rejected / duplicates / failed | List exact | Wall time (s) | Planning (s) | Plan steps | Longest planner invocation (s) | Killed | Takeover after (s) | Load |',
    '| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
    row('Undisturbed', before, ['—', '—']),
    ...('failure' in after
      ? [
          `| Planner killed | failed: ${after.failure.replace(/\|/g, '/')} | — | — | — | — | — | — | — | — | — |`,
          '',
          'Killed / undisturbed wall time: not measured.',
        ]
      : [
          row('Planner killed', after, [
            `host ${after.victim} at ${number(after.killedAt, 1)} s (${after.how})`,
            after.takeoverAfter === undefined ? 'not seen' : number(after.takeoverAfter, 1),
          ]),
          '',
          `Killed / undisturbed planning time (the plan resumed and finished): ${before.run.planningSeconds && after.run.planningSeconds ? `${number(after.run.planningSeconds / before.run.planningSeconds, 2)}×` : 'not measured'}.`,
          `Killed / undisturbed wall time: ${number(after.run.seconds / before.run.seconds, 2)}×; without the wait for the message`,
          `to come back (the takeover time): ${number((after.run.seconds - (after.takeoverAfter ?? 0)) / before.run.seconds, 2)}×.`,
        ]),
  ];
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  if (!Number.isInteger(profiles) || profiles < 1) {
    throw new Error(
      `KILLED_BENCH_PROFILES must be a whole number, not "${process.env.KILLED_BENCH_PROFILES}"`,
    );
  }
  if (leaseSeconds !== undefined && !(Number.isInteger(leaseSeconds) && leaseSeconds >= 1)) {
    throw new Error(
      `KILLED_BENCH_LEASE_SECONDS must be a whole number of seconds, not "${leaseSetting}"`,
    );
  }
  say(
    `${number(profiles)} profiles on two hosts, queue lease ${leaseSeconds === undefined ? `${hostDefaultLeaseSeconds} s (the host's default)` : `${leaseSeconds} s`}, runs limited to ${Math.round(timeoutMs(false) / 1000)} s undisturbed and ${Math.round(timeoutMs(true) / 1000)} s killed.`,
  );
  const before = await undisturbed();
  // A killed run that fails still leaves its figures (and why it failed) in the report.
  const after = await killed(before).catch((error: unknown) => {
    const failure = error instanceof Error ? error.message : String(error);
    say(`\n  the killed run failed: ${failure}`);
    return { failure };
  });
  const section = render(before, after);
  say(`\n\n${section}`);
  writeSection(reportFile, section);
  say(`\nWrote the "${heading.slice(3)}" section of ${reportFile}.\n`);
  if (!before.list.exact || 'failure' in after || !after.list.exact) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `The killed-planner benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
