import { RunConsole } from '../../local/run-console';

const runId = '0193a1b2-c3d4-7e5f-8a9b-0123456789ab';
const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ level: 'info', runId, tenantId: 't', exportId: 'e', ...fields });

describe('RunConsole (what npm start prints)', () => {
  it('shows a run as planned, progress every few seconds with profiles/s, and finished', () => {
    let now = 0;
    const console = new RunConsole(() => now);
    const shown: string[] = [];
    const feed = (text: string) => shown.push(...console.format(text));

    feed(line({ message: 'Run planning started', mode: 'delta', dryRun: false }));
    feed(
      line({
        message: 'Run planned',
        batchCount: 10,
        counts: { total: 10_000, added: 10_000, updated: 0, removed: 0, rejected: 3 },
      }),
    );
    for (let batch = 0; batch < 10; batch++) {
      now += 1000;
      feed(line({ message: 'Batch done', batch, succeeded: 1000 }));
      feed(
        line({ message: 'Iterable request', endpoint: 'POST /api/lists/subscribe', status: 200 }),
      );
      feed(
        "[2026-11-29T10:00:00.000Z] Executed 'Functions.send-batch' (Succeeded, Id=x, Duration=5ms)",
      );
    }
    feed(
      line({
        message: 'Run finished',
        status: 'partiallySucceeded',
        durationMs: 10_000,
        profilesPerSecond: 1000,
        counts: { total: 10_000, added: 10_000, updated: 0, removed: 0, rejected: 3, failed: 0 },
      }),
    );

    expect(shown[0]).toBe('run 0193a1b2…89ab planning (delta)');
    expect(shown[1]).toBe(
      'run 0193a1b2…89ab planned: 10,000 members, 10,000 to add, 0 to update, 0 to remove, 3 rejected; 10 batches',
    );
    // One progress line per three seconds, not one per batch; no Iterable or host noise.
    const progress = shown.filter((text) => text.includes('profiles sent'));
    expect(progress).toEqual([
      'run 0193a1b2…89ab 3,000 profiles sent (30%), 1,000 profiles/s',
      'run 0193a1b2…89ab 6,000 profiles sent (60%), 1,000 profiles/s',
      'run 0193a1b2…89ab 9,000 profiles sent (90%), 1,000 profiles/s',
    ]);
    expect(shown.at(-1)).toBe(
      'run 0193a1b2…89ab partiallySucceeded in 10.0 s (1,000 profiles/s): 10,000 added, 0 updated, 0 removed, 3 rejected, 0 failed',
    );
    expect(shown).toHaveLength(6);
  });

  it('keeps failures, requests and lines it does not know', () => {
    const console = new RunConsole(() => 0);
    expect(
      console.format(
        line({
          message: 'Iterable request',
          endpoint: 'POST /api/lists/subscribe',
          status: 503,
          attempt: 2,
        }),
      ),
    ).toEqual(['run 0193a1b2…89ab Iterable POST /api/lists/subscribe answered 503 (attempt 2)']);
    expect(
      console.format(
        JSON.stringify({
          level: 'info',
          message: 'Request',
          method: 'POST',
          route: 'exports/{id}/runs',
          status: 202,
          durationMs: 12,
        }),
      ),
    ).toEqual(['POST /api/exports/{id}/runs → 202 (12 ms)']);
    expect(
      console.format(line({ level: 'error', message: 'A batch failed', reason: 'x' })),
    ).toEqual(['run 0193a1b2…89ab error: A batch failed {"reason":"x"}']);
    expect(console.format('Host listening on http://127.0.0.1:7071')).toEqual([
      'Host listening on http://127.0.0.1:7071',
    ]);
  });
});
