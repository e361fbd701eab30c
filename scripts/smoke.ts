import { checkHealth, checkOpenApi } from './smoke-app-checks';
import { checkDryRun } from './smoke-dry-run';
import { SmokeApi } from './smoke-http';
import { parseSmokeArguments, type SmokeOptions } from './smoke-options';
import { SmokeReport } from './smoke-report';
import { smokeUsage } from './smoke-usage';

/**
 * `npm run smoke -- --url <app url>`: what ops run after every deploy. Health and the OpenAPI
 * document always; with a token, a dry run of one segment. `--help` says what it changes.
 */

async function smoke(options: SmokeOptions, interrupt: AbortSignal): Promise<boolean> {
  const report = new SmokeReport((line) => console.log(line), options.token ? [options.token] : []);
  const api = new SmokeApi(options.url, {
    token: options.token,
    requestTimeoutMs: options.requestTimeoutMs,
    interrupt,
  });
  const health = report.add(await checkHealth(api));
  report.add(await checkOpenApi(api));
  const { dryRun, token } = options;
  if (!dryRun) {
    const why = token
      ? 'skipped: no --segment given'
      : 'skipped: no token (--token or SMOKE_TOKEN; with --segment and --export or --connection)';
    report.add({ name: 'dry run', outcome: 'skipped', reason: why });
  } else if (!token) {
    // Asked for and impossible: passing without it would hide a missing secret in CI.
    report.add({
      name: 'dry run',
      outcome: 'failed',
      reason: `not run for segment '${dryRun.segment}': no token (--token or SMOKE_TOKEN)`,
    });
  } else if (health.outcome !== 'passed') {
    report.add({ name: 'dry run', outcome: 'skipped', reason: 'skipped: the app is not healthy' });
  } else {
    await checkDryRun(
      { api, report, timeoutMs: options.timeoutMs, interrupt },
      dryRun.segment,
      dryRun.target,
    );
  }
  report.summary(options.url);
  return !report.failed;
}

async function main(): Promise<number> {
  const parsed = parseSmokeArguments(process.argv.slice(2), process.env);
  if (parsed.kind === 'help') {
    console.log(smokeUsage);
    return 0;
  }
  if (parsed.kind === 'error') {
    console.error(`smoke: ${parsed.message}\nRun with --help for usage.`);
    return 2;
  }
  // The first Ctrl-C stops the checks and lets the cleanup run; a second one stops at once.
  const interrupt = new AbortController();
  const onSignal = () => {
    if (interrupt.signal.aborted) process.exit(130);
    console.error('smoke: interrupted; cleaning up (Ctrl-C again to stop at once)');
    interrupt.abort();
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  try {
    return (await smoke(parsed.options, interrupt.signal)) ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
