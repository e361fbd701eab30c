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
import { checkBindings } from './supported-bindings';
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
  /**
   * How long a queue message stays invisible while its function runs (renewed halfway); default
   * 600 s, as in Azure. A host that is killed leaves its messages invisible this long, so tests
   * that kill the host shorten it rather than wait ten minutes.
   */
  queueLeaseSeconds?: number;
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
  const config = readHostConfig(options.scriptRoot, env);
  const core = new CoreApi((level, category, message) => log.fromApp(level, category, message));
  installCoreApi(core);
  await loadAppFiles(options.scriptRoot, options.entry);

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
  // As the worker: appStart and appTerminate hooks share `hookData` only with each other
  // (appLevelOnlyHookData); `appHookData` is shared with every hook. appStart runs before
  // getCapabilities, which locks app.setup(), so an appStart hook may still call it.
  const appLevelOnlyHookData: Record<string, unknown> = {};
  await core.runHooks('appStart', {
    hookData: appLevelOnlyHookData,
    appHookData: invoker.appHookData,
    functionAppDirectory: options.scriptRoot,
  });
  const capabilities = await core.programmingModel().getCapabilities?.({ ...defaultCapabilities });
  if (capabilities?.HttpUri) {
    // The library now answers HTTP through its own proxy, which needs the real host's handshake.
    throw new Error(
      'The app enables HTTP streaming (app.setup({ enableHttpStream: true })), which the local host does not support',
    );
  }
  core.lock();
  const timers = new TimerScheduler(invoker, log, env.WEBSITE_TIME_ZONE);
  const admin = new AdminApi(core, invoker, timers);
  const http = new HttpListener(
    config.routePrefix,
    invoker,
    log,
    (...args) => admin.handle(...args),
    requestBodyLimit(env),
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
    checkBindings(fn.metadata, bindingName);
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
          leaseSeconds: options.queueLeaseSeconds,
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
    // One deadline for the whole shutdown: running invocations, and the deletes of their
    // messages, get until then; only then are the messages of those still running returned.
    const deadline = Date.now() + (options.shutdownGraceMs ?? 10_000);
    timers.stop();
    const closing = http.close();
    await Promise.all(listeners.map((listener) => listener.stopReceiving()));
    await untilDeadline(
      Promise.all([invoker.drain(), ...listeners.map((listener) => listener.drain())]),
      deadline,
    );
    await Promise.all(listeners.map((listener) => listener.abandonRunning()));
    http.closeAllConnections();
    await closing;
    await core.runHooks('appTerminate', {
      hookData: appLevelOnlyHookData,
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

/** Waits for `work`, but no later than `deadline` (a Date.now() time). */
async function untilDeadline(work: Promise<unknown>, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
  });
  await Promise.race([work, timeUp]);
  clearTimeout(timer);
}

/** FUNCTIONS_REQUEST_BODY_SIZE_LIMIT (bytes), as in the real host; default 100 MB. */
function requestBodyLimit(env: Env): number {
  const setting = env.FUNCTIONS_REQUEST_BODY_SIZE_LIMIT;
  if (setting === undefined || setting === '') return 100 * 1024 * 1024;
  const limit = Number(setting);
  if (!Number.isSafeInteger(limit) || limit <= 0) {
    throw new Error(
      `FUNCTIONS_REQUEST_BODY_SIZE_LIMIT must be a number of bytes, not "${setting}"`,
    );
  }
  return limit;
}

/**
 * `<queue>-poison`, unless the queue is itself a poison queue or the name would pass the
 * 63-character limit: then, as in QueueListenerFactory, there is none.
 */
function poisonQueueName(queueName: string): string | undefined {
  const name = `${queueName}-poison`;
  return queueName.endsWith('-poison') || name.length > 63 ? undefined : name;
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
    leaseSeconds: number | undefined;
  },
): QueueListener {
  const name = queueName.toLowerCase();
  const poisonName = poisonQueueName(name);
  return new QueueListener({
    fn,
    triggerBindingName,
    queue: deps.queueService.getQueueClient(name),
    poisonQueue: poisonName ? deps.queueService.getQueueClient(poisonName) : undefined,
    options: deps.config.queues,
    invoker: deps.invoker,
    log: deps.log,
    leaseSeconds: deps.leaseSeconds,
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
