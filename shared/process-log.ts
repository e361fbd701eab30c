import { currentInvocationLog, currentLogFields } from './log-context';

/**
 * The app's log: one JSON object a line, with the time, the level, a message, the invocation's
 * fields (invocationId, operation, tenantId, exportId, runId, batch; see log-context.ts) and the
 * line's own properties. Never a secret, never a profile's e-mail: callers pass ids and counts.
 * Within an invocation a line goes through the invocation's log (log-context.ts), else to the
 * console.
 */
function write(level: 'info' | 'warn' | 'error', message: string, properties: object) {
  const time = new Date().toISOString();
  const fields = { time, level, message, ...currentLogFields(), ...properties };
  // The line's own time, level and message win over a property of the same name.
  Object.assign(fields, { time, level, message });
  const line = JSON.stringify(fields);
  const invocationLog = currentInvocationLog();
  if (invocationLog) invocationLog[level](line);
  else if (level === 'error') console.error(line);
  else console.log(line);
}

export const processLog = {
  info(message: string, properties: Record<string, unknown> = {}): void {
    write('info', message, properties);
  },
  warn(message: string, properties: Record<string, unknown> = {}): void {
    write('warn', message, properties);
  },
  error(message: string, properties: Record<string, unknown> = {}): void {
    write('error', message, properties);
  },
};

/** What a module that logs is given: processLog, or a stand-in that keeps the lines in a test. */
export interface Log {
  info(message: string, properties?: Record<string, unknown>): void;
  warn(message: string, properties?: Record<string, unknown>): void;
  error(message: string, properties?: Record<string, unknown>): void;
}

/** A log for a module that only ever reports failures. */
export type ErrorLog = Pick<Log, 'error'>;
