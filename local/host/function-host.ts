import type { QueueServiceClient } from '@azure/storage-queue';
import { resolveSettingExpressions } from './app-settings';
import { CoreApi, type RegisteredFunction } from './core-api';
import type { RpcBindingInfo } from './core-types';
import { readHostConfig, type HostConfig } from './host-config';
import { createConsoleHostLog, type HostLog } from './host-log';
import { HttpListener } from './http-listener';
import { installCoreApi } from './install-core-api';
import { Invoker } from './invoker';
import { loadAppFiles } from './load-app';
import { OutputBindingWriter } from './output-bindings';
import { QueueListener } from './queue-listener';
import { queueServiceFor } from './storage-connection';
import { ncrontabJob, TimerScheduler, type TimerFunction } from './timer-scheduler';
import { AdminApi } from './admin-api';

type Env = Record<string, string | undefined>;

export interface FunctionHostOptions {
  /** The folder with host.json (and package.json unless `entry` is given). */
  scriptRoot: string;
  /** A glob of app files that replaces package.json `main`. */
  entry?: string;
  port: number;
  host?: string;
  env?: Env;
  log?: HostLog;
  /** How long shutdown waits for running invocations before returning their messages. */
  shutdownGraceMs?: number;
}

export interface FunctionHost {
  url: string;
  functionNames: string[];
  stop(): Promise<void>;
}

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

/**
 * A local Azure Functions host for the Node v4 programming model: it provides
 * `@azure/functions-core`, loads the unmodified app, and runs its HTTP, timer and storage-queue
 * triggers. One per process, since the core module is installed process-wide.
 */
export async function startFunctionHost(options: FunctionHostOptions): Promise<FunctionHost> {
  const env = options.env ?? process.env;
  const log = options.log ?? createConsoleHostLog();
  const config = readHostConfig(options.scriptRoot);
  const core = new CoreApi((level, category, message) => log.fromApp(level, category, message));
  installCoreApi(core);
  await loadAppFiles(options.scriptRoot, options.entry);
  await core.programmingModel().getCapabilities?.({ ...defaultCapabilities });

  const queueServices = new Map<string, QueueServiceClient>();
  const queueService = (connection: string | undefined) => {
    const key = connection || 'AzureWebJobsStorage';
    let client = queueServices.get(key);
    if (!client) queueServices.set(key, (client = queueServiceFor(key, env)));
    return client;
  };
  const listeners: QueueListener[] = [];
  const outputs = new OutputBindingWriter(
    env,
    config.queues.messageEncoding,
    queueService,
    (name) =>
      listeners.filter((listener) => listener.queueName === name).forEach((l) => l.notify()),
  );
  const invoker = new Invoker(core, log, outputs);
  // App hooks share one hookData object for the app's lifetime, as in the worker.
  await core.runHooks('appStart', {
    hookData: invoker.appHookData,
    appHookData: invoker.appHookData,
    functionAppDirectory: options.scriptRoot,
  });
  core.lock();
  const timers = new TimerScheduler(invoker, log, env.WEBSITE_TIME_ZONE);
  const admin = new AdminApi(core, invoker, timers);
  const http = new HttpListener(config.routePrefix, invoker, log, (...args) =>
    admin.handle(...args),
  );
  const timerFunctions: TimerFunction[] = [];

  for (const fn of core.functions.values()) {
    if (isDisabled(fn.metadata.name, env)) {
      log.info(
        `Function '${fn.metadata.name}' is disabled (AzureWebJobs.${fn.metadata.name}.Disabled)`,
      );
      continue;
    }
    const [bindingName, trigger] = findTrigger(fn);
    const where = `Function "${fn.metadata.name}"`;
    const setting = (value: unknown) => resolveSettingExpressions(String(value), env, where);
    Object.values(fn.metadata.bindings).forEach((b) =>
      OutputBindingWriter.check(fn.metadata.name, b),
    );
    switch (trigger.type?.toLowerCase()) {
      case 'httptrigger':
        http.add({
          fn,
          triggerBindingName: bindingName,
          route: trigger.route === undefined ? fn.metadata.name : setting(trigger.route),
          methods: trigger.methods as string[] | undefined,
        });
        break;
      case 'timertrigger': {
        const timer = {
          fn,
          triggerBindingName: bindingName,
          schedule: setting(trigger.schedule),
          runOnStartup: trigger.runOnStartup === true,
        };
        ncrontabJob(timer.schedule, env.WEBSITE_TIME_ZONE); // validates before anything starts
        timerFunctions.push(timer);
        admin.addTimer(timer);
        break;
      }
      case 'queuetrigger': {
        const listener = createQueueListener(fn, bindingName, setting(trigger.queueName), {
          config,
          invoker,
          log,
          queueService: queueService(trigger.connection as string | undefined),
        });
        listeners.push(listener);
        admin.addQueue(fn, bindingName);
        break;
      }
      default:
        throw new Error(
          `${where}: trigger type "${trigger.type}" is not supported by the local host`,
        );
    }
  }

  const url = await http.listen(options.port, options.host ?? '127.0.0.1');
  timers.start(timerFunctions);
  listeners.forEach((listener) => listener.start());
  logFunctions(log, url, http, core);

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    const grace = options.shutdownGraceMs ?? 10_000;
    timers.stop();
    const closing = http.close();
    await Promise.all(listeners.map((listener) => listener.stop(grace)));
    await Promise.race([invoker.drain(), new Promise((resolve) => setTimeout(resolve, grace))]);
    http.closeAllConnections();
    await closing;
    await core.runHooks('appTerminate', {
      hookData: invoker.appHookData,
      appHookData: invoker.appHookData,
    });
  };
  return {
    url,
    functionNames: [...core.functions.keys()],
    stop: () => (stopping ??= stop()),
  };
}

