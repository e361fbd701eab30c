import { appLogLine } from '../local/app-log-line';

/**
 * What the large benchmarks read from the hosts' output as it comes: each invocation's start and
 * end (local/host/invoker.ts prints `Executing 'Functions.NAME' (Id=...)` and `Executed
 * 'Functions.NAME' (Succeeded, Id=..., Duration=NNNms)`, as the real host does), the app's
 * `Plan step finished` lines (`step`, `steps`, `heapUsedMB`) of a plan made in steps, and the
 * worker's heap as the app logs it when a run is planned (`Run planned`, `heapUsedMB`).
 */

export interface PlanStep {
  host: number;
  step: number;
  steps: number;
  heapUsedMB: number | undefined;
  /** performance.now() when the line was read. */
  at: number;
}

interface Running {
  name: string;
  host: number;
  at: number;
}

const executing = /Executing 'Functions\.([\w-]+)' \(Id=([\w-]+)\)/;
const executed = /Executed 'Functions\.([\w-]+)' \((\w+), Id=([\w-]+), Duration=(\d+)ms/;

/** A logged figure in MB, as a number or a numeric string. */
function heapOf(value: unknown): number | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  const mb = Number(value);
  return value !== '' && Number.isFinite(mb) ? mb : undefined;
}

export class HostWatch {
  readonly #running = new Map<string, Running>();
  /** Longest invocation per function name since the last `reset`, in ms, with its outcome. */
  readonly longest = new Map<string, { ms: number; outcome: string; host: number }>();
  readonly invocations = new Map<string, number>();
  steps: PlanStep[] = [];
  /** The heap the worker logged as each run was planned. */
  planned: number[] = [];
  /** Invocations started since the last `reset`, in order, with their host. */
  readonly started: Array<{ name: string; host: number; at: number; id: string }> = [];

  /** Forgets the figures (not the invocations running now), for the next run. */
  reset(): void {
    this.longest.clear();
    this.invocations.clear();
    this.steps = [];
    this.planned = [];
    this.started.length = 0;
  }

  line(raw: string, host: number): void {
    const start = executing.exec(raw);
    if (start) {
      const [, name = '', id = ''] = start;
      const at = performance.now();
      this.#running.set(id, { name, host, at });
      this.started.push({ name, host, at, id });
      return;
    }
    const end = executed.exec(raw);
    if (end) {
      const [, name = '', outcome = '', id = '', duration = '0'] = end;
      this.#running.delete(id);
      const ms = Number(duration);
      this.invocations.set(name, (this.invocations.get(name) ?? 0) + 1);
      if (ms > (this.longest.get(name)?.ms ?? -1)) this.longest.set(name, { ms, outcome, host });
      return;
    }
    if (!raw.includes('Plan step finished') && !raw.includes('Run planned')) return;
    const logged = appLogLine(raw);
    if (logged?.message === 'Run planned') {
      const heap = heapOf(logged.heapUsedMB);
      if (heap !== undefined) this.planned.push(heap);
      return;
    }
    if (logged?.message !== 'Plan step finished') return;
    const step: PlanStep = {
      host,
      step: Number(logged.step),
      steps: Number(logged.steps),
      heapUsedMB: heapOf(logged.heapUsedMB),
      at: performance.now(),
    };
    this.steps.push(step);
  }

  /** Invocations started and not ended, on `host` (any host when undefined), whose name matches. */
  running(pattern: RegExp, host?: number): Running[] {
    return [...this.#running.values()].filter(
      (one) => pattern.test(one.name) && (host === undefined || one.host === host),
    );
  }

  /** Forgets the invocations of a host that was killed: they will never end. */
  forgetHost(host: number): void {
    for (const [id, one] of this.#running) if (one.host === host) this.#running.delete(id);
  }

  get maxHeapUsedMB(): number | undefined {
    const heaps = [
      ...this.steps.map((step) => step.heapUsedMB).filter((mb) => mb !== undefined),
      ...this.planned,
    ];
    return heaps.length ? Math.max(...heaps) : undefined;
  }
}
