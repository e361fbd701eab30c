import { defineOperation } from '../http/operation';
import {
  TenantScheduleInputSchema,
  TenantScheduleSchema,
  TenantScheduleViewSchema,
  type ScheduleService,
  type TenantScheduleInput,
} from './schedule-service';

export function scheduleOperations(service: () => ScheduleService) {
  return [
    defineOperation({
      name: 'schedule-get',
      method: 'GET',
      route: 'schedule',
      summary:
        "The tenant's refresh schedule (404 until one is set), and whether the platform reports refreshes",
      roles: ['Admin', 'Contributor', 'Viewer'],
      response: TenantScheduleViewSchema,
      otherErrors: { '404': 'No refresh schedule is set' },
      successStatus: 200,
      handle: async ({ principal }) => ({ jsonBody: await service().get(principal) }),
    }),
    defineOperation<TenantScheduleInput>({
      name: 'schedule-put',
      method: 'PUT',
      route: 'schedule',
      summary: "Set the tenant's refresh schedule: {cron, timeZone}",
      roles: ['Admin'],
      body: TenantScheduleInputSchema,
      response: TenantScheduleSchema,
      successStatus: 200,
      handle: async ({ principal, body }) => ({ jsonBody: await service().put(principal, body) }),
    }),
  ];
}
