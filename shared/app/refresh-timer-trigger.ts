import { getAppServices } from './app-services';
import { readMessage } from './message-reader';
import { processLog } from '../process-log';
import { shardMessageFormat } from '../schedule/sweep-messages';
import { withLogContext } from '../log-context';
import { getSettings } from '../settings';
import { poisonQueueName, queueNames } from '../storage-layout';
import { inSpan } from '../telemetry';

interface Invocation {
  traceContext?: { traceParent?: string | null };
}

/** The timer's NCRONTAB schedule, or `%REFRESH_TIMER_SCHEDULE%` for the host to read. */
export function refreshTimerSchedule(): string {
  return getSettings().refreshTimerSchedule;
}

/**
 * The refresh timer's service call: one message per shard of the sweep index, each swept by an
 * invocation of its own (onRefreshShard). While exports saved before the index are being copied
 * into it, the tick also makes the earlier pass over tenants; failures of single exports there are
 * logged where they happen and leave their slots for the next tick, and the invocation then fails
 * too, so the host's log shows it. A span of the host's trace of the invocation.
 */
export async function onRefreshTimer(invocation?: Invocation): Promise<void> {
  const report = await inSpan(
    'refresh timer',
    { traceparent: invocation?.traceContext?.traceParent, attributes: {} },
    () => getAppServices().refreshFanOut.tick(),
  );
  processLog.info('Refresh timer tick', {
    shards: report.shards,
    ...(report.backfilled ? { backfilled: report.backfilled } : {}),
    ...(report.tenantPass ? { tenantPass: report.tenantPass } : {}),
  });
  const failed = report.tenantPass?.failed ?? 0;
  if (failed > 0) {
    throw new Error(`${failed} due slot(s) or tenant(s) failed; they are tried again`);
  }
}

/**
 * One shard of a tick: claims the due slots of its exports from its saved place. Failures of
 * single exports are logged where they happen and wait for the next tick; a failure of the index
 * or of saving the place fails the invocation, and the message, delivered again, goes on from the
 * last saved place. The runs it starts carry its trace on (their message's traceparent).
 */
export async function onRefreshShard(
  message: unknown,
  invocation: Invocation & { invocationId: string; functionName: string },
): Promise<void> {
  const context = { invocationId: invocation.invocationId, operation: invocation.functionName };
  await withLogContext(context, () => sweepShard(message, invocation));
}

async function sweepShard(message: unknown, invocation: Invocation): Promise<void> {
  const shard = readMessage(shardMessageFormat, message, queueNames.refreshSweepShards, processLog);
  if (!shard) return;
  const report = await inSpan(
    'refresh sweep shard',
    {
      traceparent: invocation.traceContext?.traceParent,
      attributes: { from: shard.from, to: shard.to },
    },
    () => getAppServices().shardSweep.run(shard),
  );
  const properties = { tick: shard.tick, from: shard.from, to: shard.to, ...report };
  if (report.failed > 0) processLog.warn('Refresh sweep shard', properties);
  else processLog.info('Refresh sweep shard', properties);
}

/**
 * A shard that failed five times (storage failing): the due slots it had not reached wait for the
 * next tick, whose message for the same shard looks at them again. Logged as an error.
 */
export async function onPoisonRefreshShard(
  message: unknown,
  invocation: { invocationId: string; functionName: string },
): Promise<void> {
  const queue = poisonQueueName(queueNames.refreshSweepShards);
  const shard = readMessage(shardMessageFormat, message, queue, processLog);
  if (!shard) return;
  const context = { invocationId: invocation.invocationId, operation: invocation.functionName };
  await withLogContext(context, () => {
    processLog.error(
      'A refresh sweep shard failed repeatedly; its due slots wait for the next tick',
      { queue, tick: shard.tick, from: shard.from, to: shard.to },
    );
    return Promise.resolve();
  });
}
