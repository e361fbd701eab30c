import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { FunctionMetadata, RpcInvocationRequest, RpcInvocationResponse } from './core-types';
import type { HostLog } from './host-log';
import {
  fromWorkerError,
  type HostToWorker,
  type WorkerStartOptions,
  type WorkerToHost,
} from './worker-protocol';

type Env = Record<string, string | undefined>;

export interface WorkerChannelOptions extends WorkerStartOptions {
  env: Env;
  log: HostLog;
  /** Workers keep failing (to start, or by crashing): the host cannot run the app any more. */
  onFatal: (error: Error) => void;
}

interface WorkerProcess {
  child: ChildProcess;
  /** Invocations sent to this process and not yet answered. */
  pending: Map<string, { resolve: (r: RpcInvocationResponse) => void; reject: (e: Error) => void }>;
  alive: boolean;
  exited: Promise<void>;
}

/** An invocation ended because its worker process did: the app's code may never have run. */
export class WorkerExitedError extends Error {}

/** As the real host: the worker must start within 60 s, and three failures a minute are fatal. */
const startTimeoutMs = 60_000;
const errorThreshold = 3;
const errorWindowMs = 60_000;
/** How long the appTerminate hooks may take at shutdown before the worker is killed. */
const terminateTimeoutMs = 10_000;

/**
 * The host's link to the worker process that holds the app (the real host's worker channel and
 * dispatcher). Invocations go to the current worker; while one is being replaced they wait for
 * the next, as the dispatcher delays them while its state is WorkerProcessRestarting. A worker is
 * replaced when an invocation passes functionTimeout (RestartWorkerWithInvocationIdAsync) or when
 * it exits on its own; either way every invocation it was running fails.
 */
export class WorkerChannel {
  #current: WorkerProcess | undefined;
  /** The worker invocations go to, once it is up. */
  #ready!: Promise<WorkerProcess>;
  #stopping = false;
  #errors: number[] = [];
  /** The functions the app registered, as the first worker reported them. */
  functions: FunctionMetadata[] = [];

  private constructor(private readonly options: WorkerChannelOptions) {}

  /** Starts the first worker; its start-up error (the app's, say) is the host's. */
  static async start(options: WorkerChannelOptions): Promise<WorkerChannel> {
    const channel = new WorkerChannel(options);
    const { worker, functions } = await spawnWorker(options, (w, code, signal) =>
      channel.#onExit(w, code, signal),
    );
    channel.functions = functions;
    channel.#current = worker;
    channel.#ready = Promise.resolve(worker);
    return channel;
  }

