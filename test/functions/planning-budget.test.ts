import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { createAppServices } from '../../shared/app/app-services';
import { createAppClients } from '../../shared/clients/app-clients';
import type { PipelineDeps } from '../../shared/pipeline/pipeline-deps';
import { PlanningBudget } from '../../shared/pipeline/planning/planning-budget';
import { planRun } from '../../shared/pipeline/planning/run-planner';
import type { RunMessage } from '../../shared/runs/run-schemas';
import { loadSettings } from '../../shared/settings';
import { startAppStack, type AppStack } from '../support/app-stack';
import { settled } from '../support/run-status';

const tenant = `budget-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };

/**
 * The planner's share of an instance's memory, on the real app: the host sends batches while the
 * planner runs in this process (the host's own planners are switched off), with a budget this test
 * holds, so a large plan finds the instance busy.
 */
describe('planning budget', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;
  let deps: PipelineDeps;
  const warnings: [string, Record<string, unknown> | undefined][] = [];
  const budget = new PlanningBudget(1_000, 10, 300);

  beforeAll(async () => {
    stack = await startAppStack({
      apiKeys: [key],
      env: {
        'AzureWebJobs.plan-run.Disabled': 'true',
        'AzureWebJobs.plan-run-on-demand.Disabled': 'true',
      },
    });
    const services = createAppServices(
      createAppClients(
        loadSettings({
          AzureWebJobsStorage: stack.storage,
          KEY_VAULT_URL: stack.vault.url,
          ITERABLE_BASE_URL: stack.iterable.url,
          ...stack.issuer.settings,
        }),
      ),
    );
    deps = {
      ...services.pipeline,
      planningBudget: budget,
      log: {
        ...services.pipeline.log,
        info: () => undefined,
        warn: (message, properties) => warnings.push([message, properties]),
      },
    };
  });
  afterAll(() => stack.stop());

  it('puts a large plan back in the queue while the instance plans others, and plans it once they are done', async () => {
    const connection = await stack.call('POST', 'connections', {
      as: admin,
      body: { displayName: 'Budget', apiKey: key, consent: { accepted: true } },
    });
    const rows = Array.from({ length: 2_000 }, (_, index) => `member${index}@example.com,M`);
    const csv = `email,first_name\n${rows.join('\n')}\n`;
    await BlobServiceClient.fromConnectionString(stack.storage)
      .getContainerClient('segments')
      .getBlockBlobClient(`${tenant}/Large.csv`)
      .upload(csv, csv.length);
    const created = await stack.call('POST', 'exports', {
      as: admin,
      body: {
        displayName: 'Large',
        connectionId: connection.json().id,
        segments: ['Large'],
        emailField: 'email',
        dataFields: { firstName: 'first_name' },
      },
    });
    const exportId = created.json().id as string;
    const runs = new QueueClient(stack.storage, 'export-runs-on-demand');
    const started = await stack.call('POST', `exports/${exportId}/runs`, { as: admin, body: {} });
    const runId = started.json().id as string;
    const [queued] = (await runs.receiveMessages({ numberOfMessages: 1 })).receivedMessageItems;
    const message = JSON.parse(Buffer.from(queued!.messageText, 'base64').toString()) as RunMessage;
    await runs.deleteMessage(queued!.messageId, queued!.popReceipt);
    const status = async () =>
      (await stack.call('GET', `exports/${exportId}/runs/${runId}`, { as: admin })).json();

    // Another large plan holds the whole budget: this one waits 300 ms, then goes back.
    const other = (await budget.take(1_000))!;
    await planRun(deps, message);
    expect((await status()).status).toBe('queued');
    expect(warnings.map(([text]) => text)).toEqual([
      'Run planning put back: this instance is planning other large segments',
    ]);
    const { delaySeconds, members } = warnings[0]![1] as { delaySeconds: number; members: number };
    expect(delaySeconds).toBeGreaterThanOrEqual(15);
    // Estimated from the snapshot's size (64 bytes a row at least), as the planner must.
    expect(members).toBe(Math.ceil(csv.length / 64));
    expect(stack.iterable.stats().subscribersReceived).toBe(0);
    // The message is back, hidden for its delay; nothing was consumed from the budget.
    const { approximateMessagesCount } = await runs.getProperties();
    expect(approximateMessagesCount).toBe(1);
    expect(budget.free).toBe(0);

    // Once the other plan is done, the message (delivered again) plans the run in full.
    other();
    await planRun(deps, message);
    let finished = await status();
    for (let waited = 0; !settled(String(finished.status)) && waited < 60_000; waited += 200) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      finished = await status();
    }
    expect(finished).toMatchObject({ status: 'succeeded', counts: { added: 2_000 } });
    expect(budget.free).toBe(1_000);
  });
});
