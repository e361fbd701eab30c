import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HostWatch } from '../../bench/host-watch';
import { writeSection } from '../../bench/large-run';
import { folderBytes } from '../../bench/resource-sampler';

describe('what the large benchmarks read from the hosts', () => {
  const id = '0b6c1a5e-1f7e-4c59-9d7a-2f3b7c1d9e01';

  it('keeps the longest invocation of each function and what is still running', () => {
    const watch = new HostWatch();
    watch.line(`[2026-12-06T10:00:00.000Z] Executing 'Functions.plan-run-on-demand' (Id=${id})`, 2);
    expect(watch.running(/^plan/)).toEqual([expect.objectContaining({ host: 2 })]);
    watch.line(
      `[2026-12-06T10:00:09.000Z] Executed 'Functions.plan-run-on-demand' (Succeeded, Id=${id}, Duration=8912ms)`,
      2,
    );
    watch.line(
      "[2026-12-06T10:00:09.100Z] Executed 'Functions.send-batch' (Failed, Id=a-1, Duration=120ms, Error=boom)",
      1,
    );
    watch.line(
      "[2026-12-06T10:00:09.200Z] Executed 'Functions.send-batch' (Succeeded, Id=a-2, Duration=80ms)",
      1,
    );
    expect(watch.running(/^plan/)).toEqual([]);
    expect(watch.longest.get('plan-run-on-demand')).toEqual({
      ms: 8912,
      outcome: 'Succeeded',
      host: 2,
    });
    expect(watch.longest.get('send-batch')).toEqual({ ms: 120, outcome: 'Failed', host: 1 });
    expect(watch.invocations.get('send-batch')).toBe(2);
  });

  it('reads the plan steps and the largest heap from the app lines, and nothing else', () => {
    const watch = new HostWatch();
    const appLine = (fields: object) =>
      `[2026-12-06T10:00:00.000Z] ${JSON.stringify({ time: 'x', level: 'info', ...fields })}`;
    watch.line(appLine({ message: 'Plan step finished', step: 1, steps: 4, heapUsedMB: 97 }), 1);
    watch.line(appLine({ message: 'Plan step finished', step: 2, steps: 4, heapUsedMB: '143' }), 1);
    watch.line(appLine({ message: 'Run planned', heapUsedMB: 150 }), 1);
    watch.line(appLine({ message: 'Run finished', heapUsedMB: 999 }), 1);
    watch.line('Plan step finished, said someone in plain text', 1);
    expect(watch.steps.map((step) => [step.step, step.steps, step.heapUsedMB])).toEqual([
      [1, 4, 97],
      [2, 4, 143],
    ]);
    expect(watch.planned).toEqual([150]);
    expect(watch.maxHeapUsedMB).toBe(150);
    watch.reset();
    expect(watch.maxHeapUsedMB).toBeUndefined();
  });
});

describe('the report section and the folder size', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'large-bench-helpers-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('replaces its own section and keeps every other one', () => {
    const file = path.join(folder, 'benchmarks.md');
    writeFileSync(
      file,
      '# Benchmarks\n\nIntro.\n\n## Mine\n\nold\n\n### Sub\n\nold too\n\n## Other\n\nkept\n',
    );
    writeSection(file, '## Mine\n\nnew\n');
    expect(readFileSync(file, 'utf8')).toBe(
      '# Benchmarks\n\nIntro.\n\n## Mine\n\nnew\n\n## Other\n\nkept\n',
    );
    writeSection(file, '## Last\n\nadded\n');
    expect(readFileSync(file, 'utf8')).toBe(
      '# Benchmarks\n\nIntro.\n\n## Mine\n\nnew\n\n## Other\n\nkept\n\n## Last\n\nadded\n',
    );
    writeSection(file, '## Last\n\nagain\n');
    expect(readFileSync(file, 'utf8')).toMatch(/## Other\n\nkept\n\n## Last\n\nagain\n$/);
  });

  it('counts every file under a folder', () => {
    writeFileSync(path.join(folder, 'a.txt'), 'x'.repeat(1000));
    mkdirSync(path.join(folder, 'inner'));
    writeFileSync(path.join(folder, 'inner', 'b.txt'), 'y'.repeat(24));
    expect(folderBytes(folder)).toBe(1024);
    expect(folderBytes(path.join(folder, 'gone'))).toBe(0);
  });
});
