import type { AuthSettings } from './settings';

// What makes a tenant id usable and served: checked on a token (http/) and on a snapshot blob the
// platform writes (segment-events/), so it lives below both.

// Characters a Table PartitionKey cannot hold (/ \ # ? and control characters), and half of a
// surrogate pair on its own, which no storage key or URL can carry.
const unusableInKey =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[/\\#?\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The tenant id keys every table row and names the tenant's snapshot folder. Entra ID's are GUIDs;
 * one that no key or folder can hold (an issuer bug, a hostile issuer or a bad header) is refused
 * here, once, rather than failing as a 500 wherever it is first used.
 */
export function usableTenantId(tid: string): boolean {
  return (
    tid.length <= 256 &&
    tid.trim() !== '' &&
    tid !== '.' &&
    tid !== '..' &&
    !unusableInKey.test(tid)
  );
}

/** Whether the operator serves the tenant here (AUTH_ALLOWED_TENANTS; unset or `*` is any). */
export function tenantAllowed(auth: Pick<AuthSettings, 'allowedTenants'>, tenantId: string) {
  const allowed = auth.allowedTenants;
  if (allowed === undefined || allowed === '*') return true;
  return allowed.some((id) => id.toLowerCase() === tenantId.toLowerCase());
}
