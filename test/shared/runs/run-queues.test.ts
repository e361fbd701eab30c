import type { QueueClient } from '@azure/storage-queue';
import { runQueueFor, runQueuesOf } from '../../../shared/runs/run-queues';
import type { Run } from '../../../shared/runs/run-schemas';

describe('runQueueFor', () => {
  const queues = {
    scheduled: { name: 'export-runs' } as QueueClient,
    onDemand: { name: 'export-runs-on-demand' } as QueueClient,
  };
  const queueOf = (run: Pick<Run, 'trigger'>, action?: 'release') =>
    runQueueFor(queues, run, action).name;

  it('queues a run requested on demand apart from scheduled and refresh runs', () => {
    expect(queueOf({ trigger: 'manual' })).toBe('export-runs-on-demand');
    expect(queueOf({ trigger: 'schedule' })).toBe('export-runs');
    expect(queueOf({ trigger: 'refresh' })).toBe('export-runs');
  });

  it('sends an Admin’s release on the on-demand queue, whatever started the run', () => {
    expect(queueOf({ trigger: 'schedule' }, 'release')).toBe('export-runs-on-demand');
    expect(queueOf({ trigger: 'manual' }, 'release')).toBe('export-runs-on-demand');
  });

  it('takes the queue names from the storage layout', () => {
    const named = runQueuesOf({ getQueueClient: (name: string) => ({ name }) as QueueClient });
    expect([named.scheduled.name, named.onDemand.name]).toEqual([
      'export-runs',
      'export-runs-on-demand',
    ]);
  });
});
