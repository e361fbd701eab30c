import { getAppServices } from './app-services';
import { auditOperations } from '../audit/audit-operations';
import { getAppClients } from '../clients/app-clients';
import { connectionOperations } from '../connections/connection-operations';
import { exportOperations } from '../exports/export-operations';
import { healthOperation } from '../health/health-operation';
import type { Operation } from '../http/operation';
import { openApiOperation } from '../openapi/openapi-operation';
import { readRejections } from '../pipeline/run-rejections';
import { refreshOperations } from '../refreshes/refresh-operations';
import { runOperations } from '../runs/run-operations';
import { scheduleOperations } from '../schedule/schedule-operations';
import { segmentOperations } from '../segments/segment-operations';
import { webhookOperations } from '../webhooks/webhook-operations';

/** Every HTTP operation, by resource; functions/ registers them and the OpenAPI document lists them. */
export const operationsByResource = {
  health: [healthOperation(() => getAppClients())],
  connections: connectionOperations(() => getAppServices().connections),
  audit: auditOperations(() => getAppServices().audit),
  segments: segmentOperations(() => getAppServices().segments),
  exports: exportOperations(() => getAppServices().exports),
  runs: runOperations(
    () => getAppServices().exports,
    () => getAppServices().runs,
    (tenantId, runId, window) =>
      readRejections(getAppServices().pipeline.work, tenantId, runId, window),
  ),
  schedule: scheduleOperations(() => getAppServices().schedule),
  webhooks: webhookOperations(() => getAppServices().webhooks.service),
  refreshes: refreshOperations(() => getAppServices().refreshes),
  openapi: [
    openApiOperation(
      () => allOperations(),
      () => getAppClients().settings.appVersion,
    ),
  ],
} satisfies Record<string, Operation<unknown>[]>;

export function allOperations(): Operation<unknown>[] {
  return Object.values(operationsByResource).flat();
}
