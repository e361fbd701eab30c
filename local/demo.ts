import { BlobServiceClient } from '@azure/storage-blob';
import { devTenantId } from './dev-issuer';
import { adminApi, platformApi } from './admin-api';
import { startDemoReceiver } from './demo-webhook-receiver';
import { standInIterableKey, startLocalStack } from './local-stack';

/**
 * `npm run demo`: the whole product on this machine in one command. It starts the local stack,
 * writes a generated segment of DEMO_PROFILES profiles (default 100,000), connects the Iterable
 * stand-in and saves an export; then, as the platform's own app, it registers a webhook and
 * reports the refresh, follows the run with a live progress bar, shows the resulting list and
 * the signed event the webhook received.
 */

const profiles = Number(process.env.DEMO_PROFILES ?? 100_000);
const segmentName = 'Demo newsletter subscribers';
const webhookSecret = 'demo-webhook-secret-0123456789';

function generatedSegment(count: number): string {
  const cities = ['Amsterdam', 'Berlin', 'Lisbon', 'Oslo', 'Utrecht'];
  const rows = ['email,first_name,city'];
  for (let index = 0; index < count; index++) {
    rows.push(`Person.${index}@Example.com,Person ${index},${cities[index % cities.length]}`);
  }
  return `${rows.join('\n')}\n`;
}

function bar(percent: number): string {
  const width = 30;
  const filled = Math.round((percent / 100) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)}%`;
}

async function main(): Promise<void> {
  process.stdout.write('Starting the local stack (Azurite, stand-ins, Functions host)...\n');
  // The demo shows its own progress; the host's lines would drown it.
  const stack = await startLocalStack(process.env, () => undefined);
  const stops: (() => Promise<void>)[] = [];
  try {
    const call = await adminApi(stack);
    const platform = await platformApi(stack, devTenantId);
    const receiver = await startDemoReceiver(webhookSecret);
    stops.push(() => receiver.close());

    const csv = generatedSegment(profiles);
    await BlobServiceClient.fromConnectionString(stack.env.AzureWebJobsStorage ?? '')
      .getContainerClient('segments')
      .getBlockBlobClient(`${devTenantId}/${segmentName}.csv`)
      .upload(csv, Buffer.byteLength(csv));
    process.stdout.write(
      `Wrote segment '${segmentName}' with ${profiles.toLocaleString('en')} profiles.\n`,
    );

    const connection = await call('POST', 'connections', {
      displayName: 'Demo Iterable project',
      apiKey: standInIterableKey,
      consent: { accepted: true },
    });
    const saved = await call('POST', 'exports', {
      displayName: 'Demo export',
      connectionId: connection.id,
      segments: [segmentName],
      emailField: 'email',
      dataFields: { firstName: 'first_name', city: 'city' },
    });
    await platform('POST', 'webhooks', { url: receiver.url, secret: webhookSecret });
    process.stdout.write(`The platform's app registered a webhook at ${receiver.url}.\n`);

    const started = Date.now();
    // The platform has written the segment: it reports the refresh, and the export runs.
    const refresh = await platform('POST', 'refreshes', {
      refreshedAt: new Date().toISOString(),
      segments: [segmentName],
    });
    const [outcome] = refresh.value as { runId: string }[];
    const run = await call('GET', `exports/${String(saved.id)}/runs/${outcome?.runId ?? ''}`);
    process.stdout.write('The platform reported the refresh; the export runs.\n');
    let current = run;
    while (['queued', 'planning', 'running'].includes(String(current.status))) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      current = await call('GET', `exports/${String(saved.id)}/runs/${String(run.id)}`);
      process.stdout.write(
        `\r${bar(Number(current.percentComplete))} ${String(current.status).padEnd(12)}`,
      );
    }
    const seconds = (Date.now() - started) / 1000;
    const counts = current.counts as Record<string, number>;
    process.stdout.write(`\r${bar(100)} ${String(current.status).padEnd(12)}\n`);
    process.stdout.write(
      `Run ${String(current.status)} in ${seconds.toFixed(1)} s: ${counts.added} added, ${counts.rejected} rejected, ${counts.failed} failed.\n`,
    );

    const segments = current.segments as { name: string; listId?: number }[];
    const listId = segments[0]?.listId;
    const inspected = (await (
      await fetch(`${stack.env.ITERABLE_BASE_URL}/_standin/lists?members=false&users=false`)
    ).json()) as { projects: { lists: { id: number; name: string; size: number }[] }[] };
    const list = inspected.projects
      .flatMap((project) => project.lists)
      .find((item) => item.id === listId);
    process.stdout.write(
      `Iterable stand-in list '${list?.name}' (id ${listId}) now has ${list?.size.toLocaleString('en')} members.\n`,
    );
    const event = await receiver.next(30_000);
    process.stdout.write(
      `Webhook received ${event.type} for ${event.subject}, signature ${event.verified ? 'verified' : 'NOT verified'}.\n`,
    );
  } finally {
    for (const stop of stops.reverse()) await stop();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `The demo failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
