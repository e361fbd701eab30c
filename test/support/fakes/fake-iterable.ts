/* eslint-disable @typescript-eslint/require-await -- an in-memory fake answers at once, behind the same async methods as the client it stands in for */
import type { ListWriteOptions } from '../../../shared/clients/iterable/iterable-client-options';
import {
  IterableError,
  type IterableFailureKind,
} from '../../../shared/clients/iterable/iterable-error';
import type { BulkResultLike, IterablePipelineApi } from '../../../shared/pipeline/pipeline-deps';

/** A list write Iterable received. */
export interface ListCall {
  operation: 'subscribe' | 'unsubscribe';
  listId: number;
  emails: string[];
}

const statusOf: Record<IterableFailureKind, number> = {
  throttled: 429,
  transient: 503,
  rejected: 400,
  auth: 401,
};

/**
 * Iterable's list API in memory: lists by id, their members, and every write it received. It can
 * refuse given addresses (as Iterable answers for invalid or forgotten users) and fail the next
 * requests the way the real client reports them after its own retries (throttled, 5xx, auth).
 * Like the real client, it calls `beforeAttempt` before a write is sent.
 */
export class FakeIterable implements IterablePipelineApi {
  readonly lists = new Map<number, { name: string; members: Set<string> }>();
  readonly calls: ListCall[] = [];
  readonly refused = new Map<string, string>();
  readonly #failures: IterableError[] = [];
  #nextListId = 1000;

  /** The next request fails with this kind of failure (several calls queue several failures). */
  failNext(kind: IterableFailureKind, retryAfterMs?: number): void {
    this.#failures.push(
      new IterableError(`Iterable answered ${statusOf[kind]}`, {
        kind,
        operation: 'POST /api/lists/subscribe',
        iterableStatus: statusOf[kind],
        retryAfterMs,
      }),
    );
  }

  membersOf(name: string): string[] {
    const list = [...this.lists.values()].find((candidate) => candidate.name === name);
    return list ? [...list.members].sort() : [];
  }

  async getLists() {
    this.#failIfAsked();
    return [...this.lists].map(([id, list]) => ({ id, name: list.name, listType: 'Standard' }));
  }

  async createList(name: string): Promise<number> {
    this.#failIfAsked();
    const id = this.#nextListId++;
    this.lists.set(id, { name, members: new Set() });
    return id;
  }

  async subscribe(
    listId: number,
    subscribers: { email: string; dataFields: Record<string, unknown> }[],
    options?: ListWriteOptions,
  ): Promise<BulkResultLike> {
    return this.#write(
      'subscribe',
      listId,
      subscribers.map((subscriber) => subscriber.email),
      options,
    );
  }

  async subscribeJson(
    listId: number,
    subscribersJson: string,
    options?: ListWriteOptions,
  ): Promise<BulkResultLike> {
    const subscribers = JSON.parse(subscribersJson) as { email: string }[];
    return this.#write(
      'subscribe',
      listId,
      subscribers.map((subscriber) => subscriber.email),
      options,
    );
  }

  async unsubscribe(
    listId: number,
    emails: string[],
    options?: ListWriteOptions,
  ): Promise<BulkResultLike> {
    return this.#write('unsubscribe', listId, emails, options);
  }

  async #write(
    operation: ListCall['operation'],
    listId: number,
    emails: string[],
    options: ListWriteOptions | undefined,
  ): Promise<BulkResultLike> {
    await options?.beforeAttempt?.();
    this.#failIfAsked();
    const list = this.lists.get(listId);
    if (!list) throw new Error(`No list ${listId}`);
    this.calls.push({ operation, listId, emails });
    const failures = emails
      .filter((email) => this.refused.has(email))
      .map((email) => ({ email, reason: this.refused.get(email)! }));
    for (const email of emails) {
      if (this.refused.has(email)) continue;
      if (operation === 'subscribe') list.members.add(email);
      else list.members.delete(email);
    }
    return { successCount: emails.length - failures.length, failCount: failures.length, failures };
  }

  #failIfAsked(): void {
    const failure = this.#failures.shift();
    if (failure) throw failure;
  }
}
