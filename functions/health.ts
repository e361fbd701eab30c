import { app } from '@azure/functions';
import { getAppClients } from '../shared/clients/app-clients';
import { checkHealth, healthResponse } from '../shared/health/health-service';

app.http('health', {
  methods: ['GET'],
  route: 'health',
  authLevel: 'anonymous',
  handler: async () => {
    const clients = getAppClients();
    return healthResponse(await checkHealth(clients, clients.settings.appVersion));
  },
});
