import { getAppServices } from './app-services';
import { withLogContext } from '../log-context';
import { readMessage } from './message-reader';
import { processLog } from '../process-log';
import { poisonQueueName, queueNames } from '../storage-layout';
import { segmentEventCheckFormat } from '../segment-events/segment-event-messages';
import { inSpan } from '../telemetry';

interface Invocation {
  invocationId: string;
  functionName: string;
  traceContext?: { traceParent?: string | null };
}

const contextOf = (invocation: Invocation, tenantId?: string) => ({
  invocationId: invocation.invocationId,
  operation: invocation.functionName,
  ...(tenantId ? { tenantId } : {}),
});

/**
 * One event from Event Grid. Only a storage failure fails it: Event Grid then delivers it again.
 * Events that are no snapshot writes complete, so they are not retried.
 */
export async function onSegmentEvent(event: unknown, invocation: Invocation): Promise<void> {
  await withLogContext(contextOf(invocation), () => getAppServices().segmentEvents.received(event));
}

export async function onSegmentEventCheck(message: unknown, invocation: Invocation) {
  const check = readMessage(
    segmentEventCheckFormat,
    message,
    queueNames.segmentEventChecks,
    processLog,
  );
  if (!check) return;
  // A span of the host's trace: the refresh runs a check starts carry it on (traceparent).
  await withLogContext(contextOf(invocation, check.tenantId), () =>
    inSpan(
      'segment event check',
      {
        traceparent: invocation.traceContext?.traceParent,
        attributes: { tenantId: check.tenantId },
      },
      () => getAppServices().segmentEvents.check(check),
    ),
  );
}

/**
 * A check that failed five times (storage failing): the burst it stood for starts no refresh
 * until the tenant's next snapshot write. Logged as an error, with the tenant, for operators.
 */
export async function onPoisonSegmentEventCheck(message: unknown, invocation: Invocation) {
  const queue = poisonQueueName(queueNames.segmentEventChecks);
  const check = readMessage(segmentEventCheckFormat, message, queue, processLog);
  if (!check) return;
  await withLogContext(contextOf(invocation, check.tenantId), () => {
    processLog.error(
      'A segment event check failed repeatedly; its refresh waits for the next snapshot write',
      { queue, receivedAt: check.receivedAt },
    );
    return Promise.resolve();
  });
}
