import { randomUUID } from 'node:crypto';
import type { FunctionMetadata, RpcInvocationRequest, RpcInvocationResponse } from './core-types';
import { formatTimeSpan } from './host-config';
import type { HostLog } from './host-log';
import type { OutputBindingWriter } from './output-bindings';
import { invocationTraceContext } from './trace-context';
import { WorkerExitedError, type WorkerChannel } from './worker-channel';

/** A function as the host knows it: the metadata the worker reported. */
export interface HostFunction {
  metadata: FunctionMetadata;
}

export type InvocationInput = Pick<
  RpcInvocationRequest,
  'inputData' | 'triggerMetadata' | 'traceContext'
>;

export interface InvocationOptions {
  /**
   * Asked once the function has succeeded, before any output is written: false means the trigger
   * gave up on this invocation (shutdown returned its message), so it must commit nothing.
   */
  shouldCommit?: () => boolean;
}

export interface InvocationOutcome {
  invocationId: string;
  response: RpcInvocationResponse;
}

/** The invocation finished after its trigger gave it up; its outputs were not written. */
export class InvocationAbandonedError extends Error {
  constructor() {
    super('Abandoned: its message went back to the queue at shutdown; outputs were not written');
  }
}

/** An invocation ran past functionTimeout (the real host's FunctionTimeoutException). */
export class FunctionTimeoutError extends Error {}

/**
 * How long the host waits, once it has failed a timed-out invocation, for the worker to end it
 * anyway before restarting the worker (TimeoutAttribute.GracePeriod in the WebJobs SDK).
 */
const timeoutGracePeriodMs = 2000;

/**
 * The host's side of every invocation: it sends the invocation to the worker process, fails it
 * when it passes functionTimeout (and then restarts the worker, as the real host does for an
 * out-of-process language), writes the output bindings only after success (a failed write fails
 * the invocation), and logs one line naming the function, invocation id, outcome and duration.
 */
export class Invoker {
  #inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly worker: Pick<WorkerChannel, 'invoke' | 'restartWorkerWithInvocationId'>,
    private readonly log: HostLog,
    private readonly outputs: OutputBindingWriter,
    /** null: no limit (functionTimeout -1). */
    private readonly functionTimeoutMs: number | null,
  ) {}

  get inFlightCount(): number {
    return this.#inFlight.size;
  }

  /** Resolves when every invocation that is running now has ended. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
  }

  invoke(
    fn: HostFunction,
    input: InvocationInput,
    options: InvocationOptions = {},
  ): Promise<InvocationOutcome> {
    const invocationId = randomUUID();
    const started = performance.now();
    const name = fn.metadata.name;
    // As the real host does, a line when an invocation starts and one when it ends.
    this.log.info(`Executing 'Functions.${name}' (Id=${invocationId})`);
    const running = this.#run(fn, invocationId, input, options);
    this.#inFlight.add(running);
    const settle = (outcome: 'Succeeded' | 'Failed' | 'Cancelled', error?: unknown) => {
      this.#inFlight.delete(running);
      const duration = Math.round(performance.now() - started);
      const reason = error === undefined ? '' : `, Error=${describe(error)}`;
      const line = `Executed 'Functions.${name}' (${outcome}, Id=${invocationId}, Duration=${duration}ms${reason})`;
      if (outcome !== 'Failed') return this.log.info(line);
      this.log.error(line);
      // The app's stack helps the developer at the console; callers never see it. The host's
      // own errors (a timeout, a worker that went down) say all there is in their message.
      const hostError = error instanceof FunctionTimeoutError || error instanceof WorkerExitedError;
      if (error instanceof Error && error.stack && !hostError) this.log.error(error.stack);
    };
    return running.then(
      (response) => {
        settle('Succeeded');
        return { invocationId, response };
      },
      (error: unknown) => {
        settle(error instanceof InvocationAbandonedError ? 'Cancelled' : 'Failed', error);
        throw error;
      },
    );
  }

  async #run(
    fn: HostFunction,
    invocationId: string,
    input: InvocationInput,
    options: InvocationOptions,
  ): Promise<RpcInvocationResponse> {
    const functionId = fn.metadata.functionId ?? fn.metadata.name;
    const traceContext = input.traceContext ?? invocationTraceContext();
    const running = this.worker.invoke({ invocationId, functionId, ...input, traceContext });
    const response = await this.#withinTimeout(fn, invocationId, running);
    if (options.shouldCommit && !options.shouldCommit()) throw new InvocationAbandonedError();
    await this.outputs.write(fn.metadata.name, fn.metadata.bindings, response);
    return response;
  }

  /**
   * `running`, or a FunctionTimeoutError once functionTimeout has passed. The timeout covers the
   * function (and a wait for a worker being restarted), not the writing of its outputs.
   */
  #withinTimeout<T>(fn: HostFunction, invocationId: string, running: Promise<T>): Promise<T> {
    const limitMs = this.functionTimeoutMs;
    if (limitMs === null) return running;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const timeout = formatTimeSpan(limitMs);
        const name = `Functions.${fn.metadata.name}`;
        // The WebJobs SDK's own lines (FunctionExecutor.OnFunctionTimeout, TryHandleTimeoutAsync).
        this.log.error(
          `Timeout value of ${timeout} exceeded by function '${name}' (Id: '${invocationId}'). Initiating cancellation.`,
        );
        const error = new FunctionTimeoutError(
          `Timeout value of ${timeout} was exceeded by function: ${name}`,
        );
        reject(error);
        void this.#restartUnlessItEnds(invocationId, running, error);
      }, limitMs);
      running.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /**
   * The Node worker does not act on the host's cancellation, so unless the timed-out invocation
   * ends within the grace period its worker is restarted, and every invocation it runs fails with
   * the same error (WebScriptHostExceptionHandler.OnTimeoutExceptionAsync).
   */
  async #restartUnlessItEnds(invocationId: string, running: Promise<unknown>, error: Error) {
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      running.then(
        () => true,
        () => true,
      ),
      new Promise<false>(
        (resolve) => (timer = setTimeout(() => resolve(false), timeoutGracePeriodMs)),
      ),
    ]);
    clearTimeout(timer);
    if (ended) return;
    this.log.warn(
      `A function timeout has occurred. Restarting worker process executing invocationId '${invocationId}'.`,
    );
    await this.worker.restartWorkerWithInvocationId(invocationId, error);
    this.log.warn('Attempt to restart language worker process(es) completed.');
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
