import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatTimeSpan, parseTimeSpan, readHostConfig } from '../../../local/host/host-config';
import { decodeMessage, encodeMessage } from '../../../local/host/queue-encoding';
import { resolveSettingExpressions } from '../../../local/host/app-settings';

/** Folders written by the tests, removed after each. */
const written: string[] = [];
afterEach(() => {
  for (const dir of written.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function writeHostJson(content: unknown): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'host-config-'));
  written.push(dir);
  writeFileSync(path.join(dir, 'host.json'), JSON.stringify(content));
  return dir;
}

describe('readHostConfig', () => {
  it('applies the real host defaults when host.json sets nothing', () => {
    const config = readHostConfig(writeHostJson({ version: '2.0' }));
    expect(config.routePrefix).toBe('api');
    expect(config.queues).toMatchObject({
      batchSize: 16,
      newBatchThreshold: 8 * os.cpus().length,
      visibilityTimeoutMs: 0,
      maxDequeueCount: 5,
      messageEncoding: 'base64',
    });
  });

  it('reads the route prefix and queue options', () => {
    const config = readHostConfig(
      writeHostJson({
        version: '2.0',
        extensions: {
          http: { routePrefix: '' },
          queues: {
            batchSize: 4,
            newBatchThreshold: 2,
            visibilityTimeout: '00:00:30',
            maxDequeueCount: 3,
            messageEncoding: 'none',
          },
        },
      }),
    );
    expect(config.routePrefix).toBe('');
    expect(config.queues).toMatchObject({
      batchSize: 4,
      newBatchThreshold: 2,
      visibilityTimeoutMs: 30_000,
      maxDequeueCount: 3,
      messageEncoding: 'none',
    });
  });

  it('takes AzureFunctionsJobHost__ settings over host.json, as Azure does', () => {
    const config = readHostConfig(
      writeHostJson({ version: '2.0', extensions: { queues: { maxDequeueCount: 5 } } }),
      {
        AzureFunctionsJobHost__extensions__queues__maxDequeueCount: '2',
        AZUREFUNCTIONSJOBHOST__EXTENSIONS__QUEUES__VISIBILITYTIMEOUT: '00:00:01',
        AzureFunctionsJobHost__extensions__http__routePrefix: 'v1',
        OTHER_SETTING: 'ignored',
      },
    );
    expect(config.routePrefix).toBe('v1');
    expect(config.queues).toMatchObject({ maxDequeueCount: 2, visibilityTimeoutMs: 1000 });
    expect(() =>
      readHostConfig(writeHostJson({ version: '2.0' }), {
        AzureFunctionsJobHost__extensions__queues__batchSize: '99',
      }),
    ).toThrow(/batchSize/);
  });

  it('names the bad field of an invalid host.json', () => {
    expect(() =>
      readHostConfig(writeHostJson({ version: '2.0', extensions: { queues: { batchSize: 64 } } })),
    ).toThrow(/extensions\.queues\.batchSize/);
    expect(() =>
      readHostConfig(
        writeHostJson({ version: '2.0', extensions: { queues: { visibilityTimeout: '30s' } } }),
      ),
    ).toThrow(/not a TimeSpan/);
  });
});

describe('parseTimeSpan', () => {
  it.each([
    ['00:00:30', 30_000],
    ['00:00:00.500', 500],
    ['1.02:00:00', 26 * 3600_000],
  ])('reads %s', (text, ms) => expect(parseTimeSpan(text)).toBe(ms));
});

describe('queue message encoding', () => {
  it('round-trips UTF-8 text through base64 and refuses text that is not base64', () => {
    expect(decodeMessage(encodeMessage('{"naïve":"😀"}', 'base64'), 'base64')).toBe(
      '{"naïve":"😀"}',
    );
    expect(decodeMessage('not base64!', 'base64')).toBeUndefined();
    expect(decodeMessage('plain', 'none')).toBe('plain');
  });
});

describe('resolveSettingExpressions', () => {
  it('replaces %NAME% with the setting and names a missing one', () => {
    expect(resolveSettingExpressions('%Q%-poison', { Q: 'runs' }, 'here')).toBe('runs-poison');
    expect(() => resolveSettingExpressions('%MISSING%', {}, 'Function "f"')).toThrow(
      'Function "f": app setting "MISSING" (from "%MISSING%") is not set',
    );
  });
});

describe('functionTimeout', () => {
  it('is Flex Consumption’s 30 minutes when host.json sets none', () => {
    expect(readHostConfig(writeHostJson({ version: '2.0' })).functionTimeoutMs).toBe(30 * 60_000);
  });

  it('reads a TimeSpan, takes -1 as no limit, and has no maximum on Flex', () => {
    const read = (functionTimeout: unknown, env: Record<string, string> = {}) =>
      readHostConfig(writeHostJson({ version: '2.0', functionTimeout }), env).functionTimeoutMs;
    expect(read('00:10:00')).toBe(600_000);
    expect(read('-1')).toBeNull();
    // Above the Consumption plan's 10-minute cap, which Flex does not have.
    expect(read('2.00:00:00')).toBe(48 * 3600_000);
    expect(read('00:10:00', { AzureFunctionsJobHost__functionTimeout: '00:00:05' })).toBe(5000);
    // An app setting of -1 arrives as a number.
    expect(read('00:10:00', { AZUREFUNCTIONSJOBHOST__FUNCTIONTIMEOUT: '-1' })).toBeNull();
  });

  it.each([
    ['10 minutes', /"10 minutes" is not a TimeSpan/],
    ['00:60:00', /"00:60:00" is not a TimeSpan/],
    [600, /"600" is not a TimeSpan/],
    ['00:00:00.999', /shorter than the least the host accepts, 00:00:01/],
  ])('refuses %p, naming the setting', (functionTimeout, message) => {
    const read = () => readHostConfig(writeHostJson({ version: '2.0', functionTimeout }));
    expect(read).toThrow(/^host\.json: functionTimeout: /);
    expect(read).toThrow(message);
  });
});

describe('formatTimeSpan', () => {
  it.each([
    [5000, '00:00:05'],
    [30 * 60_000, '00:30:00'],
    [26 * 3600_000, '1.02:00:00'],
    [1500, '00:00:01.5000000'],
  ])('writes %d ms as .NET does: %s', (ms, text) => expect(formatTimeSpan(ms)).toBe(text));
});
