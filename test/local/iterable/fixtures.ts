import { startIterableStandIn } from '../../../local/iterable/server';
import type { IterableStandIn, IterableStandInOptions } from '../../../local/iterable/server';

export const API_KEY = 'test-key-0123456789abcdef';
export const OTHER_API_KEY = 'other-key-fedcba9876543210';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface RequestOptions {
  /** An object is sent as JSON; a string is sent verbatim (for malformed bodies). */
  body?: unknown;
  /** null sends no Api-Key header. */
  apiKey?: string | null;
}

export async function call(
  standIn: IterableStandIn,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const apiKey = options.apiKey === undefined ? API_KEY : options.apiKey;
  if (apiKey !== null) headers['Api-Key'] = apiKey;
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const response = await fetch(`${standIn.url}${path}`, { method, headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export async function createList(
  standIn: IterableStandIn,
  name: string,
  apiKey: string = API_KEY,
): Promise<number> {
  const reply = await call(standIn, 'POST', '/api/lists', { body: { name }, apiKey });
  if (reply.status !== 200) throw new Error(`create list answered ${reply.status}: ${reply.text}`);
  return (reply.json as { listId: number }).listId;
}

export function subscribe(
  standIn: IterableStandIn,
  body: Record<string, unknown>,
  apiKey: string = API_KEY,
): Promise<Reply> {
  return call(standIn, 'POST', '/api/lists/subscribe', { body, apiKey });
}

export function unsubscribe(
  standIn: IterableStandIn,
  body: Record<string, unknown>,
  apiKey: string = API_KEY,
): Promise<Reply> {
  return call(standIn, 'POST', '/api/lists/unsubscribe', { body, apiKey });
}

/** Starts a stand-in before each test of the calling `describe` and closes it after. */
export function useStandIn(options: IterableStandInOptions = {}): () => IterableStandIn {
  let standIn: IterableStandIn | undefined;
  beforeEach(async () => {
    standIn = await startIterableStandIn({ apiKeys: [API_KEY], ...options });
  });
  afterEach(async () => {
    await standIn?.close();
    standIn = undefined;
  });
  return () => {
    if (!standIn) throw new Error('the stand-in runs only inside a test');
    return standIn;
  };
}

/** Members of one list as `GET /_standin/lists` shows them. */
export async function membersOf(standIn: IterableStandIn, listId: number): Promise<string[]> {
  const reply = await call(standIn, 'GET', `/_standin/lists?listId=${listId}`, { apiKey: null });
  const { projects } = reply.json as { projects: Array<{ lists: Array<{ members: string[] }> }> };
  const list = projects.flatMap((project) => project.lists)[0];
  if (!list) throw new Error(`list ${listId} is not in the stand-in`);
  return list.members;
}

export function emptyFailedUpdates() {
  return {
    conflictEmails: [],
    conflictUserIds: [],
    forgottenEmails: [],
    forgottenUserIds: [],
    invalidDataEmails: [],
    invalidDataUserIds: [],
    invalidEmails: [],
    invalidUserIds: [],
    notFoundEmails: [],
    notFoundUserIds: [],
  };
}
