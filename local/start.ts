import { devPlatformAppId } from './dev-issuer';
import { instanceCount, localInstanceId } from './host-instances';
import { startLocalStack } from './local-stack';
import { RunConsole } from './run-console';

/** `npm start`: the local stack until Ctrl-C, with its URLs and a ready Admin token. */
async function main(): Promise<void> {
  let stopping = false;
  const runConsole = new RunConsole();
  // With several hosts each line says which one printed it, as the instance id in Azure does.
  const scaledOut = (() => {
    try {
      return instanceCount(process.env) > 1;
    } catch {
      return false; // startLocalStack names the setting
    }
  })();
  const tag = (instance: number) => (scaledOut ? `[${localInstanceId(instance)}] ` : '');
  const show =
    process.env.LOG_FORMAT === 'json'
      ? (line: string, instance: number) => process.stdout.write(`${tag(instance)}${line}\n`)
      : (line: string, instance: number) => {
          for (const text of runConsole.format(line)) {
            process.stdout.write(`${tag(instance)}${text}\n`);
          }
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
  // Any host that ends on its own ends the stack, with its exit code, as the single host did.
  for (const host of stack.hosts) {
    host.process.once('exit', (code, signal) => {
      if (!stopping) {
        process.stderr.write(
          `The Functions host ${host.id} exited (${code ?? signal}): stopping everything\n`,
        );
      }
      void stopAll(stopping ? 0 : (code ?? 1));
    });
  }
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
