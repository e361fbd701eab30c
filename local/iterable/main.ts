import { parseArgs } from 'node:util';
import { startIterableStandIn } from './server';

/*
 * Runs the Iterable stand-in alone:
 *   node dist/local/iterable/main.js --port 4010 --api-key KEY [--api-key KEY2]
 *     [--rate-limit 10 [--rate-limit-window]] [--latency-ms 20] [--new-list-ready-after-ms 2000]
 *     [--fail-probability 0.01] [--seed 7]
 * Prints its URL; SIGINT or SIGTERM stop it.
 */

function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`--${name} must be a number, got "${value}"`);
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'api-key': { type: 'string', multiple: true },
      'rate-limit': { type: 'string' },
      // At most --rate-limit requests in any one-second window (no burst), not a token bucket.
      'rate-limit-window': { type: 'boolean' },
      'latency-ms': { type: 'string' },
      'new-list-ready-after-ms': { type: 'string' },
      'fail-probability': { type: 'string' },
      seed: { type: 'string' },
    },
    strict: true,
  });
  const standIn = await startIterableStandIn({
    host: values.host ?? '127.0.0.1',
    port: numberOption('port', values.port) ?? 4010,
    apiKeys: values['api-key'] ?? [],
    rateLimitPerSecond: numberOption('rate-limit', values['rate-limit']) ?? null,
    rateLimitMode: values['rate-limit-window'] ? 'slidingWindow' : 'tokenBucket',
    latencyMs: numberOption('latency-ms', values['latency-ms']) ?? 0,
    newListReadyAfterMs:
      numberOption('new-list-ready-after-ms', values['new-list-ready-after-ms']) ?? 0,
    failProbability: numberOption('fail-probability', values['fail-probability']) ?? 0,
    seed: numberOption('seed', values.seed) ?? 1,
  });
  console.log(`Iterable stand-in listening on ${standIn.url}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`Iterable stand-in: ${signal}, stopping`);
    standIn.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
