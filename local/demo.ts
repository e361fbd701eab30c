import { BlobServiceClient } from '@azure/storage-blob';
import { devTenantId } from './dev-issuer';
import { adminApi } from './admin-api';
import { standInIterableKey, startLocalStack } from './local-stack';

/**
 * `npm run demo`: the whole product on this machine in one command. It starts the local stack,
 * writes a generated segment of DEMO_PROFILES profiles (default 100,000), connects the Iterable
 * stand-in, saves an export, runs it with a live progress bar and shows the resulting list.
 */

const profiles = Number(process.env.DEMO_PROFILES ?? 100_000);
const segmentName = 'Demo newsletter subscribers';

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
  try {
    const call = await adminApi(stack);

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
    const started = Date.now();
    const run = await call('POST', `exports/${String(saved.id)}/runs`, {});
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
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `The demo failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
