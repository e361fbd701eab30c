import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { readBody, sendJson } from './http-exchange';
import { inspect, keyHint } from './inspection';
import type { StandInState } from './state';

/*
 * The stand-in's own routes, not Iterable's: inspection and knobs for tests and benchmarks. They
 * live under `/_standin/`, which no Iterable path can start with, and need no key.
 */

const AddKeySchema = z.strictObject({ apiKey: z.string().min(1) });
const ForgetSchema = z.strictObject({
  apiKey: z.string().min(1),
  emails: z.array(z.string().min(1)),
});
/** Seeds a list of any `listType`, e.g. a Dynamic list that shares a segment's name. */
const SeedListSchema = z.strictObject({
  apiKey: z.string().min(1),
  name: z.string().min(1),
  description: z.string().optional(),
  listType: z.enum(['Standard', 'Dynamic', 'Suppression', 'Internal']).optional(),
});
const InspectQuerySchema = z.strictObject({
  members: z.enum(['true', 'false']).optional(),
  users: z.enum(['true', 'false']).optional(),
  listId: z.string().regex(/^\d+$/).transform(Number).optional(),
});

class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function jsonBody(request: IncomingMessage): Promise<unknown> {
  const raw = await readBody(request, 1024 * 1024);
  if (raw === undefined) throw new AdminError(413, 'body too large');
  if (raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AdminError(400, 'body is not JSON');
  }
}

function projectFor(state: StandInState, apiKey: string) {
  const project = state.store.project(apiKey);
  if (!project) throw new AdminError(404, `no project for key ${keyHint(apiKey)}`);
  return project;
}

type AdminAnswer = { status: number; json: unknown };

async function route(
  state: StandInState,
  request: IncomingMessage,
  url: URL,
): Promise<AdminAnswer> {
  const action = `${request.method ?? 'GET'} ${url.pathname}`;
  switch (action) {
    case 'GET /_standin/lists': {
      const query = InspectQuerySchema.parse(Object.fromEntries(url.searchParams));
      const options = {
        members: query.members !== 'false',
        users: query.users !== 'false',
        listId: query.listId,
      };
      return { status: 200, json: { projects: inspect(state.store, options) } };
    }
    case 'GET /_standin/stats':
      return { status: 200, json: state.stats.snapshot() };
    case 'GET /_standin/config':
      return { status: 200, json: { ...state.knobs } };
    case 'POST /_standin/config':
      return { status: 200, json: state.configure(await jsonBody(request)) };
    case 'POST /_standin/keys': {
      const { apiKey } = AddKeySchema.parse(await jsonBody(request));
      const existed = state.store.project(apiKey) !== undefined;
      const project = state.addApiKey(apiKey);
      const json = { projectId: project.projectId, key: keyHint(apiKey) };
      return { status: existed ? 200 : 201, json };
    }
    case 'POST /_standin/lists': {
      const seed = SeedListSchema.parse(await jsonBody(request));
      const list = state.store.createList(projectFor(state, seed.apiKey), seed, Date.now());
      return { status: 201, json: { listId: list.id } };
    }
    case 'POST /_standin/forget': {
      const { apiKey, emails } = ForgetSchema.parse(await jsonBody(request));
      const project = projectFor(state, apiKey);
      for (const email of emails) project.forget(email);
      return { status: 200, json: { forgotten: emails.length } };
    }
    case 'POST /_standin/reset':
      state.reset();
      return { status: 200, json: { reset: true } };
    default:
      throw new AdminError(404, `no stand-in route ${action}`);
  }
}

export async function handleAdminRequest(
  state: StandInState,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  try {
    const answer = await route(state, request, url);
    sendJson(response, answer.status, answer.json);
  } catch (error) {
    if (error instanceof z.ZodError) {
      sendJson(response, 400, { error: z.prettifyError(error) });
    } else if (error instanceof AdminError) {
      sendJson(response, error.status, { error: error.message });
    } else {
      throw error;
    }
  }
}
