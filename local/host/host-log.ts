import type { RpcLogCategory, RpcLogLevel } from './core-types';

/** Host console output: one line per message, prefixed with the time like `func start` does. */
export interface HostLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  fromApp(level: RpcLogLevel, category: RpcLogCategory, message: string): void;
}

const errorLevels = new Set<RpcLogLevel>(['error', 'critical']);

export function createConsoleHostLog(
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): HostLog {
  const line = (stream: NodeJS.WritableStream, message: string) =>
    stream.write(`[${new Date().toISOString()}] ${message}\n`);
  return {
    info: (message) => line(out, message),
    warn: (message) => line(out, message),
    error: (message) => line(err, message),
    fromApp: (level, _category, message) => {
      if (level === 'none' || level === 'trace' || level === 'debug') return;
      line(errorLevels.has(level) ? err : out, message);
    },
  };
}
