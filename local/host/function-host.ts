import type { QueueServiceClient } from '@azure/storage-queue';
import { AdminApi } from './admin-api';
import { resolveSettingExpressions } from './app-settings';
import { functionsHostVersion } from './core-api';
import type { RpcBindingInfo } from './core-types';
import { readHostConfig, type HostConfig } from './host-config';
import { createConsoleHostLog, type HostLog } from './host-log';
import { EventGridWebhook } from './event-grid-webhook';
import { HttpListener } from './http-listener';
import { Invoker, type HostFunction } from './invoker';
import { OutputBindingWriter } from './output-bindings';
import { QueueListener } from './queue-listener';
import { timerLocks } from './listener-lock';
import { queueServiceFor } from './storage-connection';
import { checkBindings } from './supported-bindings';
import { ncrontabJob, TimerScheduler, type TimerFunction } from './timer-scheduler';
import { WorkerChannel } from './worker-channel';

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
  /** The worker process keeps failing, so the app cannot run; the host should stop. */
  onFatal?: (error: Error) => void;
}

export interface FunctionHost {
  url: string;
  functionNames: string[];
  stop(): Promise<void>;
}

/**
 * A local Azure Functions host for the Node v4 programming model. As in Azure, the app runs in a
 * worker process of its own (worker-main.ts), which provides `@azure/functions-core` and loads
 * the unmodified app; this process owns the triggers (HTTP, timers, storage queues), the output
 * bindings and functionTimeout, and restarts the worker when an invocation passes it.
 */
export async function startFunctionHost(options: FunctionHostOptions): Promise<FunctionHost> {
  const env = options.env ?? process.env;
  const log = options.log ?? createConsoleHostLog();
  const config = readHostConfig(options.scriptRoot, env);
  const worker = await WorkerChannel.start({
    scriptRoot: options.scriptRoot,
    entry: options.entry,
    env,
    log,
    onFatal: (error) => options.onFatal?.(error),
  });
  try {
    return await serve(options, { env, log, config, worker });
  } catch (error) {
    // Refused at start (an unsupported binding, say): the worker must not outlive the host.
    await worker.terminate();
    throw error;
  }
}

async function serve(
  options: FunctionHostOptions,
  {
    env,
    log,
    config,
    worker,
  }: { env: Env; log: HostLog; config: HostConfig; worker: WorkerChannel },
): Promise<FunctionHost> {
  const functions: HostFunction[] = worker.functions.map((metadata) => ({ metadata }));
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
  const invoker = new Invoker(worker, log, outputs, config.functionTimeoutMs);
  const timers = new TimerScheduler(invoker, log, env.WEBSITE_TIME_ZONE);
  const admin = new AdminApi(functions, functionsHostVersion, invoker, timers);
  const eventGrid = new EventGridWebhook(invoker);
  const http = new HttpListener(
    config.routePrefix,
    invoker,
    log,
    (...args) => admin.handle(...args),
    requestBodyLimit(env),
    (...args) => eventGrid.handle(...args),
  );
  const timerFunctions: TimerFunction[] = [];

  for (const fn of functions) {
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
      case 'eventgridtrigger':
        eventGrid.add({ fn, triggerBindingName: bindingName, trigger });
        break;
      default:
        throw new Error(
          `${where}: trigger type "${trigger.type}" is not supported by the local host`,
        );
    }
  }

  // Timers need the host's storage for their locks, as in Azure: checked before anything starts.
  const timerLock = timerFunctions.length > 0 ? timerLocks(env, config.singleton, log) : undefined;
  const url = await http.listen(options.port, options.host ?? '127.0.0.1');
  timers.start(timerFunctions, timerLock);
  listeners.forEach((listener) => listener.start());
  logFunctions(log, url, http, functions);

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
    await timers.releaseLocks();
    // The worker runs the appTerminate hooks, then exits; what still runs there ends with it.
    await worker.terminate();
  };
  return {
    url,
    functionNames: functions.map((fn) => fn.metadata.name),
    stop: () => (stopping ??= stop()),
  };
}

/** The host's switch for one function: app setting `AzureWebJobs.<name>.Disabled` = true or 1. */
function isDisabled(name: string, env: Env): boolean {
  const value = env[`AzureWebJobs.${name}.Disabled`]?.trim().toLowerCase();
  return value === 'true' || value === '1';
}

function findTrigger(fn: HostFunction): [string, RpcBindingInfo] {
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
  fn: HostFunction,
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

function logFunctions(log: HostLog, url: string, http: HttpListener, functions: HostFunction[]) {
  const lines = ['Functions:'];
  for (const route of http.routes.routes) {
    const methods = route.target.methods?.join(',').toUpperCase() ?? 'ALL';
    lines.push(`  ${route.target.fn.metadata.name}: [${methods}] ${url}/${route.template}`);
  }
  for (const fn of functions) {
    const [, trigger] = findTrigger(fn);
    const type = trigger.type?.toLowerCase();
    if (type === 'eventgridtrigger') {
      lines.push(
        `  ${fn.metadata.name}: eventGridTrigger ${url}/runtime/webhooks/eventgrid?functionName=${fn.metadata.name}`,
      );
    } else if (type !== 'httptrigger') lines.push(`  ${fn.metadata.name}: ${trigger.type}`);
  }
  log.info(lines.join('\n'));
}
