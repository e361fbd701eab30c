import { randomBytes } from 'node:crypto';

/**
 * The W3C trace context the Functions host gives every invocation (its own activity): for an
 * HTTP trigger a child of the caller's `traceparent` when it sends a valid one, else a new trace.
 * The app's spans continue it, as in Azure, where it is the host's request item of the invocation.
 */
const traceparentPattern = /^00-([0-9a-f]{32})-[0-9a-f]{16}-([0-9a-f]{2})$/;

export function invocationTraceContext(callerTraceparent?: string | null): {
  traceParent: string;
  traceState: string;
} {
  const caller = traceparentPattern.exec(callerTraceparent?.trim().toLowerCase() ?? '');
  const traceId =
    caller?.[1] && !/^0+$/.test(caller[1]) ? caller[1] : randomBytes(16).toString('hex');
  const flags = caller?.[2] ?? '01';
  return {
    traceParent: `00-${traceId}-${randomBytes(8).toString('hex')}-${flags}`,
    traceState: '',
  };
}
