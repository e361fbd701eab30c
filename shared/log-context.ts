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
  exportId?: string;
  runId?: string;
  batch?: number;
}

const storage = new AsyncLocalStorage<LogFields>();

/** Runs `work` with these fields (and the surrounding ones) on every log line it writes. */
export function withLogContext<T>(fields: LogFields, work: () => Promise<T>): Promise<T> {
  return storage.run({ ...storage.getStore(), ...fields }, work);
}

/** Adds fields to the current invocation's log lines from here on (such as a run's id). */
export function addLogContext(fields: LogFields): void {
  const store = storage.getStore();
  if (store) Object.assign(store, fields);
}

export function currentLogFields(): LogFields {
  return storage.getStore() ?? {};
}
