import { DefaultAzureCredential } from '@azure/identity';
import { createExportApi, ExportApiError, listAll, waitForRun } from './index';

/** The README's example, type-checked with the client (npm run lint) so it cannot go stale. */
export async function runFirstExport(baseUrl: string, tenantId: string, scope: string) {
  const credential = new DefaultAzureCredential();
  const api = createExportApi({
    baseUrl, // https://<your app>.azurewebsites.net
    token: async () => (await credential.getToken(scope)).token,
    tenantId, // with the platform's app-only token: the tenant it acts for
  });

  const exports = await listAll(api, '/api/exports', { query: { top: 100 } });
  const first = exports[0];
  if (!first) return undefined;
  const started = await api.POST('/api/exports/{id}/runs', {
    params: { path: { id: first.id } },
    body: { mode: 'full' },
  });
  if (!started.data) throw ExportApiError.from(started.response, started.error);
  const run = await waitForRun(api, first.id, started.data.id, {
    onProgress: ({ status, percentComplete }) => console.log(`${status} ${percentComplete}%`),
  });
  // Ended, or 'awaitingConfirmation': held by the mass-removal guard until confirmed or cancelled.
  return run;
}
