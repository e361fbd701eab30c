import { randomBytes } from 'node:crypto';
import { QueueClient } from '@azure/storage-queue';
import { poisonQueueName, queueNames } from '../../shared/storage-layout';
import { startAppStack, type AppStack } from '../support/app-stack';
import { takeMessages, toBase64 } from '../support/queues';
import { settled } from '../support/run-status';
import { exportOnOwnKey } from '../support/segment-exports';

const suffix = randomBytes(4).toString('hex');
/** A tenant with a large uncapped export. */
const large = { roles: ['Admin'], tid: `large-${suffix}` };
/** Another tenant, who asks for a one-member run while the large one sends. */
const small = { roles: ['Admin'], tid: `small-${suffix}` };
const largeMembers = 300_000;

interface Run {
  id: string;
  status: string;
  counts: Record<string, number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Every run's first eight batches go to export-batches-express, the rest to export-batches, each
 * read by its own function: a run of a few batches requested while a large one sends waits behind
 * at most eight of the large run's batches, not the hundreds it queued.
 */
describe('batch lanes through the local host', () => {
  const keys = { large: randomBytes(16).toString('hex'), small: randomBytes(16).toString('hex') };
  let stack: AppStack;

  beforeAll(async () => {
    stack = await startAppStack({
      apiKeys: Object.values(keys),
      env: {
        // Four batches in flight per queue function and an Iterable that takes 300 ms to answer:
        // the large run sends about 13 batches a second, so its 300 take 20 s or more, as the
        // thousand batches of a large run take minutes with the 24 a queue function takes in Azure.
        AzureFunctionsJobHost__extensions__queues__batchSize: '4',
        AzureFunctionsJobHost__extensions__queues__newBatchThreshold: '0',
      },
    });
  }, 60_000);
  afterAll(() => stack.stop());

  /** An export of one segment of `members` members, on a connection of the tenant's own key. */
  const exportOf = (as: typeof large, apiKey: string, name: string, members: number) =>
    exportOnOwnKey(stack, { as, name, apiKey, members });

  async function requestRun(as: typeof large, exportId: string): Promise<string> {
    const started = await stack.call('POST', `exports/${exportId}/runs`, { as, body: {} });
    expect(started.status).toBe(202);
    return String(started.json().id);
  }

  async function getRun(as: typeof large, exportId: string, runId: string): Promise<Run> {
    const response = await stack.call('GET', `exports/${exportId}/runs/${runId}`, { as });
    return response.json() as unknown as Run;
  }

  async function waitFor(
    as: typeof large,
    exportId: string,
    runId: string,
    done: (run: Run) => boolean,
  ): Promise<Run> {
    const deadline = Date.now() + 240_000;
    for (;;) {
      const run = await getRun(as, exportId, runId);
      if (done(run)) return run;
      if (Date.now() > deadline) throw new Error(`Run ${runId} still ${run.status}`);
      await sleep(100);
    }
  }

  const subscribed = () =>
    stack.iterable.stats().requests['POST /api/lists/subscribe']?.['200'] ?? 0;

  it('ends a one-member run of another tenant in seconds while a large run sends', async () => {
    const largeExport = await exportOf(large, keys.large, 'Everyone', largeMembers);
    const smallExport = await exportOf(small, keys.small, 'Few', 1);
    stack.iterable.configure({ latencyMs: 300 });

    const largeRun = await requestRun(large, largeExport);
    // Sending in earnest: every batch queued and a few sent.
    await waitFor(large, largeExport, largeRun, (run) => run.status === 'running');
    const sentBefore = subscribed();
    while (subscribed() < sentBefore + 10) await sleep(100);

    const requestedAt = Date.now();
    const smallRun = await requestRun(small, smallExport);
    const ended = await waitFor(small, smallExport, smallRun, (run) => settled(run.status));
    const tookMs = Date.now() - requestedAt;
    const largeThen = await getRun(large, largeExport, largeRun);
    console.log('small run', JSON.stringify({ tookMs, largeThen: largeThen.counts }));

    expect(ended).toMatchObject({ status: 'succeeded', counts: { total: 1, added: 1 } });
    // Alone it ends in about two seconds; behind the large run's queued batches, in twenty.
    expect(tookMs).toBeLessThan(5000);
    // It really overtook: the large run still had most of its batches to send.
    expect(largeThen.status).toBe('running');
    expect(subscribed()).toBeLessThan(largeMembers / 1000 / 2);

    const largeEnded = await waitFor(large, largeExport, largeRun, (run) => settled(run.status));
    stack.iterable.configure({ latencyMs: 0 });
    expect(largeEnded).toMatchObject({
      status: 'succeeded',
      counts: { total: largeMembers, added: largeMembers, failed: 0 },
    });
  }, 300_000);
});

/**
 * A batch of the express lane that failed five times reaches export-batches-express-poison; its
 * own poison function counts its members as failed, so the run still ends.
 */
describe("the express lane's poison queue through the local host", () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;

  beforeAll(async () => {
    // Nothing reads the express lane, so the run's one batch waits there for the test to take.
    stack = await startAppStack({
      apiKeys: [key],
      env: { 'AzureWebJobs.send-batch-express.Disabled': 'true' },
    });
  }, 60_000);
  afterAll(() => stack.stop());

  it('counts a poisoned express batch as failed and ends its run', async () => {
    const exportId = await exportOnOwnKey(stack, {
      as: small,
      name: 'Poisoned',
      apiKey: key,
      members: 1,
    });
    const started = await stack.call('POST', `exports/${exportId}/runs`, { as: small, body: {} });
    const runId = String(started.json().id);

    // The batch's message, moved where the host puts one whose sending failed five times.
    const express = new QueueClient(stack.storage, queueNames.exportBatchesExpress);
    const [text] = await takeMessages(express, 1);
    expect(JSON.parse(text ?? '{}')).toMatchObject({ runId, batch: 0 });
    const poison = poisonQueueName(queueNames.exportBatchesExpress);
    await new QueueClient(stack.storage, poison).sendMessage(toBase64(text ?? ''));

    let run: Run = { id: runId, status: 'running', counts: {} };
    const deadline = Date.now() + 30_000;
    while (!settled(run.status)) {
      if (Date.now() > deadline) throw new Error(`The poisoned run is still ${run.status}`);
      await sleep(250);
      const response = await stack.call('GET', `exports/${exportId}/runs/${runId}`, { as: small });
      run = response.json() as unknown as Run;
    }
    expect(run).toMatchObject({ status: 'failed', counts: { total: 1, failed: 1, added: 0 } });
    // The run ends inside the poison function's invocation: the host logs it done a moment after.
    const poisonDone = /Executed 'Functions\.batch-poison-express' \(Succeeded/;
    const logged = Date.now() + 10_000;
    while (!poisonDone.test(stack.host.output()) && Date.now() < logged) await sleep(100);
    expect(stack.host.output()).toMatch(poisonDone);
    expect(stack.iterable.stats().requests['POST /api/lists/subscribe']).toBeUndefined();
  });
});
