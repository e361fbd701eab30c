import type { z } from 'zod';
import type { BundleContext } from './bundles';
import { deletedSecretBundle, deletedSecretItem, secretBundle, secretItem } from './bundles';
import { badParameter, invalidName, methodNotAllowed, routeNotFound } from './errors';
import { readPageRequest, takePage } from './paging';
import { SECRET_NAME_PATTERN, SetSecretBodySchema, UpdateSecretBodySchema } from './schemas';
import type { SecretStore } from './secret-store';
import { latestVersion } from './secret-store';

/** A request that has passed the challenge and api-version checks. */
export interface VaultRequest {
  method: string;
  /** The full URL as the caller reached the vault, query included. */
  url: URL;
  /** The raw body text; empty when there is none. */
  body: string;
}

export interface VaultResponse {
  status: number;
  body?: unknown;
}

interface RouteInput {
  store: SecretStore;
  request: VaultRequest;
  context: BundleContext;
  name: string;
  /** Empty means "the latest version", as in Key Vault's `/secrets/{name}/` form. */
  version: string;
}

type Handler = (input: RouteInput) => VaultResponse | Promise<VaultResponse>;

interface Route {
  /** Literal segments, or `:name` / `:version` placeholders. */
  pattern: string[];
  handlers: Partial<Record<string, Handler>>;
}

function ok(body: unknown): VaultResponse {
  return { status: 200, body };
}

function parseBody<T>(text: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badParameter('The request body is not valid JSON.');
  }
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`,
  );
  throw badParameter(`The request body is invalid: ${problems.join('; ')}`);
}

const getSecret: Handler = ({ store, context, name, version }) => {
  const found = store.readable(name, version);
  return ok(secretBundle(context, found.secret, found.version, true));
};

const updateSecret: Handler = async ({ store, request, context, name, version }) => {
  const found = await store.update(name, version, parseBody(request.body, UpdateSecretBodySchema));
  return ok(secretBundle(context, found.secret, found.version, false));
};

const routes: Route[] = [
  {
    pattern: ['secrets'],
    handlers: {
      GET: ({ store, request, context }) => {
        const entries = store
          .list()
          .map(
            ({ secret, version }) =>
              [secret.name.toLowerCase(), secretItem(context, secret, version, false)] as const,
          );
        return ok(takePage(entries, readPageRequest(request.url.searchParams), request.url));
      },
    },
  },
  {
    pattern: ['secrets', ':name'],
    handlers: {
      PUT: async ({ store, request, context, name }) => {
        const created = await store.set(name, parseBody(request.body, SetSecretBodySchema));
        return ok(secretBundle(context, created.secret, created.version, true));
      },
      GET: getSecret,
      PATCH: updateSecret,
      DELETE: async ({ store, context, name }) => {
        const secret = await store.delete(name);
        return ok(deletedSecretBundle(context, secret, latestVersion(secret)));
      },
    },
  },
  {
    pattern: ['secrets', ':name', 'versions'],
    handlers: {
      GET: ({ store, request, context, name }) => {
        const { secret, versions } = store.versionsOf(name);
        const entries = versions.map(
          (version, index) =>
            [String(index).padStart(10, '0'), secretItem(context, secret, version, true)] as const,
        );
        return ok(takePage(entries, readPageRequest(request.url.searchParams), request.url));
      },
    },
  },
  { pattern: ['secrets', ':name', ':version'], handlers: { GET: getSecret, PATCH: updateSecret } },
  {
    pattern: ['deletedsecrets'],
    handlers: {
      GET: ({ store, request, context }) => {
        const entries = store
          .listDeleted()
          .map(
            (secret) =>
              [
                secret.name.toLowerCase(),
                deletedSecretItem(context, secret, latestVersion(secret)),
              ] as const,
          );
        return ok(takePage(entries, readPageRequest(request.url.searchParams), request.url));
      },
    },
  },
  {
    pattern: ['deletedsecrets', ':name'],
    handlers: {
      GET: ({ store, context, name }) => {
        const secret = store.deleted(name);
        return ok(deletedSecretBundle(context, secret, latestVersion(secret)));
      },
      DELETE: async ({ store, name }) => {
        await store.purge(name);
        return { status: 204 };
      },
    },
  },
  {
    pattern: ['deletedsecrets', ':name', 'recover'],
    handlers: {
      POST: async ({ store, context, name }) => {
        const recovered = await store.recover(name);
        return ok(secretBundle(context, recovered.secret, recovered.version, false));
      },
    },
  },
];

function pathSegments(pathname: string): string[] {
  let segments: string[];
  try {
    segments = pathname.split('/').slice(1).map(decodeURIComponent);
  } catch {
    throw badParameter(`The request URI is not valid: ${pathname}`);
  }
  // `/secrets/` lists like `/secrets`; `/secrets/{name}/` keeps its empty version segment.
  return segments.length === 2 && segments[1] === '' ? segments.slice(0, 1) : segments;
}

function match(route: Route, segments: string[]): { name: string; version: string } | undefined {
  if (route.pattern.length !== segments.length) return undefined;
  const params = { name: '', version: '' };
  for (const [index, part] of route.pattern.entries()) {
    const segment = segments[index] ?? '';
    if (part === ':name') params.name = segment;
    else if (part === ':version') params.version = segment;
    else if (part !== segment.toLowerCase()) return undefined;
  }
  return params;
}

/** Finds the operation for a request and runs it against the store. */
export async function handleVaultRequest(
  store: SecretStore,
  request: VaultRequest,
  vaultUrl: string,
): Promise<VaultResponse> {
  const segments = pathSegments(request.url.pathname);
  for (const route of routes) {
    const params = match(route, segments);
    if (!params) continue;
    const handler = route.handlers[request.method];
    if (!handler) throw methodNotAllowed(request.method, request.url.pathname);
    if (route.pattern.includes(':name') && !SECRET_NAME_PATTERN.test(params.name)) {
      throw invalidName(params.name);
    }
    const context: BundleContext = { vaultUrl, policy: store.policy };
    return handler({ store, request, context, ...params });
  }
  throw routeNotFound(request.url.pathname);
}
