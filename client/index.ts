export { ExportApiError, type ApiErrorDetail } from './api-error';
export {
  clientApiVersion,
  createExportApi,
  type ExportApi,
  type ExportClientOptions,
} from './export-client';
export { listAll, pages, type CollectionPath, type ItemOf } from './paging';
export {
  goingStatuses,
  retryAfterMs,
  RunWaitTimeout,
  waitForRun,
  type Run,
  type RunStatus,
  type WaitForRunOptions,
} from './wait-for-run';
export type { components, paths } from './generated/api';
