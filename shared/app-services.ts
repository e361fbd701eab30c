import { AuditStore } from './audit/audit-store';
import { getAppClients, type AppClients } from './clients/app-clients';
import { iterableBaseUrl, verifyIterableApiKey } from './clients/iterable-key-check';
import { ConnectionSecrets } from './connections/connection-secrets';
import { ConnectionService } from './connections/connection-service';
import { ConnectionStore } from './connections/connection-store';
import { exportsUsingConnection } from './exports/export-references';
import { createTokenVerifier, type TokenVerifier } from './http/auth';
import { tableNames } from './storage-layout';

/** Long-lived services of this process, built on first use from the settings and clients. */
export interface AppServices {
  clients: AppClients;
  verifier: TokenVerifier;
  connections: ConnectionService;
  audit: AuditStore;
}

/** Logs that are not tied to one invocation; JSON lines, never a secret. */
export const processLog = {
  error(message: string, properties: Record<string, unknown> = {}): void {
    console.error(JSON.stringify({ level: 'error', message, ...properties }));
  },
};

export function createAppServices(clients: AppClients): AppServices {
  const table = (name: string) => clients.table(name);
  const { settings } = clients;
  const audit = new AuditStore(table(tableNames.audit));
  return {
    clients,
    verifier: createTokenVerifier(settings.auth),
    audit,
    connections: new ConnectionService({
      store: new ConnectionStore(table(tableNames.connections)),
      secrets: new ConnectionSecrets(clients.secrets),
      audit,
      exportsUsing: (tenantId, id) =>
        exportsUsingConnection(table(tableNames.exports), tenantId, id),
      verifyKey: (region, apiKey) =>
        verifyIterableApiKey(iterableBaseUrl(region, settings.iterableBaseUrl), apiKey),
      log: processLog,
    }),
  };
}

let services: AppServices | undefined;

export function getAppServices(): AppServices {
  services ??= createAppServices(getAppClients());
  return services;
}
