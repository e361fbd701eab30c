import { readMessage } from '../../../shared/app/message-reader';
import { batchMessageFormat, batchMessageText } from '../../../shared/pipeline/pipeline-messages';
import { runMessageFormat, runMessageText } from '../../../shared/runs/run-schemas';
import { NewerSchemaVersionError } from '../../../shared/schema-version';

const ids = {
  tenantId: 'tenant-1',
  exportId: '0b7c6a1e-6f0e-4f57-9a43-2d6c8f1d7a10',
  runId: '019a1b2c-3d4e-7f60-8a9b-0c1d2e3f4a5b',
};

/** Messages exactly as the release before versioned formats wrote them: no schemaVersion. */
const previousRunMessage = { ...ids, action: 'release' as const, attempt: 2 };
const previousBatchMessage = {
  ...ids,
  batch: 3,
  kind: 'subscribe' as const,
  segment: 'Newsletter',
  listId: 42,
  listCreatedAt: 1_700_000_000_000,
  size: 2,
  changes: 'au',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  attempt: 0,
};

function decoded(text: string): unknown {
  return JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
}

function recordingLog() {
  const lines: { level: string; message: string; properties?: Record<string, unknown> }[] = [];
  return {
    lines,
    warn: (message: string, properties?: Record<string, unknown>) =>
      lines.push({ level: 'warn', message, properties }),
    error: (message: string, properties?: Record<string, unknown>) =>
      lines.push({ level: 'error', message, properties }),
  };
}

describe('queue message formats', () => {
  it('are written with their schemaVersion, base64 as the host reads them', () => {
    expect(decoded(runMessageText(ids))).toEqual({ ...ids, schemaVersion: 1 });
    expect(decoded(batchMessageText({ ...previousBatchMessage, attempt: 1 }))).toEqual({
      ...previousBatchMessage,
      attempt: 1,
      schemaVersion: 1,
    });
  });

  it('read a message of the previous release (no schemaVersion) as version 1', () => {
    expect(runMessageFormat.parse(previousRunMessage)).toEqual(previousRunMessage);
    expect(batchMessageFormat.parse(previousBatchMessage)).toEqual(previousBatchMessage);
    // A batch message from before `attempt` was written takes its default.
    const { attempt: _attempt, ...withoutAttempt } = previousBatchMessage;
    expect(batchMessageFormat.parse(withoutAttempt).attempt).toBe(0);
  });

  it('read back what the current release writes', () => {
    const run = runMessageFormat.parse(decoded(runMessageText(previousRunMessage)));
    expect(run).toEqual(previousRunMessage);
  });
});

describe('a queue trigger reading a message', () => {
  it('takes a previous-format message, upgraded, without a word', () => {
    const log = recordingLog();
    expect(readMessage(batchMessageFormat, previousBatchMessage, 'export-batches', log)).toEqual(
      previousBatchMessage,
    );
    expect(log.lines).toEqual([]);
  });

  it('fails the invocation on a newer-version message, so the host retries it', () => {
    const log = recordingLog();
    const newer = { ...previousBatchMessage, schemaVersion: 2, priority: 'high' };
    expect(() => readMessage(batchMessageFormat, newer, 'export-batches', log)).toThrow(
      NewerSchemaVersionError,
    );
    expect(() => readMessage(runMessageFormat, { ...ids, schemaVersion: 5 }, 'q', log)).toThrow(
      'export-runs message has schemaVersion 5, written by a newer release; this release reads up to version 1.',
    );
    // Not dropped as "not valid": a warning that it was left for the newer release.
    expect(log.lines.map((line) => [line.level, line.message])).toEqual([
      ['warn', 'Left a message of a newer release on the queue'],
      ['warn', 'Left a message of a newer release on the queue'],
    ]);
    expect(log.lines[0]?.properties).toEqual({
      queue: 'export-batches',
      schemaVersion: 2,
      knownSchemaVersion: 1,
    });
  });

  it('drops a message that is not valid in any version, which no retry could cure', () => {
    const log = recordingLog();
    expect(readMessage(runMessageFormat, { ...ids, runId: 'nope' }, 'export-runs', log)).toBe(
      undefined,
    );
    expect(readMessage(runMessageFormat, 'text', 'export-runs', log)).toBe(undefined);
    expect(log.lines.map((line) => [line.level, line.message])).toEqual([
      ['error', 'Dropped a message that is not valid'],
      ['error', 'Dropped a message that is not valid'],
    ]);
  });
});
