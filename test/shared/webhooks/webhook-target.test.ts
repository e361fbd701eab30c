import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkTarget, createDeliveryAgent } from '../../../shared/webhooks/webhook-target';

describe('webhook targets', () => {
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    server = http.createServer((_request, response) => response.writeHead(204).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses at connect time a host that resolves to loopback, whatever it resolved to before', async () => {
    const agent = createDeliveryAgent({ allowLocalTargets: false });
    const attempt = agent.request({
      origin: `http://localhost:${port}`,
      path: '/',
      method: 'POST',
    });
    await expect(attempt).rejects.toMatchObject({
      message: expect.stringMatching(/refused address|loopback/) as string,
    });
    await agent.close();
  });

  it('connects to the same host when local targets are allowed', async () => {
    const agent = createDeliveryAgent({ allowLocalTargets: true });
    const response = await agent.request({
      origin: `http://localhost:${port}`,
      path: '/',
      method: 'POST',
    });
    expect(response.statusCode).toBe(204);
    await response.body.dump();
    await agent.close();
  });

  it('refuses at registration a host that resolves to loopback, and http', async () => {
    const policy = { allowLocalTargets: false };
    await expect(checkTarget(new URL('https://localhost/'), policy)).rejects.toThrow(/loopback/);
    await expect(checkTarget(new URL('http://93.184.215.14/'), policy)).rejects.toThrow(/https/);
    await expect(checkTarget(new URL('https://93.184.215.14/'), policy)).resolves.toBeUndefined();
  });
});
