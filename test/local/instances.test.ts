import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAppStack, type AppStack } from '../support/app-stack';
import type { HostProcess } from '../support/host-process';

/**
 * The app scaled out: three hosts on one storage account, as Flex Consumption runs it when the
 * backlog asks for more instances. The queues share the batches out, each timer occurrence runs
 * once, and an instance that dies mid-run leaves its messages to come back to the others.
 */

const tenant = `instances-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };
const tickSeconds = 2;
const queueLeaseSeconds = 4;

interface Run {
  id: string;
  status: string;
  counts: Record<string, number>;
  segments: { name: string; listId?: number }[];
}

const batchesDone = /Executed 'Functions\.send-batch(-express)?' \(Succeeded/g;
const handled = (host: HostProcess) => (host.output().match(batchesDone) ?? []).length;
/** A batch's request answered by Iterable (logged when the answer came). */
const batchRequest = /"message":"Iterable request","invocationId":"[^"]*","operation":"send-batch/g;
const requestsAnswered = (host: HostProcess) => (host.output().match(batchRequest) ?? []).length;

/** The send-batch invocations a host has started and not ended (the host logs both). */
function batchesInFlight(host: HostProcess): string[] {
  const output = host.output();
  const ended = new Set(
    [...output.matchAll(/Executed 'Functions\.send-batch(?:-express)?' \(\w+, Id=([\w-]+)/g)].map(
      ([, id]) => id,
    ),
  );
  return [...output.matchAll(/Executing 'Functions\.send-batch(?:-express)?' \(Id=([\w-]+)\)/g)]
    .map(([, id = '']) => id)
    .filter((id) => !ended.has(id));
}

/**
 * The refresh timer's occurrences one host ran, as their scheduled times (the host names each
 * occurrence it fires, as the real host's "Timer fired at" does): two runs of one occurrence
 * have the same time, however late a busy machine starts them.
 */
function timerOccurrences(host: HostProcess): number[] {
  const line = /Timer 'refresh-timer' fired for (\S+)/g;
  return [...host.output().matchAll(line)].map(([, at = '']) => Date.parse(at));
}

describe('LOCAL_INSTANCES: the app on three hosts sharing one storage account', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;
  let connectionId: string;

  async function exportOf(name: string, size: number): Promise<{ id: string; valid: string[] }> {
    const valid = Array.from(
      { length: size },
      (_, index) => `${name.toLowerCase()}${index}@example.com`,
    );
    const csv = `email,first_name\n${valid.map((email, index) => `${email},M${index}`).join('\n')}\n`;
    await BlobServiceClient.fromConnectionString(stack.storage)
      .getContainerClient('segments')
      .getBlockBlobClient(`${tenant}/${name}.csv`)
      .upload(csv, Buffer.byteLength(csv));
    const created = await stack.call('POST', 'exports', {
      as: admin,
      body: {
        displayName: name,
        connectionId,
        segments: [name],
        emailField: 'email',
        dataFields: { firstName: 'first_name' },
      },
    });
    expect(created.status).toBe(201);
    return { id: String(created.json().id), valid: valid.sort() };
  }

  async function startRun(exportId: string): Promise<string> {
    const started = await stack.call('POST', `exports/${exportId}/runs`, { as: admin, body: {} });
    expect(started.status).toBe(202);
    return String(started.json().id);
  }

  async function runEnd(exportId: string, runId: string, timeoutMs = 90_000): Promise<Run> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = (
        await stack.call('GET', `exports/${exportId}/runs/${runId}`, { as: admin })
      ).json() as unknown as Run;
      if (!['queued', 'planning', 'running'].includes(run.status)) return run;
      if (Date.now() > deadline) throw new Error(`Run still ${run.status}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  function listMembers(run: Run): string[] {
    const listId = run.segments[0]?.listId ?? 0;
    const [project] = stack.iterable.inspect({ listId, users: false });
    return [...(project?.lists.find((list) => list.id === listId)?.members ?? [])].sort();
  }

  beforeAll(async () => {
    stack = await startAppStack({
      apiKeys: [key],
      instances: 3,
      // A killed host's messages come back after this, not after Azure's ten minutes.
      hostArgs: ['--queue-lease-seconds', String(queueLeaseSeconds)],
      env: {
        REFRESH_TIMER_SCHEDULE: `*/${tickSeconds} * * * * *`,
        // The shortest lease a blob takes, and a quick retry, so a lock changes hands in seconds.
        AzureFunctionsJobHost__singleton__listenerLockPeriod: '00:00:15',
        AzureFunctionsJobHost__singleton__listenerLockRecoveryPollingInterval: '00:00:01',
        // Two batches at a time per host: no one host can take a whole run in one receive.
        AzureFunctionsJobHost__extensions__queues__batchSize: '2',
        AzureFunctionsJobHost__extensions__queues__newBatchThreshold: '0',
      },
    });
    // Each Iterable request takes a while, so batches are still running when others arrive.
    stack.iterable.configure({ latencyMs: 150 });
    const connection = await stack.call('POST', 'connections', {
      as: admin,
      body: { displayName: 'Instances', apiKey: key, consent: { accepted: true } },
    });
    connectionId = String(connection.json().id);
  }, 120_000);
  afterAll(() => stack?.stop());

  it('serves HTTP on every instance, each with an instance id of its own', async () => {
    expect(stack.hosts).toHaveLength(3);
    for (const host of stack.hosts) {
      expect((await fetch(`${host.url}/api/health`)).status).toBeLessThan(500);
    }
    expect(new Set(stack.hosts.map((host) => host.child.pid)).size).toBe(3);
  });

  it('completes a run with its batches handled by more than one instance', async () => {
    const size = 12_000;
    const { id, valid } = await exportOf('Shared', size);
    const run = await runEnd(id, await startRun(id));
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ total: size, added: size, failed: 0 });
    expect(listMembers(run)).toEqual(valid);
    // The last batch ends the run inside its invocation: its host logs it done a moment after.
    const allLogged = Date.now() + 10_000;
    const total = () => stack.hosts.map(handled).reduce((sum, count) => sum + count, 0);
    while (total() < size / 1000 && Date.now() < allLogged) await sleep(100);
    const perHost = stack.hosts.map(handled);
    expect(total()).toBeGreaterThanOrEqual(size / 1000);
    expect(perHost.filter((count) => count > 0).length).toBeGreaterThan(1);
  });

  it('runs each timer occurrence once, on one instance', async () => {
    const windowMs = 5 * tickSeconds * 1000;
    const since = Date.now();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const ran = stack.hosts.map((host) => timerOccurrences(host).filter((at) => at >= since));
    const all = ran.flat().sort((a, b) => a - b);
    // Five ticks in the window (give or take the one at each edge), not fifteen.
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(all.length).toBeLessThanOrEqual(6);
    const ticks = all.map((at) => Math.floor(at / (tickSeconds * 1000)));
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(ran.filter((host) => host.length > 0)).toHaveLength(1);
  });

  it('ends a run exactly when an instance that is not serving HTTP dies mid-run', async () => {
    // Sixty batches, more than the hosts take at once (16 each): the victim has batches of its
    // own going out for a while, a few a second at its key's start rate.
    const size = 60_000;
    const { id, valid } = await exportOf('Survivor', size);
    // The instance that holds the timer's lock, unless that is the one serving HTTP here.
    const holder = stack.hosts.find((host) => timerOccurrences(host).length > 0);
    const victim = holder && holder !== stack.hosts[0] ? holder : stack.hosts[2]!;
    // Two seconds per Iterable request: each host is mid-request most of the time, and a batch
    // the victim sent in the two seconds before it dies is still unanswered when it does (on a
    // busy machine a host may send only one batch in a second).
    stack.iterable.configure({ latencyMs: 2000 });
    const sentBefore = stack.iterable.stats().subscribersReceived;
    const before = requestsAnswered(victim);
    const runId = await startRun(id);
    // Once Iterable has answered the victim's first batch (two seconds after it went out), the
    // victim's later slots of those seconds have gone out too: it dies while sending them, their
    // messages still leased to it. (A batch it put back for later shows nothing of that.)
    const deadline = Date.now() + 60_000;
    while (requestsAnswered(victim) === before) {
      if (Date.now() > deadline) throw new Error('The victim never sent a batch of this run');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // It dies holding a batch: one of its send-batch invocations has started and not ended.
    while (batchesInFlight(victim).length === 0) {
      if (Date.now() > deadline) throw new Error('The victim never held a batch of this run');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const heldAtDeath = batchesInFlight(victim);
    await victim.stop('SIGKILL');
    const run = await runEnd(id, runId);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ total: size, added: size, failed: 0 });
    expect(listMembers(run)).toEqual(valid);
    // What the victim held when it died came back to the others: every member is on the list
    // (above), and Iterable got at least every member once.
    expect(heldAtDeath.length).toBeGreaterThan(0);
    expect(stack.iterable.stats().subscribersReceived - sentBefore).toBeGreaterThanOrEqual(size);
    // The timer keeps running once a tick on the survivors: if the victim held its lock, another
    // takes it once the lease (15 s) has run out.
    const since = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    const after = stack.hosts
      .filter((host) => host !== victim)
      .flatMap((host) => timerOccurrences(host).filter((at) => at >= since));
    const ticks = after.map((at) => Math.floor(at / (tickSeconds * 1000)));
    expect(ticks.length).toBeGreaterThan(0);
    expect(new Set(ticks).size).toBe(ticks.length);
  }, 180_000);
});
