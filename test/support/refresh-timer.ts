import type { AppStack } from './app-stack';

const ended = /Executed 'Functions\.refresh-timer' \((Succeeded|Failed)/g;
const endings = (stack: Pick<AppStack, 'host'>) => (stack.host.output().match(ended) ?? []).length;

/**
 * Fires the refresh timer through the host's admin API (as an operator can in Azure) and waits
 * until this invocation has ended: one more ending than before it was fired, so a stack whose
 * timer already ran waits for this pass, not an earlier one. Whether it succeeded is the
 * caller's to check in the host's output, if it matters.
 */
export async function fireRefreshTimer(
  stack: Pick<AppStack, 'url' | 'host'>,
  timeoutMs = 30_000,
): Promise<void> {
  const before = endings(stack);
  const fired = await fetch(`${stack.url}/admin/functions/refresh-timer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  if (fired.status !== 202) throw new Error(`The refresh timer was not fired: ${fired.status}`);
  const deadline = Date.now() + timeoutMs;
  while (endings(stack) <= before) {
    if (Date.now() > deadline) throw new Error('The refresh timer pass did not end');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