  async invoke(request: RpcInvocationRequest): Promise<RpcInvocationResponse> {
    let ready = this.#ready;
    let worker = await ready;
    // Replaced while this invocation waited: it goes to the next worker, not the one ending.
    while (worker !== this.#current && ready !== this.#ready && !this.#stopping) {
      ready = this.#ready;
      worker = await ready;
    }
    return new Promise((resolve, reject) => {
      if (!worker.alive) return reject(new WorkerExitedError('The worker process has exited'));
      worker.pending.set(request.invocationId, { resolve, reject });
      try {
        worker.child.send({ type: 'invoke', request } satisfies HostToWorker);
      } catch (error) {
        worker.pending.delete(request.invocationId);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /**
   * Replaces the worker running `invocationId`, failing each of its invocations with `reason`.
   * False when no worker runs it any more (an earlier restart already ended it) or the host is
   * stopping. Resolves once the next worker takes invocations.
   */
  async restartWorkerWithInvocationId(invocationId: string, reason: Error): Promise<boolean> {
    const worker = this.#current;
    if (!worker || this.#stopping || !worker.pending.has(invocationId)) return false;
    this.#current = undefined;
    this.#ready = this.#replace(worker, reason);
    await this.#ready.catch(() => undefined);
    return true;
  }

  /** Runs the app's appTerminate hooks in the worker and lets it exit (killed if it hangs). */
  async terminate(): Promise<void> {
    this.#stopping = true;
    const worker = await this.#ready.catch(() => undefined);
    if (!worker?.alive) return;
    try {
      worker.child.send({ type: 'terminate' } satisfies HostToWorker);
    } catch {
      // Its channel closed as it exited: there is nothing left to terminate.
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>(
      (resolve) => (timer = setTimeout(resolve, terminateTimeoutMs)),
    );
    await Promise.race([worker.exited, timedOut]);
    clearTimeout(timer);
    if (worker.alive) {
      this.options.log.error(
        'The worker process did not end after its appTerminate hooks; killing it',
      );
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
  }

  #onExit(worker: WorkerProcess, code: number | null, signal: NodeJS.Signals | null): void {
    const reason = new WorkerExitedError(`The worker process exited (${exitText(code, signal)})`);
    failPending(worker, reason);
    // A worker killed on purpose (replaced, or at shutdown) is not news.
    if (worker !== this.#current || this.#stopping) return;
    this.#current = undefined;
    this.options.log.error(
      `Language Worker Process exited. Pid=${worker.child.pid}. ${exitText(code, signal)}`,
    );
    this.#ready = this.#startNext(this.#countError());
    this.#ready.catch(() => undefined);
  }

  async #replace(worker: WorkerProcess, reason: Error): Promise<WorkerProcess> {
    failPending(worker, reason);
    worker.child.kill('SIGKILL');
    await worker.exited;
    return this.#startNext(false);
  }

  /** Starts workers until one takes invocations, or failures become fatal. */
  async #startNext(alreadyFatal: boolean): Promise<WorkerProcess> {
    for (let fatal = alreadyFatal; ; fatal = this.#countError()) {
      if (fatal) {
        const error = new Error(
          `Exceeded language worker restart retry count (${errorThreshold} failures within a minute)`,
        );
        this.options.log.error(error.message);
        this.options.onFatal(error);
        throw error;
      }
      if (this.#stopping) throw new Error('The host is stopping');
      try {
        const { worker } = await spawnWorker(this.options, (w, code, signal) =>
          this.#onExit(w, code, signal),
        );
        this.#current = worker;
        return worker;
      } catch (error) {
        this.options.log.error(`The worker process could not start: ${String(error)}`);
      }
    }
  }

  /** Records a worker failure; true once they are too many to go on. */
  #countError(): boolean {
    const now = Date.now();
    this.#errors = [...this.#errors.filter((at) => now - at < errorWindowMs), now];
    return this.#errors.length >= errorThreshold;
  }
}

function spawnWorker(
  options: WorkerChannelOptions,
  onExit: (worker: WorkerProcess, code: number | null, signal: NodeJS.Signals | null) => void,
): Promise<{ worker: WorkerProcess; functions: FunctionMetadata[] }> {
  const start: WorkerStartOptions = { scriptRoot: options.scriptRoot, entry: options.entry };
  const child = fork(path.join(__dirname, 'worker-main.js'), [JSON.stringify(start)], {
    env: options.env,
    execArgv: workerExecArgv(options.env),
    // The worker writes its own log lines (and the app's console) to the host's streams.
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  let exited!: () => void;
  const worker: WorkerProcess = {
    child,
    pending: new Map(),
    alive: true,
    exited: new Promise((resolve) => (exited = resolve)),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`The worker process did not start within ${startTimeoutMs / 1000} s`));
      child.kill('SIGKILL');
    }, startTimeoutMs);
    child.on('message', (message: WorkerToHost) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve({ worker, functions: message.functions });
      } else if (message.type === 'startFailed') {
        clearTimeout(timer);
        reject(new Error(message.error.message));
      } else if (message.type === 'invocationResult' || message.type === 'invocationFailed') {
        const waiting = worker.pending.get(message.invocationId);
        worker.pending.delete(message.invocationId);
        if (message.type === 'invocationResult') waiting?.resolve(message.response);
        else waiting?.reject(fromWorkerError(message.error));
      }
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      worker.alive = false;
      reject(
        new Error(
          `The worker process exited (${exitText(code, signal)}) before the app was loaded`,
        ),
      );
      onExit(worker, code, signal);
      exited();
    });
  });
}

function failPending(worker: WorkerProcess, reason: Error): void {
  for (const { reject } of worker.pending.values()) reject(reason);
  worker.pending.clear();
}

function exitText(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}

/**
 * Node.js options for the worker: the host's own (a heap cap given to `node`, say), without a
 * debugger port the host already holds, then `languageWorkers__node__arguments`, which on Azure
 * passes options to the Node.js worker process.
 */
function workerExecArgv(env: Env): string[] {
  const own = process.execArgv.filter((arg) => !/^--(inspect|debug)/.test(arg));
  const configured = (env.languageWorkers__node__arguments ?? '').split(/\s+/).filter(Boolean);
  return [...own, ...configured];
}
