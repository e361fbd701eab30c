import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import type { HostLog } from '../../local/host/host-log';
import { hostsContainer, ListenerLock } from '../../local/host/listener-lock';

const quiet: HostLog = { info: () => {}, warn: () => {}, error: () => {}, fromApp: () => {} };
const options = { listenerLockPeriodMs: 15_000, listenerLockRecoveryPollingIntervalMs: 300 };

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('Timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a timer listener lock (blob lease)', () => {
  const blobs = BlobServiceClient.fromConnectionString(process.env.AzureWebJobsStorage ?? '');
  const locks: ListenerLock[] = [];
  afterEach(async () => {
    await Promise.all(locks.splice(0).map((lock) => lock.stop()));
  });

  function lock(hostId: string, acquired: string[], name: string) {
    const made = new ListenerLock(blobs, hostId, 'tick', options, quiet, () => acquired.push(name));
    locks.push(made);
    return made;
  }

  it('is held by one instance at a time, on the blob the real host uses', async () => {
    const hostId = `host-${randomBytes(4).toString('hex')}`;
    const acquired: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((name) => lock(hostId, acquired, name)) as [
      ListenerLock,
      ListenerLock,
      ListenerLock,
    ];
    [a, b, c].forEach((one) => one.start());
    await until(() => acquired.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // several polls of the others
    expect(acquired).toHaveLength(1);
    expect([a, b, c].filter((one) => one.held)).toHaveLength(1);
    const properties = await blobs
      .getContainerClient(hostsContainer)
      .getBlobClient(`locks/${hostId}/Host.Functions.tick.Listener`)
      .getProperties();
    expect(properties.leaseState).toBe('leased');
  });

  it('passes to another instance when the holder stops', async () => {
    const hostId = `host-${randomBytes(4).toString('hex')}`;
    const acquired: string[] = [];
    const first = lock(hostId, acquired, 'first');
    first.start();
    await until(() => first.held);
    const second = lock(hostId, acquired, 'second');
    second.start();
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(second.held).toBe(false);
    await first.stop();
    await until(() => second.held);
    expect(acquired).toEqual(['first', 'second']);
  });

  it('is taken over once the lease of a holder that died without releasing it runs out', async () => {
    const hostId = `host-${randomBytes(4).toString('hex')}`;
    const acquired: string[] = [];
    // The dead holder: its lease was taken and never renewed nor released.
    const first = lock(hostId, acquired, 'first');
    first.start();
    await until(() => first.held);
    const blob = blobs
      .getContainerClient(hostsContainer)
      .getBlobClient(`locks/${hostId}/Host.Functions.tick.Listener`);
    await blob.getBlobLeaseClient().breakLease(0);
    await blob.getBlobLeaseClient().acquireLease(15);
    const diedAt = Date.now();
    await first.stop(); // out of the race; its release fails, the lease is no longer its own
    const survivor = lock(hostId, acquired, 'survivor');
    survivor.start();
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(survivor.held).toBe(false);
    await until(() => survivor.held, 20_000);
    expect(Date.now() - diedAt).toBeGreaterThanOrEqual(14_000);
    expect(acquired).toEqual(['first', 'survivor']);
  }, 30_000);

  it('keeps apart apps with different host ids', async () => {
    const acquired: string[] = [];
    const one = lock(`host-${randomBytes(4).toString('hex')}`, acquired, 'one');
    const other = lock(`host-${randomBytes(4).toString('hex')}`, acquired, 'other');
    one.start();
    other.start();
    await until(() => one.held && other.held);
  });
});
