import { Cron } from 'croner';
import { z } from 'zod';

/**
 * How settings are read: each from the environment, with a zod schema; an empty value counts as
 * missing (how App Service shows a setting that was cleared), and a bad one stops start-up with
 * an error naming it.
 */

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

export type Env = Record<string, string | undefined>;

export const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .transform((url) => url.replace(/\/+$/, ''));

export const origin = httpUrl.refine(
  (url) => new URL(url).pathname === '/',
  'must be an origin (no path)',
);

export const nonEmpty = z.string().trim().min(1, 'must not be empty');

/** What a timer binding takes: six NCRONTAB fields, seconds first. */
export const ncrontab = z
  .string()
  .trim()
  .refine((expression) => {
    if (expression.split(/\s+/).length !== 6) return false;
    try {
      new Cron(expression, { mode: '6-part', paused: true });
      return true;
    } catch {
      return false;
    }
  }, 'must be a six-field NCRONTAB expression such as "0 */5 * * * *"');

export function parseSetting<T>(env: Env, name: string, schema: z.ZodType<T>): T {
  // An empty app setting is how App Service shows one that was cleared: treat it as missing.
  const raw = env[name]?.trim() ? env[name] : undefined;
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const reason = raw === undefined ? 'is missing' : (result.error.issues[0]?.message ?? '');
  throw new SettingsError(`Setting ${name} ${reason}`.trim());
}

export function optionalSetting<T>(env: Env, name: string, schema: z.ZodType<T>): T | undefined {
  return env[name]?.trim() ? parseSetting(env, name, schema) : undefined;
}

/** A comma-separated list of ids, without blanks or repeats. */
export const idList = z
  .string()
  .transform((text) => [...new Set(text.split(',').map((id) => id.trim()))].filter(Boolean))
  .refine((ids) => ids.length > 0, 'must name at least one id')
  .refine(
    (ids) => ids.every((id) => /^[\w.-]{1,128}$/.test(id)),
    'must be ids (letters, digits, "-", "_" or ".") separated by commas',
  );
