import { startAppStack, type AppStack } from '../support/app-stack';
import { startJwksFront, type JwksFront } from '../support/jwks-front';

/**
 * The app with its token issuer's key set behind a front that fails on cue: an issuer outage is
 * the app's dependency failing (503, retry), never the caller's token being bad (401).
 */

const retryWindowMs = 5_000;

describe('token issuer outage', () => {
  let stack: AppStack;
  let front: JwksFront | undefined;

  beforeAll(async () => {
    stack = await startAppStack({
      jwksUrlFor: async (jwksUrl) => {
        front = await startJwksFront(jwksUrl);
        return front.url;
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await front?.close();
  });

  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('answers 503 with Retry-After while no key set was ever fetched, then serves from the keys once fetched, also with the issuer down', async () => {
    const issuerFront = front!;
    const token = await stack.token();
    await issuerFront.down();

    const refused = await stack.call('GET', 'connections', { token });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.headers.get('x-ms-error-code')).toBe('TokenIssuerUnavailable');
    expect(refused.headers.get('www-authenticate')).toBeNull();
    expect(refused.json()).toMatchObject({
      error: { code: 'TokenIssuerUnavailable', target: 'tokenIssuer' },
    });

    await issuerFront.up();
    issuerFront.mode = 'status500';
    await wait(retryWindowMs + 200);
    const failing = await stack.call('GET', 'connections', { token });
    expect(failing.status).toBe(503);
    expect(issuerFront.requests).toBe(1);

    issuerFront.mode = 'ok';
    await wait(retryWindowMs + 200);
    expect((await stack.call('GET', 'connections', { token })).status).toBe(200);

    await issuerFront.down();
    expect((await stack.call('GET', 'connections', { token })).status).toBe(200);
    const viewer = await stack.call('GET', 'exports', { as: { roles: ['Viewer'] } });
    expect(viewer.status).toBe(200);
    const expired = await stack.call('GET', 'connections', { as: { expiresIn: -3600 } });
    expect(expired.status).toBe(401);
    expect(expired.json()).toMatchObject({ error: { message: 'The token has expired.' } });
  });
});
