import { subscribe, unsubscribe } from './bulk-update';
import { badParams, invalidListId, iterableResponse } from './errors';
import type { ApiEndpoint, Knobs } from './knobs';
import type { RateRule } from './rate-limit';
import {
  CreateListRequestSchema,
  GetUsersQuerySchema,
  ListIdPathSchema,
  parseParams,
  PreviewUsersQuerySchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from './schemas';
import type { StandInStats } from './stats';
import type { Project, StandInStore, StoredList } from './store';

export interface ApiContext {
  project: Project;
  store: StandInStore;
  knobs: Knobs;
  stats: StandInStats;
  /** Parsed JSON body (POST routes only). */
  body: unknown;
  query: URLSearchParams;
  pathParams: Record<string, string>;
  now: number;
}

export type ApiAnswer = { status: number; json: unknown } | { status: number; text: string };

export interface ApiRoute {
  method: 'GET' | 'POST' | 'DELETE';
  endpoint: ApiEndpoint;
  pattern: RegExp;
  hasBody: boolean;
  /** The limit the spec publishes for this route, per project. */
  publishedLimit?: (project: Project, knobs: Knobs) => RateRule;
  handle(context: ApiContext): ApiAnswer;
}

function findList(context: ApiContext, listId: number): StoredList {
  const list = context.project.lists.get(listId);
  if (!list) {
    throw invalidListId(listId, context.project.projectId, context.knobs.invalidListIdCode);
  }
  return list;
}

/**
 * Iterable's documented eventual consistency: a freshly created list may be unknown to
 * subscribe/unsubscribe for a while, answering invalidListId as if it did not exist.
 */
function findWritableList(context: ApiContext, listId: number): StoredList {
  const list = findList(context, listId);
  if (context.now - list.createdAt < context.knobs.newListReadyAfterMs) {
    throw invalidListId(listId, context.project.projectId, context.knobs.invalidListIdCode);
  }
  if (list.listType !== 'Standard') {
    throw badParams(
      `List ${listId} is a ${list.listType} list; only static lists take subscribers`,
    );
  }
  return list;
}

function listReadLimit(endpoint: ApiEndpoint) {
  return (project: Project, knobs: Knobs): RateRule => ({
    bucketKey: `${project.projectId}:${endpoint}`,
    capacity: knobs.listReadsPerMinute,
    tokensPerMs: knobs.listReadsPerMinute / 60_000,
  });
}

function membersAsText(
  context: ApiContext,
  list: StoredList,
  limit: number,
  preferUserId: boolean,
) {
  const lines: string[] = [];
  for (const key of list.members) {
    if (lines.length >= limit) break;
    const user = context.project.users.get(key);
    if (user) lines.push(preferUserId && user.userId !== undefined ? user.userId : user.email);
  }
  return lines.join('\n');
}

export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'GET',
    endpoint: 'GET /api/lists',
    pattern: /^\/api\/lists$/,
    hasBody: false,
    // "Rate limit: 100 requests/second, per project."
    publishedLimit: (project) => ({
      bucketKey: `${project.projectId}:GET /api/lists`,
      capacity: 100,
      tokensPerMs: 0.1,
    }),
    handle: ({ project }) => ({
      status: 200,
      json: {
        lists: [...project.lists.values()].map((list) => ({
          id: list.id,
          name: list.name,
          ...(list.description === undefined ? {} : { description: list.description }),
          listType: list.listType,
          createdAt: list.createdAt,
        })),
      },
    }),
  },
  {
    method: 'POST',
    endpoint: 'POST /api/lists',
    pattern: /^\/api\/lists$/,
    hasBody: true,
    handle: (context) => {
      const request = parseParams(CreateListRequestSchema, context.body);
      // Lists are keyed by id: Iterable accepts a second list with an existing name.
      const { name, description } = request;
      const list = context.store.createList(
        context.project,
        { name, description: description ?? undefined },
        context.now,
      );
      return { status: 200, json: { listId: list.id } };
    },
  },
  {
    method: 'POST',
    endpoint: 'POST /api/lists/subscribe',
    pattern: /^\/api\/lists\/subscribe$/,
    hasBody: true,
    handle: (context) => {
      const request = parseParams(SubscribeRequestSchema, context.body);
      const list = findWritableList(context, request.listId);
      context.stats.subscribersReceived += request.subscribers.length;
      const json = subscribe(context.project, list, request, {
        respectUpdateExistingUsersOnly: context.knobs.projectType === 'hybrid',
      });
      return { status: 200, json };
    },
  },
  {
    method: 'POST',
    endpoint: 'POST /api/lists/unsubscribe',
    pattern: /^\/api\/lists\/unsubscribe$/,
    hasBody: true,
    handle: (context) => {
      const request = parseParams(UnsubscribeRequestSchema, context.body);
      const list = findWritableList(context, request.listId);
      context.stats.unsubscribersReceived += request.subscribers.length;
      const result = unsubscribe(context.project, list, request, new Date(context.now));
      context.stats.channelUnsubscribes += result.channelUnsubscribes;
      return { status: 200, json: result.response };
    },
  },
  {
    method: 'GET',
    endpoint: 'GET /api/lists/getUsers',
    pattern: /^\/api\/lists\/getUsers$/,
    hasBody: false,
    publishedLimit: listReadLimit('GET /api/lists/getUsers'),
    handle: (context) => {
      const query = parseParams(GetUsersQuerySchema, Object.fromEntries(context.query));
      const list = findList(context, query.listId);
      // `produces: text/plain`: one identifier per line.
      const text = membersAsText(context, list, Infinity, query.preferUserId ?? false);
      return { status: 200, text };
    },
  },
  {
    method: 'GET',
    endpoint: 'GET /api/lists/previewUsers',
    pattern: /^\/api\/lists\/previewUsers$/,
    hasBody: false,
    publishedLimit: listReadLimit('GET /api/lists/previewUsers'),
    handle: (context) => {
      const query = parseParams(PreviewUsersQuerySchema, Object.fromEntries(context.query));
      const list = findList(context, query.listId);
      // Iterable samples at random; the first members in subscription order keep tests repeatable.
      const text = membersAsText(context, list, query.size ?? 1000, query.preferUserId ?? false);
      return { status: 200, text };
    },
  },
  {
    method: 'GET',
    endpoint: 'GET /api/lists/{listId}/size',
    pattern: /^\/api\/lists\/(?<listId>[^/]+)\/size$/,
    hasBody: false,
    publishedLimit: listReadLimit('GET /api/lists/{listId}/size'),
    handle: (context) => {
      const { listId } = parseParams(ListIdPathSchema, context.pathParams);
      // The spec's 200 schema is a string: the count as text.
      return { status: 200, text: String(findList(context, listId).members.size) };
    },
  },
  {
    method: 'DELETE',
    endpoint: 'DELETE /api/lists/{listId}',
    pattern: /^\/api\/lists\/(?<listId>[^/]+)$/,
    hasBody: false,
    handle: (context) => {
      const { listId } = parseParams(ListIdPathSchema, context.pathParams);
      findList(context, listId);
      context.project.lists.delete(listId);
      return { status: 200, json: iterableResponse('Success', '') };
    },
  },
];

/** The route for a method and path; `undefined` when none (404). */
export function matchApiRoute(
  method: string,
  path: string,
): { route: ApiRoute; pathParams: Record<string, string> } | undefined {
  for (const route of API_ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match) return { route, pathParams: { ...match.groups } };
  }
  return undefined;
}
