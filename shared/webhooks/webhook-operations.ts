import { createdResponse } from '../http/collection';
import { idPagedListOperation } from '../http/id-page-query';
import { defineOperation } from '../http/operation';
import { uuidParam } from '../http/route-params';
import { WebhookCreateSchema, WebhookSchema, type WebhookCreate } from './webhook-schemas';
import type { WebhookService } from './webhook-service';

function webhookId(params: Record<string, string>): string {
  return uuidParam(params, 'id', 'Webhook');
}

export function webhookOperations(service: () => WebhookService) {
  return [
    defineOperation<WebhookCreate>({
      name: 'webhooks-create',
      method: 'POST',
      route: 'webhooks',
      summary: 'Register a webhook: CloudEvents of runs and connections, signed with its secret',
      roles: ['Admin'],
      body: WebhookCreateSchema,
      response: WebhookSchema,
      successStatus: 201,
      otherErrors: { '409': 'The tenant has the most webhooks allowed' },
      handle: async ({ principal, body, request }) =>
        createdResponse(request, await service().create(principal, body)),
    }),
    idPagedListOperation({
      name: 'webhooks-list',
      route: 'webhooks',
      summary: "The tenant's webhooks, in id order, paged with top and $skipToken",
      roles: ['Admin'],
      item: WebhookSchema,
      page: (principal, top, afterId) => service().page(principal, top, afterId),
    }),
    defineOperation({
      name: 'webhooks-get',
      method: 'GET',
      route: 'webhooks/{id}',
      summary: 'Get one webhook with its latest delivery',
      roles: ['Admin'],
      response: WebhookSchema,
      successStatus: 200,
      handle: async ({ principal, params }) => ({
        jsonBody: await service().get(principal, webhookId(params)),
      }),
    }),
    defineOperation({
      name: 'webhooks-delete',
      method: 'DELETE',
      route: 'webhooks/{id}',
      summary: 'Delete a webhook and its secret; queued deliveries to it are dropped',
      roles: ['Admin'],
      successStatus: 204,
      handle: async ({ principal, params }) => {
        await service().delete(principal, webhookId(params));
        return { status: 204 };
      },
    }),
  ];
}
