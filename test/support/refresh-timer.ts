import type { AppStack } from './app-stack';

const ended = /Executed 'Functions\.refresh-timer' \((Succeeded|Failed)/g;
const shardEnded = /Executed 'Functions\.refresh-shard' \((Succeeded|Failed)/g;
const tickLine = /"message":"Refresh timer tick"[^\n]*?"shards":(\d+)/g;
type Host = Pick<AppStack, 'host'>;
const count = (stack: Host, pattern: RegExp) => (stack.host.output().match(pattern) ?? []).length;

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
  const before = count(stack, ended);
  const marks = shardMarks(stack);
  const fired = await fetch(`${stack.url}/admin/functions/refresh-timer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  if (fired.status !== 202) throw new Error(`The refresh timer was not fired: ${fired.status}`);
  const deadline = Date.now() + timeoutMs;
  await until(() => count(stack, ended) > before, deadline, 'The refresh timer pass did not end');
  await awaitShards(stack, marks, deadline);
}

/** Where the host's output stands in ticks and shard endings, before a tick is fired. */
export function shardMarks(stack: Host): { shards: number; ticks: number } {
  return { shards: count(stack, shardEnded), ticks: count(stack, tickLine) };
}

/**
 * After a tick that sent its shard messages (its log line says how many), waits until that many
 * more shard invocations have ended on this host: the slots a tick claims are claimed by them.
 */
export async function awaitShards(
  stack: Host,
  before: { shards: number; ticks: number },
  deadline = Date.now() + 30_000,
): Promise<void> {
  const ticks = [...stack.host.output().matchAll(tickLine)];
  if (ticks.length <= before.ticks) return;
  const shards = Number(ticks.at(-1)?.[1] ?? 0);
  await until(
    () => count(stack, shardEnded) >= before.shards + shards,
    deadline,
    "The refresh timer's shards did not end",
  );
}

async function until(done: () => boolean, deadline: number, message: string): Promise<void> {
  while (!done()) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
