import { startHostProcess, type HostProcess } from '../../support/host-process';

const entry = 'dist/test/local/host/apps/crash-app.js';

async function state(host: HostProcess): Promise<{ calls: number; pid: number }> {
  return (await (await fetch(`${host.url}/api/state`)).json()) as { calls: number; pid: number };
}

/** Has the worker process `pid` exit, and waits until the host reports it. */
async function failWorker(host: HostProcess, pid: number, how: 'exit' | 'throw'): Promise<void> {
  const response = await fetch(`${host.url}/api/${how === 'exit' ? 'exit/7' : 'throw'}`);
  expect(response.status).toBe(500);
  const code = how === 'exit' ? 7 : 1;
  await host.waitForOutput(
    new RegExp(`Language Worker Process exited\\. Pid=${pid}\\. exit code ${code}`),
  );
}

function exitCode(host: HostProcess, timeoutMs: number): Promise<number | null> {
  const { child } = host;
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The host still runs after ${timeoutMs} ms:\n${host.output()}`)),
      timeoutMs,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

function count(text: string, pattern: RegExp): number {
  return text.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
}

const listening = /Host listening on/;
const exited = /Language Worker Process exited\./;

describe('local host: a worker process that exits on its own', () => {
  it('is restarted once, and the host keeps serving on the same port', async () => {
    const host = await startHostProcess({ entry });
    try {
      await state(host);
      const before = await state(host);
      expect(before.calls).toBe(2);
      await failWorker(host, before.pid, 'throw');

      // A new worker behind the same URL: module state starts again.
      const after = await state(host);
      expect(after.calls).toBe(1);
      expect(after.pid).not.toBe(before.pid);
      expect(host.child.exitCode).toBeNull();
      expect(count(host.output(), listening)).toBe(1);
      expect(host.output()).not.toMatch(/Exceeded language worker restart retry count/);
    } finally {
      await host.stop();
    }
  });

  it('stops the host with exit code 1 at the third failure within a minute', async () => {
    const host = await startHostProcess({ entry });
    try {
      let { pid } = await state(host);
      await failWorker(host, pid, 'exit');
      ({ pid } = await state(host));
      await failWorker(host, pid, 'throw');
      // Two failures: the host still serves, on a third worker.
      const third = await state(host);
      expect(third).toMatchObject({ calls: 1 });
      expect(host.child.exitCode).toBeNull();

      await failWorker(host, third.pid, 'exit');
      expect(await exitCode(host, 20_000)).toBe(1);
      const output = host.output();
      expect(output).toContain(
        'The host is stopping: Exceeded language worker restart retry count (3 failures within a minute)',
      );
      // No fourth worker was started.
      expect(count(output, exited)).toBe(3);
      expect(output).not.toMatch(/could not start/);
    } finally {
      await host.stop();
    }
  });
});
