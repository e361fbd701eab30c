import { readFileSync, writeFileSync } from 'node:fs';

/** CPU seconds and memory of a child process, read from /proc (Linux). */
export interface ProcessUsage {
  cpuSeconds: number;
  /** Peak resident set size so far (VmHWM), in MB. */
  peakRssMb: number;
}

const clockTicksPerSecond = 100;

export function processUsage(pid: number): ProcessUsage | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { cpuSeconds: ticks / clockTicksPerSecond, peakRssMb: peakKb / 1024 };
  } catch {
    return undefined;
  }
}

/**
 * A process and its children, as the local host runs the app: the host process and the worker
 * process the app runs in. CPU is the sum; the peak RSS is the sum of each process's peak, an
 * upper bound of what the two held at once.
 */
export function processTreeUsage(pid: number): ProcessUsage | undefined {
  const usages = [pid, ...childPids(pid)].map(processUsage).filter((usage) => usage !== undefined);
  if (usages.length === 0) return undefined;
  return {
    cpuSeconds: usages.reduce((sum, usage) => sum + usage.cpuSeconds, 0),
    peakRssMb: usages.reduce((sum, usage) => sum + usage.peakRssMb, 0),
  };
}

export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** Resets the process's peak RSS (VmHWM) so the next reading covers only what follows. */
export function clearPeakRss(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not Linux, or not allowed: the peak then covers the process's whole life.
  }
}
