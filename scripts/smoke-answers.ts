import { z } from 'zod';

/** One HTTP answer of the app, read whole. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** `METHOD /path`, how messages name the request. */
  label: string;
}

/** The app's errors (Azure REST API guidelines): `{error: {code, message, details?}}`. */
const ErrorBodySchema = z.looseObject({
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
    details: z
      .array(z.looseObject({ message: z.string(), target: z.string().optional() }))
      .optional(),
  }),
});

/**
 * An unexpected answer in one line: status, the error's code and message, and every detail
 * that adds to the message (a 400 names each invalid field there).
 */
export function describeAnswer(answer: Answer): string {
  const prefix = `${answer.label} answered ${answer.status}`;
  if (answer.text.trim() === '') {
    // The host answers an unknown route with a bare 404: usually --url is not the app.
    return answer.status === 404
      ? `${prefix} with no body: is --url the app's address, without /api?`
      : `${prefix} with no body`;
  }
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `${prefix}: ${answer.text.replace(/\s+/g, ' ').trim().slice(0, 200)}`;
  }
  const parsed = ErrorBodySchema.safeParse(body);
  if (!parsed.success) return `${prefix}: ${JSON.stringify(body).slice(0, 200)}`;
  const { code, message, details = [] } = parsed.data.error;
  const extra = details
    .map((detail) => detail.message)
    .filter((detailMessage) => detailMessage !== message);
  return [`${prefix} ${code}: ${message}`, ...extra].join(' ');
}

/** Seconds or an HTTP date (RFC 9110 §10.2.3), as milliseconds from now; else undefined. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
