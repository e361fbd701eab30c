import { randomBytes } from 'node:crypto';
import { startAppStack, type AppStack } from '../support/app-stack';

const tenant = `webhooks-validation-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };
const secret = randomBytes(16).toString('hex');
/** A public address literal: allowed without DNS, never called (nothing runs here). */
const publicUrl = 'https://93.184.215.14/hooks';

describe('webhooks: what registration refuses (WEBHOOKS_ALLOW_LOCAL_TARGETS off)', () => {
  let stack: AppStack;

  beforeAll(async () => {
    stack = await startAppStack();
  }, 120_000);
  afterAll(() => stack?.stop());

  async function register(body: Record<string, unknown>, as: Record<string, unknown> = admin) {
    const response = await stack.call('POST', 'webhooks', { as, body });
    return { status: response.status, body: response.json(), text: response.text };
  }

  it.each([
    ['plain http', 'http://93.184.215.14/hooks', /https/],
    ['a private IPv4 literal', 'https://10.0.0.5/hooks', /private/],
    ['the cloud metadata address', 'https://169.254.169.254/latest', /link-local/],
    ['an IPv4-mapped IPv6 loopback', 'https://[::ffff:127.0.0.1]/hooks', /loopback/],
    ['an IPv6 unique-local literal', 'https://[fd00::1]/hooks', /unique local/],
    ['a CGNAT address', 'https://100.64.1.1/hooks', /carrier-grade NAT/],
    ['a host that resolves to loopback', 'https://localhost/hooks', /loopback/],
    ['a user and password', 'https://user:pass@93.184.215.14/hooks', /user or password/],
  ])('refuses %s with 400 naming url', async (_what, url, reason) => {
    const response = await register({ url, secret });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: 'InvalidRequest', target: 'url' } });
    expect(String((response.body.error as { message: string }).message)).toMatch(reason);
    expect(response.text).not.toContain(secret);
  });

  it.each([
    ['too short', 'short-secret'],
    ['too long', 'x'.repeat(257)],
    ['holding spaces', 'a secret with spaces in it'],
  ])('refuses a secret %s, without repeating it', async (_what, bad) => {
    const response = await register({ url: publicUrl, secret: bad });
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/secret/);
    expect(response.text).not.toContain(bad);
  });

  it('refuses unknown events, an empty event list and unknown fields', async () => {
    for (const body of [
      { url: publicUrl, secret, events: ['com.example.unknown'] },
      { url: publicUrl, secret, events: [] },
      { url: publicUrl, secret, headers: { authorization: 'x' } },
      { url: 'not a url', secret },
    ]) {
      expect((await register(body)).status).toBe(400);
    }
  });

  it('lets only Admins register', async () => {
    for (const role of ['Viewer', 'Contributor']) {
      expect(
        (await register({ url: publicUrl, secret }, { roles: [role], tid: tenant })).status,
      ).toBe(403);
    }
  });

  it('registers a public https target with all events, and refuses the 21st webhook naming the limit', async () => {
    const first = await register({ url: publicUrl, secret });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      url: publicUrl,
      secretHint: `…${secret.slice(-4)}`,
      events: [
        'com.iterable-segment-export.run.succeeded',
        'com.iterable-segment-export.run.partially-succeeded',
        'com.iterable-segment-export.run.failed',
        'com.iterable-segment-export.run.awaiting-confirmation',
        'com.iterable-segment-export.connection.key-rejected',
      ],
    });
    expect(first.text).not.toContain(secret);
    for (let index = 1; index < 20; index++) {
      expect((await register({ url: `${publicUrl}/${index}`, secret })).status).toBe(201);
    }
    const refused = await register({ url: `${publicUrl}/21`, secret });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { target: 'webhooks' } });
    expect(String((refused.body.error as { message: string }).message)).toMatch(/20 webhooks/);
  }, 60_000);
});
