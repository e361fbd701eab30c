import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HostLog } from '../../../local/host/host-log';
import type * as WorkerChannelModule from '../../../local/host/worker-channel';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
// The built module, which forks the built worker beside it.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a compiled file, loaded at run time
const { WorkerChannel } = require(
  path.join(repoRoot, 'dist', 'local', 'host', 'worker-channel.js'),
) as typeof WorkerChannelModule;

const entry = path.join(repoRoot, 'dist', 'test', 'local', 'host', 'apps', 'crash-app.js');
const failure = /Language Worker Process exited|The worker process could not start/;

/**
 * Runs workers that each exit soon after starting, with the clock at `failureTimes[n]` (ms after
 * the first) when the host sees failure n, until the failures are fatal. Resolves with how many
 * failures that took; rejects if there are more than `failureTimes`.
 */
async function failuresUntilFatal(failureTimes: number[]): Promise<number> {
  const start = Date.now();
  let failures = 0;
  // The host logs each failure before it counts it, so the count reads that failure's time.
  jest.spyOn(Date, 'now').mockImplementation(() => start + (failureTimes[failures - 1] ?? 0));
  const quiet = () => undefined;
  let fatal!: (error: Error) => void;
  let tooMany!: (error: Error) => void;
  const isFatal = new Promise<Error>((resolve, reject) => {
    fatal = resolve;
    tooMany = reject;
  });
  const log: HostLog = {
    info: quiet,
    warn: quiet,
    fromApp: quiet,
    error: (message) => {
      if (!failure.test(message)) return;
      failures += 1;
      if (failures > failureTimes.length)
        tooMany(new Error(`Not fatal after ${failures} failures`));
    },
  };
  const channel = await WorkerChannel.start({
    scriptRoot: mkdtempSync(path.join(os.tmpdir(), 'worker-window-')),
    entry,
    env: { ...process.env, WORKER_EXIT_AFTER_MS: '300' },
    log,
    onFatal: fatal,
  });
  try {
    const error = await isFatal;
    expect(error.message).toBe(
      'Exceeded language worker restart retry count (3 failures within a minute)',
    );
    return failures;
  } finally {
    await channel.terminate();
  }
}

describe('local host: worker failures over time', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is fatal at the third failure within a minute', async () => {
    expect(await failuresUntilFatal([0, 1_000, 2_000])).toBe(3);
  });

  it('forgets failures more than a minute old', async () => {
    // At the third failure the first is 62 s old: only two count, until the fourth.
    expect(await failuresUntilFatal([0, 61_000, 62_000, 63_000])).toBe(4);
  });
});
