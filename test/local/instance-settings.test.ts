import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { instanceCount, localInstanceId } from '../../local/host-instances';
import { readHostConfig } from '../../local/host/host-config';
import { hostIdFor } from '../../local/host/listener-lock';

describe('LOCAL_INSTANCES', () => {
  it('is one host unless set', () => {
    expect(instanceCount({})).toBe(1);
    expect(instanceCount({ LOCAL_INSTANCES: '' })).toBe(1);
  });

  it('takes a whole number from 1 to 16', () => {
    expect(instanceCount({ LOCAL_INSTANCES: '1' })).toBe(1);
    expect(instanceCount({ LOCAL_INSTANCES: ' 3 ' })).toBe(3);
    expect(instanceCount({ LOCAL_INSTANCES: '16' })).toBe(16);
  });

  it.each(['0', '17', '2.5', '-1', 'three', '1e1', '0x2'])(
    'refuses "%s", naming the setting',
    (value) => {
      expect(() => instanceCount({ LOCAL_INSTANCES: value })).toThrow(
        `Setting LOCAL_INSTANCES must be a whole number from 1 to 16, not "${value}"`,
      );
    },
  );

  it('gives each host an instance id of its own', () => {
    expect([1, 2, 3].map(localInstanceId)).toEqual(['local-1', 'local-2', 'local-3']);
  });
});

describe('the host id the locks are kept under', () => {
  it('is the site name as the real host makes it: lower case, 32 characters, no trailing dash', () => {
    expect(hostIdFor({ WEBSITE_SITE_NAME: 'Iterable-Segment-Export-Local' })).toBe(
      'iterable-segment-export-local',
    );
    expect(hostIdFor({ WEBSITE_SITE_NAME: 'a-very-long-function-app-name-th-at-goes-on' })).toBe(
      'a-very-long-function-app-name-th',
    );
    expect(hostIdFor({ WEBSITE_SITE_NAME: 'a-very-long-function-app-name-t-x' })).toBe(
      'a-very-long-function-app-name-t',
    );
  });

  it('is AzureFunctionsWebHost__hostid when set', () => {
    expect(hostIdFor({ WEBSITE_SITE_NAME: 'site', AzureFunctionsWebHost__hostid: 'Other' })).toBe(
      'other',
    );
  });
});

describe('host.json singleton', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'singleton-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const read = (json: unknown, env: Record<string, string> = {}) => {
    writeFileSync(path.join(dir, 'host.json'), JSON.stringify(json));
    return readHostConfig(dir, env).singleton;
  };

  it('has the real host defaults: a one-minute lease, retried every minute', () => {
    expect(read({ version: '2.0' })).toEqual({
      listenerLockPeriodMs: 60_000,
      listenerLockRecoveryPollingIntervalMs: 60_000,
    });
  });

  it('reads host.json and AzureFunctionsJobHost__singleton__ settings', () => {
    const json = { version: '2.0', singleton: { listenerLockPeriod: '00:00:20' } };
    expect(
      read(json, {
        AzureFunctionsJobHost__singleton__listenerLockRecoveryPollingInterval: '00:00:02',
      }),
    ).toEqual({ listenerLockPeriodMs: 20_000, listenerLockRecoveryPollingIntervalMs: 2000 });
  });

  it('refuses a lease a blob cannot have', () => {
    expect(() => read({ version: '2.0', singleton: { listenerLockPeriod: '00:00:10' } })).toThrow(
      /singleton.listenerLockPeriod: must be between 00:00:15 and 00:01:00/,
    );
    expect(() => read({ version: '2.0', singleton: { listenerLockPeriod: '00:02:00' } })).toThrow(
      /listenerLockPeriod/,
    );
  });
});
