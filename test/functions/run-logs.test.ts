import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAppStack, type AppStack } from '../support/app-stack';
import { appLogLine } from '../../local/app-log-line';

const tenant = `logs-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };
const size = 4500;

interface LogLine {
  level: string;
  message: string;
  invocationId?: string;
  operation?: string;
  tenantId?: string;
  exportId?: string;
  runId?: string;
  batch?: number;
  [key: string]: unknown;
}

/**
 * One run followed through the local stack by its log lines: the request that asked for it, the
 * planner, every batch and every Iterable call carry the same runId (and the tenant, the export
 * and their invocation), and no line holds an e-mail address or the API key.
 */
describe('the log lines of one run', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;

  beforeAll(async () => {
    stack = await startAppStack({ apiKeys: [key] });
  });
  afterAll(() => stack.stop());

  it('tell the run from request to finish, by one id, with no address or key', async () => {
    const csv = `email,first_name\n${Array.from({ length: size }, (_, i) => `Person${i}@Example.com,P${i}`).join('\n')}\n`;
    await BlobServiceClient.fromConnectionString(stack.storage)
      .getContainerClient('segments')
      .getBlockBlobClient(`${tenant}/Logged.csv`)
      .upload(csv, Buffer.byteLength(csv));
    const connection = await stack.call('POST', 'connections', {
      as: admin,
      body: { displayName: 'Logged', apiKey: key, consent: { accepted: true } },
    });
    const created = await stack.call('POST', 'exports', {
      as: admin,
      body: {
        displayName: 'Logged',
        connectionId: connection.json().id,
        segments: ['Logged'],
        emailField: 'email',
        dataFields: { firstName: 'first_name' },
      },
    });
    const exportId = String(created.json().id);
    const started = await stack.call('POST', `exports/${exportId}/runs`, { as: admin, body: {} });
    const runId = String(started.json().id);
    let run: { status: string; batchCount?: number } = { status: 'queued' };
    const deadline = Date.now() + 60_000;
    while (['queued', 'planning', 'running'].includes(run.status) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      run = (
        await stack.call('GET', `exports/${exportId}/runs/${runId}`, { as: admin })
      ).json() as {
        status: string;
        batchCount?: number;
      };
    }
    expect(run.status).toBe('succeeded');
    await stack.host.waitForOutput(new RegExp(`"Run finished".*"runId":"${runId}"`));

    const output = stack.host.output();
    const lines = output
      .split('\n')
      .map((line) => appLogLine(line) as LogLine | undefined)
      .filter((line) => line !== undefined);
    const ofRun = lines.filter((line) => line.runId === runId);
    // Each went through its invocation's log (the host prints those after the time), which is
    // what reaches Application Insights as a trace of that invocation, not console output.
    const rawOfRun = output.split('\n').filter((line) => line.includes(`"runId":"${runId}"`));
    expect(rawOfRun.length).toBe(ofRun.length);
    expect(rawOfRun.filter((line) => !/^\[[^\]]+\] \{/.test(line))).toEqual([]);
    const where = (message: string, operation?: string) =>
      ofRun.filter(
        (line) => line.message === message && (!operation || line.operation === operation),
      );

    const request = where('Request', 'runs-create');
    expect(request).toHaveLength(1);
    expect(request[0]).toMatchObject({ tenantId: tenant, exportId, status: 202 });
    expect(where('Run planning started', 'plan-run-on-demand')).toHaveLength(1);
    expect(where('Run planned', 'plan-run-on-demand')).toHaveLength(1);
    // A run's first eight batches go express (send-batch-express), the rest to send-batch.
    const sent = (line: { operation?: unknown }) => String(line.operation).startsWith('send-batch');
    const batches = ofRun.filter((line) => line.message === 'Batch done' && sent(line));
    expect(run.batchCount).toBe(Math.ceil(size / 1000));
    expect(batches.map((line) => line.batch).sort()).toEqual(
      Array.from({ length: run.batchCount ?? 0 }, (_, index) => index),
    );
    const calls = where('Iterable request');
    expect(calls.filter(sent)).toHaveLength(run.batchCount ?? 0);
    expect(where('Run finished')).toHaveLength(1);
    for (const line of ofRun) {
      expect(line).toMatchObject({ tenantId: tenant, exportId });
      expect(line.invocationId).toMatch(/^[0-9a-f-]{36}$/);
    }
    // Every batch line of an invocation is its own: one invocation id per batch.
    expect(new Set(batches.map((line) => line.invocationId)).size).toBe(batches.length);

    expect(output).not.toMatch(/@example\.com/i);
    expect(output).not.toContain(key);
  });
});
