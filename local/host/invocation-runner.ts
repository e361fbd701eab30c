import type { CoreApi } from './core-api';
import type {
  CoreInvocationContext,
  RpcInvocationRequest,
  RpcInvocationResponse,
  RpcLogCategory,
  RpcLogLevel,
} from './core-types';
import type { HostLog } from './host-log';

type InvocationState = CoreInvocationContext['state'];

/**
 * The worker's side of an invocation, as the Node worker's InvocationHandler runs it: programming
 * model → getArguments → preInvocation hooks → the function → postInvocation hooks →
 * getResponse. The error a postInvocation hook leaves in place is the invocation's outcome. It
 * runs in the worker process, next to the app's state; the host writes the outputs.
 */
export class InvocationRunner {
  /** Shared by every hook of the app (`appHookData`), for the life of this worker process. */
  readonly appHookData: Record<string, unknown> = {};

  constructor(
    private readonly core: CoreApi,
    private readonly log: HostLog,
  ) {}

  async run(request: RpcInvocationRequest): Promise<RpcInvocationResponse> {
    const fn = this.core.functions.get(request.functionId);
    if (!fn) throw new Error(`The worker has no function with the id "${request.functionId}"`);
    // What log hooks see of the invocation; filled in once the library has made its context.
    const logContext: { hookData: Record<string, unknown>; invocationContext?: unknown } = {
      hookData: {},
    };
    const coreContext: CoreInvocationContext = {
      invocationId: request.invocationId,
      request,
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
    return model.getResponse(context, post.result);
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
        // Log hooks are synchronous; a rejected promise from an async one must not crash the worker.
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
