import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './code-contract';
import { allOperations } from '../../../shared/app/api-operations';

/**
 * The app's log lines as the alert and workbook queries see them: one JSON object a line in
 * Application Insights' `traces.message` (shared/process-log.ts). What the code logs is read from
 * the code, so a renamed message or function fails the checks instead of silencing an alert. The
 * queries follow one convention the checks rely on: `line = parse_json(message)`, the message in
 * `event = tostring(line.message)`, the function in `operation = tostring(line.operation)`.
 */

/** Fields every line or some lines carry (shared/log-context.ts and the log calls' properties). */
export const lineFields = [
  // every line
  'time',
  'level',
  'message',
  // the invocation's (LogFields)
  'invocationId',
  'operation',
  'tenantId',
  'appId',
  'exportId',
  'runId',
  'batch',
  // of one message or another
  'mode',
  'dryRun',
  'batchCount',
  'counts',
  'kind',
  'segment',
  'succeeded',
  'rejected',
  'failed',
  'added',
  'updated',
  'removed',
  'size',
  'attempt',
  'durationMs',
  'endpoint',
  'status',
  'profilesPerSecond',
  'reason',
  'method',
  'route',
  'errorId',
  'errorName',
  'errorMessage',
  'stack',
  'queue',
  'issues',
];

function sourcesUnder(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) found.push(...sourcesUnder(full));
    else if (entry.name.endsWith('.ts')) found.push(readFileSync(full, 'utf8'));
  }
  return found;
}

function matchesIn(sources: string[], pattern: RegExp): string[] {
  const found = sources.flatMap((source) =>
    [...source.matchAll(pattern)].map((m) => m.slice(1).find((group) => group !== undefined) ?? ''),
  );
  return [...new Set(found)].filter(Boolean).sort();
}

export interface LoggedByCode {
  /** The messages of `log.info/warn/error('...')` calls in the deployed code. */
  messages: string[];
  /** Function names (queue, timer and HTTP) a line's `operation` can hold. */
  operations: string[];
  /** The fields of LogFields in shared/log-context.ts. */
  contextFields: string[];
  /**
   * The start of every string and template literal in the deployed code: a line's `message` is
   * not always the logged message (a `message` property replaces it), and a query may look for
   * such text.
   */
  texts: string[];
}

let logged: LoggedByCode | undefined;

export function loggedByCode(): LoggedByCode {
  logged ??= readLoggedByCode();
  return logged;
}

function readLoggedByCode(): LoggedByCode {
  const functions = sourcesUnder(path.join(repoRoot, 'functions'));
  const shared = sourcesUnder(path.join(repoRoot, 'shared'));
  const deployed = [...functions, ...shared];
  const context = readFileSync(path.join(repoRoot, 'shared', 'log-context.ts'), 'utf8');
  const fieldsBlock = /interface LogFields \{([\s\S]*?)\n\}/.exec(context)?.[1] ?? '';
  return {
    messages: matchesIn(deployed, /\.(?:info|warn|error)\(\s*'([^'\n]+)'/g),
    operations: [
      ...matchesIn(functions, /app\.\w+\(\s*'([^']+)'/g),
      // HTTP functions are registered under their operation's name: read from the operation table.
      ...allOperations().map((operation) => operation.name),
    ].sort(),
    contextFields: matchesIn([fieldsBlock], /^\s*(\w+)\??:/gm),
    texts: matchesIn(deployed, /'([^'\n]+)'|`([^`$]+)/g),
  };
}

/** What a query names: the messages it compares `event` with, phrases, functions and fields. */
export interface QueryNames {
  events: string[];
  /** Text a line's message is to start with (`tostring(line.message) startswith '...'`). */
  prefixes: string[];
  phrases: string[];
  operations: string[];
  fields: string[];
}

const literals = (text: string): string[] =>
  [...text.matchAll(/'([^']*)'/g)].map((match) => match[1] ?? '');

/** The literals compared with a column: `column == 'x'`, `column != 'x'`, `column in ('x', 'y')`. */
function comparedWith(query: string, column: string): string[] {
  const pattern = new RegExp(
    `${column}\\s*(?:==|!=)\\s*'([^']*)'|${column}\\s+in\\s*\\(([^)]*)\\)`,
    'g',
  );
  return [...query.matchAll(pattern)].flatMap((match) =>
    match[1] !== undefined ? [match[1]] : literals(match[2] ?? ''),
  );
}

/** How a query may name a line's message and its function: the convention's column or the field. */
const messageColumn = String.raw`(?:\bevent\b|tostring\(line\.message\))`;
const operationColumn = String.raw`(?:\boperation\b|\boperation_Name\b|tostring\(line\.operation\))`;

export function queryNames(query: string): QueryNames {
  const unique = (values: string[]) => [...new Set(values)].sort();
  return {
    events: unique(comparedWith(query, messageColumn)),
    prefixes: unique(
      [...query.matchAll(new RegExp(`${messageColumn}\\s+startswith\\s+'([^']*)'`, 'g'))].map(
        (m) => m[1] ?? '',
      ),
    ),
    phrases: unique([...query.matchAll(/\bmessage\s+has\s+'([^']*)'/g)].map((m) => m[1] ?? '')),
    operations: unique(comparedWith(query, operationColumn)),
    fields: unique([...query.matchAll(/\bline\.(\w+)/g)].map((m) => m[1] ?? '')),
  };
}

/** Names in a query that no log line carries: each would make the query silently find nothing. */
export function checkQueryNames(label: string, query: string): string[] {
  const code = loggedByCode();
  const names = queryNames(query);
  const lower = code.messages.map((message) => message.toLowerCase());
  return [
    ...(/\bparse_json\(message\)/.test(query)
      ? []
      : [`${label}: reads no log line (parse_json(message))`]),
    ...names.events
      .filter((event) => !code.messages.includes(event))
      .map((event) => `${label}: '${event}' is not a message the app logs`),
    ...names.prefixes
      .filter((prefix) => !code.texts.some((text) => text.startsWith(prefix)))
      .map((prefix) => `${label}: no text of the app starts with '${prefix}'`),
    // `has` ignores case, so a phrase matches when some message contains it in any case; a
    // function's name is a phrase of every line it writes.
    ...names.phrases
      .filter((phrase) => !lower.some((message) => message.includes(phrase.toLowerCase())))
      .filter((phrase) => !code.operations.includes(phrase))
      .filter((phrase) => !code.texts.some((text) => text.startsWith(phrase)))
      .map((phrase) => `${label}: no message, function or text of the app has '${phrase}'`),
    ...names.operations
      .filter((operation) => !code.operations.includes(operation))
      .map((operation) => `${label}: '${operation}' is not a function of the app`),
    ...names.fields
      .filter((field) => !lineFields.includes(field))
      .map((field) => `${label}: no log line has the field ${field}`),
  ];
}
