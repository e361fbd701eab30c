import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { inSpan, startTelemetry, stopTelemetry } from '../../../shared/telemetry';
import { newTenant, ScheduleWorld } from '../../support/schedule-world';

/** The trace of the timer's invocation, as the Functions host hands it over. */
const traceId = '0af7651916cd43dd8448eb211c80319c';
const hostTraceparent = `00-${traceId}-b7ad6b7169203331-01`;

/**
 * Telemetry on, in this test file's own module registry: the exporter points at a port where
 * nothing listens (what it fails to send waits in a temporary folder of this test's), so only the
 * trace context the runs carry is looked at.
 */
describe('a scheduled run with telemetry on', () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'scheduled-trace-'));
  const quieted = {
    TMPDIR: folder,
    APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
    // The Azure SDK's warnings (a deprecated option inside the exporter) are not this test's.
    AZURE_LOG_LEVEL: 'error',
  };
  const before = { ...process.env };
  let world: ScheduleWorld;

  beforeAll(() => {
    Object.assign(process.env, quieted);
    startTelemetry({
      connectionString: `InstrumentationKey=${randomUUID()};IngestionEndpoint=http://127.0.0.1:9/`,
    });
  });
  beforeEach(async () => {
    world = await new ScheduleWorld().create();
  });
  afterEach(async () => {
    expect(world.errors).toEqual([]);
    await world.delete();
  });
  afterAll(async () => {
    await stopTelemetry().catch(() => undefined);
    for (const name of Object.keys(quieted)) {
      const value = before[name];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(folder, { recursive: true, force: true });
  });

  it("carries the timer pass's trace in its first message", async () => {
    const tenant = newTenant();
    const connection = await world.addConnection(tenant);
    const exportId = await world.addExport(tenant, connection, {
      mode: 'custom',
      cron: '30 * * * *',
      timeZone: 'UTC',
    });
    world.now = new Date('2025-05-01T00:31:00Z');
    await inSpan('refresh timer', { traceparent: hostTraceparent, attributes: {} }, () =>
      world.fire(),
    );
    const [run] = await world.history(tenant, exportId);
    const messages = await world.queuedMessages();
    expect(messages).toEqual([
      {
        tenantId: tenant,
        exportId,
        runId: run?.id,
        // The pass's own span, under the host's trace: the planner continues this trace.
        traceparent: expect.stringMatching(
          new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`),
        ) as unknown,
        schemaVersion: 1,
      },
    ]);
  });
});
