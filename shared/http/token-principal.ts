import { z } from 'zod';
import type { AuthSettings } from '../settings';
import { AppError, ForbiddenError, UnauthorizedError } from '../errors';
import { tenantAllowed, usableTenantId } from '../tenant-id';

export const roles = ['Admin', 'Contributor', 'Viewer', 'Platform'] as const;
export type Role = (typeof roles)[number];

/** The header naming the tenant an app-only `Platform` token acts for. */
export const tenantHeader = 'x-tenant-id';

/**
 * Who is calling. `tenantId` is the tenant acted for: a user's own (`tid`), or the one a
 * `Platform` app names in `x-tenant-id`. `userId` is who is recorded as acting: the user's `oid`,
 * or the app's client id; `app` is set for an app acting for a tenant, with its own tenant.
 */
export interface Principal {
  tenantId: string;
  userId: string;
  roles: Role[];
  app?: { appId: string; homeTenantId: string };
}

const ClaimsSchema = z.object({
  tid: z.string().min(1),
  oid: z.string().min(1).optional(),
  roles: z.array(z.string()).default([]),
  /** Entra's optional claim telling app-only tokens (`app`) from users' (`user`). */
  idtyp: z.string().optional(),
  /** Delegated scopes: only a user's token carries them. */
  scp: z.string().optional(),
  /** The client (app) id: `azp` in v2.0 tokens, `appid` in v1.0. */
  azp: z.string().min(1).optional(),
  appid: z.string().min(1).optional(),
});
type Claims = z.infer<typeof ClaimsSchema>;

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The tenant id as users' tokens spell it, so records the platform writes for a tenant land in
 * the partition its users read: the allowed list's spelling, else a GUID (Entra's form) in lower
 * case, as `tid` carries it. Storage keys are case-sensitive; `72F988BF-…` from a platform's
 * database would otherwise make a second, hidden tenant.
 */
export function canonicalTenant(
  auth: Pick<AuthSettings, 'allowedTenants'>,
  tenantId: string,
): string {
  const allowed = auth.allowedTenants;
  const listed =
    Array.isArray(allowed) &&
    (allowed as readonly string[]).find((id) => id.toLowerCase() === tenantId.toLowerCase());
  if (listed) return listed;
  return guid.test(tenantId) ? tenantId.toLowerCase() : tenantId;
}

/**
 * Reads the verified token's claims into the principal. A user's token acts for its own tenant
 * and ignores `x-tenant-id`. An app-only token holding the `Platform` role acts for the tenant the
 * header names, if the operator trusts the app (AUTH_PLATFORM_APP_IDS) and allows that tenant; it
 * may then do what an Admin may. A user's own tenant must be allowed; the app's own tenant need
 * not be, since the app is trusted by its client id and serves no users of its tenant here. The role counts only on an app-only token (Entra's `idtyp: app`,
 * or no delegated scope), so a user given the role by mistake gains nothing from it.
 */
export function principalFromClaims(
  payload: unknown,
  auth: Pick<AuthSettings, 'allowedTenants' | 'platformAppIds'>,
  actingTenant: string | null | undefined,
): Principal {
  const parsed = ClaimsSchema.safeParse(payload);
  if (!parsed.success) throw new UnauthorizedError('The token lacks the tid claim.');
  const claims = parsed.data;
  if (!usableTenantId(claims.tid)) {
    throw new UnauthorizedError("The token's tid claim cannot name a tenant.");
  }
  const known = claims.roles.filter((role): role is Role =>
    (roles as readonly string[]).includes(role),
  );
  if (known.includes('Platform') && isAppOnly(claims)) {
    return platformPrincipal(claims, known, auth, actingTenant);
  }
  if (!claims.oid) throw new UnauthorizedError('The token lacks the oid claim.');
  if (!tenantAllowed(auth, claims.tid)) {
    throw new UnauthorizedError("The token's tenant is not allowed here.");
  }
  return {
    tenantId: claims.tid,
    userId: claims.oid,
    roles: known.filter((role) => role !== 'Platform'),
  };
}

function isAppOnly(claims: Claims): boolean {
  return claims.idtyp === 'app' || (claims.idtyp === undefined && claims.scp === undefined);
}

function platformPrincipal(
  claims: Claims,
  known: Role[],
  auth: Pick<AuthSettings, 'allowedTenants' | 'platformAppIds'>,
  actingTenant: string | null | undefined,
): Principal {
  const appId = claims.azp ?? claims.appid;
  if (!appId) throw new UnauthorizedError('The token lacks the azp (or appid) claim of its app.');
  if (!auth.platformAppIds.some((id) => id.toLowerCase() === appId.toLowerCase())) {
    throw new ForbiddenError(`The app '${appId}' is not trusted to act as the platform.`);
  }
  const tenantId = actingTenant?.trim();
  if (!tenantId) {
    throw new AppError(
      400,
      'TenantRequired',
      `A Platform token acts for a tenant: name it in the ${tenantHeader} header.`,
      { target: tenantHeader },
    );
  }
  if (!usableTenantId(tenantId)) {
    throw new AppError(
      400,
      'InvalidTenant',
      `The ${tenantHeader} header cannot name a tenant (at most 256 characters, none of / \\ # ? or control characters).`,
      { target: tenantHeader },
    );
  }
  if (!tenantAllowed(auth, tenantId)) {
    throw new ForbiddenError(`The tenant named in ${tenantHeader} is not served here.`);
  }
  return {
    tenantId: canonicalTenant(auth, tenantId),
    userId: appId,
    roles: [...new Set<Role>([...known, 'Admin'])],
    app: { appId, homeTenantId: claims.tid },
  };
}

/** 403 unless the principal holds one of the roles. */
export function requireRole(principal: Principal, allowed: readonly Role[]): void {
  if (!principal.roles.some((role) => allowed.includes(role))) {
    throw new ForbiddenError(`This action requires one of the roles: ${allowed.join(', ')}.`);
  }
}
