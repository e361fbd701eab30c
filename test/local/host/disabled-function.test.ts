import { startHostProcess } from '../../support/host-process';
import { uniqueQueueName } from '../../support/queues';

describe('local host: AzureWebJobs.<name>.Disabled', () => {
  it('does not run a function disabled by its app setting, and runs the others', async () => {
    const host = await startHostProcess({
      entry: 'dist/test/local/host/apps/http-app.js',
      env: {
        AUDIT_QUEUE: uniqueQueueName('audit'),
        ROUTE_SETTING: 'x',
        'AzureWebJobs.item.Disabled': 'true',
      },
    });
    try {
      expect((await fetch(`${host.url}/api/items/1`)).status).toBe(404);
      expect((await fetch(`${host.url}/api/items/search`)).status).toBe(200);
      expect(host.output()).toContain("Function 'item' is disabled");
    } finally {
      await host.stop();
    }
  });
});
