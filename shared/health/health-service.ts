import type { AppClients } from '../clients/app-clients';
import { containerNames, queueNames, tableNames } from '../storage-layout';
import { statusCodeOf } from '../clients/azure-errors';

export type DependencyName = 'storage' | 'keyVault';

export interface DependencyHealth {
  status: 'healthy' | 'unhealthy';
  /** What failed, in words safe to show anyone: never an address, key or raw error. */
  reason?: string;
}

export interface HealthReport {
  status: 'healthy' | 'unhealthy';
  version: string;
  checks: Record<DependencyName, DependencyHealth>;
}

/** A health probe must answer quickly even when a dependency hangs. */
const checkTimeoutMs = 3000;

/**
 * Checks that the app can reach what it needs with the access it has: storage (a queue, a table
 * and a container, read only) and Key Vault (reading a secret that need not exist: "not found"
 * proves the vault answered and the identity may read).
 */
export async function checkHealth(
  clients: Pick<AppClients, 'queues' | 'tables' | 'blobs' | 'secrets'>,
  version: string,
): Promise<HealthReport> {
  const [storage, keyVault] = await Promise.all([
    probe('storage', async (abortSignal) => {
      await clients.queues.getQueueClient(queueNames.exportRuns).exists({ abortSignal });
      await clients.blobs.getContainerClient(containerNames.batches).exists({ abortSignal });
      const tables = clients.tables.listTables({
        queryOptions: { filter: `TableName eq '${tableNames.runs}'` },
        abortSignal,
      });
      await tables.byPage({ maxPageSize: 1 }).next();
    }),
    probe('Key Vault', async (abortSignal) => {
      try {
        await clients.secrets.getSecret('health-probe', { abortSignal });
      } catch (error) {
        if (statusCodeOf(error) !== 404) throw error;
      }
    }),
  ]);
  const healthy = storage.status === 'healthy' && keyVault.status === 'healthy';
  return { status: healthy ? 'healthy' : 'unhealthy', version, checks: { storage, keyVault } };
}

async function probe(
  name: string,
  check: (abortSignal: AbortSignal) => Promise<void>,
): Promise<DependencyHealth> {
  try {
    await check(AbortSignal.timeout(checkTimeoutMs));
    return { status: 'healthy' };
  } catch (error) {
    const statusCode = statusCodeOf(error);
    const reason =
      statusCode === 401 || statusCode === 403
        ? `${name} refused the app's identity (HTTP ${statusCode})`
        : statusCode
          ? `${name} answered HTTP ${statusCode}`
          : `${name} is unreachable`;
    return { status: 'unhealthy', reason };
  }
}

/** 200 when every dependency is healthy; otherwise 503 with an error that names the failing parts. */
export function healthResponse(report: HealthReport): {
  status: number;
  headers: Record<string, string>;
  jsonBody: unknown;
} {
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (report.status === 'healthy') return { status: 200, headers, jsonBody: report };
  const failing = Object.entries(report.checks).filter(([, check]) => check.status !== 'healthy');
  const message = failing.map(([, check]) => check.reason).join('; ');
  headers['x-ms-error-code'] = 'DependencyUnavailable';
  return {
    status: 503,
    headers,
    jsonBody: {
      ...report,
      error: {
        code: 'DependencyUnavailable',
        message,
        details: failing.map(([name, check]) => ({
          code: 'DependencyUnavailable',
          target: name,
          message: check.reason,
        })),
      },
    },
  };
}
