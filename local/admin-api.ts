import { devPlatformAppId } from './dev-issuer';
import type { LocalStack } from './local-stack';

/** Calls the local stack's API as an Admin; a non-2xx answer throws with its status and body. */
export type AdminCall = (
  method: string,
  route: string,
  body?: unknown,
) => Promise<Record<string, unknown>>;

export async function adminApi(stack: LocalStack): Promise<AdminCall> {
  return apiCaller(stack, await stack.mint!({ roles: ['Admin'] }), {});
}

/**
 * Calls the local stack's API as the platform's own app does in Azure: an app-only token with the
 * `Platform` role, acting for the tenant named in `x-tenant-id`.
 */
export async function platformApi(stack: LocalStack, tenantId: string): Promise<AdminCall> {
  const token = await stack.mint!({
    roles: ['Platform'],
    idtyp: 'app',
    azp: devPlatformAppId,
    oid: null,
  });
  return apiCaller(stack, token, { 'x-tenant-id': tenantId });
}

function apiCaller(stack: LocalStack, token: string, headers: Record<string, string>): AdminCall {
  return async (method, route, body) => {
    const response = await fetch(`${stack.url}/api/${route}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok)
      throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
}
