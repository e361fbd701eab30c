import { startLocalServices } from './local-stack';

/**
 * `npm run stack`: Azurite, the Key Vault and Iterable stand-ins and the token issuer, without
 * the app, until Ctrl-C: for running the app under a host of one's own, such as Core Tools'
 * `func start` with local.settings.json copied from local.settings.example.json, whose values
 * are the ones printed here.
 */
async function main(): Promise<void> {
  const services = await startLocalServices(process.env).catch((error: unknown) => {
    process.stderr.write(
      `npm run stack failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
  const settingNames = [
    'AzureWebJobsStorage',
    'KEY_VAULT_URL',
    'ITERABLE_BASE_URL',
    'AUTH_ISSUER',
    'AUTH_AUDIENCE',
    'AUTH_JWKS_URL',
    'WEBHOOKS_ALLOW_LOCAL_TARGETS',
  ];
  const settings = settingNames.map((name) => `  ${name}=${services.env[name] ?? ''}`).join('\n');
  const token = services.mint
    ? `\nAdmin token (1 hour):\n  ${await services.mint({ roles: ['Admin'] })}\n`
    : '';
  process.stdout.write(
    `\nReady:\n  ${services.lines.join('\n  ')}\n\nApp settings for these services:\n${settings}\n${token}` +
      `Start the app beside them, for example: npm run build && func start\nPress Ctrl-C to stop everything.\n\n`,
  );
  let stopping = false;
  const stopAll = async () => {
    if (stopping) return;
    stopping = true;
    await services.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stopAll());
  process.once('SIGTERM', () => void stopAll());
}

void main();
