import type { AppError } from '../../../shared/errors';
import { principalFromClaims } from '../../../shared/http/token-principal';

const auth = { allowedTenants: ['tenant-a', 'Tenant-B'], platformAppIds: ['platform-app'] };
const appToken = { tid: 'platform-home', roles: ['Platform'], idtyp: 'app', azp: 'platform-app' };

function refusal(action: () => unknown): AppError {
  try {
    action();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('The claims were accepted');
}

describe('principalFromClaims', () => {
  it("reads a user's tenant, oid and known roles, and ignores x-tenant-id for a user", () => {
    expect(
      principalFromClaims(
        { tid: 'tenant-a', oid: 'user-1', roles: ['Viewer', 'Owner'], scp: 'access' },
        auth,
        'tenant-b',
      ),
    ).toEqual({ tenantId: 'tenant-a', userId: 'user-1', roles: ['Viewer'] });
  });

  it('gives an app-only Platform token the tenant of the header and the Admin role', () => {
    const principal = principalFromClaims(appToken, auth, 'tenant-a');
    expect(principal).toEqual({
      tenantId: 'tenant-a',
      userId: 'platform-app',
      roles: ['Platform', 'Admin'],
      app: { appId: 'platform-app', homeTenantId: 'platform-home' },
    });
    // v1.0 tokens name the app in appid, and may lack idtyp: no delegated scope means app-only.
    const { idtyp: _idtyp, azp: _azp, ...v1 } = appToken;
    expect(principalFromClaims({ ...v1, appid: 'platform-app' }, auth, 'tenant-a').app).toEqual(
      principal.app,
    );
  });

  it("spells the named tenant as users' tokens do: the allowed list's spelling, a GUID in lower case", () => {
    expect(principalFromClaims(appToken, auth, 'TENANT-b').tenantId).toBe('Tenant-B');
    const anyTenant = { ...auth, allowedTenants: '*' as const };
    const upper = '72F988BF-86F1-41AF-91AB-2D7CD011DB47';
    expect(principalFromClaims(appToken, anyTenant, upper).tenantId).toBe(upper.toLowerCase());
    expect(principalFromClaims(appToken, anyTenant, 'Platform-Customer-7').tenantId).toBe(
      'Platform-Customer-7',
    );
  });

  it('drops the Platform role from a token that is not app-only', () => {
    for (const claims of [
      { ...appToken, tid: 'tenant-a', idtyp: 'user', oid: 'user-1' },
      { ...appToken, tid: 'tenant-a', idtyp: undefined, scp: 'access', oid: 'user-1' },
    ]) {
      expect(principalFromClaims(claims, auth, 'Tenant-B')).toMatchObject({
        tenantId: 'tenant-a',
        roles: [],
      });
    }
  });

  it.each([
    ['no tenant header', appToken, undefined, 400, 'TenantRequired'],
    ['a blank tenant header', appToken, '  ', 400, 'TenantRequired'],
    ['a tenant header no key can hold', appToken, 'a/b', 400, 'InvalidTenant'],
    ['a tenant not served', appToken, 'tenant-z', 403, 'Forbidden'],
    ['an app not trusted', { ...appToken, azp: 'other-app' }, 'tenant-a', 403, 'Forbidden'],
    [
      'an app token naming no app',
      { ...appToken, azp: undefined },
      'tenant-a',
      401,
      'Unauthorized',
    ],
    [
      'a user token without oid',
      { tid: 'tenant-a', roles: ['Admin'] },
      undefined,
      401,
      'Unauthorized',
    ],
  ])('refuses %s', (_case, claims, header, status, code) => {
    expect(refusal(() => principalFromClaims(claims, auth, header))).toMatchObject({
      status,
      code,
    });
  });
});
