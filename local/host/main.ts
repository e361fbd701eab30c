import path from 'node:path';
import { parseArgs } from 'node:util';
import { startFunctionHost, type FunctionHost } from './function-host';

/**
 * Runs the local Functions host alone:
 *   node dist/local/host/main.js [--script-root DIR] [--entry GLOB] [--port N] [--shutdown-grace-ms N]
 *     [--queue-lease-seconds N]
 * The script root holds host.json and package.json (default: the current folder); PORT sets the
 * port when --port is not given (default 7071).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'script-root': { type: 'string' },
      entry: { type: 'string' },
      port: { type: 'string' },
      'shutdown-grace-ms': { type: 'string' },
      'queue-lease-seconds': { type: 'string' },
    },
  });
  platformSettings(process.env);
  const port = Number(values.port ?? process.env.PORT ?? 7071);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`Setting PORT must be a port number, not "${values.port ?? process.env.PORT}"`);
  }
  const stopAndExit = (host: FunctionHost, code: number) => {
    host.stop().then(
      () => process.exit(code),
      (error: unknown) => {
        process.stderr.write(`Stopping failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  const starting = startFunctionHost({
    scriptRoot: path.resolve(values['script-root'] ?? '.'),
    entry: values.entry,
    port,
    shutdownGraceMs: values['shutdown-grace-ms'] ? Number(values['shutdown-grace-ms']) : undefined,
    queueLeaseSeconds: leaseSeconds(values['queue-lease-seconds']),
    // As the real host recycles itself when its language worker keeps failing.
    onFatal: (error) => {
      process.stderr.write(`The host is stopping: ${error.message}\n`);
      void starting.then((host) => stopAndExit(host, 1));
    },
  });
  const host = await starting;
  process.stdout.write(`Host listening on ${host.url}\n`);
  const shutdown = (signal: string) => {
    process.stdout.write(`${signal}: stopping the host\n`);
    stopAndExit(host, 0);
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

/**
 * Settings the Functions platform gives every app in Azure, unless already set. Azure Monitor's
 * resource detection reads them to recognise Azure Functions and name the app; without them it
 * asks the Azure VM metadata address (169.254.169.254), which only exists on Azure VMs.
 */
function platformSettings(env: NodeJS.ProcessEnv): void {
  env.FUNCTIONS_EXTENSION_VERSION ??= '~4';
  env.WEBSITE_SITE_NAME ??= 'iterable-segment-export-local';
}

/** A queue lease Azure Storage accepts: 1 s to 7 days. */
function leaseSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 7 * 24 * 3600) {
    throw new Error(`--queue-lease-seconds must be a whole number of seconds, not "${value}"`);
  }
  return seconds;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `The host could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
