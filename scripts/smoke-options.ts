import { parseArgs } from 'node:util';
import { z } from 'zod';

export type DryRunTarget =
  | { kind: 'export'; exportId: string }
  | { kind: 'connection'; connectionId: string; emailField: string };

export interface SmokeOptions {
  /** The app's base URL; routes are resolved under `api/` below it. */
  url: URL;
  token: string | undefined;
  dryRun: { segment: string; target: DryRunTarget } | undefined;
  timeoutMs: number;
  requestTimeoutMs: number;
}

export type ParsedArguments =
  { kind: 'help' } | { kind: 'error'; message: string } | { kind: 'run'; options: SmokeOptions };

/** A bad argument: reported with the usage hint, before any request is made. */
class ArgumentError extends Error {}

const optionSpecs = {
  url: { type: 'string' },
  token: { type: 'string' },
  segment: { type: 'string' },
  export: { type: 'string' },
  connection: { type: 'string' },
  'email-field': { type: 'string' },
  'timeout-seconds': { type: 'string' },
  'request-timeout-seconds': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseSmokeArguments(
  args: string[],
  env: Record<string, string | undefined>,
): ParsedArguments {
  try {
    const { values } = parseArgs({ args, options: optionSpecs, strict: true });
    if (values.help) return { kind: 'help' };
    const token = bearerToken(values.token ?? env.SMOKE_TOKEN);
    return {
      kind: 'run',
      options: {
        url: appUrl(values.url),
        token,
        dryRun: dryRunRequest(values),
        timeoutMs: seconds(values['timeout-seconds'], '--timeout-seconds', 300) * 1000,
        requestTimeoutMs:
          seconds(values['request-timeout-seconds'], '--request-timeout-seconds', 30) * 1000,
      },
    };
  } catch (error) {
    if (error instanceof ArgumentError) return { kind: 'error', message: error.message };
    const code = (error as { code?: unknown }).code;
    // A stray value is not echoed: it may be the second half of "--token Bearer <jwt>".
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
      return { kind: 'error', message: 'unexpected argument: every value follows its --option' };
    // node:util parseArgs: an unknown option or a missing value; the first sentence says which.
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))
      return { kind: 'error', message: (error as Error).message.split(/\.\s/)[0] ?? '' };
    throw error;
  }
}

function appUrl(value: string | undefined): URL {
  if (!value) throw new ArgumentError('--url <app url> is required');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ArgumentError(`--url must be an http(s) URL such as https://<app>.azurewebsites.net`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ArgumentError(`--url must be an http(s) URL, not ${url.protocol}`);
  if (url.username || url.password || url.search || url.hash)
    throw new ArgumentError('--url must be the bare app URL: no credentials, query or fragment');
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** The bare JWT; its value never appears in a message. */
function bearerToken(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/\s/.test(value.trim()))
    throw new ArgumentError('the token must be the bare JWT, without "Bearer " or spaces');
  return value.trim();
}

const IdSchema = z.uuid();

function id(value: string, flag: string): string {
  if (!IdSchema.safeParse(value).success) throw new ArgumentError(`${flag} must be an id (a UUID)`);
  return value.toLowerCase();
}

function dryRunRequest(values: {
  segment?: string;
  export?: string;
  connection?: string;
  'email-field'?: string;
}): SmokeOptions['dryRun'] {
  const { segment, export: exportId, connection } = values;
  const emailField = values['email-field'];
  if (emailField !== undefined && connection === undefined)
    throw new ArgumentError('--email-field goes with --connection (an export has its own)');
  if (exportId !== undefined && connection !== undefined)
    throw new ArgumentError('give --export or --connection, not both');
  if (segment === undefined) {
    if (exportId !== undefined || connection !== undefined)
      throw new ArgumentError('--export and --connection need --segment <name>');
    return undefined;
  }
  if (segment.trim() === '') throw new ArgumentError('--segment must name a segment');
  if (exportId !== undefined)
    return { segment, target: { kind: 'export', exportId: id(exportId, '--export') } };
  if (connection !== undefined) {
    if (emailField !== undefined && emailField.trim() === '')
      throw new ArgumentError('--email-field must name a column');
    return {
      segment,
      target: {
        kind: 'connection',
        connectionId: id(connection, '--connection'),
        emailField: emailField ?? 'email',
      },
    };
  }
  throw new ArgumentError('--segment needs --export <id> or --connection <id>');
}

function seconds(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(parsed > 0))
    throw new ArgumentError(`${flag} must be a number of seconds above 0`);
  return parsed;
}
