import { z } from 'zod';
import type { AppClients } from '../clients/app-clients';
import { ErrorResponseSchema } from '../http/collection';
import { defineOperation } from '../http/operation';
import { checkHealth, healthResponse } from './health-service';

const DependencyHealthSchema = z.object({
  status: z.enum(['healthy', 'unhealthy']),
  reason: z.string().optional(),
});

export const HealthReportSchema = z
  .object({
    status: z.enum(['healthy', 'unhealthy']),
    version: z.string(),
    checks: z.object({ storage: DependencyHealthSchema, keyVault: DependencyHealthSchema }),
  })
  .meta({ id: 'HealthReport' });

/** The 503 of an unhealthy app: the report, and an error that names the failing parts. */
const UnhealthyReportSchema = HealthReportSchema.extend({
  error: ErrorResponseSchema.shape.error,
}).meta({ id: 'UnhealthyReport' });

export function healthOperation(clients: () => AppClients) {
  return defineOperation({
    name: 'health',
    method: 'GET',
    route: 'health',
    summary: 'Version and reachability of storage and Key Vault (503 names the failing part)',
    roles: [],
    response: HealthReportSchema,
    successStatus: 200,
    otherResponses: {
      '503': {
        description: 'A dependency is unreachable',
        schema: UnhealthyReportSchema,
        errorCode: 'DependencyUnavailable',
      },
    },
    handle: async () => {
      const app = clients();
      return healthResponse(await checkHealth(app, app.settings.appVersion));
    },
  });
}
