import { startDevIssuer, type DevIssuer } from '../../../local/dev-issuer';
import { createTokenVerifier } from '../../../shared/http/auth';
import type { AppError } from '../../../shared/errors';
import type { IssuerKeyTiming } from '../../../shared/http/issuer-keys';
import { startJwksFront, type JwksFront } from '../../support/jwks-front';
import { resignWithForeignKey, startBadTokenMinter } from '../../support/token-variants';

const timing: IssuerKeyTiming = {
  refreshMs: 10 * 60_000,
  staleForMs: 60 * 60_000,
  retryAfterMs: 0,
  timeoutMs: 300,
};

describe('createTokenVerifier when the token issuer fails', () => {
  let issuer: DevIssuer;
  let front: JwksFront;

  beforeAll(async () => {
    issuer = await startDevIssuer();
  });
  beforeEach(async () => {
    front = await startJwksFront(issuer.jwksUrl);
  });
  afterEach(() => front.close());
  afterAll(() => issuer.close());

  function verifierFor(keyTiming = timing) {
    return createTokenVerifier(
      {
        issuer: issuer.issuer,
        audience: issuer.audience,
        jwksUrl: front.url,
        allowedTenants: undefined,
        platformAppIds: [],
      },
      keyTiming,
    );
  }

  async function refusal(promise: Promise<unknown>): Promise<AppError> {
    try {
      await promise;
    } catch (error) {
      return error as AppError;
    }
    throw new Error('The token was accepted');
  }

  it.each(['status500', 'malformed', 'notKeySet', 'hang'] as const)(
    'answers 503 with Retry-After, not 401, when the key set answer is %s and none is cached',
    async (mode) => {
      front.mode = mode;
      const error = await refusal(verifierFor()(`Bearer ${await issuer.mint()}`));
      expect(error).toMatchObject({
        status: 503,
        code: 'TokenIssuerUnavailable',
        options: { target: 'tokenIssuer', retryAfterSeconds: 0 },
      });
      expect(front.requests).toBeGreaterThan(0);
    },
  );

  it('answers 503 when the issuer is down and nothing is cached', async () => {
    await front.down();
    const error = await refusal(verifierFor()(`Bearer ${await issuer.mint()}`));
    expect(error.status).toBe(503);
  });

  it('verifies with the last key set fetched once it is due for refresh and the issuer is down', async () => {
    const verify = verifierFor({ ...timing, refreshMs: 1 });
    await expect(verify(`Bearer ${await issuer.mint()}`)).resolves.toMatchObject({
      roles: ['Admin'],
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (const mode of ['status500', 'malformed', 'hang'] as const) {
      front.mode = mode;
      const before = front.requests;
      await expect(
        verify(`Bearer ${await issuer.mint({ roles: ['Viewer'] })}`),
      ).resolves.toMatchObject({ roles: ['Viewer'] });
      expect(front.requests).toBeGreaterThan(before);
    }
  });

  it('still refuses a bad token with 401 while it verifies from the last key set', async () => {
    const verify = verifierFor({ ...timing, refreshMs: 1 });
    await verify(`Bearer ${await issuer.mint()}`);
    await front.down();
    const expired = await refusal(verify(`Bearer ${await issuer.mint({ expiresIn: -3600 })}`));
    expect(expired).toMatchObject({ status: 401, message: 'The token has expired.' });
    const forged = await refusal(verify(`Bearer ${resignWithForeignKey(await issuer.mint())}`));
    expect(forged).toMatchObject({ status: 401, message: 'The token signature is not valid.' });
  });

  it('answers 503 for a key the last key set lacks: only the issuer knows whether it rotated', async () => {
    const verify = verifierFor({ ...timing, refreshMs: 1 });
    await verify(`Bearer ${await issuer.mint()}`);
    await front.down();
    const minter = await startBadTokenMinter(issuer);
    try {
      const token = await minter.mint('unknown signing key', {});
      expect((await refusal(verify(`Bearer ${token}`))).status).toBe(503);
    } finally {
      await minter.close();
    }
  });

  it('stops using the last key set once it is older than staleForMs', async () => {
    const verify = verifierFor({ ...timing, refreshMs: 1, staleForMs: 20 });
    await verify(`Bearer ${await issuer.mint()}`);
    await front.down();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect((await refusal(verify(`Bearer ${await issuer.mint()}`))).status).toBe(503);
  });

  it('asks the issuer again only after retryAfterMs', async () => {
    front.mode = 'status500';
    const verify = verifierFor({ ...timing, retryAfterMs: 60_000 });
    const first = await refusal(verify(`Bearer ${await issuer.mint()}`));
    expect(first.options.retryAfterSeconds).toBe(60);
    const asked = front.requests;
    front.mode = 'ok';
    expect((await refusal(verify(`Bearer ${await issuer.mint()}`))).status).toBe(503);
    expect(front.requests).toBe(asked);
  });
});