/** The host's switch for one function: app setting `AzureWebJobs.<name>.Disabled` = true or 1. */
function isDisabled(name: string, env: Env): boolean {
  const value = env[`AzureWebJobs.${name}.Disabled`]?.trim().toLowerCase();
  return value === 'true' || value === '1';
}

function findTrigger(fn: RegisteredFunction): [string, RpcBindingInfo] {
  // Binding names are generated hashes unless the app names them, so find the trigger by type.
  const entry = Object.entries(fn.metadata.bindings).find(([, b]) =>
    /trigger$/i.test(b.type ?? ''),
  );
  if (!entry) throw new Error(`Function "${fn.metadata.name}" has no trigger binding`);
  return entry;
}

function createQueueListener(
  fn: RegisteredFunction,
  triggerBindingName: string,
  queueName: string,
  deps: {
    config: HostConfig;
    invoker: Invoker;
    log: HostLog;
    queueService: QueueServiceClient;
  },
): QueueListener {
  const name = queueName.toLowerCase();
  return new QueueListener({
    fn,
    triggerBindingName,
    queue: deps.queueService.getQueueClient(name),
    poisonQueue: deps.queueService.getQueueClient(`${name}-poison`),
    options: deps.config.queues,
    invoker: deps.invoker,
    log: deps.log,
  });
}

function logFunctions(log: HostLog, url: string, http: HttpListener, core: CoreApi): void {
  const lines = ['Functions:'];
  for (const route of http.routes.routes) {
    const methods = route.target.methods?.join(',').toUpperCase() ?? 'ALL';
    lines.push(`  ${route.target.fn.metadata.name}: [${methods}] ${url}/${route.template}`);
  }
  for (const fn of core.functions.values()) {
    const [, trigger] = findTrigger(fn);
    if (trigger.type?.toLowerCase() !== 'httptrigger')
      lines.push(`  ${fn.metadata.name}: ${trigger.type}`);
  }
  log.info(lines.join('\n'));
}
