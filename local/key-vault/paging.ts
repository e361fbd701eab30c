import { badParameter } from './errors';

/** Key Vault caps `maxresults` at 25 and uses that as the page size when none is asked for. */
export const MAX_PAGE_SIZE = 25;

export interface PageRequest {
  maxResults: number;
  skipToken?: string;
}

export interface Page<T> {
  value: T[];
  nextLink: string | null;
}

/** Reads `maxresults` and `$skiptoken` as Key Vault list operations accept them. */
export function readPageRequest(query: URLSearchParams): PageRequest {
  const maxResultsText = query.get('maxresults');
  const skipToken = query.get('$skiptoken') ?? undefined;
  if (maxResultsText === null || maxResultsText === '')
    return { maxResults: MAX_PAGE_SIZE, skipToken };
  const maxResults = Number(maxResultsText);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_PAGE_SIZE) {
    throw badParameter(
      `Invalid value for maxresults: ${maxResultsText}. It must be between 1 and ${MAX_PAGE_SIZE}.`,
    );
  }
  return { maxResults, skipToken };
}

function decodeSkipToken(token: string): string {
  const decoded = Buffer.from(token, 'base64url').toString('utf8');
  if (!decoded || Buffer.from(decoded, 'utf8').toString('base64url') !== token) {
    throw badParameter(`Invalid $skiptoken: ${token}`);
  }
  return decoded;
}

/**
 * One page of `entries` (already sorted by their string key). The skip token carries the last key
 * sent rather than an offset, so a secret added or removed between pages neither repeats nor hides
 * another one. `nextLink` repeats `api-version` and `maxresults`, as the real service does; the SDK
 * follows it verbatim.
 */
export function takePage<T>(
  entries: ReadonlyArray<readonly [key: string, item: T]>,
  request: PageRequest,
  listUrl: URL,
): Page<T> {
  const after = request.skipToken === undefined ? undefined : decodeSkipToken(request.skipToken);
  const remaining = after === undefined ? entries : entries.filter(([key]) => key > after);
  const pageEntries = remaining.slice(0, request.maxResults);
  const lastKey = pageEntries.at(-1)?.[0];
  if (remaining.length <= request.maxResults || lastKey === undefined) {
    return { value: pageEntries.map(([, item]) => item), nextLink: null };
  }
  const apiVersion = encodeURIComponent(listUrl.searchParams.get('api-version') ?? '');
  const token = Buffer.from(lastKey, 'utf8').toString('base64url');
  const nextLink =
    `${listUrl.origin}${listUrl.pathname}?api-version=${apiVersion}` +
    `&$skiptoken=${token}&maxresults=${request.maxResults}`;
  return { value: pageEntries.map(([, item]) => item), nextLink };
}
