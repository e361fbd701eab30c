import { appPackageRoot } from './app-package';
import { startHostProcess, type HostProcess } from './host-process';

/**
 * The packaged app on the local host for what anyone may read (the reference page, the OpenAPI
 * document): no token issuer, Key Vault or Iterable is reachable, and none is asked.
 */
export function startPublicHost(): Promise<HostProcess> {
  return startHostProcess({
    scriptRoot: appPackageRoot(),
    env: {
      AUTH_ISSUER: 'http://127.0.0.1:9',
      AUTH_AUDIENCE: 'api://test',
      AUTH_JWKS_URL: 'http://127.0.0.1:9/keys',
      KEY_VAULT_URL: 'http://127.0.0.1:9',
    },
  });
}
