import type { z } from 'zod';
import { describeAnswer, retryAfterMs, type Answer } from './smoke-answers';

/** A request that did not give the answer a check needs; the message says what happened. */
export class HttpFailure extends Error {
  constructor(
    message: string,
    /** The HTTP status, when the app answered at all. */
    readonly status?: number,
    /** The answer's Retry-After, for a request worth asking again. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  /** Worth asking again: no answer, a timeout, throttling or a server error. */
  get transient(): boolean {
    return this.status === undefined || this.status === 429 || this.status >= 500;
  }
}

export interface RequestOptions {
  body?: unknown;
  /** Sends the bearer token; health and openapi.json are public and never get it. */
  authorized?: boolean;
  /** Cleanup requests still go out after Ctrl-C, bounded only by the request timeout. */
  uninterruptible?: boolean;
}

/** The app's HTTP API as the smoke run calls it: every request has a time limit. */
export class SmokeApi {
  constructor(
    readonly base: URL,
    private readonly settings: {
      token: string | undefined;
      requestTimeoutMs: number;
      interrupt: AbortSignal;
    },
  ) {}

  /** `route` below `/api/` of the app, e.g. `segments/VIP%20customers`. */
  url(route: string): URL {
    return new URL(`api/${route}`, this.base);
  }

  async send(method: string, target: URL, options: RequestOptions = {}): Promise<Answer> {
    const label = `${method} ${target.pathname}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.authorized && this.settings.token)
      headers.authorization = `Bearer ${this.settings.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const timeout = AbortSignal.timeout(this.settings.requestTimeoutMs);
    const signal = options.uninterruptible
      ? timeout
      : AbortSignal.any([timeout, this.settings.interrupt]);
    let response: Response;
    let text: string;
    try {
      // Redirects are not followed: a POST would come back as a GET (http to https on App
      // Service), and the operator should name the address the app answers at.
      response = await fetch(target, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        redirect: 'manual',
        signal,
      });
      // The body is read under the same signal: a stalled body times out like a stalled answer.
      text = await response.text();
    } catch (error) {
      if (timeout.aborted)
        throw new HttpFailure(
          `${label}: no answer within ${this.settings.requestTimeoutMs / 1000} s`,
        );
      if (signal.aborted) throw new HttpFailure(`${label}: interrupted`);
      throw new HttpFailure(`${label}: ${networkReason(error, target)}`);
    }
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location') ?? 'elsewhere';
      throw new HttpFailure(
        `${label} answered ${response.status}, a redirect to ${location}: give the address the app answers at as --url`,
        response.status,
      );
    }
    return { status: response.status, headers: response.headers, text, label };
  }

  /** Sends and reads a JSON answer with one of the `expected` statuses, validated by `schema`. */
  async json<T>(
    method: string,
    target: URL,
    expected: number[],
    schema: z.ZodType<T>,
    options: RequestOptions = {},
  ): Promise<{ value: T; answer: Answer }> {
    const answer = await this.send(method, target, options);
    if (!expected.includes(answer.status))
      throw new HttpFailure(describeAnswer(answer), answer.status, retryAfterMs(answer.headers));
    return { value: parseAnswer(answer, schema), answer };
  }
}

export function parseAnswer<T>(answer: Answer, schema: z.ZodType<T>): T {
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    throw new HttpFailure(`${answer.label} answered ${answer.status} with a body that is not JSON`);
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  throw new HttpFailure(`${answer.label} answered an unexpected body (${issues.join('; ')})`);
}

/** Why fetch got no answer, from the cause Node gives (ECONNREFUSED, ENOTFOUND, a TLS error). */
function networkReason(error: unknown, target: URL): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message = typeof cause?.message === 'string' ? cause.message : String(error);
  return `no answer from ${target.host} (${code ?? message})`;
}
