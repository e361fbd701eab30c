import type { LocalStack } from './local-stack';

/** Calls the local stack's API as an Admin; a non-2xx answer throws with its status and body. */
export type AdminCall = (
  method: string,
  route: string,
  body?: unknown,
) => Promise<Record<string, unknown>>;

export async function adminApi(stack: LocalStack): Promise<AdminCall> {
  const token = await stack.mint!({ roles: ['Admin'] });
  return async (method, route, body) => {
    const response = await fetch(`${stack.url}/api/${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok)
      throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
}
