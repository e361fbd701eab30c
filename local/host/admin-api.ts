import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { HostFunction, Invoker } from './invoker';
import type { TimerFunction, TimerScheduler } from './timer-scheduler';

const InvokeBodySchema = z.object({ input: z.string().optional() });

type AdminResult = { status: number; body?: unknown } | undefined;

/**
 * The parts of the real host's admin API a local user needs: `POST /admin/functions/{name}` runs
 * a non-HTTP function by hand (202, like the host; a queue function gets `input` as its message),
 * `GET /admin/functions` lists functions and `GET /admin/host/status` says the host is running.
 */
export class AdminApi {
  #timers = new Map<string, TimerFunction>();
  #queues = new Map<string, { fn: HostFunction; bindingName: string }>();

  constructor(
    private readonly functions: readonly HostFunction[],
    private readonly hostVersion: string,
    private readonly invoker: Invoker,
    private readonly scheduler: TimerScheduler,
  ) {}

  addTimer(timer: TimerFunction): void {
    this.#timers.set(timer.fn.metadata.name.toLowerCase(), timer);
  }

  addQueue(fn: HostFunction, bindingName: string): void {
    this.#queues.set(fn.metadata.name.toLowerCase(), { fn, bindingName });
  }

  // The returned promise is what the HTTP listener awaits; async keeps the signature uniform.
  // eslint-disable-next-line @typescript-eslint/require-await
  async handle(method: string, path: string, body: Buffer): Promise<AdminResult> {
    if (method === 'GET' && path === '/admin/host/status') {
      return { status: 200, body: { state: 'Running', version: this.hostVersion } };
    }
    if (method === 'GET' && path === '/admin/functions') {
      return {
        status: 200,
        body: this.functions.map(({ metadata }) => ({
          name: metadata.name,
          trigger: Object.values(metadata.bindings).find((b) => /trigger$/i.test(b.type ?? ''))
            ?.type,
        })),
      };
    }
    const match = /^\/admin\/functions\/([^/]+)$/.exec(path);
    if (!match || method !== 'POST') return undefined;
    const name = decodeURIComponent(match[1] ?? '').toLowerCase();
    const parsed = InvokeBodySchema.safeParse(body.length ? safeJson(body) : {});
    if (!parsed.success) {
      return { status: 400, body: { error: 'The body must be {"input": "<string>"}' } };
    }
    const timer = this.#timers.get(name);
    if (timer) {
      void this.scheduler.fire(timer, { scheduled: new Date() });
      return { status: 202 };
    }
    const queue = this.#queues.get(name);
    if (queue) {
      void this.#runQueueFunction(queue.fn, queue.bindingName, parsed.data.input ?? '');
      return { status: 202 };
    }
    const exists = this.functions.some((f) => f.metadata.name.toLowerCase() === name);
    return exists
      ? { status: 400, body: { error: 'HTTP functions are called through their own route' } }
      : { status: 404 };
  }

  async #runQueueFunction(fn: HostFunction, bindingName: string, message: string) {
    const now = new Date().toISOString();
    try {
      await this.invoker.invoke(fn, {
        inputData: [{ name: bindingName, data: { string: message } }],
        triggerMetadata: {
          QueueTrigger: { string: message },
          DequeueCount: { json: '1' },
          Id: { string: randomUUID() },
          InsertionTime: { json: JSON.stringify(now) },
        },
      });
    } catch {
      // The invoker has logged the failure; a hand-run message is not retried.
    }
  }
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
