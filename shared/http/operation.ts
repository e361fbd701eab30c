import type {
  HttpHandler,
  HttpRequest,
  HttpResponseInit,
  InvocationContext,
} from '@azure/functions';
import type { z } from 'zod';
import { requestedApiVersion } from './api-version';
import { requireRole, tenantHeader, type Principal, type Role, type TokenVerifier } from './auth';
import { errorResponse } from './error-response';
import { readJsonBody } from './request-body';
import { addLogContext, withLogContext } from '../log-context';
import { processLog } from '../process-log';
import { inSpan } from '../telemetry';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A header of an answer, as the OpenAPI document declares it. */
export interface ResponseHeader {
  description: string;
  /** What it holds: a URL (the default), a number of seconds, or text. */
  value?: 'url' | 'seconds' | 'text';
  /** Sent only on some answers (a header is otherwise required on every one). */
  optional?: boolean;
}

export interface OperationContext<Body> {
  principal: Principal;
  request: HttpRequest;
  body: Body;
  params: Record<string, string>;
  invocation: InvocationContext;
}

/**
 * One HTTP operation: its route, who may call it, the schemas of its body and response (which
 * also feed the OpenAPI document) and the service call behind it.
 */
export interface Operation<Body = undefined> {
  name: string;
  method: HttpMethod;
  /** Route under the host's prefix, e.g. `connections/{id}`. */
  route: string;
  summary: string;
  /** Roles that may call; empty means anyone, without a token. */
  roles: readonly Role[];
  body?: z.ZodType<Body>;
  /** The body may be left out (no bytes at all): it then means `{}`, every field's default. */
  bodyOptional?: boolean;
  /** The query parameters the handler parses, with this schema; the OpenAPI document lists them. */
  query?: z.ZodObject;
  response?: z.ZodType;
  /**
   * Error statuses this operation answers besides those the OpenAPI document derives from its
   * definition (auth from roles, 400 from input, 404 from path ids, 413/415 from a body), and when.
   */
  otherErrors?: Record<string, string>;
  /** The status of a successful answer, whose body `response` describes. */
  successStatus: number;
  /** Headers the successful answer carries (a 201's Location is implied), by name. */
  successHeaders?: Record<string, ResponseHeader>;
  /**
   * Answers that are neither the success nor an error body (health's 503 with its report), with
   * the x-ms-error-code they send, if any.
   */
  otherResponses?: Record<string, { description: string; schema: z.ZodType; errorCode?: string }>;
  handle(context: OperationContext<Body>): Promise<HttpResponseInit>;
}

export function defineOperation<Body = undefined>(operation: Operation<Body>): Operation<Body> {
  return operation;
}

const anonymous: Principal = { tenantId: '', userId: '', roles: [] };

/** Adapts an operation to the Functions HTTP handler: authenticate, authorize, parse, answer. */
export function toHttpHandler<Body>(
  operation: Operation<Body>,
  verifier: () => TokenVerifier,
): HttpHandler {
  return (request, invocation) =>
    withLogContext(
      { invocationId: invocation.invocationId, operation: operation.name },
      async () => {
        const started = performance.now();
        const route = `/api/${operation.route}`;
        const response = await inSpan(
          `${operation.method} ${route}`,
          {
            // The Functions host's trace of this invocation, itself joined to the caller's.
            traceparent: invocation.traceContext?.traceParent,
            attributes: {
              operation: operation.name,
              // Not the HTTP conventions' names: on an internal span the exporter would take
              // them for an outgoing call.
              method: operation.method,
              route,
            },
            resultAttributes: (answered) => ({
              status: answered.status ?? 200,
            }),
          },
          () => answer(operation, verifier, request, invocation),
        );
        processLog.info('Request', {
          method: operation.method,
          route: operation.route,
          status: response.status ?? 200,
          durationMs: Math.round(performance.now() - started),
        });
        return response;
      },
    );
}

async function answer<Body>(
  operation: Operation<Body>,
  verifier: () => TokenVerifier,
  request: HttpRequest,
  invocation: InvocationContext,
): Promise<HttpResponseInit> {
  const { id, runId } = request.params;
  // Ids from the path (length-capped, as a caller chose them) join the request's log lines.
  if (id && operation.route.startsWith('exports/')) addLogContext({ exportId: id.slice(0, 64) });
  if (runId) addLogContext({ runId: runId.slice(0, 64) });
  try {
    // Every route takes the optional api-version; one this deployment does not know is 400.
    requestedApiVersion(request);
    let principal = anonymous;
    if (operation.roles.length > 0) {
      principal = await verifier()(
        request.headers.get('authorization'),
        request.headers.get(tenantHeader),
      );
      addLogContext({
        tenantId: principal.tenantId,
        ...(principal.app ? { appId: principal.app.appId } : {}),
      });
      requireRole(principal, operation.roles);
    }
    const body = operation.body
      ? await readJsonBody(request, operation.body, { optional: operation.bodyOptional })
      : (undefined as Body);
    return await operation.handle({
      principal,
      request,
      body,
      params: request.params,
      invocation,
    });
  } catch (error) {
    return errorResponse(error, processLog);
  }
}
