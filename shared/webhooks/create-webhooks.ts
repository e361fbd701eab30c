import type { AuditTrail } from '../audit/audit-trail';
import type { AppClients } from '../clients/app-clients';
import { ExportStore } from '../exports/export-store';
import { processLog } from '../process-log';
import { queueNames, tableNames } from '../storage-layout';
import type { DeliveryDeps } from './webhook-delivery';
import { WebhookEmitter } from './webhook-emitter';
import type { FanOutDeps } from './webhook-fan-out';
import { WebhookSecrets } from './webhook-secrets';
import { WebhookService } from './webhook-service';
import { WebhookStore } from './webhook-store';
import { createDeliveryAgent } from './webhook-target';

/** Everything webhooks need in this process: the API's service, the emitter, the two workers. */
export interface Webhooks {
  service: WebhookService;
  emitter: WebhookEmitter;
  fanOut: FanOutDeps;
  delivery: DeliveryDeps;
}

export function createWebhooks(clients: AppClients, audit: AuditTrail): Webhooks {
  const store = new WebhookStore(clients.table(tableNames.webhooks));
  const secrets = new WebhookSecrets(clients.secrets);
  const policy = { allowLocalTargets: clients.settings.webhooksAllowLocalTargets };
  const exports = new ExportStore(clients.table(tableNames.exports));
  const deliveries = clients.queues.getQueueClient(queueNames.webhookDeliveries);
  return {
    service: new WebhookService({ store, secrets, audit, policy, log: processLog }),
    emitter: new WebhookEmitter({
      queue: clients.queues.getQueueClient(queueNames.webhookEvents),
      store,
      connectionOf: async (tenantId, exportId) =>
        (await exports.get(tenantId, exportId))?.connectionId,
      log: processLog,
    }),
    fanOut: { store, queue: deliveries, log: processLog },
    delivery: {
      store,
      secrets,
      queue: deliveries,
      agent: createDeliveryAgent(policy),
      policy,
      log: processLog,
    },
  };
}
