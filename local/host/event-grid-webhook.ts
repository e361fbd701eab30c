import type { RpcBindingInfo } from './core-types';
import type { HostFunction, Invoker } from './invoker';

export interface EventGridFunction {
  fn: HostFunction;
  triggerBindingName: string;
  trigger: RpcBindingInfo;
}

export interface WebhookResponse {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** `runtime/webhooks/{extensionName}/{*extra}`: the real host's route for extension webhooks. */
const webhookRoute = /^\/runtime\/webhooks\/([^/]+)(?:\/.*)?$/i;
/** The verbs the real host's ExtensionWebHookHandler accepts; any other is not routed (404). */
const webhookMethods = new Set(['GET', 'POST', 'DELETE', 'OPTIONS']);

/**
 * The Event Grid extension's webhook as the real host serves it: Event Grid POSTs to
 * `/runtime/webhooks/eventgrid?functionName={name}` with header `aeg-event-type`.
 *
 * - In Azure the route needs the `eventgrid_extension` system key (`code` or `x-functions-key`);
 *   locally, as under Core Tools, no key is asked for.
 * - `functionName` is matched exactly (the extension keeps its listeners in a case-sensitive
 *   dictionary): an unknown or missing one is 404 `cannot find function: '{name}'`.
 * - `SubscriptionValidation`: 200 `{"validationResponse": data.validationCode}` of the first
 *   event (Event Grid schema array), or of a CloudEvent whose `data` may be JSON in a string.
 * - `Notification`: an array (Event Grid schema) or one object (CloudEvents schema); each event
 *   is one invocation (single dispatch), all at once; 202 when all succeeded, else 500 with the
 *   first failure's message, so that Event Grid delivers the whole request again.
 * - `Unsubscribe`: 202; no or any other `aeg-event-type`: 400.
 *
 * Mirrors HttpRequestProcessor and EventGridExtensionConfigProvider of
 * Microsoft.Azure.WebJobs.Extensions.EventGrid.
 */
export class EventGridWebhook {
  #functions = new Map<string, EventGridFunction>();

  constructor(private readonly invoker: Pick<Invoker, 'invoke'>) {}

  add(eventGridFunction: EventGridFunction): void {
    this.#functions.set(eventGridFunction.fn.metadata.name, eventGridFunction);
  }

  get functionNames(): string[] {
    return [...this.#functions.keys()];
  }

  /** The answer for a request to the webhook route, or undefined when the path is not it. */
  async handle(
    method: string,
    url: URL,
    headers: Record<string, string | string[] | undefined>,
    body: Buffer,
  ): Promise<WebhookResponse | undefined> {
    const match = webhookRoute.exec(url.pathname);
    if (!match || !webhookMethods.has(method)) return undefined;
    // Only the Event Grid extension has a webhook here; others are unknown extensions (404).
    if (decodeURIComponent(match[1] ?? '').toLowerCase() !== 'eventgrid') return { status: 404 };
    const name = url.searchParams.get('functionName') ?? '';
    const target = this.#functions.get(name);
    if (!target) return { status: 404, body: `cannot find function: '${name}'` };
    const header = headers['aeg-event-type'];
    const eventType = (Array.isArray(header) ? header[0] : header)?.toLowerCase();
    try {
      if (eventType === 'subscriptionvalidation') return validation(body);
      if (eventType === 'notification') return await this.#notify(target, body);
    } catch (error) {
      // A body that is no JSON, or a validation event without its code: the extension throws,
      // and the host answers 500.
      return { status: 500, body: error instanceof Error ? error.message : String(error) };
    }
    return { status: eventType === 'unsubscribe' ? 202 : 400 };
  }

  async #notify(target: EventGridFunction, body: Buffer): Promise<WebhookResponse> {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) {
      throw new Error('The request content should be parseable into a JSON object or array.');
    }
    const events: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
    const batches = target.trigger.cardinality === 'many' ? [events] : events;
    const results = await Promise.allSettled(
      batches.map((value) =>
        this.invoker.invoke(target.fn, {
          inputData: [{ name: target.triggerBindingName, data: { json: JSON.stringify(value) } }],
        }),
      ),
    );
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) {
      const reason: unknown = failed.reason;
      return { status: 500, body: reason instanceof Error ? reason.message : 'Function failed' };
    }
    return { status: 202 };
  }
}

function validation(body: Buffer): WebhookResponse {
  const parsed = JSON.parse(body.toString('utf8')) as unknown;
  const event = (Array.isArray(parsed) ? parsed[0] : parsed) as { data?: unknown } | undefined;
  // A CloudEvent's validation data arrives as JSON inside a string.
  const data = (typeof event?.data === 'string' ? JSON.parse(event.data) : event?.data) as
    { validationCode?: unknown } | undefined;
  if (typeof data?.validationCode !== 'string') {
    throw new Error('The validation event carries no data.validationCode.');
  }
  return {
    status: 200,
    body: JSON.stringify({ validationResponse: data.validationCode }),
    headers: { 'content-type': 'application/json' },
  };
}
