import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What every log line of an invocation carries, so one query returns a run's whole story: the
 * HTTP request that asked for it, the planner, every batch and every Iterable call.
 */
export interface LogFields {
  invocationId?: string;
  /** The function (queue or timer trigger) or HTTP operation being run. */
  operation?: string;
  tenantId?: string;
  /** The client id of an app (the platform) acting for the tenant. */
  appId?: string;
  exportId?: string;
  runId?: string;
  batch?: number;
}

/**
 * Where an invocation's log lines go: the InvocationContext's own log methods. The Functions
 * host sends what arrives there to Application Insights as `traces` of that invocation
 * (operation id and InvocationId), which is what the alerts and the workbook read; console
 * output would reach it, if at all, apart from any invocation.
 */
export interface InvocationLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

interface LogScope {
  fields: LogFields;
  log?: InvocationLog;
}

const storage = new AsyncLocalStorage<LogScope>();

/**
 * Runs a whole invocation with its log: every log line written while it runs, in any module,
 * goes through the invocation's context and carries its id and function name.
 */
export function withInvocationLog<T>(
  invocation: { invocationId: string; functionName: string } & InvocationLog,
  work: () => T,
): T {
  const fields = { invocationId: invocation.invocationId, operation: invocation.functionName };
  return storage.run({ fields, log: invocation }, work);
}

/** Runs `work` with these fields (and the surrounding ones) on every log line it writes. */
export function withLogContext<T>(fields: LogFields, work: () => Promise<T>): Promise<T> {
  const scope = storage.getStore();
  return storage.run({ ...scope, fields: { ...scope?.fields, ...fields } }, work);
}

/** Adds fields to the current invocation's log lines from here on (such as a run's id). */
export function addLogContext(fields: LogFields): void {
  const scope = storage.getStore();
  if (scope) Object.assign(scope.fields, fields);
}

export function currentLogFields(): LogFields {
  return storage.getStore()?.fields ?? {};
}

/** The running invocation's log, if any (none while the app starts). */
export function currentInvocationLog(): InvocationLog | undefined {
  return storage.getStore()?.log;
}
