import type {
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  HookName,
  ProgrammingModel,
  RpcLogCategory,
  RpcLogLevel,
} from './core-types';

/**
 * What the real Node worker exposes as `@azure/functions-core` (its src/setupCoreModule.ts):
 * function registration, hooks, the programming model and host logging. `@azure/functions`
 * talks to the host only through this object.
 */

export interface RegisteredFunction {
  metadata: FunctionMetadata;
  callback: FunctionCallback;
}

export class Disposable {
  static from(...items: { dispose: () => unknown }[]): Disposable {
    return new Disposable(() => items.forEach((item) => item.dispose()));
  }

  #callOnDispose: (() => unknown) | undefined;

  constructor(callOnDispose: () => unknown) {
    this.#callOnDispose = callOnDispose;
  }

  dispose(): unknown {
    const call = this.#callOnDispose;
    this.#callOnDispose = undefined;
    return call?.();
  }
}

/** The worker names this error class AzFuncRangeError; the library checks only `isAzureFunctionsSystemError`. */
class HookNameError extends RangeError {
  readonly isAzureFunctionsSystemError = true;
}

const hookNames: readonly HookName[] = [
  'preInvocation',
  'postInvocation',
  'appStart',
  'appTerminate',
  'log',
];

/** The Functions host version the local host answers to (`coreApi.hostVersion`, host status). */
export const functionsHostVersion = '4.1040.0';

export type HostLogger = (level: RpcLogLevel, category: RpcLogCategory, message: string) => void;

export class CoreApi {
  readonly version = '3.11.0';
  readonly hostVersion = functionsHostVersion;
  readonly Disposable = Disposable;
  readonly functions = new Map<string, RegisteredFunction>();
  readonly hooks = new Map<HookName, Set<HookCallback>>(hookNames.map((name) => [name, new Set()]));
  #programmingModel: ProgrammingModel | undefined;
  #locked = false;

  constructor(private readonly hostLog: HostLogger) {}

  registerFunction = (metadata: FunctionMetadata, callback: FunctionCallback): Disposable => {
    if (this.#locked) {
      throw new Error('A function can only be registered during app startup.');
    }
    const functionId = metadata.functionId ?? metadata.name;
    if (this.functions.has(functionId)) {
      throw new Error(`A function with the id "${functionId}" has already been registered.`);
    }
    this.functions.set(functionId, { metadata: { ...metadata, functionId }, callback });
    return new Disposable(() => {
      if (this.#locked) throw new Error('Cannot dispose a function after app startup.');
      this.functions.delete(functionId);
    });
  };

  registerHook = (hookName: string, callback: HookCallback): Disposable => {
    const hooks = this.hooks.get(hookName as HookName);
    if (!hooks) throw new HookNameError(`"${hookName}" is not a valid hook name.`);
    hooks.add(callback);
    return new Disposable(() => hooks.delete(callback));
  };

  setProgrammingModel = (model: ProgrammingModel): void => {
    this.#programmingModel = model;
  };

  getProgrammingModel = (): ProgrammingModel | undefined => this.#programmingModel;

  log = (level: RpcLogLevel, category: RpcLogCategory, message: string): void => {
    this.hostLog(level, category, message);
  };

  /** After indexing, as in the real worker, registering another function is an error. */
  lock(): void {
    this.#locked = true;
  }

  programmingModel(): ProgrammingModel {
    if (!this.#programmingModel) {
      throw new Error('The app registered no functions: no programming model was set.');
    }
    return this.#programmingModel;
  }

  async runHooks(name: HookName, context: Record<string, unknown>): Promise<void> {
    for (const hook of [...(this.hooks.get(name) ?? [])]) {
      await hook(context);
    }
  }
}
