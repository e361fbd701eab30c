import { randomUUID } from 'node:crypto';
import type { CoreApi, RegisteredFunction } from './core-api';
import type {
  CoreInvocationContext,
  RpcInvocationRequest,
  RpcInvocationResponse,
  RpcLogCategory,
  RpcLogLevel,
} from './core-types';
import type { HostLog } from './host-log';
import type { OutputBindingWriter } from './output-bindings';

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

type InvocationState = CoreInvocationContext['state'];

/**
 * Runs one invocation the way the Node worker's InvocationHandler does: programming model →
 * getArguments → preInvocation hooks → the function → postInvocation hooks → getResponse. The
 * error a postInvocation hook leaves in place is the invocation's outcome. Output bindings are
 * written only after success, and a failed write fails the invocation. Ends with one log line
 * naming the function, invocation id, outcome and duration.
 */
export class Invoker {
  readonly appHookData: Record<string, unknown> = {};
  #inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly core: CoreApi,
    private readonly log: HostLog,
    private readonly outputs: OutputBindingWriter,
  ) {}

  get inFlightCount(): number {
    return this.#inFlight.size;
  }

  /** Resolves when every invocation that is running now has ended. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
  }

  invoke(
    fn: RegisteredFunction,
    input: InvocationInput,
    options: InvocationOptions = {},
  ): Promise<InvocationOutcome> {
    const invocationId = randomUUID();
    const started = performance.now();
    const name = fn.metadata.name;
    const running = this.#run(fn, invocationId, input, options);
    this.#inFlight.add(running);
    const settle = (outcome: 'Succeeded' | 'Failed' | 'Cancelled', error?: unknown) => {
      this.#inFlight.delete(running);
      const duration = Math.round(performance.now() - started);
      const reason = error === undefined ? '' : `, Error=${describe(error)}`;
      const line = `Executed 'Functions.${name}' (${outcome}, Id=${invocationId}, Duration=${duration}ms${reason})`;
      if (outcome !== 'Failed') return this.log.info(line);
      this.log.error(line);
      // The stack helps the developer at the console; callers never see it.
      if (error instanceof Error && error.stack) this.log.error(error.stack);
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
    fn: RegisteredFunction,
    invocationId: string,
    input: InvocationInput,
    options: InvocationOptions,
  ): Promise<RpcInvocationResponse> {
    // What log hooks see of the invocation; filled in once the library has made its context.
    const logContext: { hookData: Record<string, unknown>; invocationContext?: unknown } = {
      hookData: {},
    };
    const coreContext: CoreInvocationContext = {
      invocationId,
      request: { invocationId, functionId: fn.metadata.functionId ?? fn.metadata.name, ...input },
      metadata: fn.metadata,
      log: (level, category, message) => this.#appLog(logContext, level, category, message),
    };
    // The worker sets `state` only for the length of each phase and clears it in a finally; the
    // library relies on that to warn about a log call after the function has completed.
    const inPhase = async <T>(state: InvocationState, phase: () => Promise<T>): Promise<T> => {
      coreContext.state = state;
      try {
        return await phase();
      } finally {
        coreContext.state = undefined;
      }
    };
    const model = await this.core.programmingModel().getInvocationModel(coreContext);
    const { context, inputs } = await model.getArguments();
    const hookData = logContext.hookData;
    logContext.invocationContext = context;
    const pre = {
      hookData,
      appHookData: this.appHookData,
      invocationContext: context,
      inputs,
      functionCallback: fn.callback,
    };
    await inPhase('preInvocationHooks', () => this.core.runHooks('preInvocation', pre));

    const post = {
      hookData,
      appHookData: this.appHookData,
      invocationContext: context,
      inputs: pre.inputs,
      result: undefined as unknown,
      error: undefined as unknown,
    };
    try {
      post.result = await inPhase('invocation', () =>
        model.invokeFunction(context, pre.inputs, pre.functionCallback),
      );
    } catch (error) {
      post.error = error;
    }
    await inPhase('postInvocationHooks', () => this.core.runHooks('postInvocation', post));
    if (post.error !== undefined && post.error !== null) {
      // Rethrown as it came: a function may throw any value, and the worker does the same.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw post.error;
    }
    const response = await model.getResponse(context, post.result);
    if (options.shouldCommit && !options.shouldCommit()) throw new InvocationAbandonedError();
    await this.outputs.write(fn.metadata.name, fn.metadata.bindings, response);
    return response;
  }

  #appLog(
    logContext: { hookData: Record<string, unknown>; invocationContext?: unknown },
    level: RpcLogLevel,
    category: RpcLogCategory,
    message: string,
  ): void {
    const hookContext = {
      hookData: logContext.hookData,
      appHookData: this.appHookData,
      invocationContext: logContext.invocationContext,
      category,
      level,
      message,
    };
    // As the worker's WorkerContext.log: every log goes through the hooks, but only a user log
    // takes their changes, and a throwing hook is ignored so it can never suppress a log line.
    try {
      for (const hook of this.core.hooks.get('log') ?? []) {
        // Log hooks are synchronous; a rejected promise from an async one must not crash the host.
        const result = hook(hookContext);
        if (result instanceof Promise) result.catch(() => undefined);
      }
      if (category === 'user') {
        level = hookContext.level;
        message = hookContext.message;
      }
    } catch {
      // ignored, as in the worker
    }
    this.log.fromApp(level, category, message);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
