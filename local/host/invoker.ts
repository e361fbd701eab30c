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

export interface InvocationOutcome {
  invocationId: string;
  response: RpcInvocationResponse;
}

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

  invoke(fn: RegisteredFunction, input: InvocationInput): Promise<InvocationOutcome> {
    const invocationId = randomUUID();
    const started = performance.now();
    const name = fn.metadata.name;
    const running = this.#run(fn, invocationId, input);
    this.#inFlight.add(running);
    const settle = (outcome: 'Succeeded' | 'Failed', error?: unknown) => {
      this.#inFlight.delete(running);
      const duration = Math.round(performance.now() - started);
      const reason = error === undefined ? '' : `, Error=${describe(error)}`;
      const line = `Executed 'Functions.${name}' (${outcome}, Id=${invocationId}, Duration=${duration}ms${reason})`;
      if (error === undefined) return this.log.info(line);
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
        settle('Failed', error);
        throw error;
      },
    );
  }

  async #run(
    fn: RegisteredFunction,
    invocationId: string,
    input: InvocationInput,
  ): Promise<RpcInvocationResponse> {
    const coreContext: CoreInvocationContext = {
      invocationId,
      request: { invocationId, functionId: fn.metadata.functionId ?? fn.metadata.name, ...input },
      metadata: fn.metadata,
      log: (level, category, message) => this.#appLog(coreContext, level, category, message),
    };
    const model = await this.core.programmingModel().getInvocationModel(coreContext);
    const { context, inputs } = await model.getArguments();
    const hookData: Record<string, unknown> = {};
    const pre = {
      hookData,
      appHookData: this.appHookData,
      invocationContext: context,
      inputs,
      functionCallback: fn.callback,
    };
    coreContext.state = 'preInvocationHooks';
    await this.core.runHooks('preInvocation', pre);

    coreContext.state = 'invocation';
    const post = {
      hookData,
      appHookData: this.appHookData,
      invocationContext: context,
      inputs: pre.inputs,
      result: undefined as unknown,
      error: undefined as unknown,
    };
    try {
      post.result = await model.invokeFunction(context, pre.inputs, pre.functionCallback);
    } catch (error) {
      post.error = error;
    }
    coreContext.state = 'postInvocationHooks';
    await this.core.runHooks('postInvocation', post);
    if (post.error !== undefined && post.error !== null) {
      // Rethrown as it came: a function may throw any value, and the worker does the same.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw post.error;
    }
    const response = await model.getResponse(context, post.result);
    await this.outputs.write(fn.metadata.name, fn.metadata.bindings, response);
    return response;
  }

  #appLog(
    coreContext: CoreInvocationContext,
    level: RpcLogLevel,
    category: RpcLogCategory,
    message: string,
  ): void {
    const hookContext = {
      hookData: {},
      appHookData: this.appHookData,
      invocationContext: coreContext,
      category,
      level,
      message,
    };
    // Log hooks may rewrite the message or level before it is written, as in the worker.
    for (const hook of this.core.hooks.get('log') ?? []) hook(hookContext);
    this.log.fromApp(hookContext.level, category, hookContext.message);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
