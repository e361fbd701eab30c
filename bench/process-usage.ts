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

/** Resets the process's peak RSS (VmHWM) so the next reading covers only what follows. */
export function clearPeakRss(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not Linux, or not allowed: the peak then covers the process's whole life.
  }
}
