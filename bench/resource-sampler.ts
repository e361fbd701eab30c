import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clearPeakRss, processUsage } from './process-usage';

/**
 * Samples, every `everyMs` while a run goes on: the size of the hosts' temporary folder (its
 * peak: what the app spilled there at once), each host and worker process's peak RSS (VmHWM, so
 * a process that dies or is replaced still counts with the peak it had) and its bytes written to
 * storage (/proc/PID/io write_bytes: every file it wrote, not only the temporary folder; 0 where
 * /proc does not say), and the machine's one-minute load average.
 */

export interface ResourceFigures {
  tmpPeakBytes: number;
  /** Sum of each process's peak RSS: an upper bound of what they held at once. */
  peakRssMb: number;
  /** The largest single process peak (the worker, as a rule). */
  largestProcessRssMb: number;
  /** Bytes the host and worker processes wrote to storage, all files; undefined if unreadable. */
  writeBytes: number | undefined;
  meanLoad: number;
}

/** A folder's size in bytes: every file under it, as `du --apparent-size` counts. */
export function folderBytes(folder: string): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    try {
      if (entry.isDirectory()) total += folderBytes(full);
      else total += lstatSync(full).size;
    } catch {
      // Removed while we looked.
    }
  }
  return total;
}

function writeBytesOf(pid: number): number | undefined {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const match = /write_bytes:\s+(\d+)/.exec(io);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export class ResourceSampler {
  #timer: NodeJS.Timeout | undefined;
  #tmpPeak = 0;
  readonly #peakRss = new Map<number, number>();
  readonly #writes = new Map<number, { first: number; last: number }>();
  readonly #loads: number[] = [];

  constructor(
    private readonly tmpDir: string,
    private readonly pids: () => number[],
    private readonly everyMs = 500,
  ) {}

  start(): void {
    for (const pid of this.pids()) clearPeakRss(pid);
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), this.everyMs);
  }

  stop(): ResourceFigures {
    clearInterval(this.#timer);
    this.#sample();
    const peaks = [...this.#peakRss.values()];
    const writes = [...this.#writes.values()];
    return {
      tmpPeakBytes: this.#tmpPeak,
      peakRssMb: peaks.reduce((sum, mb) => sum + mb, 0),
      largestProcessRssMb: peaks.length ? Math.max(...peaks) : 0,
      writeBytes: writes.length
        ? writes.reduce((sum, one) => sum + one.last - one.first, 0)
        : undefined,
      meanLoad: this.#loads.reduce((sum, load) => sum + load, 0) / Math.max(this.#loads.length, 1),
    };
  }

  #sample(): void {
    this.#tmpPeak = Math.max(this.#tmpPeak, folderBytes(this.tmpDir));
    this.#loads.push(os.loadavg()[0] ?? 0);
    for (const pid of this.pids()) {
      const usage = processUsage(pid);
      if (usage) this.#peakRss.set(pid, Math.max(this.#peakRss.get(pid) ?? 0, usage.peakRssMb));
      const written = writeBytesOf(pid);
      if (written === undefined) continue;
      const seen = this.#writes.get(pid);
      // A process first seen mid-run (a worker that restarted) wrote everything it shows.
      this.#writes.set(pid, { first: seen?.first ?? (this.#started ? 0 : written), last: written });
    }
    this.#started = true;
  }

  #started = false;
}
