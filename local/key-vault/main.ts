import { parseArgs } from 'node:util';
import { startKeyVaultStandIn } from './server';

const USAGE = `Usage: node dist/local/key-vault/main.js [options]

Runs the local Key Vault stand-in alone until SIGINT or SIGTERM.

  --port <n>                         port to listen on (default 8400; 0 picks a free one)
  --host <address>                   interface to listen on (default 127.0.0.1)
  --data-dir <dir>                   keep secrets in <dir>/key-vault.json across restarts
  --purge-protection                 refuse purges, like a vault with purge protection
  --soft-delete-retention-days <n>   7 to 90 (default 90)
  --help                             show this text`;

/** A command line that cannot be understood; the usage text follows it. */
class UsageError extends Error {}

function integerOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value)) throw new UsageError(`--${name} must be an integer, got "${text}"`);
  return value;
}

function readArguments() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '8400' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'purge-protection': { type: 'boolean', default: false },
        'soft-delete-retention-days': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

async function main(): Promise<void> {
  const values = readArguments();
  if (values.help) {
    console.log(USAGE);
    return;
  }

  const standIn = await startKeyVaultStandIn({
    host: values.host,
    port: integerOption('port', values.port),
    dataDir: values['data-dir'],
    purgeProtection: values['purge-protection'],
    softDeleteRetentionDays: integerOption(
      'soft-delete-retention-days',
      values['soft-delete-retention-days'],
    ),
  });
  const storage = values['data-dir']
    ? `secrets kept in ${values['data-dir']}`
    : 'secrets in memory';
  console.log(`Key Vault stand-in listening at ${standIn.url} (${storage})`);
  console.log(`KEY_VAULT_URL=${standIn.url}`);

  const stop = (signal: NodeJS.Signals): void => {
    console.log(`Key Vault stand-in: ${signal} received, stopping`);
    standIn.close().then(
      () => undefined,
      (error: unknown) => {
        console.error('Key Vault stand-in: failed to stop cleanly', error);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`Key Vault stand-in: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof UsageError) console.error(USAGE);
  process.exitCode = 1;
});
