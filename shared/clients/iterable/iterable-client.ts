import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { toBulkUpdateResult } from './bulk-update-result';
import { classifyIterableFailure, IterableError } from './iterable-error';
import type { IterableFailure } from './iterable-error';
import {
  BulkUpdateResponseSchema,
  CreateListResponseSchema,
  IterableListsResponseSchema,
  describeParseError,
  parseJson,
} from './iterable-schemas';
import type { BulkUpdateResult, IterableList, IterableSubscriber } from './iterable-schemas';
import {
  iterableAgent,
  type IterableClientOptions,
  type ListWriteOptions,
} from './iterable-client-options';
import { listGraceDelayMs, retryDelayMs } from './retry-policy';
import type { RetryPolicy } from './retry-policy';

interface Call<T> {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  /** Serialized once; every retry sends the same bytes. */
  body?: string;
  idempotent: boolean;
  /** Epoch ms when a new list's grace window ends; set only for list writes. */
  listReadyBy?: number | undefined;
  beforeAttempt?: () => Promise<void>;
  parse(text: string): T;
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: IterableError };

/**
 * A small typed client for Iterable's list endpoints. Throttled and transient failures are retried
 * here (backoff with jitter, Retry-After honoured) within `maxAttempts` and a time budget; then the
 * IterableError goes to the caller. Rejected and auth failures are never retried. It does not
 * pace its requests: the batch worker, which sends nearly all of them, books each one's slot at
 * its key's gate (flow-control/) and calls with `maxAttempts: 1`.
 */
export class IterableClient {
  readonly #apiKey: string;
  readonly #jsonHeaders: Record<string, string>;
  readonly #getHeaders: Record<string, string>;
  private readonly origin: string;
  private readonly pathPrefix: string;
  private readonly dispatcher: Dispatcher;
  private readonly pace: IterableClientOptions['pace'];
  private readonly policy: RetryPolicy;
  private readonly newListGraceMs: number;
  private readonly requestTimeoutMs: number;
  private readonly onRequest: IterableClientOptions['onRequest'];
  /** Lists this client created, with their creation time, while their grace window lasts. */
  private readonly listsCreatedAt = new Map<number, number>();

  constructor(options: IterableClientOptions) {
    const url = new URL(options.baseUrl);
    this.origin = url.origin;
    this.pathPrefix = url.pathname.replace(/\/+$/, '');
    this.#apiKey = options.apiKey;
    this.#getHeaders = { 'Api-Key': options.apiKey, Accept: 'application/json' };
    this.#jsonHeaders = { ...this.#getHeaders, 'Content-Type': 'application/json' };
    this.dispatcher = options.dispatcher ?? iterableAgent();
    this.pace = options.pace;
    this.policy = {
      maxAttempts: Math.max(1, Math.floor(options.maxAttempts ?? 4)),
      baseDelayMs: options.retryBaseDelayMs ?? 250,
      maxDelayMs: options.retryMaxDelayMs ?? 10_000,
      budgetMs: options.retryBudgetMs ?? 30_000,
    };
    this.newListGraceMs = options.newListGraceMs ?? 30_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.onRequest = options.onRequest;
  }

  /** Every list of the project (100 requests/s allowed). */
  async getLists(): Promise<IterableList[]> {
    return this.send({
      method: 'GET',
      path: '/api/lists',
      idempotent: true,
      parse: (text) => parseJson(IterableListsResponseSchema, text).lists,
    });
  }

  /**
   * Creates a static list and returns its id. Iterable allows several lists with one name, and a
   * lost answer may hide a created list, so only 429s are retried here; on any other failure the
   * caller looks the list up by name before creating it again.
   */
  async createList(name: string, options: { description?: string } = {}): Promise<number> {
    const { listId } = await this.send({
      method: 'POST',
      path: '/api/lists',
      body: JSON.stringify({ name, description: options.description }),
      idempotent: false,
      parse: (text) => parseJson(CreateListResponseSchema, text),
    });
    this.rememberCreated(listId, Date.now());
    return listId;
  }

  /** Deletes a list; false when Iterable did not know it (already deleted). */
  async deleteList(listId: number): Promise<boolean> {
    try {
      await this.send({
        method: 'DELETE',
        path: `/api/lists/${encodeURIComponent(listId)}`,
        idempotent: true,
        parse: () => undefined,
      });
      this.listsCreatedAt.delete(listId);
      return true;
    } catch (error) {
      if (error instanceof IterableError && error.isInvalidListId) return false;
      throw error;
    }
  }

  /** Adds (or updates the data fields of) subscribers; partial failures are in the result. */
  async subscribe(
    listId: number,
    subscribers: readonly IterableSubscriber[],
    options: ListWriteOptions = {},
  ): Promise<BulkUpdateResult> {
    if (subscribers.length === 0) return nothingWritten();
    return this.writeMembers(listId, 'subscribe', JSON.stringify({ listId, subscribers }), options);
  }

  /**
   * As `subscribe`, with the subscribers already serialized as the JSON array Iterable takes
   * (a batch written once by the planner is sent as it is, without parsing it again).
   */
  async subscribeJson(
    listId: number,
    subscribersJson: string,
    options: ListWriteOptions = {},
  ): Promise<BulkUpdateResult> {
    const body = `{"listId":${JSON.stringify(listId)},"subscribers":${subscribersJson}}`;
    return this.writeMembers(listId, 'subscribe', body, options);
  }

