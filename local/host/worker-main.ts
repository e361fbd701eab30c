import { CoreApi } from './core-api';
import { createConsoleHostLog } from './host-log';
import { installCoreApi } from './install-core-api';
import { InvocationRunner } from './invocation-runner';
import { loadAppFiles } from './load-app';
import {
  toWorkerError,
  type HostToWorker,
  type WorkerStartOptions,
  type WorkerToHost,
} from './worker-protocol';

/**
 * The worker process: it holds the app, as the Node language worker does in Azure. It provides
 * `@azure/functions-core`, loads the app, runs its appStart hooks, tells the host its functions,
 * then runs invocations the host sends until the host terminates it or restarts it (a function
 * that passed functionTimeout), which ends every invocation and all state of the app with it.
 */

/** The worker's default capabilities, which the programming model may extend. */
const defaultCapabilities: Record<string, string> = {
  RawHttpBodyBytes: 'true',
  RpcHttpTriggerMetadataRemoved: 'true',
  RpcHttpBodyOnly: 'true',
  IgnoreEmptyValuedRpcHttpHeaders: 'true',
  UseNullableValueDictionaryForHttp: 'true',
  WorkerStatus: 'true',
  TypedDataCollection: 'true',
  HandlesWorkerTerminateMessage: 'true',
};

/** Sends a message to the host; `then` runs once it is handed over (before exiting, say). */
function send(message: WorkerToHost, then?: () => void): void {
  try {
    process.send?.(message, () => then?.());
  } catch (error) {
    // A response the IPC channel cannot carry (a value that cannot be cloned) fails that
    // invocation instead of leaving the host waiting for it.
    if (message.type !== 'invocationResult') throw error;
    send({
      type: 'invocationFailed',
      invocationId: message.invocationId,
      error: toWorkerError(error),
    });
  }
}

async function main(): Promise<void> {
  // Only the host decides when the worker ends: a Ctrl+C reaches the whole process group, and the
  // host must still run appTerminate hooks here. When the host is gone, so is the worker.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  process.on('disconnect', () => process.exit(0));

  const options = JSON.parse(process.argv[2] ?? '{}') as WorkerStartOptions;
  const log = createConsoleHostLog();
  const core = new CoreApi((level, category, message) => log.fromApp(level, category, message));
  installCoreApi(core);
  const runner = new InvocationRunner(core, log);
  // As the worker: appStart and appTerminate hooks share `hookData` only with each other
  // (appLevelOnlyHookData); `appHookData` is shared with every hook.
  const appLevelOnlyHookData: Record<string, unknown> = {};
  try {
    await loadAppFiles(options.scriptRoot, options.entry);
    // appStart runs before getCapabilities, which locks app.setup(), so a hook may still call it.
    await core.runHooks('appStart', {
      hookData: appLevelOnlyHookData,
      appHookData: runner.appHookData,
      functionAppDirectory: options.scriptRoot,
    });
    const capabilities = await core.programmingModel().getCapabilities?.({
      ...defaultCapabilities,
    });
    if (capabilities?.HttpUri) {
      // The library now answers HTTP through its own proxy, which needs the real host's handshake.
      throw new Error(
        'The app enables HTTP streaming (app.setup({ enableHttpStream: true })), which the local host does not support',
      );
    }
    core.lock();
  } catch (error) {
    send({ type: 'startFailed', error: toWorkerError(error) }, () => process.exit(1));
    return;
  }

  process.on('message', (message: HostToWorker) => {
    if (message.type === 'invoke') {
      const { invocationId } = message.request;
      runner.run(message.request).then(
        (response) => send({ type: 'invocationResult', invocationId, response }),
        (error: unknown) =>
          send({ type: 'invocationFailed', invocationId, error: toWorkerError(error) }),
      );
    } else if (message.type === 'terminate') {
      const hooks = core.runHooks('appTerminate', {
        hookData: appLevelOnlyHookData,
        appHookData: runner.appHookData,
      });
      hooks
        .catch((error: unknown) => log.error(`An appTerminate hook failed: ${String(error)}`))
        .finally(() => send({ type: 'terminated' }, () => process.exit(0)));
    }
  });
  send({ type: 'ready', functions: [...core.functions.values()].map((fn) => fn.metadata) });
}

void main();
