import type { IncomingMessage, ServerResponse } from 'node:http';
import { matchApiRoute } from './api-routes';
import type { ApiAnswer, ApiRoute } from './api-routes';
import {
  badApiKey,
  badJsonBody,
  bodyTooLarge,
  injectedServerError,
  IterableApiFailure,
  iterableResponse,
  notFound,
  rateLimitExceeded,
} from './errors';
import type { Fault } from './faults';
import { delay, readBody, sendJson, sendText } from './http-exchange';
import type { StandInState } from './state';

type Outcome = ApiAnswer | { drop: true };

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) throw badJsonBody('the body is empty');
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw badJsonBody((error as Error).message);
  }
}

function failureAnswer(
  failure: IterableApiFailure,
): ApiAnswer & { headers: Record<string, string> } {
  return { status: failure.status, json: failure.body, headers: failure.headers };
}

function faultOutcome(fault: Fault): Outcome {
  if (fault.kind === 'drop') return { drop: true };
  if (fault.kind === 'throttle') return failureAnswer(rateLimitExceeded(undefined));
  return failureAnswer(injectedServerError(fault.status));
}

/** The key travels in the `Api-Key` header only: the spec's one security definition. */
function apiKeyOf(request: IncomingMessage): string | undefined {
  const header = request.headers['api-key'];
  return typeof header === 'string' && header.length > 0 ? header : undefined;
}

async function decide(
  state: StandInState,
  request: IncomingMessage,
  url: URL,
  route: ApiRoute | undefined,
  pathParams: Record<string, string>,
): Promise<Outcome> {
  const { knobs, stats } = state;
  const raw = await readBody(request, knobs.maxBodyBytes);
  await delay(knobs.latencyMs);
  if (!route) throw notFound(url.pathname);
  if (raw === undefined) throw bodyTooLarge(knobs.maxBodyBytes);

  const apiKey = apiKeyOf(request);
  const project = apiKey === undefined ? undefined : state.store.project(apiKey);
  if (!project) throw badApiKey();

  const now = Date.now();
  const waitMs = state.limiter.admit(state.rateRules(route, project), now);
  if (waitMs > 0) {
    stats.rateLimited += 1;
    // Iterable documents no Retry-After, so it is sent only when the knob asks for it.
    throw rateLimitExceeded(
      knobs.sendRetryAfter ? Math.max(1, Math.ceil(waitMs / 1000)) : undefined,
    );
  }

  const fault = state.faults.decide(route.endpoint);
  if (fault) stats.injectedFaults += 1;
  if (fault && knobs.faultTiming === 'beforeProcessing') return faultOutcome(fault);

  let answer: ApiAnswer;
  try {
    const body = route.hasBody ? parseJson(raw) : undefined;
    const query = url.searchParams;
    answer = route.handle({
      project,
      store: state.store,
      knobs,
      stats,
      body,
      query,
      pathParams,
      now,
    });
  } catch (error) {
    if (fault) return faultOutcome(fault);
    throw error;
  }
  // A fault "after processing" keeps the change but loses the answer, as a gateway timeout would.
  return fault ? faultOutcome(fault) : answer;
}

function send(response: ServerResponse, outcome: ApiAnswer & { headers?: Record<string, string> }) {
  if ('text' in outcome) sendText(response, outcome.status, outcome.text);
  else sendJson(response, outcome.status, outcome.json, outcome.headers);
}

/** Answers one `/api` request the way Iterable would, with the configured faults on top. */
export async function handleApiRequest(
  state: StandInState,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const matched = matchApiRoute(request.method ?? 'GET', url.pathname);
  const endpoint = matched?.route.endpoint ?? 'unmatched';
  let outcome: Outcome;
  try {
    outcome = await decide(state, request, url, matched?.route, matched?.pathParams ?? {});
  } catch (error) {
    // A client that hung up mid-request needs no answer and is no stand-in bug.
    if (request.socket.destroyed) return;
    if (!(error instanceof IterableApiFailure)) {
      console.error('Iterable stand-in: unexpected error', error);
      outcome = failureAnswer(
        new IterableApiFailure(500, iterableResponse('GenericError', 'Internal stand-in error')),
      );
    } else {
      outcome = failureAnswer(error);
    }
  }
  if ('drop' in outcome) {
    state.stats.recordAnswer(endpoint, 'dropped');
    request.socket.destroy();
    return;
  }
  state.stats.recordAnswer(endpoint, outcome.status);
  send(response, outcome);
}
