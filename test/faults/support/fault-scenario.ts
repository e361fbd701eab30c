import { randomBytes } from 'node:crypto';
import { ExportApi, until, writeSegment, type Run, type Segment } from './fault-run';
import { FaultStack, type FaultStackOptions } from './fault-stack';
import { listOutcome, requestCount, type FaultRow, type ListOutcome } from './fault-table';

const activeStatuses = ['queued', 'planning', 'running'];

/** One fault: how to set the stack up, and when and how to do harm while a run goes on. */
export interface Scenario {
  fault: string;
  profiles: number;
  stack?: FaultStackOptions;
  /** Before the run is requested. */
  before?(stack: FaultStack): void | Promise<void>;
  /** While the run goes on: waits for its moment, then does harm. */
  during?(context: RunContext): Promise<void>;
  /** How long the run may take, the fault included, before it counts as stuck. */
  timeoutMs: number;
  /** The product bug that makes this row fail, noted under the table. */
  knownBug?: string | undefined;
}

export interface RunContext {
  stack: FaultStack;
  api: ExportApi;
  exportId: string;
  runId: string;
  segment: Segment;
  /** Where the run was when the fault struck ("running, 41% sent"), for the table. */
  struck?: string;
}

const seed = 20261129;

/** Members the stand-in has received so far, re-sent ones included. */
export function received(stack: FaultStack): number {
  return stack.iterable.stats().subscribersReceived;
}

/** Until `share` of the segment has reached Iterable. */
export function untilSent(context: RunContext, share: number): Promise<void> {
  const wanted = Math.ceil(context.segment.expected.size * share);
  return until(() => received(context.stack) >= wanted, `${wanted} members were sent`, 120_000);
}

export function untilStatus(context: RunContext, status: string): Promise<void> {
  return until(
    async () => (await context.api.run(context.exportId, context.runId)).status === status,
    `the run is ${status}`,
    120_000,
  );
}

/**
 * Fails the test unless the run is still going and members remain to send (a fault after the
 * end proves nothing), and notes how far the run had got.
 */
export async function expectMidRun(context: RunContext, what: string): Promise<void> {
  const run = await context.api.run(context.exportId, context.runId);
  const sent = received(context.stack);
  if (!activeStatuses.includes(run.status)) {
    throw new Error(`The run had already ended (${run.status}) when ${what}`);
  }
  if (sent >= context.segment.expected.size) {
    throw new Error(`Every member had already been sent when ${what}`);
  }
  const share = Math.floor((100 * sent) / context.segment.expected.size);
  context.struck = `${run.status}, ${share}% sent`;
}

/**
 * Exports a generated segment to a new list on a stack of its own while the scenario's fault
 * strikes, then checks the run and the list. The row is added to `rows` whatever the outcome, so
 * the table shows a run that failed or stuck as well.
 */
export async function exportUnder(scenario: Scenario, rows: FaultRow[]): Promise<void> {
  const apiKey = randomBytes(16).toString('hex');
  const stack = await FaultStack.start(apiKey, scenario.stack);
  try {
    const tenantId = `faults-${randomBytes(4).toString('hex')}`;
    const segment = await writeSegment(stack, tenantId, scenario.profiles, seed);
    const api = new ExportApi(stack, tenantId);
    const exportId = await api.createExport(apiKey, segment);
    await scenario.before?.(stack);
    const requestsBefore = requestCount(stack.iterable.stats());
    const started = Date.now();
    const context: RunContext = {
      stack,
      api,
      exportId,
      runId: await api.startRun(exportId),
      segment,
    };
    await scenario.during?.(context);
    let run: Run;
    let stuck: Error | undefined;
    try {
      run = await api.runToEnd(exportId, context.runId, scenario.timeoutMs);
    } catch (error) {
      stuck = error instanceof Error ? error : new Error(String(error));
      run = await api.run(exportId, context.runId);
    }
    const outcome = listOutcome(stack, segment, run, requestsBefore);
    rows.push({
      fault: scenario.fault,
      struck: context.struck ?? 'whole run',
      profiles: scenario.profiles,
      runs: 1,
      completed: !stuck && !run.error && run.counts.failed === 0 ? 1 : 0,
      lost: outcome.lost,
      extraRequests: outcome.extraRequests,
      seconds: (Date.now() - started) / 1000,
      knownBug: scenario.knownBug,
    });
    if (stuck) throw stuck;
    expectExact(run, segment, outcome);
  } finally {
    await stack.stop();
  }
}

/** The run confirmed every member, counted exactly, and the one list equals the segment. */
function expectExact(run: Run, segment: Segment, outcome: ListOutcome): void {
  // The generator's invalid rows are rejections, so a complete run is partiallySucceeded.
  expect({ status: run.status, error: run.error }).toEqual({
    status: 'partiallySucceeded',
    error: undefined,
  });
  expect(run.counts).toMatchObject({
    total: segment.expected.size,
    added: segment.expected.size,
    removed: 0,
    failed: 0,
    rejected: segment.invalid,
  });
  expect({
    lost: outcome.lost,
    unexpected: outcome.unexpected,
    lists: outcome.listsNamedLikeSegment,
  }).toEqual({ lost: 0, unexpected: 0, lists: 1 });
}
