import { devPlatformAppId } from './dev-issuer';
import { startLocalStack } from './local-stack';
import { RunConsole } from './run-console';

/** `npm start`: the local stack until Ctrl-C, with its URLs and a ready Admin token. */
async function main(): Promise<void> {
  let stopping = false;
  const runConsole = new RunConsole();
  const show =
    process.env.LOG_FORMAT === 'json'
      ? (line: string) => process.stdout.write(`${line}\n`)
      : (line: string) => {
          for (const text of runConsole.format(line)) process.stdout.write(`${text}\n`);
        };
  const stack = await startLocalStack(process.env, show).catch((error: unknown) => {
    process.stderr.write(
      `npm start failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));
  stack.host.once('exit', (code) => void stopAll(stopping ? 0 : (code ?? 1)));
  const tokens = stack.mint
    ? [
        `Admin token (1 hour):\n  ${await stack.mint({ roles: ['Admin'] })}`,
        `Other roles or tenants: curl -s -X POST ${stack.env.AUTH_ISSUER}/token -d '{"roles":["Contributor"]}'`,
        `  (fields: roles ["Admin"|"Contributor"|"Viewer"], tid, oid, expiresIn seconds)`,
        `The platform's app token (send x-tenant-id with it): curl -s -X POST ${stack.env.AUTH_ISSUER}/token -d '{"roles":["Platform"],"idtyp":"app","azp":"${devPlatformAppId}","oid":null}'`,
      ].join('\n')
    : '';
  process.stdout.write(
    `\nReady:\n  ${stack.lines.join('\n  ')}\n${tokens ? `\n${tokens}\n` : ''}Press Ctrl-C to stop everything.\n\n`,
  );
}

void main();