  /** Removes members from the list, and only from the list. */
  async unsubscribe(
    listId: number,
    emails: readonly string[],
    options: ListWriteOptions = {},
  ): Promise<BulkUpdateResult> {
    if (emails.length === 0) return nothingWritten();
    const body = {
      listId,
      subscribers: emails.map((email) => ({ email })),
      // Always false: true is "essentially a global unsubscribe" (Iterable's spec) from the list's
      // channel, so leaving a segment would stop every message of that channel to the person.
      channelUnsubscribe: false,
    };
    return this.writeMembers(listId, 'unsubscribe', JSON.stringify(body), options);
  }

  /**
   * A bulk write of a list's members. Idempotent (the same members twice end the same), and
   * inside a new list's grace window invalidListId means "not ready yet", so it is retried.
   */
  private async writeMembers(
    listId: number,
    action: 'subscribe' | 'unsubscribe',
    body: string,
    options: ListWriteOptions,
  ): Promise<BulkUpdateResult> {
    return this.send({
      method: 'POST',
      path: `/api/lists/${action}`,
      body,
      idempotent: true,
      listReadyBy: this.listReadyBy(listId, options.listCreatedAt),
      ...(options.beforeAttempt ? { beforeAttempt: options.beforeAttempt } : {}),
      parse: (text) => toBulkUpdateResult(parseJson(BulkUpdateResponseSchema, text)),
    });
  }

  private async send<T>(call: Call<T>): Promise<T> {
    const startedAt = performance.now();
    let attempts = 0;
    let failedAttempts = 0;
    let graceRetries = 0;
    for (;;) {
      await this.pace?.();
      await call.beforeAttempt?.();
      attempts += 1;
      const attempt = await this.attempt(call, attempts);
      if (attempt.ok) return attempt.value;
      const { error } = attempt;
      error.attempts = attempts;

      let delay: number | undefined;
      if (error.isInvalidListId && call.listReadyBy !== undefined) {
        delay = listGraceDelayMs(graceRetries, call.listReadyBy - Date.now());
        graceRetries += 1;
      } else {
        if (error.retryable) failedAttempts += 1;
        const elapsedMs = performance.now() - startedAt;
        delay = retryDelayMs(
          error,
          { failedAttempts, elapsedMs, idempotent: call.idempotent },
          this.policy,
        );
      }
      if (delay === undefined) throw error;
      await sleep(delay);
    }
  }

  /** One request; every failure comes back classified, never thrown. */
  private async attempt<T>(call: Call<T>, attempt: number): Promise<Attempt<T>> {
    const started = performance.now();
    const operation = `${call.method} ${call.path.replace(/\/\d+$/, '/{listId}')}`;
    let answered = 0;
    try {
      const result = await this.#attempt(call, operation, (status) => (answered = status));
      return result;
    } finally {
      this.onRequest?.({
        endpoint: operation,
        status: answered,
        durationMs: Math.round(performance.now() - started),
        attempt,
      });
    }
  }

  async #attempt<T>(
    call: Call<T>,
    operation: string,
    onStatus: (status: number) => void,
  ): Promise<Attempt<T>> {
    const fail = (failure: IterableFailure): Attempt<T> => ({
      ok: false,
      error: classifyIterableFailure(failure, { operation, apiKey: this.#apiKey }),
    });
    let status: number;
    let text: string;
    let retryAfter: string | string[] | undefined;
    try {
      const response = await this.dispatcher.request({
        origin: this.origin,
        path: this.pathPrefix + call.path,
        method: call.method,
        headers: call.body === undefined ? this.#getHeaders : this.#jsonHeaders,
        body: call.body,
        // A signal, not undici's headersTimeout/bodyTimeout: those run on coarse timers (about a
        // second) and do not cover the wait for a free connection.
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
      status = response.statusCode;
      onStatus(status);
      retryAfter = response.headers['retry-after'];
      text = await response.body.text();
    } catch (error) {
      return fail({ outcome: 'noAnswer', error });
    }
    if (status < 200 || status >= 300)
      return fail({ outcome: 'status', status, body: text, retryAfter });
    try {
      return { ok: true, value: call.parse(text) };
    } catch (error) {
      return fail({ outcome: 'unreadable', status, problem: describeParseError(error) });
    }
  }

  private listReadyBy(listId: number, listCreatedAt: number | undefined): number | undefined {
    const createdAt = listCreatedAt ?? this.listsCreatedAt.get(listId);
    return createdAt === undefined ? undefined : createdAt + this.newListGraceMs;
  }

  private rememberCreated(listId: number, createdAt: number): void {
    for (const [id, at] of this.listsCreatedAt) {
      if (at + this.newListGraceMs < createdAt) this.listsCreatedAt.delete(id);
    }
    this.listsCreatedAt.set(listId, createdAt);
  }
}

/** The answer to a write of no members: nothing is sent to Iterable. */
function nothingWritten(): BulkUpdateResult {
  return { successCount: 0, failCount: 0, failures: [] };
}
